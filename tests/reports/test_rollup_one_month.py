"""A one-month roll-up is read in one grouped statement (issue #18): the same figures as the
general rule, stock figures ("latest") and shares included."""

from decimal import Decimal

import pytest

from tocns.reports import selectors
from tocns.reports.models import FormIndicator, ReportForm
from tocns.reports.periods import parse_period

from ..factories import make_team
from .factories import commune_team_form, established_long_ago, submit_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(world):
    return {
        "a1": established_long_ago(make_team(world, world.village_a1, members=1)),
        "xa": established_long_ago(make_team(world, world.commune_a, members=1)),
        "xb": established_long_ago(make_team(world, world.commune_b, members=1)),
    }


def test_one_months_stock_figures_and_shares_match_the_quarters_rule(world, teams):
    submit_report(teams["xa"], 2026, 9, {"HT01.SO": "10", "HT01.TONG": "100"})
    submit_report(teams["xa"], 2026, 10, {"HT01.SO": "300", "HT01.TONG": "400", "CQ01": "4"})
    submit_report(teams["xb"], 2026, 10, {"HT01.SO": "50", "HT01.TONG": "600"})
    submit_report(teams["a1"], 2026, 10, {"CQ01": "12"})
    october = selectors.rollup(unit=world.province, period=parse_period("2026-10"))
    assert october.total["HT01.SO"] == 350 and october.total["HT01.TONG"] == 1000
    assert october.total["HT01"] == Decimal("35.0") and october.total["CQ01"] == 16
    rows = {unit.code: values for unit, values in october.rows}
    assert rows[world.commune_a.code]["HT01"] == Decimal("75.0") and rows[world.commune_a.code]["CQ01"] == 16
    assert october.report_count == 3 and october.level_counts == {"commune_team": 2, "village_team": 1}
    # The quarter (general rule: each team's latest month) gives the same stock figures here.
    quarter = selectors.rollup(unit=world.province, period=parse_period("2026-Q4"))
    assert {code: quarter.total[code] for code in ("HT01.SO", "HT01.TONG", "HT01")} == {
        code: october.total[code] for code in ("HT01.SO", "HT01.TONG", "HT01")}
    commune = selectors.rollup(unit=world.commune_a, period=parse_period("2026-10"))
    by_name = {unit.name: values for unit, values in commune.rows}
    assert by_name["Xã Thượng Lâm"]["HT01.SO"] == 300 and by_name["Thôn Nà Khà"]["CQ01"] == 12


def test_a_team_that_sent_two_forms_in_a_month_counts_one_stock_figure(world, teams):
    first = commune_team_form()
    second = ReportForm.objects.create(code="THANG-XA-2", name="Báo cáo tháng (mẫu mới)", level=first.level,
                                       period_type=first.period_type)
    FormIndicator.objects.bulk_create([FormIndicator(form=second, indicator=line.indicator, order=line.order)
                                       for line in first.lines.all()])
    submit_report(teams["xa"], 2026, 10, {"HT01.SO": "300", "HT01.TONG": "400"})
    submit_report(teams["xa"], 2026, 10, {"HT01.SO": "310", "HT01.TONG": "400"}, form=second)
    submit_report(teams["xb"], 2026, 10, {"HT01.SO": "50", "HT01.TONG": "600"})
    october = selectors.rollup(unit=world.province, period=parse_period("2026-10"))
    # One of the team's two figures (its stock), never both added up.
    assert october.total["HT01.SO"] in (350, 360) and october.total["HT01.TONG"] == 1000
    assert october.report_count == 3
