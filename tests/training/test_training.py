"""Courses planned by the province or a partner, teams invited, attendance taken on the
trainer's phone, and who has (and has never) been trained."""

import uuid

import pytest

from tocns.audit.models import AuditEntry
from tocns.teams.models import Membership
from tocns.training import services
from tocns.training.models import Attendance, Course, Invitation, Partner, Topic, TrainingSession

from ..factories import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def vnpt(world):
    partner = Partner.objects.create(name="VNPT Tuyên Quang", province=world.province)
    partner.users.add(world.partner)
    return partner


@pytest.fixture
def teams(world):
    return make_team(world, world.village_a1, members=3), make_team(world, world.village_b1, members=2)


def plan(world, *, by=None, partner=None, topic="dich-vu-cong", title="Dịch vụ công trực tuyến cho tổ"):
    course = services.course_create(by=by or world.province_admin, province=world.province, title=title,
                                    topic=Topic.objects.get(code=topic), partner=partner, description="",
                                    submission_key=uuid.uuid4())
    from django.utils import timezone

    session = services.session_add(by=by or world.province_admin, course=course, starts_at=timezone.now(),
                                   place="Hội trường UBND xã", online_link="", trainer_name="Nguyễn Văn An",
                                   submission_key=uuid.uuid4())
    return course, session


def test_province_admin_plans_a_course_adds_a_session_and_invites_a_commune(client, world, teams, vnpt):
    client.force_login(world.province_admin)
    form = {"title": "Thanh toán QR cho tổ", "topic": Topic.objects.get(code="thanh-toan-dien-tu").pk,
            "partner": vnpt.pk, "description": "", "submission_key": str(uuid.uuid4())}
    response = client.post("/tap-huan/moi/", form)
    client.post("/tap-huan/moi/", form)  # pressed twice on a slow connection
    course = Course.objects.get()
    assert response.url == f"/tap-huan/{course.pk}/" and course.partner == vnpt
    page = f"/tap-huan/{course.pk}/"
    client.post(page, {"action": "session", "session-day": "05/12/2026", "session-time": "08:00",
                       "session-place": "Nhà văn hóa xã Thượng Lâm", "session-trainer_name": "Trần Thị Bình",
                       "session-submission_key": str(uuid.uuid4())})
    session = TrainingSession.objects.get()
    assert session.starts_at.strftime("%d/%m/%Y %H:%M") in ("05/12/2026 01:00", "05/12/2026 08:00")
    text = client.post(page, {"action": "invite", "invite-communes": [world.commune_a.pk]},
                       follow=True).content.decode()
    assert "Đã mời thêm 3 thành viên." in text and "08:00 05/12/2026" in text
    assert set(Invitation.objects.values_list("person_id", flat=True)) == set(
        Membership.objects.filter(team=teams[0]).values_list("person_id", flat=True))


def test_a_session_needs_a_place_or_a_link_said_next_to_the_field(client, world):
    course, _session = plan(world)
    client.force_login(world.province_admin)
    page = client.post(f"/tap-huan/{course.pk}/", {
        "action": "session", "session-day": "05/12/2026", "session-time": "8h", "session-trainer_name": "An",
        "session-submission_key": str(uuid.uuid4())}).content.decode()
    assert "Hãy ghi địa điểm, hoặc đường dẫn nếu học trực tuyến." in page and course.sessions.count() == 1


def test_the_trainer_takes_attendance_and_a_resent_form_changes_nothing(client, world, teams, vnpt):
    course, session = plan(world, by=world.partner, partner=vnpt)
    services.invite_teams(by=world.partner, course=course, teams=[teams[0]])
    people = list(Invitation.objects.values_list("person_id", flat=True).order_by("person_id"))
    client.force_login(world.partner)
    page = client.get(f"/tap-huan/buoi/{session.pk}/diem-danh/").content.decode()
    assert page.count('name="present"') == 3
    for _attempt in range(2):
        response = client.post(f"/tap-huan/buoi/{session.pk}/diem-danh/", {"present": people[:2]}, follow=True)
    assert "Đã lưu điểm danh: 2 có mặt, 1 vắng." in response.content.decode()
    assert dict(Attendance.objects.values_list("person_id", "present")) == {
        people[0]: True, people[1]: True, people[2]: False}
    assert AuditEntry.objects.filter(action="course.attendance").count() == 1


def test_someone_not_invited_cannot_be_marked_present(client, world, teams):
    course, session = plan(world)
    services.invite_teams(by=world.province_admin, course=course, teams=[teams[0]])
    outsider = Membership.objects.filter(team=teams[1]).first().person_id
    client.force_login(world.province_admin)
    page = client.post(f"/tap-huan/buoi/{session.pk}/diem-danh/", {"present": [outsider]}).content.decode()
    assert "không nằm trong danh sách mời" in page and not Attendance.objects.exists()


def test_a_partner_sees_and_manages_only_its_own_courses(client, world, vnpt):
    viettel = Partner.objects.create(name="Viettel Tuyên Quang", province=world.province)
    other_user = make_user(full_name="Lê Văn Hải", role="partner", unit=world.province)
    viettel.users.add(other_user)
    theirs, their_session = plan(world, by=other_user, partner=viettel, title="Khóa của Viettel")
    ours, _session = plan(world, by=world.partner, partner=vnpt, title="Khóa của VNPT")
    client.force_login(world.partner)
    listing = client.get("/tap-huan/").content.decode()
    assert "Khóa của VNPT" in listing and "Khóa của Viettel" not in listing
    assert client.get(f"/tap-huan/{theirs.pk}/").status_code == 404
    assert client.get(f"/tap-huan/buoi/{their_session.pk}/diem-danh/").status_code == 404
    page = client.post("/tap-huan/moi/", {"title": "Mạo danh", "topic": Topic.objects.first().pk,
                                          "partner": viettel.pk, "submission_key": str(uuid.uuid4())})
    assert page.status_code == 200 and not Course.objects.filter(title="Mạo danh").exists()
    assert client.get(f"/tap-huan/{ours.pk}/").status_code == 200


def test_a_member_sees_what_they_have_been_trained_in(client, world, teams):
    course, session = plan(world, topic="vneid", title="VNeID mức 2")
    services.invite_teams(by=world.province_admin, course=course, teams=[teams[0]])
    person = Membership.objects.filter(team=teams[0]).first().person
    person.user = world.member_a1
    person.save(update_fields=["user"])
    services.attendance_save(by=world.province_admin, session=session, present={person.pk})
    client.force_login(world.member_a1)
    page = client.get("/tap-huan/cua-toi/").content.decode()
    assert "Định danh điện tử VNeID" in page and "VNeID mức 2" in page
    assert client.get(f"/tap-huan/{course.pk}/").status_code == 200  # invited: may read the course


def test_who_has_been_trained_matches_an_independent_count(client, world, teams):
    course, session = plan(world, topic="vneid")
    services.invite_teams(by=world.province_admin, course=course, teams=list(teams))
    trained = set(Membership.objects.filter(team=teams[0]).values_list("person_id", flat=True)[:2])
    services.attendance_save(by=world.province_admin, session=session, present=trained)
    client.force_login(world.province_admin)
    response = client.get("/tap-huan/thong-ke/")
    table = response.context["table"]
    vneid = [t.code for t in table["topics"]].index("vneid")
    rows = {row["commune"].code: row for row in table["rows"]}
    members_a = Membership.objects.active().filter(team__commune=world.commune_a).count()
    assert rows["02269"]["members"] == members_a == 3 and rows["02269"]["topics"][vneid] == 2
    assert rows["02269"]["never"] == members_a - 2 and rows["02212"]["never"] == 2
    client.force_login(world.officer_a)  # the commune office sees its own commune, and who to train next
    page = client.get("/tap-huan/thong-ke/")
    assert [row["commune"].code for row in page.context["table"]["rows"]] == ["02269"]
    never = {m.person_id for m in page.context["never"]}
    assert never == set(Membership.objects.filter(team=teams[0]).values_list("person_id", flat=True)) - trained


def test_a_commune_office_sees_only_its_own_invited_members(client, world, teams):
    course, _session = plan(world)
    services.invite_teams(by=world.province_admin, course=course, teams=list(teams))
    client.force_login(world.officer_b)
    page = client.get(f"/tap-huan/{course.pk}/")
    assert {i.commune_id for i in page.context["invitations"]} == {world.commune_b.pk}
    assert 'name="action" value="invite"' not in page.content.decode()
    assert client.post(f"/tap-huan/{course.pk}/", {"action": "invite",
                                                   "invite-communes": [world.commune_b.pk]}).status_code == 404


def test_the_commune_office_sees_a_members_trainings_another_commune_does_not(client, world, teams):
    course, session = plan(world, topic="so-suc-khoe", title="Sổ sức khỏe điện tử")
    services.invite_teams(by=world.province_admin, course=course, teams=[teams[0]])
    person = Membership.objects.filter(team=teams[0]).first().person
    services.attendance_save(by=world.province_admin, session=session, present={person.pk})
    client.force_login(world.officer_a)
    assert f"/tap-huan/thanh-vien/{person.pk}/" in client.get(f"/teams/people/{person.pk}/").content.decode()
    assert "Sổ sức khỏe điện tử" in client.get(f"/tap-huan/thanh-vien/{person.pk}/").content.decode()
    client.force_login(world.officer_b)
    assert client.get(f"/tap-huan/thanh-vien/{person.pk}/").status_code == 404


def test_the_province_admin_adds_a_partner_and_gives_it_an_account(client, world):
    client.force_login(world.province_admin)
    response = client.post("/tap-huan/doi-tac/", {"name": "  VNPost   Tuyên Quang "})
    client.post("/tap-huan/doi-tac/", {"name": "VNPost Tuyên Quang"})  # sent again
    partner = Partner.objects.get()
    assert partner.name == "VNPost Tuyên Quang" and response.url == f"/tap-huan/doi-tac/{partner.pk}/"
    page = client.get(f"/tap-huan/doi-tac/{partner.pk}/").content.decode()
    assert "Quan Văn Dũng" in page and "Giàng Seo Chứ" not in page  # only partner-role accounts
    client.post(f"/tap-huan/doi-tac/{partner.pk}/", {"users": [world.partner.pk]})
    assert list(partner.users.all()) == [world.partner]
    client.force_login(world.partner)
    assert client.get("/tap-huan/doi-tac/").status_code == 404


def test_the_province_adds_a_topic_once_and_courses_can_use_it(client, world):
    client.force_login(world.province_admin)
    for _attempt in range(2):
        client.post("/tap-huan/chu-de/", {"name": "Trí tuệ nhân tạo  cho người dân"})
    topic = Topic.objects.get(name="Trí tuệ nhân tạo cho người dân")
    assert topic.code == "tri-tue-nhan-tao-cho-nguoi-dan" and Topic.objects.filter(code=topic.code).count() == 1
    assert topic.name in client.get("/tap-huan/moi/").content.decode()
    client.force_login(world.partner)
    assert client.get("/tap-huan/chu-de/").status_code == 404


def test_one_team_is_found_without_diacritics_and_invited(client, world, teams):
    course, _session = plan(world)
    client.force_login(world.province_admin)
    page = client.get(f"/tap-huan/{course.pk}/", {"tim-to": "to dan pho so 1"})
    assert [t.pk for t in page.context["found_teams"]] == [teams[1].pk]
    client.post(f"/tap-huan/{course.pk}/", {"action": "invite_team", "team": teams[1].pk})
    client.post(f"/tap-huan/{course.pk}/", {"action": "invite_team", "team": teams[1].pk})  # sent again
    assert Invitation.objects.filter(course=course).count() == 2 and {
        i.team_id for i in Invitation.objects.all()} == {teams[1].pk}


def test_a_large_course_is_listed_and_ticked_commune_by_commune(client, world, teams, monkeypatch):
    from tocns.training import views

    monkeypatch.setattr(views, "BY_COMMUNE_ABOVE", 2)
    course, session = plan(world)
    services.invite_teams(by=world.province_admin, course=course, teams=list(teams))
    in_b = set(Membership.objects.filter(team=teams[1]).values_list("person_id", flat=True))
    services.attendance_save(by=world.province_admin, session=session, present=in_b)
    client.force_login(world.province_admin)
    detail = client.get(f"/tap-huan/{course.pk}/").content.decode()
    assert "Người được mời (5)" in detail and 'id="invited-communes"' in detail and 'id="invited"' not in detail
    page = client.get(f"/tap-huan/buoi/{session.pk}/diem-danh/").content.decode()
    assert "chọn xã, phường để điểm danh" in page and 'name="present"' not in page
    url = f"/tap-huan/buoi/{session.pk}/diem-danh/?xa={world.commune_a.code}"
    assert client.get(url).content.decode().count('name="present"') == 3
    a_first = Membership.objects.filter(team=teams[0]).order_by("pk").first().person_id
    client.post(url, {"present": [a_first]})
    present = set(Attendance.objects.filter(session=session, present=True).values_list("person_id", flat=True))
    assert present == in_b | {a_first}  # the other commune's marks are kept
