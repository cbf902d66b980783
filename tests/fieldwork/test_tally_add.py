"""The monthly tallies grow with each sync by the new entries' counts (issue #18): they agree with a
recount from the log, a retried sync changes nothing, a sync adds to the month without reading
what it already holds, and two syncs at once into the same village-month lose no count."""

import datetime
import threading
import uuid

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from tocns.fieldwork.models import ActivityTally, Service
from tocns.fieldwork.services import activities_record_batch, activity_record
from tocns.fieldwork.tallies import tally_rebuild

from ..factories import World, make_team
from ..reports.factories import established_long_ago, freeze

SERVICES = [["vneid"], ["thanh-toan-qr", "vneid"], ["so-suc-khoe"], []]


def entry(unit, n, day="2026-11-1{}"):
    kind = "outreach" if n % 4 == 3 else "guidance"
    return {"client_id": str(uuid.uuid4()), "date": day.format(n % 9), "unit": unit.code, "kind": kind,
            "services": SERVICES[n % 4], "people_count": 2 + n % 5, "door_to_door": n % 3 == 0,
            **({"households_count": 1 + n % 4} if n % 6 == 0 else {})}


def tallies() -> dict:
    return {(t.unit_id, t.month, t.pillar): (t.activities, t.people, t.households)
            for t in ActivityTally.objects.all()}


@pytest.mark.django_db
def test_a_sync_adds_to_the_tallies_what_a_recount_finds(world, team):
    activities_record_batch(user=world.leader_a1, entries=[entry(world.village_a1, n) for n in range(12)])
    activities_record_batch(user=world.leader_a1, entries=[entry(world.village_a1, n, "2026-10-2{}")
                                                           for n in range(5)])
    activity_record(user=world.leader_a1, data=entry(world.village_a1, 6))
    added = tallies()
    tally_rebuild()
    assert added == tallies()
    assert added[(world.village_a1.pk, datetime.date(2026, 11, 1), "all")][0] == 13
    assert {pillar for _unit, _month, pillar in added} == {"all", "government", "economy", "society"}


@pytest.mark.django_db
def test_a_retried_sync_changes_no_tally(world, team):
    queue = [entry(world.village_a1, n) for n in range(8)]
    activities_record_batch(user=world.leader_a1, entries=queue[:3])  # the connection dropped after three
    activities_record_batch(user=world.leader_a1, entries=queue)
    once = tallies()
    activities_record_batch(user=world.leader_a1, entries=queue)
    activity_record(user=world.leader_a1, data=queue[0])
    assert tallies() == once
    assert once[(world.village_a1.pk, datetime.date(2026, 11, 1), "all")][0] == 8


@pytest.mark.django_db
def test_a_sync_into_a_full_month_adds_to_it_without_reading_the_month(world, team,
                                                                         django_capture_on_commit_callbacks):
    for _ in range(5):
        activities_record_batch(user=world.leader_a1, entries=[entry(world.village_a1, n) for n in range(40)])
    november = ActivityTally.objects.filter(unit=world.village_a1, month=datetime.date(2026, 11, 1), pillar="all")
    november.update(activities=1000)  # what the month held: the sync adds to it, it does not count it again
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        activities_record_batch(user=world.leader_a1, entries=[entry(world.village_a1, n) for n in range(20)])
    assert november.get().activities == 1020
    assert not [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.django_db(transaction=True)
def test_two_syncs_at_once_into_the_same_village_month_lose_no_count(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs two real database connections: runs on PostgreSQL")
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))
    for code, pillar in (("vneid", "government"), ("thanh-toan-qr", "economy"), ("so-suc-khoe", "society")):
        if not Service.objects.filter(code=code).exists():  # the catalogue's migration ran before the flush
            Service.objects.create(code=code, name=code, short_name=code, pillar=pillar)
    world = World()
    established_long_ago(make_team(world, world.village_a1, members=1))
    barrier = threading.Barrier(4)
    failures = []

    def sync(offset):
        try:
            barrier.wait()
            activities_record_batch(user=world.leader_a1,
                                    entries=[entry(world.village_a1, n) for n in range(offset, offset + 25)])
        except Exception as exc:  # noqa: BLE001 - reported below, the test fails on it
            failures.append(exc)
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=sync, args=(k * 25,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    added = tallies()
    assert added[(world.village_a1.pk, datetime.date(2026, 11, 1), "all")][0] == 100
    tally_rebuild()
    assert added == tallies()
