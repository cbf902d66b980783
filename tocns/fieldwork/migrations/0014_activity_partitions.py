"""On PostgreSQL, the activity table becomes a table partitioned by month of `date` (declarative
partitioning): one partition per month with data, from last month to three months ahead, and a
DEFAULT partition for anything else. SQLite: nothing changes. Why this shape: docs/scale.md.

A partitioned table's unique indexes must hold the partition key, so:
- the primary key becomes (id, date); `id` alone stays unique (one sequence gives it);
- `client_id` is unique with the date, (client_id, date). The phone resends an entry as it stored
  it (same client_id, same date): a retry lands in the same partition, where the index refuses a
  double even when two retries race; the services look a client_id up in every month before
  inserting, so a resend with another date is answered as the one stored. (A trigger keeping
  client_id unique across months was tried and dropped: it made a sync of 200 entries 40 times
  slower, docs/scale.md.)
- the service links (fieldwork_activity_services) can no longer hold a foreign key to the activity:
  two triggers stand in for it (a link to a missing activity is refused; deleting an activity
  deletes its links, as ON DELETE CASCADE did).
The model is unchanged: Django keeps reading `id` as the key.

The conversion locks the table while it copies the rows (134 s for 10 million on a shared 2-core
machine, bench/national.py): run it in a quiet hour. Frozen here on purpose (it does not import
the app's partitions.py).
"""

import datetime

from django.db import migrations
from django.utils import timezone

TABLE = "fieldwork_activity"
OLD = "fieldwork_activity_unpartitioned"
LINKS = "fieldwork_activity_services"
LINK_FK = "fieldwork_activity_s_activity_id_37a8ad31_fk_fieldwork"  # the name Django gave it (0001)
AHEAD = 3

TRIGGERS = f"""
CREATE FUNCTION fieldwork_activity_links_checked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_links l WHERE NOT EXISTS (SELECT 1 FROM {TABLE} a WHERE a.id = l.activity_id)) THEN
        RAISE foreign_key_violation USING MESSAGE = 'a service link to a missing activity',
            CONSTRAINT = '{LINK_FK}';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER fieldwork_activity_links_checked AFTER INSERT ON {LINKS}
    REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION fieldwork_activity_links_checked();

CREATE FUNCTION fieldwork_activity_links_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {LINKS} s USING gone g WHERE s.activity_id = g.id;
    RETURN NULL;
END $$;
CREATE TRIGGER fieldwork_activity_links_gone AFTER DELETE ON {TABLE}
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION fieldwork_activity_links_gone();
"""

DROP_TRIGGERS = f"""
DROP TRIGGER IF EXISTS fieldwork_activity_links_checked ON {LINKS};
DROP FUNCTION IF EXISTS fieldwork_activity_client_id_once() CASCADE;
DROP FUNCTION IF EXISTS fieldwork_activity_links_checked() CASCADE;
DROP FUNCTION IF EXISTS fieldwork_activity_links_gone() CASCADE;
"""


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _is_partitioned(cursor) -> bool:
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE])
    return cursor.fetchone()[0] == "p"


def _rebuild(cursor, *, partitioned: bool) -> None:
    """Copy the table into a new one, partitioned or plain, with the same indexes, checks and keys."""
    cursor.execute("""SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x
                      WHERE x.indrelid = %s::regclass AND NOT x.indisunique""", [TABLE])
    indexes = [row[0].replace(" ON ONLY ", " ON ") for row in cursor.fetchall()]
    cursor.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                      WHERE conrelid = %s::regclass AND contype IN ('c', 'f')""", [TABLE])
    constraints = cursor.fetchall()
    cursor.execute("SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, 'id'))", [TABLE])
    last_id = cursor.fetchone()[0] or 0
    cursor.execute(f"SELECT min(date), max(date), max(id) FROM {TABLE}")
    first_day, last_day, max_id = cursor.fetchone()
    last_id = max(last_id, max_id or 0)
    if partitioned:
        cursor.execute("""SELECT conrelid::regclass::text, conname FROM pg_constraint
                          WHERE confrelid = %s::regclass AND contype = 'f'""", [TABLE])
        for table, name in cursor.fetchall():  # the service links only
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    else:
        cursor.execute(DROP_TRIGGERS)
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
    cursor.execute(f"CREATE TABLE {TABLE} (LIKE {OLD})" + (" PARTITION BY RANGE (date)" if partitioned else ""))
    if partitioned:
        today = timezone.localdate().replace(day=1)
        last_month = (today - datetime.timedelta(days=1)).replace(day=1)  # phones send late entries
        month = min(first_day or last_month, last_month).replace(day=1)
        until = max(last_day or today, today).replace(day=1)
        for _ in range(AHEAD):
            until = _next_month(until)
        while month <= until:
            cursor.execute(f"CREATE TABLE {TABLE}_p{month:%Y_%m} PARTITION OF {TABLE} "
                           f"FOR VALUES FROM ('{month:%Y-%m-%d}') TO ('{_next_month(month):%Y-%m-%d}')")
            month = _next_month(month)
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
    cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
    cursor.execute(f"DROP TABLE {OLD}")  # and the old sequence of its id
    if partitioned:
        # A partitioned table takes no identity column before PostgreSQL 17: a sequence it owns
        # (Django's sequence reset finds it the same way).
        cursor.execute(f"CREATE SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{TABLE}_id_seq')")
        if last_id:
            cursor.execute(f"SELECT setval('{TABLE}_id_seq', %s)", [last_id])
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, date)")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_client_id_key UNIQUE (client_id, date)")
    else:
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY "
                       f"(START WITH {last_id + 1})")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_client_id_key UNIQUE (client_id)")
    for definition in indexes:
        cursor.execute(definition)
    for name, definition in constraints:
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
    if partitioned:
        cursor.execute(TRIGGERS)
    else:
        cursor.execute(f"ALTER TABLE {LINKS} ADD CONSTRAINT {LINK_FK} FOREIGN KEY (activity_id) "
                       f"REFERENCES {TABLE} (id) DEFERRABLE INITIALLY DEFERRED")
    cursor.execute(f"ANALYZE {TABLE}")


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if not _is_partitioned(cursor):
            _rebuild(cursor, partitioned=True)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if _is_partitioned(cursor):
            _rebuild(cursor, partitioned=False)


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0013_generic_province_texts")]
    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
