"""The overview and the roll-up with a replica: they read from it, a user who just wrote reads the
primary, and a replica that is unreachable or breaks during a page leaves the page built from the
primary, with no error.

The replica is a second alias, `replica`, that exists for this module only (Django checks a test's
databases before any function fixture runs, hence the module fixture). It is a mirror: a second
connection to the same test database, enough to see which alias a page read, on SQLite and
PostgreSQL alike. These tests commit (transaction=True): inside a transaction on the primary every
read stays there, by design. The last test starts a real streaming replica with
bench/pg_replica.py (PostgreSQL, pg_basebackup, root) and stops it in the middle of a page.
"""

import importlib.util
import os
import shutil
import socket
import time
from contextlib import suppress
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext, override_settings

from tocns.accounts.models import User
from tocns.lib import dbrouter
from tocns.lib.dbrouter import REPLICA, WROTE_COOKIE, replica_is_down
from tocns.teams.models import Membership

from ..factories import make_team

replica_db = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


def _configure(**changes) -> None:
    """(Re)defines the replica alias: default's settings (the test database) with changes."""
    with suppress(Exception):  # a connection a test broke on purpose
        connections[REPLICA].close()
    if REPLICA in connections.settings:
        with suppress(AttributeError):
            del connections[REPLICA]
    configured = connections.configure_settings({
        DEFAULT_DB_ALIAS: connections.settings[DEFAULT_DB_ALIAS],
        REPLICA: {**connections[DEFAULT_DB_ALIAS].settings_dict, **changes, "TEST": {"MIRROR": DEFAULT_DB_ALIAS}}})
    connections.settings[REPLICA] = configured[REPLICA]


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup):
    kept = connections.settings.get(REPLICA)
    _configure()
    with override_settings(DATABASE_ROUTERS=["tocns.lib.dbrouter.ReplicaRouter"]):
        yield
    with suppress(Exception):
        connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]
    if kept is not None:
        connections.settings[REPLICA] = kept


@pytest.fixture
def replica():
    """The replica alias as a mirror; a test may _configure() it otherwise, restored after."""
    _configure()
    dbrouter.reset_replica_state()
    yield connections[REPLICA]
    _configure()
    dbrouter.reset_replica_state()


@pytest.fixture
def teams(world):
    return make_team(world, world.village_a1, members=3), make_team(world, world.village_b1, members=2)


def _members_on_overview(client) -> int:
    page = client.get("/tong-quan/")
    assert page.status_code == 200
    return page.context["o"].members


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


@replica_db
def test_the_overview_and_the_rollup_read_from_the_replica(client, world, teams, replica):
    client.force_login(world.province_admin)
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connection) as on_primary:
        assert _members_on_overview(client) == 5
    assert len(on_replica) > 5 and not any("accounts_user" in q["sql"] and "UPDATE" in q["sql"] for q in on_replica)
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/reports/rollup/").status_code == 200
        assert client.get("/reports/completeness/").status_code == 200
    assert len(on_replica) > 5
    # the session and the user are read where login_required reads them: the primary
    assert any("django_session" in q["sql"] for q in on_primary)
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/").status_code == 200  # a page that did not opt in
    assert len(on_replica) == 0


@replica_db
def test_after_a_post_the_same_user_reads_the_primary(client, world, teams, replica, settings):
    client.force_login(world.province_admin)
    answer = client.post(f"/accounts/users/{world.member_a1.pk}/active/", {"active": "0"})
    assert answer.status_code == 302 and not User.objects.get(pk=world.member_a1.pk).is_active
    assert answer.cookies[WROTE_COOKIE]["max-age"] == settings.REPLICA_READ_YOUR_WRITES_SECONDS
    with CaptureQueriesContext(replica) as on_replica:
        assert _members_on_overview(client) == 5
        assert client.get("/reports/rollup/").status_code == 200
    assert len(on_replica) == 0

    assert WROTE_COOKIE not in client.post("/accounts/logout/").cookies  # signed out: nothing to follow
    client.force_login(world.province_admin)

    other = type(client)()  # another officer, who wrote nothing, still reads the replica
    other.force_login(world.officer_a)
    with CaptureQueriesContext(replica) as on_replica:
        assert other.get("/tong-quan/").status_code == 200
    assert len(on_replica) > 0

    client.cookies[WROTE_COOKIE] = f"{time.time() - settings.REPLICA_READ_YOUR_WRITES_SECONDS - 1:.0f}"
    with CaptureQueriesContext(replica) as on_replica:
        assert _members_on_overview(client) == 5
    assert len(on_replica) > 0  # the moment has passed: back on the replica


@replica_db
def test_a_replica_too_far_behind_is_skipped_until_it_catches_up(client, world, teams, replica, monkeypatch,
                                                                 settings):
    settings.REPLICA_MAX_LAG_SECONDS = 60
    lag = [300.0]
    monkeypatch.setattr(dbrouter, "replica_lag_seconds", lambda connection: lag[0])
    client.force_login(world.province_admin)
    with CaptureQueriesContext(replica) as on_replica:
        assert _members_on_overview(client) == 5
    assert len(on_replica) == 0 and not replica_is_down()  # behind, not down
    lag[0] = 1.0
    monkeypatch.setattr(dbrouter, "LAG_CHECK_SECONDS", 0)  # the next page checks again at once
    with CaptureQueriesContext(replica) as on_replica:
        assert _members_on_overview(client) == 5
    assert len(on_replica) > 0


@replica_db
def test_an_unreachable_replica_leaves_the_overview_on_the_primary(client, world, teams, replica,
                                                                   monkeypatch):
    _configure(ENGINE="django.db.backends.postgresql", NAME="tocns", USER="postgres", PASSWORD="",
                HOST="127.0.0.1", PORT=str(_closed_port()), OPTIONS={"connect_timeout": 1})
    client.force_login(world.province_admin)
    assert _members_on_overview(client) == 5
    assert replica_is_down()
    tries = []
    monkeypatch.setattr(connections[REPLICA], "ensure_connection", lambda: tries.append(1))
    started = time.monotonic()
    assert _members_on_overview(client) == 5
    assert client.get("/reports/rollup/").status_code == 200
    assert tries == [] and time.monotonic() - started < 5  # marked down: not even tried


@replica_db
def test_a_replica_that_breaks_during_a_page_leaves_it_built_from_the_primary(client, world, teams,
                                                                              replica):
    client.force_login(world.province_admin)
    expected = Membership.objects.active().values("person").distinct().count()
    seen = []

    def break_on_the_third(execute, sql, params, many, context):
        seen.append(sql)
        if len(seen) == 3:
            context["connection"].connection.close()  # the server went away between two queries
        return execute(sql, params, many, context)

    with replica.execute_wrapper(break_on_the_third):
        assert _members_on_overview(client) == expected == 5
    assert len(seen) == 3 and replica_is_down()
    with CaptureQueriesContext(connection) as on_primary:
        assert _members_on_overview(client) == 5
    assert len(on_primary) > 5


# ---- a real streaming replica (PostgreSQL, pg_basebackup) ------------------------------------------

def _pg_replica_module():
    path = Path(__file__).resolve().parents[2] / "bench" / "pg_replica.py"
    spec = importlib.util.spec_from_file_location("bench_pg_replica", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    for port in range(5450, 5500):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in 5450-5499 for a replica")


@pytest.fixture
def streaming_replica(replica):
    if connection.vendor != "postgresql":
        pytest.skip("a real streaming replica needs PostgreSQL (the mirror tests above run everywhere)")
    if not (shutil.which("pg_basebackup") and shutil.which("psql")):
        pytest.skip("pg_basebackup or psql is not installed")
    host = connection.settings_dict["HOST"] or "127.0.0.1"
    if host not in ("127.0.0.1", "localhost") or os.geteuid() != 0:
        pytest.skip("starting a replica of the local server needs root (to run pg_ctl as its user)")
    pg_replica = _pg_replica_module()
    pg_replica.PRIMARY_HOST, pg_replica.PRIMARY_PORT = host, int(connection.settings_dict["PORT"] or 5432)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(pg_database_size(datname)) FROM pg_database")
        size = cursor.fetchone()[0]
    if size > 2 * 1024**3:
        pytest.skip(f"the cluster holds {size / 1024**3:.1f} GB: copying it takes too long for a test "
                    "(run this module with DATABASE_URL on a small cluster of its own, see /work/notes/replica.md)")
    port = _free_port()
    pg_replica.stop_replica(port)  # a copy left by an interrupted run may be of another server
    try:
        pg_replica.start_replica(port, quiet=True, ready_timeout=60)
    except TimeoutError as exc:
        pg_replica.stop_replica(port)
        pytest.skip(f"the standby did not open in time, most likely behind a long transaction on the "
                    f"primary: {exc}")
    try:
        _configure(HOST="127.0.0.1", PORT=str(port), OPTIONS={"connect_timeout": 2})
        yield pg_replica, port, connections[REPLICA]
    finally:
        with suppress(Exception):  # the test stopped the server under it
            connections[REPLICA].close()
        pg_replica.stop_replica(port)


@replica_db
def test_a_real_replica_serves_the_overview_and_stopping_it_mid_page_shows_no_error(client, world, teams,
                                                                                   streaming_replica):
    pg_replica, port, replica = streaming_replica
    pg_replica.wait_caught_up(port)
    client.force_login(world.province_admin)
    with CaptureQueriesContext(replica) as on_replica:
        assert _members_on_overview(client) == 5
    assert len(on_replica) > 5
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True  # it really was the standby

    seen = []

    def stop_the_server_on_the_second(execute, sql, params, many, context):
        seen.append(sql)
        if len(seen) == 2:
            pg_replica.stop_replica(port, keep=True, mode="fast")
        return execute(sql, params, many, context)

    with replica.execute_wrapper(stop_the_server_on_the_second):
        assert _members_on_overview(client) == 5
    assert len(seen) == 2 and replica_is_down() and not pg_replica.is_running(port)
    assert _members_on_overview(client) == 5
    assert client.get("/reports/rollup/").status_code == 200
