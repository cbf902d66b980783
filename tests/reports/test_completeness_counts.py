"""Completeness counted in the database (issue #18): the same numbers as the rows, per commune and in
all, one query for the counts, and a page that builds only the missing units it shows."""

import datetime

import pytest
from django.urls import reverse

from tocns.reports import selectors, views
from tocns.reports.periods import month_period
from tocns.teams.choices import TeamStatus

from ..factories import make_team, make_unit
from .factories import established_long_ago, submit_report, village_form

pytestmark = pytest.mark.django_db

OCTOBER = month_period(2026, 10)


@pytest.fixture
def teams(world, clock):
    teams = {name: established_long_ago(make_team(world, unit, members=1)) for name, unit in (
        ("a1", world.village_a1), ("a2", world.village_a2), ("b1", world.village_b1))}
    clock(datetime.datetime(2026, 10, 20, 8, 0))
    submit_report(teams["a1"], 2026, 10, {"CQ01": "1"})  # on time
    clock(datetime.datetime(2026, 10, 31, 8, 0))
    submit_report(teams["b1"], 2026, 10, {"CQ01": "1"})  # late
    clock(datetime.datetime(2026, 11, 20, 10, 0))
    return teams


def by_rows(result) -> tuple:
    states = [row.state for row in result.rows]
    return (len(states), states.count("on_time"), states.count("late"), states.count("missing"))


def test_the_counts_match_the_rows_in_all_and_per_commune(world, teams):
    # A team dissolved in October and its successor in the same village both owed October's report.
    old = teams["a2"]
    old.status, old.dissolved_on = TeamStatus.DISSOLVED, datetime.date(2026, 10, 10)
    old.save(update_fields=["status", "dissolved_on"])
    established_long_ago(make_team(world, world.village_a2, members=1))
    result = selectors.completeness(form=village_form(), period=OCTOBER, unit=world.province)
    assert (result.expected, result.on_time, result.late, result.missing) == by_rows(result) == (4, 1, 1, 2)
    assert result.submitted == 2 and result.count("missing") == 2
    per_commune = {commune.code: (n.expected, n.submitted) for commune, n in result.communes()}
    assert per_commune == {world.commune_a.code: (3, 1), world.commune_b.code: (1, 1)}
    commune = selectors.completeness(form=village_form(), period=OCTOBER, unit=world.commune_a)
    assert (commune.expected, commune.on_time, commune.late, commune.missing) == by_rows(commune) == (3, 1, 0, 2)


def test_a_draft_is_missing_and_its_row_links_it(world, teams):
    submit_report(teams["a2"], 2026, 10, {"CQ01": "2"}, submit=False)
    result = selectors.completeness(form=village_form(), period=OCTOBER, unit=world.province)
    assert result.missing == 1 and result.missing_rows[0].report is not None
    assert result.missing_rows[0].unit == world.village_a2 and result.missing_rows[0].unit.commune == world.commune_a


def test_the_counts_take_one_query_whatever_the_number_of_teams(world, teams, django_assert_num_queries):
    result = selectors.completeness(form=village_form(), period=OCTOBER, unit=world.province)
    with django_assert_num_queries(1):
        assert (result.expected, result.submitted, result.on_time, result.late, result.missing) == (3, 2, 1, 1, 1)


def test_the_page_lists_the_missing_units_a_page_at_a_time_and_counts_per_commune(client, world, teams,
                                                                                monkeypatch):
    extra = make_unit(name="Thôn Bản Pắng", kind="thon", parent=world.commune_b)
    established_long_ago(make_team(world, extra, members=1))
    monkeypatch.setattr(views, "MISSING_PER_PAGE", 1)
    client.force_login(world.province_admin)
    url = reverse("reports:completeness")
    first = client.get(url, {"unit": world.province.code, "period": "2026-10"}).content.decode()
    second = client.get(url, {"unit": world.province.code, "period": "2026-10", "page": 2}).content.decode()
    assert "2/4" in first and "Trang 1/2" in first and "Trang 2/2" in second
    for village in ("Thôn Khuổi Đăm", "Thôn Bản Pắng"):  # each missing village on one page only
        assert [village in page for page in (first, second)].count(True) == 1
    rows = first.split('id="communes"')[1].split("</table>")[0].split("<tr>")
    for commune in (world.commune_a, world.commune_b):
        assert '<td class="num">1/2</td>' in next(row for row in rows if f">{commune.name}</a>" in row)
