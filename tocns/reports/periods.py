"""Reporting periods and due dates.

A period is named by its key: "2026-10" (month), "2026-Q4" (quarter), "2026" (year). A monthly
form's data period is the calendar month, or, under the state reporting regime's cut-off, the 15th
of the previous month to the 14th of this one. A report is due by the end of the form's due day
in the period's last month, capped at that month's last day: 29 means "before the 30th", and
February's report is due on its last day."""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from .choices import PeriodRule, PeriodType

KEY = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|Q([1-4])))?$")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int  # month 1–12, quarter 1–4, or 1 for a year
    start: date
    end: date

    @property
    def key(self) -> str:
        if self.kind == PeriodType.MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == PeriodType.QUARTER:
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.kind == PeriodType.MONTH:
            return _("tháng %(m)s/%(y)s") % {"m": f"{self.number:02d}", "y": self.year}
        if self.kind == PeriodType.QUARTER:
            return _("quý %(q)s/%(y)s") % {"q": ROMAN[self.number], "y": self.year}
        return _("năm %(y)s") % {"y": self.year}

    @property
    def last_month(self) -> tuple[int, int]:
        if self.kind == PeriodType.MONTH:
            return self.year, self.number
        if self.kind == PeriodType.QUARTER:
            return self.year, self.number * 3
        return self.year, 12

    @property
    def month_keys(self) -> list[str]:
        """The monthly periods this one covers (roll-ups add up monthly team reports)."""
        if self.kind == PeriodType.MONTH:
            return [self.key]
        first = 1 if self.kind == PeriodType.YEAR else self.number * 3 - 2
        last = 12 if self.kind == PeriodType.YEAR else self.number * 3
        return [f"{self.year}-{m:02d}" for m in range(first, last + 1)]

    def previous(self) -> "Period":
        if self.kind == PeriodType.MONTH:
            year, month = (self.year, self.number - 1) if self.number > 1 else (self.year - 1, 12)
            return month_period(year, month)
        if self.kind == PeriodType.QUARTER:
            year, quarter = (self.year, self.number - 1) if self.number > 1 else (self.year - 1, 4)
            return quarter_period(year, quarter)
        return year_period(self.year - 1)


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def month_period(year: int, month: int, rule: str = PeriodRule.CALENDAR) -> Period:
    if rule == PeriodRule.CUTOFF_15:
        prev_year, prev_month = (year, month - 1) if month > 1 else (year - 1, 12)
        return Period(PeriodType.MONTH, year, month, date(prev_year, prev_month, 15), date(year, month, 14))
    return Period(PeriodType.MONTH, year, month, date(year, month, 1), date(year, month, _last_day(year, month)))


def quarter_period(year: int, quarter: int) -> Period:
    first = quarter * 3 - 2
    return Period(PeriodType.QUARTER, year, quarter, date(year, first, 1),
                  date(year, first + 2, _last_day(year, first + 2)))


def year_period(year: int) -> Period:
    return Period(PeriodType.YEAR, year, 1, date(year, 1, 1), date(year, 12, 31))


def parse_period(key: str, rule: str = PeriodRule.CALENDAR) -> Period:
    """"2026-10", "2026-Q4" or "2026"; a ValueError with a Vietnamese message otherwise."""
    match = KEY.match((key or "").strip().upper())
    if not match:
        raise ValueError(_("Kỳ báo cáo viết như 2026-10 (tháng), 2026-Q4 (quý) hoặc 2026 (năm)."))
    year, month, quarter = int(match[1]), match[2], match[3]
    if month:
        if not 1 <= int(month) <= 12:
            raise ValueError(_("Tháng phải từ 1 đến 12."))
        return month_period(year, int(month), rule)
    if quarter:
        return quarter_period(year, int(quarter))
    return year_period(year)


def due_date(period: Period, due_day: int) -> date:
    year, month = period.last_month
    return date(year, month, min(due_day, _last_day(year, month)))


def closes_on(period: Period, close_after_days: int | None) -> date | None:
    return period.end + timedelta(days=close_after_days) if close_after_days is not None else None


def period_of(kind: str, day: date, rule: str = PeriodRule.CALENDAR) -> Period:
    """The period a day's report belongs to: this month's report is the one due this month."""
    if kind == PeriodType.MONTH:
        return month_period(day.year, day.month, rule)
    if kind == PeriodType.QUARTER:
        return quarter_period(day.year, (day.month - 1) // 3 + 1)
    return year_period(day.year)
