import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tocns.teams import services
from tocns.teams.choices import ApplicationStatus, MemberRole, TeamStatus
from tocns.teams.forms import DecisionForm

from ..factories import make_team
from .test_applications import submit

pytestmark = pytest.mark.django_db
SIGNED = datetime.date(2026, 10, 5)


def establish(team, number="45/QĐ-UBND", **extra):
    return services.team_establish(team=team, number=number, signed_on=SIGNED, signer_name="Ma Văn Tiến",
                                   signer_title="Chủ tịch UBND xã", **extra)


def test_a_proposed_team_is_established_by_a_decision(world):
    team = make_team(world, members=3, established=False)
    decision = establish(team, signed_file=SimpleUploadedFile("qd45.pdf", b"%PDF-1.4 signed", "application/pdf"))
    team.refresh_from_db()
    assert team.status == TeamStatus.ESTABLISHED and team.established_on == SIGNED
    assert decision.signed_file.name.endswith(".pdf")
    assert set(team.memberships.values_list("decision", flat=True)) == {decision.pk}
    with pytest.raises(ValidationError) as exc:
        establish(team, number="46/QĐ-UBND")
    assert exc.value.code == "not_proposed"


def test_the_same_decision_number_twice_in_a_year_is_refused(world):
    establish(make_team(world, world.village_a1, established=False))
    with pytest.raises(ValidationError) as exc:
        establish(make_team(world, world.village_a2, established=False))
    assert "đã được ghi" in exc.value.message_dict["number"][0]


def test_dissolving_ends_every_membership_and_answers_open_applications(world):
    team = make_team(world, members=3)
    application = submit(world, team)
    services.team_dissolve(team=team, number="60/QĐ-UBND", signed_on=SIGNED, signer_name="Ma Văn Tiến")
    team.refresh_from_db()
    assert team.status == TeamStatus.DISSOLVED and team.dissolved_on == SIGNED
    assert not team.memberships.active().exists() and team.memberships.count() == 3
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED and "giải thể" in application.answer
    with pytest.raises(ValidationError):
        services.membership_start(team=team, person=team.memberships.first().person, role=MemberRole.MEMBER)


def test_a_signed_file_must_be_pdf_or_image_under_10_mb():
    data = {"number": "45/QĐ-UBND", "signed_on": "05/10/2026", "signer_name": "Ma Văn Tiến",
            "signer_title": "Chủ tịch UBND xã"}
    form = DecisionForm(data, {"signed_file": SimpleUploadedFile("qd.exe", b"MZ", "application/octet-stream")})
    assert not form.is_valid() and "PDF, JPG hoặc PNG" in form.errors["signed_file"][0]


def test_a_decision_signed_in_the_future_is_refused():
    form = DecisionForm({"number": "45/QĐ-UBND", "signed_on": "05/10/2099", "signer_name": "Ma Văn Tiến",
                         "signer_title": "Chủ tịch UBND xã"})
    assert not form.is_valid() and "sau hôm nay" in form.errors["signed_on"][0]


def test_expected_holders_are_warnings_not_blocks(world):
    team = make_team(world, world.village_a1, members=2)
    warnings = services.expected_holder_warnings(team)
    assert any("trưởng thôn" in w.lower() for w in warnings)  # the leader is not recorded as village head
    assert any("chưa có tổ phó" in w.lower() for w in warnings)
    leader = team.memberships.active().get(role=MemberRole.LEADER).person
    leader.position = "village_head"
    leader.save()
    assert not any("trưởng thôn" in w.lower() for w in services.expected_holder_warnings(team))
