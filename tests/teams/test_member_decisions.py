"""The "kiện toàn" decision (plan III.2 ¶2): member changes after the establishment wait for a decision,
which is drafted in the official layout and closed by recording the signed scan."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from tocns.audit.models import AuditEntry
from tocns.teams import selectors, services
from tocns.teams.choices import DecisionKind, MemberRole
from tocns.teams.models import Decision, Membership

from ..factories import make_person, make_team

pytestmark = pytest.mark.django_db
SIGNED = datetime.date(2026, 10, 5)
LATER = datetime.date(2026, 10, 20)


def scan(name="qd-kien-toan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 signed", "application/pdf")


def established_team(world, members=4):
    """A village team established by a recorded decision on 05/10/2026."""
    team = make_team(world, world.village_a1, members=members, established=False)
    services.team_establish(team=team, number="45/QĐ-UBND", signed_on=SIGNED, signer_name="Ma Văn Tiến")
    team.refresh_from_db()
    return team


def with_changes(world):
    team = established_team(world)
    newcomer = make_person(world, full_name="Lò Thị Dung", workplace="Trường Tiểu học Thượng Lâm")
    joined = services.membership_start(team=team, person=newcomer, role=MemberRole.MEMBER, start_date=LATER)
    leaver = team.memberships.active().filter(role=MemberRole.MEMBER).order_by("id").first()
    services.membership_end(membership=leaver, end_date=LATER, reason="Chuyển công tác")
    return team, joined, leaver


def test_members_on_the_establishment_decision_are_no_change(world):
    team = established_team(world)
    assert not selectors.member_changes(team)
    assert not selectors.teams_awaiting_members_decision(world.officer_a).exists()


def test_joins_and_leaves_after_establishment_wait_for_a_decision(world):
    team, joined, leaver = with_changes(world)
    changes = selectors.member_changes(team)
    assert [m.pk for m in changes.joins] == [joined.pk] and [m.pk for m in changes.leaves] == [leaver.pk]
    assert list(selectors.teams_awaiting_members_decision(world.officer_a)) == [team]
    assert list(selectors.teams_awaiting_members_decision(world.chairman_a)) == [team]
    assert not selectors.teams_awaiting_members_decision(world.officer_b).exists()


def test_a_collaborator_joining_needs_no_decision(world):
    team = established_team(world)
    services.membership_start(team=team, person=make_person(world, full_name="Vàng Thị Dợ"),
                              role=MemberRole.COLLABORATOR, start_date=LATER)
    assert not selectors.member_changes(team)


def test_a_role_change_is_one_line_old_role_to_new(world):
    team = established_team(world)
    member = team.memberships.active().filter(role=MemberRole.MEMBER).first()
    services.membership_change_role(membership=member, role=MemberRole.DEPUTY, on=LATER)
    changes = selectors.member_changes(team)
    assert [(old.role, new.role) for old, new in changes.role_changes] == [(MemberRole.MEMBER, MemberRole.DEPUTY)]
    assert not changes.only_joins and not changes.only_leaves


def test_the_draft_lists_who_joins_and_who_leaves_in_the_official_layout(client, world):
    team, joined, leaver = with_changes(world)
    client.force_login(world.officer_a)
    response = client.get(reverse("teams:members_decision_draft", args=[team.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Về việc kiện toàn Tổ công nghệ số cộng đồng thôn Nà Khà, xã Thượng Lâm" in text
    assert "Căn cứ Quyết định số 45/QĐ-UBND ngày 05/10/2026" in text
    assert "Lò Thị Dung, thành viên" in text
    assert f"{leaver.person.full_name}, thành viên (lý do: Chuyển công tác)." in text
    annex = document.tables[-1]
    rows = [[cell.text for cell in row.cells] for row in annex.rows]
    assert rows[1][1] == "Lò Thị Dung" and rows[1][4] == "Bổ sung"
    assert rows[2][1] == leaver.person.full_name and rows[2][4] == "Thôi tham gia"
    section = document.sections[0]
    assert round(section.left_margin.cm) == 3 and document.styles["Normal"].font.name == "Times New Roman"
    assert AuditEntry.objects.filter(action="decision.draft", object_id=team.pk, is_read=True).exists()


def test_recording_the_signed_decision_closes_the_changes(client, world):
    team, joined, leaver = with_changes(world)
    client.force_login(world.officer_a)
    page = client.get(reverse("teams:detail", args=[team.pk])).content.decode()
    assert "Thay đổi thành viên chưa có quyết định kiện toàn" in page and "Lò Thị Dung" in page
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "Quyết định kiện toàn tổ Thôn Nà Khà" in home
    url = reverse("teams:members_decision", args=[team.pk])
    assert "Lò Thị Dung" in client.get(url).content.decode()
    response = client.post(url, {"join": [joined.pk], "leave": [leaver.pk], "number": "52/QĐ-UBND",
                                 "signed_on": "25/10/2026", "signer_name": "Ma Văn Tiến",
                                 "signer_title": "Chủ tịch UBND xã", "signed_file": scan()})
    assert response.status_code == 302
    decision = Decision.objects.get(number="52/QĐ-UBND")
    assert decision.kind == DecisionKind.MEMBERS and decision.signed_file.name.endswith(".pdf")
    joined.refresh_from_db()
    leaver.refresh_from_db()
    assert joined.decision == decision and leaver.end_decision == decision
    assert not selectors.member_changes(team)
    assert "Thay đổi thành viên chưa có" not in client.get(reverse("teams:detail", args=[team.pk])).content.decode()
    assert "Quyết định kiện toàn tổ" not in client.get(reverse("dashboard:home")).content.decode()
    entry = AuditEntry.objects.get(action="team.members_decision")
    assert entry.actor == world.officer_a and entry.data["joins"] == [joined.pk]


def test_without_the_signed_scan_nothing_is_recorded(client, world):
    team, joined, leaver = with_changes(world)
    client.force_login(world.chairman_a)
    data = {"join": [joined.pk], "leave": [leaver.pk], "number": "52/QĐ-UBND", "signed_on": "25/10/2026",
            "signer_name": "Ma Văn Tiến", "signer_title": "Chủ tịch UBND xã"}
    response = client.post(reverse("teams:members_decision", args=[team.pk]), data)
    assert response.status_code == 200 and "Hãy đính kèm bản đã ký" in response.content.decode()
    data["signed_file"] = SimpleUploadedFile("qd.exe", b"MZ", "application/octet-stream")
    response = client.post(reverse("teams:members_decision", args=[team.pk]), data)
    assert "Chỉ nhận tệp PDF, JPG hoặc PNG" in response.content.decode()
    assert not Decision.objects.filter(kind=DecisionKind.MEMBERS).exists()
    assert len(selectors.member_changes(team).joins) == 1


def test_a_change_made_after_the_page_was_opened_is_not_covered_silently(world):
    team, joined, leaver = with_changes(world)
    late = services.membership_start(team=team, person=make_person(world, full_name="Bàn Văn Tủa"),
                                     role=MemberRole.MEMBER, start_date=LATER)
    with pytest.raises(ValidationError) as exc:
        services.team_members_decision(team=team, joins=[joined.pk], leaves=[leaver.pk], number="52/QĐ-UBND",
                                       signed_on=LATER, signer_name="Ma Văn Tiến", signed_file=scan(),
                                       by=world.officer_a)
    assert exc.value.code == "changes_moved"
    assert not Decision.objects.filter(kind=DecisionKind.MEMBERS).exists()
    assert Membership.objects.get(pk=late.pk).decision is None


def test_a_later_change_waits_for_the_next_decision(world):
    team, joined, leaver = with_changes(world)
    services.team_members_decision(team=team, joins=[joined.pk], leaves=[leaver.pk], number="52/QĐ-UBND",
                                   signed_on=LATER, signer_name="Ma Văn Tiến", signed_file=scan(), by=world.officer_a)
    services.membership_end(membership=joined, end_date=datetime.date(2026, 11, 2), reason="Đi làm xa")
    changes = selectors.member_changes(team)
    assert [m.pk for m in changes.leaves] == [joined.pk] and not changes.joins


def test_another_communes_team_answers_404(client, world):
    team, _joined, _leaver = with_changes(world)
    client.force_login(world.officer_b)
    for name in ("teams:members_decision_draft", "teams:members_decision"):
        assert client.get(reverse(name, args=[team.pk])).status_code == 404, name
    client.force_login(world.member_a1)  # a member of the team does not draft decisions
    assert client.get(reverse("teams:members_decision", args=[team.pk])).status_code == 404
