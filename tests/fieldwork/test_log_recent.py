"""The log page looks back over the last months only (RECENT_DAYS): its one-tap buttons are the
services the member used lately, and on PostgreSQL its look-ups read (and lock) only those months'
partitions, not every month kept (submission day's load ran out of the shared lock table)."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tocns.fieldwork import partitions
from tocns.fieldwork.models import Activity, Service

pytestmark = pytest.mark.django_db


def logged(world, team, *, day: datetime.date, service: str) -> Activity:
    made = Activity.objects.create(
        client_id=uuid.uuid4(), team=team, unit=team.unit, province=world.province, commune=world.commune_a,
        date=day, kind="guidance", people_count=2, recorded_by=world.leader_a1,
        made_at=datetime.datetime(2026, 11, 19, 8, tzinfo=datetime.UTC))
    made.services.add(Service.objects.get(code=service))
    return made


def first_buttons(page: str) -> list[str]:
    chips = page.split('<div class="chips">', 1)[1].split("</div>", 1)[0]
    return re.findall(r'name="services" value="([^"]+)"', chips)


def test_the_first_buttons_are_the_services_used_lately_not_last_year(client, world, team):
    rare = Service.objects.filter(is_active=True).order_by("-order").first()  # last in the catalogue
    logged(world, team, day=datetime.date(2025, 10, 2), service=rare.code)
    client.force_login(world.leader_a1)
    assert rare.code not in first_buttons(client.get("/nhat-ky/").content.decode())
    logged(world, team, day=datetime.date(2026, 10, 2), service=rare.code)
    assert first_buttons(client.get("/nhat-ky/").content.decode())[0] == rare.code


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the activity table is partitioned on PostgreSQL only (SQLite keeps one table)")
def test_the_log_page_reads_no_partition_older_than_its_window(client, world, team):
    partitions.ensure_partitions(today=datetime.date(2025, 1, 1), ahead=1)  # January and February 2025
    logged(world, team, day=datetime.date(2025, 1, 15), service="vneid")
    logged(world, team, day=datetime.date(2026, 11, 12), service="vneid")
    client.force_login(world.leader_a1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/nhat-ky/").status_code == 200
    plans = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if "fieldwork_activity" in query["sql"] and query["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert plans and any("fieldwork_activity_p2026_11" in plan for plan in plans)
    assert not [plan for plan in plans if "p2025_01" in plan]
