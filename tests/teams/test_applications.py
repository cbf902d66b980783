import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tocns.audit.models import AuditEntry
from tocns.notify.models import Notification
from tocns.teams import selectors, services
from tocns.teams.choices import ApplicationStatus, MemberRole, TeamStatus
from tocns.teams.forms import PersonForm
from tocns.teams.models import Application, Membership, Person

from ..factories import make_person, make_team, person_data, run_outbox

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 10, 1)


def entry(world, **overrides):
    form = PersonForm(person_data(**overrides), commune=world.commune_a)
    assert form.is_valid(), form.errors
    return form.cleaned_data


def submit(world, team, *entries, key="k1", email=""):
    entries = entries or (entry(world),)
    return services.application_submit_join(
        team=team, entries=list(entries), contact_name=entries[0]["full_name"], contact_phone=entries[0]["phone"],
        contact_email=email, submission_key=key)


def test_village_head_approves_and_the_applicant_is_told_by_email(world):
    team = make_team(world, members=2)
    application = submit(world, team, email="dung@example.vn")
    services.application_approve(application=application, by=world.leader_a1, on=DAY)
    run_outbox()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.decided_by == world.leader_a1 and application.decided_at is not None
    member = team.memberships.active().get(person__phone="0987654321")
    assert member.role == MemberRole.MEMBER and member.start_date == DAY and member.created_by == world.leader_a1
    assert [m.subject for m in mail.outbox] == ["Đã nhận đơn đăng ký tham gia",
                                                "Đơn đăng ký tham gia đã được chấp thuận"]
    assert set(Notification.objects.filter(email="dung@example.vn").values_list("status", flat=True)) == {"sent"}
    assert AuditEntry.objects.filter(action="application.approved", object_id=application.pk).exists()


def test_the_right_approver_for_each_level(world):
    village_team = make_team(world, world.village_a1)
    commune_team = make_team(world, world.commune_a)
    assert selectors.can_decide(world.leader_a1, village_team)
    assert not selectors.can_decide(world.leader_a1, commune_team)
    assert selectors.can_decide(world.chairman_a, commune_team)
    assert not selectors.can_decide(world.chairman_a, village_team)  # the village head confirms (plan II.1.3)
    assert selectors.can_decide(world.province_admin, village_team)
    assert selectors.can_decide(world.province_admin, commune_team)
    assert not selectors.can_decide(world.officer_a, village_team)
    assert not selectors.can_decide(world.member_a1, village_team)


def test_pending_applications_are_counted_for_their_approver_only(world):
    village_team = make_team(world, world.village_a1)
    submit(world, village_team)
    assert selectors.applications_to_decide(world.leader_a1).count() == 1
    assert selectors.applications_to_decide(world.province_admin).count() == 1
    assert selectors.applications_to_decide(world.chairman_a).count() == 0
    assert selectors.applications_to_decide(world.officer_b).count() == 0


def test_approving_an_application_already_decided_writes_nothing(world):
    team = make_team(world, members=1)
    application = submit(world, team)
    services.application_reject(application=application, by=world.leader_a1, reason="Chưa đủ tuổi ở thôn")
    with pytest.raises(ValidationError) as exc:
        services.application_approve(application=application, by=world.province_admin)
    assert exc.value.code == "already_decided" and "đã được quyết định" in exc.value.messages[0]
    assert not Person.objects.filter(phone="0987654321").exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED and application.decided_by == world.leader_a1


def test_rejecting_needs_a_reason(world):
    application = submit(world, make_team(world))
    with pytest.raises(ValidationError) as exc:
        services.application_reject(application=application, by=world.leader_a1, reason="  ")
    assert "lý do" in exc.value.messages[0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_asking_for_more_information_then_the_reply_puts_it_back_in_the_queue(world):
    application = submit(world, make_team(world))
    services.application_request_info(application=application, by=world.leader_a1, question="Bạn ở xóm nào?")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INFO_REQUESTED
    assert Notification.objects.filter(subject__contains="bổ sung").count() == 1
    services.application_reply(application=application, reply="Xóm Nà Khà trên")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING and "Xóm Nà Khà trên" in application.message


def test_a_group_list_that_overflows_the_team_writes_nothing_unless_collaborators_are_chosen(world):
    team = make_team(world, members=4)  # village cap is 5
    group = [entry(world, full_name="Lò Thị Dung", phone="0987000001"),
             entry(world, full_name="Vàng Văn Sểnh", phone="0987000002"),
             entry(world, full_name="Sùng Thị Mỷ", phone="0987000003")]
    application = submit(world, team, *group)
    assert application.is_group and application.entries.count() == 3
    people_before = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.application_approve(application=application, by=world.leader_a1)
    assert exc.value.code == "team_full"
    assert Person.objects.count() == people_before and team.memberships.active().count() == 4
    services.application_approve(application=application, by=world.leader_a1, as_collaborators=True)
    roles = sorted(team.memberships.active().filter(person__phone__startswith="0987").values_list("role", flat=True))
    assert roles == [MemberRole.COLLABORATOR, MemberRole.COLLABORATOR, MemberRole.MEMBER]


def test_applying_to_a_dissolved_team_is_refused(world):
    team = make_team(world)
    team.status = TeamStatus.DISSOLVED
    team.save(update_fields=["status"])
    with pytest.raises(ValidationError) as exc:
        submit(world, team)
    assert exc.value.code == "team_dissolved" and "đã giải thể" in exc.value.messages[0]
    assert not Application.objects.exists()


def test_a_retried_submission_makes_one_application(world):
    team = make_team(world)
    first = submit(world, team, key="same-key")
    second = submit(world, team, key="same-key")
    assert first.pk == second.pk and Application.objects.count() == 1


def test_a_second_pending_application_for_the_same_phone_is_refused(world):
    team = make_team(world)
    submit(world, team, key="a")
    with pytest.raises(ValidationError) as exc:
        submit(world, team, key="b")
    assert "đang chờ duyệt" in exc.value.messages[0]


def test_a_known_phone_joins_as_the_same_person(world):
    commune_team = make_team(world, world.commune_a)
    known = make_person(world, full_name="Lò Thị Dung", phone="0987654321")
    services.membership_start(team=commune_team, person=known, role=MemberRole.MEMBER, start_date=DAY)
    village_team = make_team(world, world.village_a1)
    application = submit(world, village_team, entry(world, full_name="lo thi dung"))
    services.application_approve(application=application, by=world.leader_a1)
    assert Person.objects.filter(phone="0987654321").count() == 1
    assert Membership.objects.active().filter(person=known).count() == 2
    report = selectors.coverage(province=world.province)
    assert list(report.people_in_two_teams) == [known]


def test_a_known_phone_under_another_name_is_stopped(world):
    make_person(world, full_name="Hoàng Văn Páo", phone="0987654321")
    application = submit(world, make_team(world))
    with pytest.raises(ValidationError) as exc:
        services.application_approve(application=application, by=world.leader_a1)
    assert exc.value.code == "phone_mismatch" and "Hoàng Văn Páo" in exc.value.messages[0]


def test_an_approved_leave_request_ends_the_membership_and_keeps_it(world):
    team = make_team(world, members=3)
    membership = team.memberships.active().exclude(role=MemberRole.LEADER).first()
    application = services.application_submit_leave(membership=membership, message="Đi làm xa", submission_key="l1")
    with pytest.raises(ValidationError):
        services.application_submit_leave(membership=membership, submission_key="l2")
    services.application_approve(application=application, by=world.leader_a1, on=DAY)
    membership.refresh_from_db()
    assert membership.end_date == DAY and membership.end_reason == "Xin ra khỏi tổ"
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_applicants_phone_is_shown_to_who_decides_and_the_offices_not_to_every_member(client, world):
    team = make_team(world, members=2)
    application = submit(world, team, email="dung@example.vn")
    url = f"/teams/applications/{application.pk}/"
    for user, sees in ((world.leader_a1, True), (world.officer_a, True), (world.member_a1, False)):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200, user
        text = page.content.decode()
        assert ("0987654321" in text or "0987 654 321" in text) is sees, user
        assert ("dung@example.vn" in text) is sees, user
