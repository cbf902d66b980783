import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tocns.reports import selectors, services
from tocns.reports.models import ReportForm
from tocns.reports.periods import month_period, parse_period

from ..factories import make_team
from .factories import commune_team_form, established_long_ago, submit_report, village_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(world):
    return {
        "a1": established_long_ago(make_team(world, world.village_a1, members=1)),
        "a2": established_long_ago(make_team(world, world.village_a2, members=1)),
        "xa": established_long_ago(make_team(world, world.commune_a, members=1)),
        "b1": established_long_ago(make_team(world, world.village_b1, members=1)),
    }


def test_rollup_adds_counts_and_keeps_missing_apart_from_zero(world, teams):
    submit_report(teams["a1"], 2026, 10, {"CQ01": "12", "KT03": "0"})
    submit_report(teams["a2"], 2026, 10, {"CQ01": "5"})
    submit_report(teams["b1"], 2026, 10, {"CQ01": "7"})
    submit_report(teams["a2"], 2026, 9, {"CQ01": "100"})                  # another month
    submit_report(teams["xa"], 2026, 10, {"CQ01": "1000"}, submit=False)  # a draft does not count
    province = selectors.rollup(unit=world.province, period=parse_period("2026-10"))
    by_code = {unit.code: values for unit, values in province.rows}
    assert by_code["02269"]["CQ01"] == 12 + 5 and by_code["02212"]["CQ01"] == 7
    assert province.total["CQ01"] == 12 + 5 + 7
    assert by_code["02269"]["KT03"] == 0 and by_code["02212"].get("KT03") is None  # zero is not missing
    assert province.total["KT02"] is None
    commune = selectors.rollup(unit=world.commune_a, period=parse_period("2026-10"))
    assert [unit.name for unit, _v in commune.rows][0] == "Xã Thượng Lâm"
    assert {unit.name: v.get("CQ01") for unit, v in commune.rows} == {
        "Xã Thượng Lâm": None, "Thôn Khuổi Đăm": 5, "Thôn Nà Khà": 12}
    quarter = selectors.rollup(unit=world.province, period=parse_period("2026-Q4"))
    assert quarter.total["CQ01"] == 24
    q3 = selectors.rollup(unit=world.province, period=parse_period("2026-Q3"))
    assert q3.total["CQ01"] == 100


def test_shares_roll_up_as_total_over_total_from_the_latest_month(world, teams):
    other = established_long_ago(make_team(world, world.commune_b, members=1))
    submit_report(teams["xa"], 2026, 9, {"HT01.SO": "10", "HT01.TONG": "100"})
    submit_report(teams["xa"], 2026, 10, {"HT01.SO": "300", "HT01.TONG": "400"})   # latest counts
    submit_report(other, 2026, 10, {"HT01.SO": "50", "HT01.TONG": "600"})
    result = selectors.rollup(unit=world.province, period=parse_period("2026-Q4"))
    # 350 / 1000, not the mean of 75% and 8.3%
    assert result.total["HT01.SO"] == 350 and result.total["HT01"] == Decimal("35.0")
    rows = {unit.code: values for unit, values in result.rows}
    assert rows["02269"]["HT01"] == Decimal("75.0")


def test_completeness_counts_on_time_late_and_missing_with_the_leaders_phone(world, teams, monkeypatch):
    aware = timezone.make_aware(datetime.datetime(2026, 10, 20, 8, 0))
    monkeypatch.setattr(timezone, "now", lambda: aware)
    submit_report(teams["a1"], 2026, 10, {"CQ01": "1"})
    aware_late = timezone.make_aware(datetime.datetime(2026, 10, 31, 8, 0))
    monkeypatch.setattr(timezone, "now", lambda: aware_late)
    submit_report(teams["b1"], 2026, 10, {"CQ01": "1"})
    result = selectors.completeness(form=village_form(), period=month_period(2026, 10), unit=world.province)
    assert (result.expected, result.submitted, result.count("on_time"), result.count("late"),
            result.count("missing")) == (3, 2, 1, 1, 1)
    missing = result.missing_rows[0]
    assert missing.unit == world.village_a2 and missing.leader_phone.startswith("0")
    commune = selectors.completeness(form=village_form(), period=month_period(2026, 10), unit=world.commune_a)
    assert commune.expected == 2


def test_a_communes_quarterly_report_is_prefilled_from_accepted_team_reports(world, teams):
    accepted = submit_report(teams["a1"], 2026, 10, {"CQ01": "12"})
    services.report_accept(report=accepted, by=world.officer_a)
    submit_report(teams["a2"], 2026, 11, {"CQ01": "5"})  # submitted, not yet accepted
    form = ReportForm.objects.get(code="QUY-XA")
    report = services.report_open(form=form, unit=world.commune_a, period=parse_period("2026-Q4"))
    values = {v.indicator.code: v.value for v in report.values.select_related("indicator")}
    assert values["CQ01"] == 12 and values["CQ02"] is None
    assert report.due_on == datetime.date(2026, 12, 20) and report.team is None


def test_commune_team_form_is_used_for_the_commune_team(world, teams):
    assert selectors.form_for_team(teams["xa"]) == commune_team_form()
    assert selectors.form_for_team(teams["a1"]) == village_form()
