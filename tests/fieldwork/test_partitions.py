"""The activity table partitioned by month on PostgreSQL (migration 0014, `activity_partitions`).
The clock stands at 20/11/2026 (conftest): this month is 11/2026."""

import datetime
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from tocns.fieldwork import partitions
from tocns.fieldwork.models import Activity, Service

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the activity table is partitioned on PostgreSQL only (SQLite keeps one table)"),
]


def placed_in(activity) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM fieldwork_activity WHERE id = %s", [activity.pk])
        return cursor.fetchone()[0]


def month_tables() -> set[str]:
    return {p.name for p in partitions.partitions() if p.month is not None}


def drop_months_from(month: datetime.date) -> None:
    """As if the migration had run before this month: its partition and later ones gone."""
    with connection.cursor() as cursor:
        for p in partitions.partitions():
            if p.month is not None and p.month >= month:
                cursor.execute(f"DROP TABLE {p.name}")


def activity(world, team, *, day: datetime.date, client_id=None, service=None) -> Activity:
    made = Activity.objects.create(
        client_id=client_id or uuid.uuid4(), team=team, unit=team.unit, province=world.province,
        commune=world.commune_a, date=day, kind="guidance", people_count=3, recorded_by=world.leader_a1,
        made_at=datetime.datetime(2026, 11, 19, 8, tzinfo=datetime.UTC))
    if service is not None:
        made.services.add(service)
    return made


def entry(world, **overrides):
    data = {"client_id": str(uuid.uuid4()), "date": "2026-11-19", "unit": world.village_a1.code,
            "kind": "guidance", "services": ["vneid"], "people_count": 4,
            "made_at": "2026-11-19T15:30:00+07:00"}
    data.update(overrides)
    return data


def test_the_activity_table_is_partitioned_by_month_of_its_date_after_migrate(world):
    with connection.cursor() as cursor:
        cursor.execute("""SELECT p.partstrat, a.attname FROM pg_partitioned_table p
                          JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
                          WHERE p.partrelid = 'fieldwork_activity'::regclass""")
        assert cursor.fetchone() == ("r", "date")  # by range of the date
    found = partitions.partitions()
    assert found[-1].name == "fieldwork_activity_default" and found[-1].month is None
    assert all(p.name == partitions.name_of(p.month) for p in found[:-1]) and len(found) >= 4


def test_the_command_makes_this_month_and_three_ahead_and_a_second_run_makes_nothing(world):
    drop_months_from(datetime.date(2026, 11, 1))
    out = io.StringIO()
    call_command("activity_partitions", "--ahead", "3", stdout=out)
    made = {"fieldwork_activity_p2026_11", "fieldwork_activity_p2026_12", "fieldwork_activity_p2027_01",
            "fieldwork_activity_p2027_02"}
    assert made <= month_tables() and "fieldwork_activity_p2027_03" not in month_tables()
    assert "Đã tạo 4 phân vùng" in out.getvalue()
    before = month_tables()
    again = io.StringIO()
    call_command("activity_partitions", "--ahead", "3", "--analyze", stdout=again)
    assert "Đã tạo 0 phân vùng" in again.getvalue() and month_tables() == before


def test_an_activity_in_a_month_made_ahead_lands_in_its_partition(world, team):
    drop_months_from(datetime.date(2026, 11, 1))
    call_command("activity_partitions", "--ahead", "3", stdout=io.StringIO())
    january = activity(world, team, day=datetime.date(2027, 1, 15))
    assert placed_in(january) == "fieldwork_activity_p2027_01"
    assert Activity.objects.get(pk=january.pk).date == datetime.date(2027, 1, 15)


def test_a_month_without_partition_waits_in_the_default_then_moves_to_its_own_with_its_services(world, team):
    vneid = Service.objects.get(code="vneid")
    old = activity(world, team, day=datetime.date(2019, 5, 3), service=vneid)
    assert placed_in(old) == "fieldwork_activity_default"
    call_command("activity_partitions", "--ahead", "3", stdout=io.StringIO())
    assert placed_in(old) == "fieldwork_activity_p2019_05"
    assert list(Activity.objects.get(pk=old.pk).services.all()) == [vneid]
    assert partitions.months_in_default() == []


def test_a_batch_sent_again_is_stored_once_in_the_partition_of_its_date(client, world, team):
    drop_months_from(datetime.date(2026, 10, 1))
    call_command("activity_partitions", "--ahead", "1", stdout=io.StringIO())  # 11/2026 and 12/2026
    client.force_login(world.leader_a1)
    queue = [entry(world, date=day) for day in ("2026-10-31", "2026-11-01", "2026-11-19")]
    first = client.post("/api/v1/activities/batch", json.dumps(queue), content_type="application/json").json()
    placed = {a.client_id: placed_in(a) for a in Activity.objects.all()}
    # The phone resends its queue as it stored it: same client_id, same date, so the same partition.
    again = client.post("/api/v1/activities/batch", json.dumps(queue), content_type="application/json").json()
    assert [r["status"] for r in first] == ["stored"] * 3 and [r["status"] for r in again] == ["duplicate"] * 3
    assert Activity.objects.count() == 3
    assert {a.client_id: placed_in(a) for a in Activity.objects.all()} == placed
    assert sorted(placed.values()) == ["fieldwork_activity_default", "fieldwork_activity_p2026_11",
                                       "fieldwork_activity_p2026_11"]


def test_an_entry_sent_again_with_another_date_stays_the_one_first_stored(client, world, team):
    client.force_login(world.leader_a1)
    data = entry(world, date="2026-10-31")
    client.post("/api/v1/activities", json.dumps(data), content_type="application/json")
    moved = {**data, "date": "2026-11-19"}
    answer = client.post("/api/v1/activities", json.dumps(moved), content_type="application/json")
    assert answer.status_code == 200 and answer.json()["date"] == "2026-10-31"
    assert Activity.objects.count() == 1


def test_two_uploads_of_one_entry_racing_past_the_look_up_meet_the_unique_index(world, team):
    # A retry carries the date the phone stored, so it lands in the same partition as the first.
    same = uuid.uuid4()
    activity(world, team, day=datetime.date(2026, 11, 19), client_id=same)
    with pytest.raises(IntegrityError), transaction.atomic():
        activity(world, team, day=datetime.date(2026, 11, 19), client_id=same)
    assert Activity.objects.filter(client_id=same).count() == 1


def test_service_links_hold_without_a_foreign_key(world, team):
    vneid = Service.objects.get(code="vneid")
    kept = activity(world, team, day=datetime.date(2026, 11, 19), service=vneid)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO fieldwork_activity_services (activity_id, service_id) VALUES (%s, %s)",
                       [kept.pk + 1000, vneid.pk])
    with connection.cursor() as cursor:  # a delete in SQL, past the ORM, takes the links along
        cursor.execute("DELETE FROM fieldwork_activity WHERE id = %s", [kept.pk])
    assert not Activity.services.through.objects.filter(activity_id=kept.pk).exists()
