"""What the field log counts toward a team's monthly report: outreach sessions and people reached,
and for each service the indicators it feeds."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import ngettext

from .models import Activity, ActivityKind, Measure, ServiceIndicator

OUTREACH_SESSIONS, OUTREACH_PEOPLE = "TT01", "TT02"


def _explain(activities: int, people: int) -> str:
    return ngettext("Từ nhật ký: %(a)s hoạt động, %(p)s người", "Từ nhật ký: %(a)s hoạt động, %(p)s người",
                    activities) % {"a": activities, "p": people}


def activity_counts(report) -> dict[str, tuple[Decimal, str]]:
    """{indicator code: (value, where it came from)} for a team's report; nothing for a commune's."""
    if report.team_id is None:
        return {}
    logged = Activity.objects.filter(team_id=report.team_id, date__gte=report.period_start,
                                     date__lte=report.period_end)
    found: dict[str, tuple[Decimal, str]] = {}
    outreach = logged.filter(kind=ActivityKind.OUTREACH).aggregate(n=Count("id"), people=Sum("people_count"))
    if outreach["n"]:
        people = outreach["people"] or 0
        found[OUTREACH_SESSIONS] = (Decimal(outreach["n"]), _explain(outreach["n"], people))
        found[OUTREACH_PEOPLE] = (Decimal(people), _explain(outreach["n"], people))
    totals: dict[str, list] = defaultdict(lambda: [0, 0])  # code -> [value, activities]
    rows = (logged.exclude(kind=ActivityKind.OUTREACH)
            .values_list("services__counts_toward__indicator__code", "services__counts_toward__measure",
                         "people_count", "households_count"))
    for code, measure, people, households in rows:
        if code is None:
            continue
        value = {Measure.PEOPLE: people, Measure.HOUSEHOLDS: households or 0, Measure.ACTIVITIES: 1}[measure]
        totals[code][0] += value
        totals[code][1] += 1
    for code, (value, activities) in totals.items():
        found[code] = (Decimal(value), ngettext("Từ nhật ký: %(a)s hoạt động", "Từ nhật ký: %(a)s hoạt động",
                                                activities) % {"a": activities})
    return found


__all__ = ["activity_counts", "ServiceIndicator"]
