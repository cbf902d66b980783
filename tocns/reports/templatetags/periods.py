"""Periods and days as people read them: "tháng 10/2026" and "20/11/2026", never the key "2026-10"
or the ISO day "2026-11-20", which stay in links, forms, files and the phone's queue. A period's
words come from Period.label, so every page and document says it alike."""

import datetime

from django import template
from django.utils import dateformat, timezone

from ..choices import PeriodType
from ..periods import Period, parse_period, period_of, year_period

register = template.Library()


@register.filter
def period(value) -> str:
    """A Period or a key ("2026-10", "2026-Q4", "2026") as its label; anything else unchanged."""
    if isinstance(value, Period):
        return value.label
    try:
        return parse_period(str(value)).label
    except ValueError:
        return value or ""


@register.filter
def day(value) -> str:
    """A day or moment as a phone's queue writes it ("2026-11-20", "2026-11-20T08:15:00+07:00")
    written 20/11/2026; anything else unchanged."""
    text = str(value or "")
    try:
        if len(text) > 10:  # a moment: its day in Vietnam, whatever zone the phone wrote
            moment = datetime.datetime.fromisoformat(text)
            found = (timezone.localtime(moment) if timezone.is_aware(moment) else moment).date()
        else:
            found = datetime.date.fromisoformat(text)
    except ValueError:
        return value or ""
    return dateformat.format(found, "d/m/Y")


@register.simple_tag
def period_choices(current: Period | None = None) -> list[tuple[str, list[Period]]]:
    """What a period picker offers, newest first: the last 12 months, the quarters of this year and
    the last, this year and the two before; the period shown is among them even when older."""
    today = timezone.localdate()
    month = period_of(PeriodType.MONTH, today)
    months = [month]
    while len(months) < 12:
        months.append(months[-1].previous())
    quarters = [period_of(PeriodType.QUARTER, today)]
    while quarters[-1].number > 1 or quarters[-1].year == today.year:
        quarters.append(quarters[-1].previous())
    years = [year_period(today.year - n) for n in range(3)]
    groups = {PeriodType.MONTH: months, PeriodType.QUARTER: quarters, PeriodType.YEAR: years}
    if current is not None and current.kind in groups and current.key not in {p.key for p in groups[current.kind]}:
        groups[current.kind].append(current)
    return [(PeriodType(kind).label, periods) for kind, periods in groups.items()]

