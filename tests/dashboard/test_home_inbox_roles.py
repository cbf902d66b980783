"""The home's "Cần làm hôm nay" asks the office sections only of users who hold an office: a team
leader's home on submission day skips them (bench/load.py), and a leader who is also the commune's
officer still sees what waits for the office."""

import datetime

import pytest

from tocns.accounts.models import Assignment, Role
from tocns.dashboard import inbox

from ..factories import make_team
from ..reports.factories import established_long_ago, freeze, submit_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _submission_day(monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 28, 9, 0))


def _office_sections_fail(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("an office section was asked for a team leader")

    for name in ("requests_to_acknowledge", "regulations_todo", "coordination_todo", "difficulties_tasks_inbox"):
        monkeypatch.setattr(inbox, name, refuse)
    monkeypatch.setattr(inbox.reports, "reports_to_review", refuse)
    monkeypatch.setattr(inbox.reports, "communes_reporting_for", refuse)


def test_team_leader_home_asks_no_office_section(client, world, monkeypatch):
    established_long_ago(make_team(world, world.village_a1, members=2))
    _office_sections_fail(monkeypatch)
    client.force_login(world.leader_a1)
    page = client.get("/").content.decode()
    assert 'id="report-2026-11"' in page and "Nhập báo cáo" in page


def test_leader_who_is_also_the_communes_officer_still_sees_reports_to_review(client, world):
    established_long_ago(make_team(world, world.village_a1, members=2))
    other = established_long_ago(make_team(world, world.village_a2, members=2))
    submit_report(other, 2026, 11, {"CQ01": "7"})
    Assignment.objects.create(user=world.leader_a1, role=Role.COMMUNE_OFFICER, unit=world.commune_a)
    client.force_login(world.leader_a1)
    page = client.get("/").content.decode()
    assert "Chờ xem xét: báo cáo Thôn Khuổi Đăm" in page
