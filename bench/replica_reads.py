"""The overview and roll-up read from a streaming replica: their time beside the primary's, what a
user's own write, an unreachable replica and a replica stopped in the middle of a page cost.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tocns_replica_bench \\
        .venv/bin/python bench/replica_reads.py [--port 5442] [--keep]

Builds the database if it lacks data (migrate, load_units --province 08, seed_demo --size small),
starts the replica with bench/pg_replica.py (stopped and removed at the end unless --keep; one
already running on the port is used and left running), then times, as the demo province admin,
3 warm-ups and 20 runs each (median, p95): the pages on the replica, the same pages right after
the user's own POST (read from the primary), the first page with the replica's port closed and the
pages after it, the page during which the replica is stopped, and how long a commit takes to show
on the replica. Every page must answer 200 with the primary's numbers.
"""

import importlib.util
import os
import socket
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_common = _load("coverage")
pg_replica = _load("pg_replica")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tocns_replica_bench"


def main() -> int:
    parser = _common.bench_parser(__doc__)
    parser.add_argument("--port", type=int, default=5442)
    parser.add_argument("--keep", action="store_true", help="leave the replica running")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    _common.create_database(url)
    import dj_database_url

    primary = dj_database_url.parse(url)
    pg_replica.PRIMARY_HOST, pg_replica.PRIMARY_PORT = primary["HOST"] or "127.0.0.1", int(primary["PORT"] or 5432)
    os.environ["DATABASE_URL"] = url
    _seed_if_empty(url)
    was_running = pg_replica.is_running(args.port)
    started = time.perf_counter()
    dsn = pg_replica.start_replica(args.port, dbname=primary["NAME"])
    ready_s = time.perf_counter() - started
    os.environ["DATABASE_REPLICA_URL"] = dsn
    try:
        return _measure(args.port, ready_s, was_running)
    finally:
        if not (args.keep or was_running):
            pg_replica.stop_replica(args.port)


def _seed_if_empty(url: str) -> None:
    import subprocess

    env = {**os.environ, "DATABASE_URL": url}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    has_teams = subprocess.run([*manage, "shell", "-c", "from tocns.teams.models import Team; "
                                "print(Team.objects.exists())"], env=env, capture_output=True, text=True, check=True)
    if has_teams.stdout.strip() != "True":
        subprocess.run([*manage, "load_units", "--province", "08"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*manage, "seed_demo", "--province", "08", "--size", "small"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(["psql", "-X", "-q", url, "-c", "ANALYZE"], check=True)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _measure(port: int, ready_s: float, was_running: bool) -> int:
    _common.setup(os.environ["DATABASE_URL"])
    from django.conf import settings
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from tocns.accounts.models import User
    from tocns.lib import dbrouter

    assert "replica" in settings.DATABASES, "DATABASE_REPLICA_URL was not read"
    static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    override_settings(STORAGES=static).enable()
    client = Client()
    client.force_login(User.objects.get(username="sokhcn"))
    replica = connections["replica"]
    caught_up = [pg_replica.wait_caught_up(port) for _ in range(1)]
    pages = {"overview": "/tong-quan/", "roll-up": "/reports/rollup/"}
    rows = []

    def page(path, *, wrote=False):
        client.cookies.pop(dbrouter.WROTE_COOKIE, None)
        if wrote:
            client.cookies[dbrouter.WROTE_COOKIE] = f"{time.time():.0f}"
        answer = client.get(path)
        assert answer.status_code == 200, answer.status_code
        return answer

    def timed(label, action, runs=None):
        times = []
        for _ in range(_common.WARMUPS if runs is None else 0):
            action()
        for _ in range(runs or _common.RUNS):
            begun = time.perf_counter()
            action()
            times.append((time.perf_counter() - begun) * 1000)
        rows.append((label, statistics.median(times), _common.p95(times), len(times)))

    expected = {name: page(path, wrote=True).content for name, path in pages.items()}
    for name, path in pages.items():
        with CaptureQueriesContext(replica) as on_replica:
            page(path)
        assert len(on_replica) > 3, f"{name} did not read the replica"
        timed(f"{name}, read from the replica", lambda path=path: page(path))
        timed(f"{name}, right after the user's POST (primary)", lambda path=path: page(path, wrote=True))

    # a commit on the primary (one UPDATE), until the replica has replayed it
    visible = []
    admin = User.objects.get(username="sokhcn")
    for _ in range(20):
        begun = time.perf_counter()
        User.objects.filter(pk=admin.pk).update(last_login=admin.last_login)
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            lsn = cursor.fetchone()[0]
        with replica.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
                if cursor.fetchone()[0]:
                    break
        visible.append((time.perf_counter() - begun) * 1000)
    rows.append(("a commit (one UPDATE) replayed on the replica", statistics.median(visible),
                 _common.p95(visible), len(visible)))

    # the replica stopped during a page: the page again from the primary
    calls = []

    def stop_on_second(execute, sql, params, many, context):
        calls.append(1)
        if len(calls) == 2:
            pg_replica.stop_replica(port, keep=True, mode="fast")
        return execute(sql, params, many, context)

    dbrouter.reset_replica_state()
    with replica.execute_wrapper(stop_on_second):
        begun = time.perf_counter()
        answer = page(pages["overview"])
        mid_ms = (time.perf_counter() - begun) * 1000
    assert answer.content.count(b"<tr") == expected["overview"].count(b"<tr") and dbrouter.replica_is_down()
    rows.append(("overview, the replica stopped in the middle (pg_ctl stop -m fast inside)", mid_ms, mid_ms, 1))
    timed("overview, replica down (marked: not tried)", lambda: page(pages["overview"]))
    pg_replica.start_replica(port, quiet=True)

    # an unreachable replica: its port closed
    replica.close()
    connections.settings["replica"]["PORT"] = str(_closed_port())
    del connections["replica"]
    dbrouter.reset_replica_state()
    timed("overview, first page with the replica's port closed", lambda: page(pages["overview"]), runs=1)
    assert dbrouter.replica_is_down()

    print(f"replica ready {ready_s:.1f} s after start{' (already running)' if was_running else ''}; "
          f"caught up in {caught_up[0] * 1000:.0f} ms; load average {os.getloadavg()[0]:.2f}; "
          f"{_common.WARMUPS} warm-ups, {_common.RUNS} runs\n")
    print("| | median ms | p95 ms | runs |\n|---|---:|---:|---:|")
    for label, median, high, runs in rows:
        print(f"| {label} | {median:.1f} | {high:.1f} | {runs} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
