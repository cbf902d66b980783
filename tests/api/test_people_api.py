"""Members, applications, citizen feedback and training through the API (issue #16): each answers
what the caller's pages show, another commune's object is 404, personal fields follow the pages'
rules and every read of them is audited."""

import datetime
import uuid

import pytest
from django.utils import timezone

from tocns.audit.models import AuditEntry
from tocns.fieldwork.feedback import feedback_submit
from tocns.fieldwork.models import Feedback, FeedbackChannel
from tocns.teams import services as team_services
from tocns.teams.forms import PersonForm
from tocns.training import services as training_services
from tocns.training.models import Partner, Topic

from ..factories import make_team, person_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(world):
    """Thôn Nà Khà (commune A) with a leader, the member who signs in as member_a1 (phone kept to
    himself) and a member who shares his phone with the team; Tổ dân phố số 1 (commune B) with two."""
    team_a = make_team(world, world.village_a1, members=3)
    team_b = make_team(world, world.village_b1, members=2)
    leader, own, sharing = [m.person for m in team_a.memberships.order_by("id")]
    leader.ethnic_group, leader.ethnic_group_consent_at = "Tày", timezone.now()
    leader.save()
    own.user = world.member_a1
    own.save()
    # An ethnic group with no recorded consent (an old import) is never answered.
    sharing.ethnic_group, sharing.phone_shared_with_team = "Dao", True
    sharing.save()
    return team_a, team_b, {"leader": leader, "own": own, "sharing": sharing}


def _members(client, user, query=""):
    client.force_login(user)
    response = client.get(f"/api/v1/members{query}")
    assert response.status_code == 200, response.content
    return response.json()


def _by_person(data):
    return {row["person_id"]: row for row in data["items"]}


# ---- members ---------------------------------------------------------------------------------------

def test_the_commune_officer_lists_his_communes_members_with_phones_and_consented_ethnic_group(client, world, teams):
    team_a, team_b, people = teams
    data = _members(client, world.officer_a)
    rows = _by_person(data)
    assert data["count"] == 3 and set(rows) == {p.pk for p in people.values()}
    leader = rows[people["leader"].pk]
    assert (leader["role"], leader["team_id"], leader["unit_code"], leader["commune_code"]) == (
        "leader", team_a.pk, world.village_a1.code, world.commune_a.code)
    assert leader["start_date"] == "2026-09-01" and leader["birth_year"] == 1990
    assert all(row["phone"] for row in rows.values())
    assert leader["ethnic_group"] == "Tày"
    assert rows[people["sharing"].pk]["ethnic_group"] is None  # no consent recorded


def test_the_reads_are_audited_with_the_people_of_the_page_only(client, world, teams):
    _team_a, _team_b, people = teams
    data = _members(client, world.officer_a, "?limit=1")
    assert data["count"] == 3 and len(data["items"]) == 1
    entry = AuditEntry.objects.get(action="members.api")
    assert entry.is_read and entry.actor == world.officer_a
    assert entry.person_ids == f"|{data['items'][0]['person_id']}|" and entry.data["people"] == 1
    assert entry.commune_id == world.commune_a.pk


def test_another_communes_officer_gets_404_on_its_team_and_unit_and_lists_without_its_rows(client, world, teams):
    team_a, team_b, _people = teams
    data = _members(client, world.officer_b)
    assert data["count"] == 2 and {row["team_id"] for row in data["items"]} == {team_b.pk}
    assert client.get(f"/api/v1/members?team={team_a.pk}").status_code == 404
    assert client.get(f"/api/v1/members?unit={world.commune_a.code}").status_code == 404
    assert client.get(f"/api/v1/members?unit={world.village_a1.code}").status_code == 404


def test_the_province_admin_sees_every_commune_and_filters_by_unit_and_name(client, world, teams):
    team_a, team_b, people = teams
    assert _members(client, world.province_admin)["count"] == 5
    by_commune = _members(client, world.province_admin, f"?unit={world.commune_b.code}")
    assert {row["team_id"] for row in by_commune["items"]} == {team_b.pk}
    by_team = _members(client, world.province_admin, f"?team={team_a.pk}")
    assert by_team["count"] == 3
    assert _by_person(by_team)[people["leader"].pk]["ethnic_group"] == "Tày"
    folded = _members(client, world.province_admin, f"?unit={world.village_a1.code}&q=giang seo")
    assert [row["person_id"] for row in folded["items"]] == [people["leader"].pk]


def test_the_leader_sees_every_phone_of_his_team_but_no_ethnic_group(client, world, teams):
    _team_a, _team_b, people = teams
    rows = _by_person(_members(client, world.leader_a1))
    assert set(rows) == {p.pk for p in people.values()}
    assert all(row["phone"] for row in rows.values())
    assert all(row["ethnic_group"] is None for row in rows.values())


def test_the_chairman_sees_phones_but_not_the_ethnic_group(client, world, teams):
    rows = _by_person(_members(client, world.chairman_a))
    assert len(rows) == 3 and all(row["phone"] for row in rows.values())
    assert all(row["ethnic_group"] is None for row in rows.values())


def test_a_member_sees_his_own_phone_and_those_shared_with_the_team(client, world, teams):
    _team_a, _team_b, people = teams
    rows = _by_person(_members(client, world.member_a1))
    assert rows[people["own"].pk]["phone"] == people["own"].phone
    assert rows[people["sharing"].pk]["phone"] == people["sharing"].phone
    assert rows[people["leader"].pk]["phone"] is None
    assert all(row["ethnic_group"] is None for row in rows.values())


# ---- applications ------------------------------------------------------------------------------

def _apply(world, team, *, key, commune, phone):
    form = PersonForm(person_data(phone=phone), commune=commune)
    assert form.is_valid(), form.errors
    entry = form.cleaned_data
    return team_services.application_submit_join(team=team, entries=[entry], contact_name=entry["full_name"],
                                                 contact_phone=entry["phone"], contact_email="", submission_key=key)


@pytest.fixture
def applications(world, teams):
    team_a, team_b, _people = teams
    return (_apply(world, team_a, key="a1", commune=world.commune_a, phone="0987 111 222"),
            _apply(world, team_b, key="b1", commune=world.commune_b, phone="0987 333 444"))


def test_the_officer_oversees_his_communes_applications_without_the_contact_phone(client, world, applications):
    app_a, app_b = applications
    client.force_login(world.officer_a)
    data = client.get("/api/v1/applications").json()
    assert [row["id"] for row in data["items"]] == [app_a.pk]
    row = data["items"][0]
    assert (row["kind"], row["status"], row["unit_code"], row["entry_count"]) == (
        "join", "pending", world.village_a1.code, 1)
    assert row["contact_phone"] is None and row["can_decide"] is False
    detail = client.get(f"/api/v1/applications/{app_a.pk}").json()
    assert detail["entries"][0]["full_name"] == "Lò Thị Dung" and detail["entries"][0]["phone"] is None
    assert client.get(f"/api/v1/applications/{app_b.pk}").status_code == 404


def test_the_leader_who_decides_sees_the_phones_and_the_read_is_audited(client, world, applications):
    app_a, _app_b = applications
    client.force_login(world.leader_a1)
    data = client.get("/api/v1/applications?status=open").json()
    assert [row["id"] for row in data["items"]] == [app_a.pk]
    assert data["items"][0]["contact_phone"] == "0987111222" and data["items"][0]["can_decide"] is True
    detail = client.get(f"/api/v1/applications/{app_a.pk}").json()
    assert detail["entries"][0]["phone"] == "0987111222"
    entry = AuditEntry.objects.get(action="application.api")
    assert entry.is_read and entry.actor == world.leader_a1 and entry.commune_id == world.commune_a.pk


def test_another_commune_gets_404_and_a_plain_member_sees_no_application(client, world, applications):
    app_a, app_b = applications
    client.force_login(world.officer_b)
    assert [row["id"] for row in client.get("/api/v1/applications").json()["items"]] == [app_b.pk]
    assert client.get(f"/api/v1/applications/{app_a.pk}").status_code == 404
    assert client.get(f"/api/v1/applications?unit={world.commune_a.code}").status_code == 404
    client.force_login(world.member_a1)
    assert client.get("/api/v1/applications").json()["count"] == 0
    assert client.get(f"/api/v1/applications/{app_a.pk}").status_code == 404


def test_the_province_admin_sees_and_decides_every_application(client, world, applications):
    app_a, app_b = applications
    client.force_login(world.province_admin)
    data = client.get("/api/v1/applications").json()
    assert {row["id"] for row in data["items"]} == {app_a.pk, app_b.pk}
    assert all(row["contact_phone"] for row in data["items"])
    by_unit = client.get(f"/api/v1/applications?unit={world.commune_b.code}&status=pending").json()
    assert [row["id"] for row in by_unit["items"]] == [app_b.pk]
    assert client.get("/api/v1/applications?status=approved").json()["count"] == 0


# ---- citizen feedback -------------------------------------------------------------------------------

@pytest.fixture
def feedback(world, teams):
    with_contact = feedback_submit(unit=world.village_a1, content="Không đăng nhập được VNeID mức 2",
                                   citizen_name="Bàn Thị Mai", citizen_phone="0912 888 999", consent=True,
                                   channel=FeedbackChannel.TEAM, submission_key="fa", by=world.member_a1)
    anonymous = feedback_submit(unit=world.village_b1, content="Cổng dịch vụ công chậm vào buổi sáng",
                                kind="complaint", channel=FeedbackChannel.PUBLIC, submission_key="fb")
    Feedback.objects.filter(pk=anonymous.pk).update(answer_due_on=timezone.localdate() - datetime.timedelta(days=1))
    return with_contact, anonymous


def test_the_officer_reads_his_communes_feedback_with_the_consented_contact_audited(client, world, feedback):
    fa, fb = feedback
    client.force_login(world.officer_a)
    data = client.get("/api/v1/feedback").json()
    assert [row["code"] for row in data["items"]] == [fa.code]
    row = data["items"][0]
    assert (row["kind"], row["status"], row["unit_code"], row["commune_code"]) == (
        "opinion", "received", world.village_a1.code, world.commune_a.code)
    assert row["citizen_name"] == "Bàn Thị Mai" and row["citizen_phone"] == "0912888999"
    assert row["answered_on"] is None and row["overdue"] is False and row["content"].startswith("Không đăng")
    entry = AuditEntry.objects.get(action="feedback.api")
    assert entry.is_read and entry.data["codes"] == [fa.code]
    assert client.get(f"/api/v1/feedback/{fa.code}").json()["citizen_name"] == "Bàn Thị Mai"
    assert AuditEntry.objects.filter(action="feedback.api").count() == 2


def test_another_communes_officer_gets_404_and_a_list_without_its_feedback(client, world, feedback):
    fa, fb = feedback
    client.force_login(world.officer_b)
    data = client.get("/api/v1/feedback").json()
    assert [row["code"] for row in data["items"]] == [fb.code]
    assert data["items"][0]["overdue"] is True and data["items"][0]["citizen_name"] is None
    assert client.get(f"/api/v1/feedback/{fa.code}").status_code == 404
    assert client.get(f"/api/v1/feedback?unit={world.commune_a.code}").status_code == 404
    assert not AuditEntry.objects.filter(action="feedback.api").exists()  # no contact was read


def test_the_province_admin_filters_feedback_and_team_members_get_none(client, world, feedback):
    fa, fb = feedback
    client.force_login(world.province_admin)
    assert client.get("/api/v1/feedback").json()["count"] == 2
    assert [r["code"] for r in client.get("/api/v1/feedback?status=overdue").json()["items"]] == [fb.code]
    assert [r["code"] for r in client.get("/api/v1/feedback?kind=complaint").json()["items"]] == [fb.code]
    assert [r["code"] for r in client.get(f"/api/v1/feedback?unit={world.village_a1.code}").json()["items"]] == [
        fa.code]
    for user in (world.member_a1, world.leader_a1):
        client.force_login(user)
        assert client.get("/api/v1/feedback").json()["count"] == 0
        assert client.get(f"/api/v1/feedback/{fa.code}").status_code == 404


# ---- training ---------------------------------------------------------------------------------------

def _course(world, teams, *, partner=None, by=None, title="Dịch vụ công trực tuyến cho tổ"):
    by = by or world.province_admin
    course = training_services.course_create(by=by, province=world.province, title=title,
                                             topic=Topic.objects.get(code="dich-vu-cong"), partner=partner,
                                             description="Nộp hồ sơ trực tuyến", submission_key=uuid.uuid4())
    session = training_services.session_add(by=by, course=course, starts_at=timezone.now(),
                                            place="Hội trường UBND xã", online_link="", trainer_name="Nguyễn Văn An",
                                            submission_key=uuid.uuid4())
    training_services.invite_teams(by=by, course=course, teams=teams)
    return course, session


@pytest.fixture
def courses(world, teams):
    team_a, team_b, people = teams
    both, session = _course(world, [team_a, team_b])
    training_services.attendance_save(by=world.province_admin, session=session,
                                      present={people["leader"].pk, people["own"].pk}, commune=world.commune_a)
    only_a, _session = _course(world, [team_a], title="An toàn thông tin cho người dân")
    return both, only_a


def _attendance(client, user, course):
    client.force_login(user)
    response = client.get(f"/api/v1/training/courses/{course.pk}/attendance")
    assert response.status_code == 200, response.content
    return {row["person_id"]: row["present"] for row in response.json()[0]["people"]}


def test_the_province_admin_sees_every_course_and_everyones_attendance(client, world, teams, courses):
    both, only_a = courses
    _team_a, _team_b, people = teams
    client.force_login(world.province_admin)
    data = client.get("/api/v1/training/courses").json()
    assert {c["id"] for c in data["items"]} == {both.pk, only_a.pk}
    course = client.get(f"/api/v1/training/courses/{both.pk}").json()
    assert (course["topic_code"], course["partner"], course["invited"]) == ("dich-vu-cong", None, 5)
    assert course["sessions"][0]["place"] == "Hội trường UBND xã"
    marks = _attendance(client, world.province_admin, both)
    assert len(marks) == 5
    assert marks[people["leader"].pk] is True and marks[people["sharing"].pk] is False
    # Commune B was not marked yet: null, not absent.
    assert [v for k, v in marks.items() if k not in {p.pk for p in people.values()}] == [None, None]
    entry = AuditEntry.objects.get(action="training.attendance.api")
    assert entry.is_read and entry.data["people"] == 5


def test_a_commune_office_sees_its_own_people_and_404_on_a_course_it_is_not_in(client, world, teams, courses):
    both, only_a = courses
    _team_a, team_b, people = teams
    assert set(_attendance(client, world.officer_a, both)) == {p.pk for p in people.values()}
    b_people = set(team_b.memberships.values_list("person_id", flat=True))
    assert set(_attendance(client, world.officer_b, both)) == b_people
    listing = client.get("/api/v1/training/courses").json()
    assert [c["id"] for c in listing["items"]] == [both.pk]
    assert client.get(f"/api/v1/training/courses/{only_a.pk}").status_code == 404
    assert client.get(f"/api/v1/training/courses/{only_a.pk}/attendance").status_code == 404


def test_a_member_sees_only_himself_and_the_leader_only_himself_too(client, world, teams, courses):
    both, _only_a = courses
    _team_a, _team_b, people = teams
    assert _attendance(client, world.member_a1, both) == {people["own"].pk: True}
    client.force_login(world.leader_a1)  # no person signs in as him: invited to nothing
    assert client.get("/api/v1/training/courses").json()["count"] == 0
    assert client.get(f"/api/v1/training/courses/{both.pk}").status_code == 404


def test_a_partner_sees_only_its_own_courses(client, world, teams, courses):
    both, _only_a = courses
    team_a, _team_b, _people = teams
    vnpt = Partner.objects.create(name="VNPT Tuyên Quang", province=world.province)
    vnpt.users.add(world.partner)
    own, _session = _course(world, [team_a], partner=vnpt, by=world.partner, title="Thanh toán không dùng tiền mặt")
    client.force_login(world.partner)
    assert [c["id"] for c in client.get("/api/v1/training/courses").json()["items"]] == [own.pk]
    assert client.get(f"/api/v1/training/courses/{own.pk}").json()["partner"] == "VNPT Tuyên Quang"
    assert client.get(f"/api/v1/training/courses/{both.pk}/attendance").status_code == 404
    assert len(_attendance(client, world.partner, own)) == 3


def test_proficiency_counts_each_topic_for_the_callers_communes_only(client, world, teams):
    client.force_login(world.officer_a)
    data = client.get("/api/v1/training/proficiency").json()
    assert [row["commune_code"] for row in data] == [world.commune_a.code]
    topics = data[0]["topics"]
    assert topics and all(t["proficient"] == 0 for t in topics)  # counted, none yet: 0, not null
    assert "dich-vu-cong" in {t["topic_code"] for t in topics}
    client.force_login(world.province_admin)
    assert {row["commune_code"] for row in client.get("/api/v1/training/proficiency").json()} == {
        world.commune_a.code, world.commune_b.code}


def test_the_schema_lists_the_people_endpoints_with_their_tags(client, world):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    tags = {path: {tag for op in ops.values() for tag in op.get("tags", [])} for path, ops in paths.items()}
    assert tags["/api/v1/members"] == {"Thành viên"}
    assert tags["/api/v1/applications/{application_id}"] == {"Đơn"}
    assert tags["/api/v1/feedback"] == {"Ý kiến người dân"}
    assert tags["/api/v1/training/courses/{course_id}/attendance"] == {"Tập huấn"}


# ---- a machine client (the provincial gateway) ---------------------------------------------------

def _gateway(world, *, groups=("members", "applications", "feedback", "training"), communes=()):
    from tocns.api.services import api_client_create

    client, secret = api_client_create(province=world.province, name="Nền tảng LGSP của tỉnh", groups=list(groups),
                                       communes=communes, by=world.province_admin)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_gateway_reads_names_and_statuses_but_never_a_phone_an_ethnic_group_or_a_contact(
        client, world, teams, applications, feedback, courses):
    headers = _gateway(world)
    members = client.get("/api/v1/members", **headers).json()
    assert members["count"] == 5
    assert all(row["phone"] is None and row["ethnic_group"] is None for row in members["items"])
    assert AuditEntry.objects.filter(action="members.api", actor__api_client__isnull=False).count() == 1
    found = client.get("/api/v1/feedback", **headers).json()
    assert found["count"] == 2 and all(row["citizen_name"] is None for row in found["items"])
    apps = client.get("/api/v1/applications", **headers).json()
    assert apps["count"] == 2 and all(row["contact_phone"] is None for row in apps["items"])
    assert client.get(f"/api/v1/applications/{apps['items'][0]['id']}", **headers).json()["entries"][0]["phone"] is None
    assert client.get("/api/v1/training/courses", **headers).json()["count"] == 2
    assert client.get("/api/v1/training/proficiency", **headers).status_code == 200


def test_a_gateway_over_commune_b_gets_404_on_commune_as_objects(client, world, teams, applications, feedback):
    team_a, team_b, _people = teams
    app_a, _app_b = applications
    fa, fb = feedback
    headers = _gateway(world, communes=[world.commune_b])
    assert {row["team_id"] for row in client.get("/api/v1/members", **headers).json()["items"]} == {team_b.pk}
    assert client.get(f"/api/v1/members?team={team_a.pk}", **headers).status_code == 404
    assert client.get(f"/api/v1/applications/{app_a.pk}", **headers).status_code == 404
    assert client.get(f"/api/v1/feedback/{fa.code}", **headers).status_code == 404
    assert [row["code"] for row in client.get("/api/v1/feedback", **headers).json()["items"]] == [fb.code]


def test_a_gateway_without_the_people_group_is_refused(client, world, teams):
    headers = _gateway(world, groups=("reports",))
    assert client.get("/api/v1/members", **headers).status_code == 403
    assert client.get("/api/v1/training/courses", **headers).status_code == 403


@pytest.mark.parametrize("url", ["/api/v1/applications?status=lost", "/api/v1/feedback?kind=praise",
                                 "/api/v1/members?team=abc"])
def test_a_filter_value_the_schema_does_not_list_answers_422(client, world, url):
    client.force_login(world.province_admin)
    assert client.get(url).status_code == 422


@pytest.mark.parametrize("url", [f"/api/v1/applications/{2**63}", f"/api/v1/training/courses/{2**63}",
                                 f"/api/v1/training/courses/{2**63}/attendance", f"/api/v1/members?team={2**63}"])
def test_an_id_beyond_the_database_range_is_not_found(client, world, url):
    client.force_login(world.province_admin)
    assert client.get(url).status_code == 404
