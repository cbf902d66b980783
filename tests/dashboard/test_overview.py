"""The overview: every figure checked against a count made here, the drill-down, the scope, and
field activity that shows up as soon as it is stored (the monthly tallies follow the log)."""

import datetime
import io
import uuid

import pytest
from openpyxl import load_workbook

from tocns.fieldwork.models import Activity
from tocns.fieldwork.services import activities_record_batch, activity_record
from tocns.fieldwork.tallies import tally_rebuild
from tocns.teams.models import Membership
from tocns.training import services as training
from tocns.training.models import Topic

from ..factories import make_team
from ..reports.factories import established_long_ago, freeze

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))


@pytest.fixture
def teams(world):
    return (established_long_ago(make_team(world, world.village_a1, members=3)),
            established_long_ago(make_team(world, world.village_a2, members=2)),
            established_long_ago(make_team(world, world.village_b1, members=4)))


def log(user, unit, day, people, services=("vneid",)):
    return {"client_id": str(uuid.uuid4()), "date": day, "unit": unit.code, "kind": "guidance",
            "services": list(services), "people_count": people}


def test_the_province_figures_match_counts_made_here(client, world, teams, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        activities_record_batch(user=world.leader_a1, entries=[
            log(world.leader_a1, world.village_a1, "2026-11-02", 4),
            log(world.leader_a1, world.village_a1, "2026-10-15", 3, ("vneid", "thanh-toan-qr"))])
    client.force_login(world.province_admin)
    page = client.get("/tong-quan/")
    o = page.context["o"]
    members = Membership.objects.active().values("person").distinct().count()
    assert o.members == members == 9 and o.teams["villages_with_team"] == 3 and o.teams["villages"] == 3
    assert o.teams["communes_with_team"] == 0 and o.teams["communes"] == 2
    months = {m.strftime("%Y-%m"): (n, p) for m, n, p in o.months}
    assert months["2026-11"] == (1, 4) and months["2026-10"] == (1, 3)
    pillars = {str(bar.label): bar.value for bar in o.by_pillar}
    assert pillars == {"Chính quyền số": 7, "Kinh tế số": 3, "Xã hội số": 0}  # 3 counted in both pillars
    rows = {row["unit"].code: row for row in o.children}
    assert (rows["02269"]["members"], rows["02269"]["activities"], rows["02269"]["people"]) == (5, 2, 7)
    assert (rows["02212"]["members"], rows["02212"]["activities"]) == (4, 0)
    assert sum(bar.value for bar in o.by_gender) == members


def test_new_activity_shows_up_at_once_and_a_rebuild_agrees(client, world, teams,
                                                            django_capture_on_commit_callbacks):
    client.force_login(world.officer_a)
    before = client.get("/tong-quan/?unit=02269").context["o"].months[-1]
    with django_capture_on_commit_callbacks(execute=True):
        activity_record(user=world.leader_a1, data=log(world.leader_a1, world.village_a1, "2026-11-19", 6))
    after = client.get("/tong-quan/?unit=02269").context["o"].months[-1]
    assert (after[1] - before[1], after[2] - before[2]) == (1, 6)
    tally_rebuild()
    assert client.get("/tong-quan/?unit=02269").context["o"].months[-1] == after
    assert Activity.objects.count() == 1


def test_trained_members_and_the_ranking(client, world, teams):
    course = training.course_create(by=world.province_admin, province=world.province, title="VNeID",
                                    topic=Topic.objects.get(code="vneid"), partner=None, description="",
                                    submission_key=uuid.uuid4())
    from django.utils import timezone

    session = training.session_add(by=world.province_admin, course=course, starts_at=timezone.now(), place="Xã",
                                   online_link="", trainer_name="An", submission_key=uuid.uuid4())
    training.invite_teams(by=world.province_admin, course=course, teams=[teams[2]])
    people = set(Membership.objects.filter(team=teams[2]).values_list("person_id", flat=True))
    training.attendance_save(by=world.province_admin, session=session, present=people)
    client.force_login(world.province_admin)
    o = client.get("/tong-quan/", {"xep": "trained_share"}).context["o"]
    assert o.trained == 4 and [row["unit"].code for row in o.children] == ["02212", "02269"]
    assert o.children[0]["trained_share"] == 100


def test_drilling_down_to_a_village_and_the_scope(client, world, teams):
    client.force_login(world.officer_a)
    page = client.get(f"/tong-quan/?unit={world.village_a1.code}")
    assert page.status_code == 200 and page.context["o"].members == 3 and not page.context["o"].children
    assert client.get("/tong-quan/?unit=02212").status_code == 404  # another commune
    assert client.get("/tong-quan/excel/?unit=02212").status_code == 404
    assert client.get("/tong-quan/").context["unit"] == world.commune_a  # where the officer starts


def test_the_excel_has_the_same_numbers(client, world, teams):
    client.force_login(world.province_admin)
    book = load_workbook(io.BytesIO(client.get("/tong-quan/excel/").content))
    summary = {row[0]: row[1] for row in book["Tổng quan"].iter_rows(values_only=True)}
    assert summary["Thành viên"] == 9 and summary["Tổ đã thành lập"] == 3
    by_unit = list(book["Theo đơn vị"].iter_rows(min_row=4, values_only=True))  # after title, time, header
    assert [(r[0], r[3]) for r in by_unit] == [("02212", 4), ("02269", 5)]


def test_report_completeness_ranks_the_villages_and_the_commune_sees_what_to_do_today(client, world, teams):
    from ..reports.factories import submit_report

    submit_report(teams[1], 2026, 10, {"TT01": "1"}, by=world.leader_a1)  # one of the six months owed
    client.force_login(world.officer_a)
    page = client.get("/tong-quan/", {"unit": "02269", "xep": "reports_share"})
    rows = page.context["o"].children
    assert [(row["unit"].name, row["reports_share"]) for row in rows] == [("Thôn Khuổi Đăm", 17), ("Thôn Nà Khà", 0)]
    text = page.content.decode()
    assert 'id="today"' in text and "Chờ xem xét: báo cáo Thôn Khuổi Đăm" in text


def test_a_village_overview_lists_its_members_and_what_they_were_trained_in(client, world, teams):
    client.force_login(world.officer_a)
    from ..reports.factories import submit_report

    submit_report(teams[0], 2026, 10, {"TT01": "1"}, by=world.leader_a1)
    page = client.get("/tong-quan/", {"unit": world.village_a1.code})
    o = page.context["o"]
    assert len(o.team_members) == 3 and {topics for _name, _role, topics in o.team_members} == {0}
    assert "Báo cáo tháng 10/2026: Đã gửi" in page.content.decode()


def test_ethnic_groups_only_for_the_province_admin_and_the_vhxh_officer(client, world, teams):
    from tocns.teams.models import Person

    Person.objects.update(ethnic_group="Tày")
    client.force_login(world.leader_a1)
    page = client.get("/tong-quan/")
    assert page.context["o"].by_ethnic_group == [] and 'id="ethnic"' not in page.content.decode()
    book = load_workbook(io.BytesIO(client.get("/tong-quan/excel/").content))
    assert "Dân tộc" not in book.sheetnames
    client.force_login(world.officer_a)
    assert [(str(b.label), b.value) for b in client.get("/tong-quan/").context["o"].by_ethnic_group] == [("Tày", 5)]
