"""The activity table's monthly partitions on PostgreSQL (made by migration 0014; see docs/scale.md).

Each month of `date` has its own table, fieldwork_activity_pYYYY_MM; what falls in no month made
yet goes to fieldwork_activity_default. `ensure_partitions` makes the coming months ahead and gives
every month found in the DEFAULT partition its own table (moving its rows there), so the DEFAULT
stays small. On SQLite the table is a plain table and these do nothing."""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

TABLE = "fieldwork_activity"
DEFAULT = f"{TABLE}_default"


@dataclass(frozen=True)
class Partition:
    name: str
    month: datetime.date | None  # the first day; None for the DEFAULT partition
    rows: int  # the planner's estimate (reltuples), -1 when never analysed


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE])
        return cursor.fetchone() is not None


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def name_of(month: datetime.date) -> str:
    return f"{TABLE}_p{month:%Y_%m}"


def partitions() -> list[Partition]:
    """Every partition, months in order, the DEFAULT last."""
    if not is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute("""SELECT c.relname, c.reltuples::bigint FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                          WHERE i.inhparent = %s::regclass""", [TABLE])
        found = []
        for name, rows in cursor.fetchall():
            month = None
            if name != DEFAULT:
                month = datetime.datetime.strptime(name.removeprefix(f"{TABLE}_p"), "%Y_%m").date()
            found.append(Partition(name, month, rows))
    return sorted(found, key=lambda p: (p.month is None, p.month or datetime.date.min))


def months_in_default() -> list[datetime.date]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT date_trunc('month', date)::date FROM {DEFAULT} ORDER BY 1")
        return [row[0] for row in cursor.fetchall()]


def _make(cursor, month: datetime.date, *, from_default: bool) -> None:
    name, start, end = name_of(month), f"{month:%Y-%m-%d}", f"{next_month(month):%Y-%m-%d}"
    if not from_default:
        # PostgreSQL checks that the DEFAULT holds no row of this month (a scan of a small table).
        cursor.execute(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM ('{start}') TO ('{end}')")
        return
    # Rows of this month wait in the DEFAULT: a month's table is made beside, they move into it
    # (same ids, so their service links hold), then it is attached.
    cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_month CHECK (date >= '{start}' AND date < '{end}')")
    cursor.execute(f"WITH moved AS (DELETE FROM {DEFAULT} WHERE date >= %s AND date < %s RETURNING *) "
                   f"INSERT INTO {name} SELECT * FROM moved", [start, end])
    cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM ('{start}') TO ('{end}')")
    cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_month")  # the partition bound says it now


def ensure_partitions(*, ahead: int = 3, today: datetime.date | None = None) -> list[str]:
    """Make the partitions of this month and the `ahead` next ones, and of every month that has rows
    in the DEFAULT partition. Returns the names made (none on a second run: idempotent)."""
    if not is_partitioned():
        return []
    month = (today or timezone.localdate()).replace(day=1)
    wanted = [month]
    for _ in range(ahead):
        wanted.append(next_month(wanted[-1]))
    made = []
    with transaction.atomic(), connection.cursor() as cursor:
        # One maker at a time (two cron runs at once): the second waits, then finds them made.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('fieldwork_activity_partitions'))")
        existing = {p.month for p in partitions()}
        waiting = set(months_in_default())
        for month in sorted(set(wanted) | waiting):
            if month not in existing:
                _make(cursor, month, from_default=month in waiting)
                made.append(name_of(month))
    return made
