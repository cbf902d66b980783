"""Monthly tallies of the field log for the dashboards (see models.ActivityTally)."""

from datetime import date, datetime

from django.db import connections, router, transaction
from django.db.models import Case, Count, IntegerField, Sum, When
from django.db.models.functions import Coalesce, TruncMonth

from .models import Activity, ActivityTally, ServicePillar

ALL = "all"
# Households reached: a door-to-door activity counts the households it wrote down, or 1 when blank.
HOUSEHOLDS_REACHED = Sum(Case(When(door_to_door=True, then=Coalesce("households_count", 1)), default=0,
                              output_field=IntegerField()))


def month_of(day: date) -> date:
    return day.replace(day=1)


def _next(month: date) -> date:
    return month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(month=month.month + 1)


def tally_refresh(keys: set[tuple[int, date]]) -> None:
    """Recount the tallies of these (unit id, first day of month) from the activities (a repair;
    the log adds to the tallies with tally_add as it stores)."""
    for unit_id, month in keys:
        activities = Activity.objects.filter(unit_id=unit_id, date__gte=month, date__lt=_next(month))
        first = activities.select_related("unit").first()
        figures = {ALL: activities.aggregate(n=Count("id"), p=Sum("people_count"), h=HOUSEHOLDS_REACHED)}
        for pillar in ServicePillar.values:
            touched = Activity.objects.filter(pk__in=activities.filter(services__pillar=pillar).values("pk"))
            figures[pillar] = touched.aggregate(n=Count("id"), p=Sum("people_count"))
        with transaction.atomic():
            ActivityTally.objects.filter(unit_id=unit_id, month=month).delete()
            if first is not None:
                ActivityTally.objects.bulk_create([
                    ActivityTally(unit_id=unit_id, commune_id=first.commune_id, province_id=first.province_id,
                                  month=month, pillar=pillar, activities=figure["n"], people=figure["p"] or 0,
                                  households=figure.get("h") or 0)
                    for pillar, figure in figures.items() if figure["n"]])


def households_reached(activity) -> int:
    """As HOUSEHOLDS_REACHED, for one activity in memory."""
    if not activity.door_to_door:
        return 0
    return 1 if activity.households_count is None else activity.households_count


def tally_add(stored: list[tuple]) -> None:
    """Add just-stored activities to their tallies: `stored` holds (activity, its services).

    Called inside the transaction that stores them, so the counts commit or roll back with the
    activities (a retried sync stores nothing new and adds nothing). One INSERT … ON CONFLICT adds
    to each (unit, month, pillar) row in the database, whatever the month already holds; rows are
    written in key order, so two syncs touching the same rows wait for each other instead of
    deadlocking, and neither loses the other's count."""
    sums: dict[tuple, list] = {}
    for activity, services in stored:
        key = (activity.unit_id, month_of(activity.date))
        for pillar in (ALL, *sorted({service.pillar for service in services})):
            row = sums.setdefault((*key, pillar), [activity.commune_id, activity.province_id, 0, 0, 0])
            row[2] += 1
            row[3] += activity.people_count or 0
            if pillar == ALL:
                row[4] += households_reached(activity)
    if not sums:
        return
    connection = connections[router.db_for_write(ActivityTally)]
    table = connection.ops.quote_name(ActivityTally._meta.db_table)
    values = []
    for (unit_id, month, pillar), (commune_id, province_id, n, people, households) in sorted(sums.items()):
        values += [unit_id, commune_id, province_id, connection.ops.adapt_datefield_value(month), pillar, n, people,
                   households]
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(sums))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (unit_id, commune_id, province_id, month, pillar, activities, people, households) "
            f"VALUES {rows} ON CONFLICT (unit_id, month, pillar) DO UPDATE SET "
            f"activities = {table}.activities + EXCLUDED.activities, people = {table}.people + EXCLUDED.people, "
            f"households = {table}.households + EXCLUDED.households", values)


def tally_rebuild(province=None) -> int:
    """Every tally from the activities, in a few grouped queries (after a seed or an import)."""
    activities = Activity.objects.all() if province is None else Activity.objects.filter(province=province)
    rows = []
    groups = [(ALL, activities)] + [
        (pillar, activities.filter(pk__in=Activity.services.through.objects.filter(service__pillar=pillar)
                                   .values("activity_id")))
        for pillar in ServicePillar.values]
    for pillar, subset in groups:
        for row in (subset.annotate(month=TruncMonth("date")).values("unit_id", "commune_id", "province_id", "month")
                    .annotate(n=Count("id"), p=Sum("people_count"),
                              **({"h": HOUSEHOLDS_REACHED} if pillar == ALL else {})).order_by()):
            month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
            rows.append(ActivityTally(unit_id=row["unit_id"], commune_id=row["commune_id"],
                                      province_id=row["province_id"], month=month, pillar=pillar,
                                      activities=row["n"], people=row["p"] or 0, households=row.get("h") or 0))
    with transaction.atomic():
        (ActivityTally.objects.all() if province is None else ActivityTally.objects.filter(province=province)).delete()
        ActivityTally.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
