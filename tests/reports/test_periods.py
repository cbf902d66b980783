import datetime

import pytest

from tocns.reports.choices import PeriodRule
from tocns.reports.periods import due_date, month_period, parse_period, quarter_period


@pytest.mark.parametrize("year, month, due", [
    (2026, 10, datetime.date(2026, 10, 29)),   # before the 30th
    (2026, 2, datetime.date(2026, 2, 28)),     # February: its last day
    (2028, 2, datetime.date(2028, 2, 29)),     # leap year
    (2026, 4, datetime.date(2026, 4, 29)),
])
def test_a_monthly_report_is_due_by_the_29th_or_februarys_last_day(year, month, due):
    assert due_date(month_period(year, month), 29) == due


def test_the_state_regime_cut_off_runs_from_the_15th_to_the_14th():
    period = month_period(2026, 1, PeriodRule.CUTOFF_15)
    assert (period.start, period.end) == (datetime.date(2025, 12, 15), datetime.date(2026, 1, 14))
    assert period.key == "2026-01" and due_date(period, 29) == datetime.date(2026, 1, 29)
    march = month_period(2026, 3, PeriodRule.CUTOFF_15)
    assert march.start == datetime.date(2026, 2, 15)


def test_period_keys_and_labels():
    assert parse_period("2026-10").label == "tháng 10/2026"
    q4 = parse_period("2026-q4")
    assert q4.label == "quý IV/2026" and q4.month_keys == ["2026-10", "2026-11", "2026-12"]
    assert due_date(quarter_period(2026, 4), 20) == datetime.date(2026, 12, 20)
    assert len(parse_period("2026").month_keys) == 12
    for bad in ("2026-13", "10/2026", "abc", ""):
        with pytest.raises(ValueError):
            parse_period(bad)
