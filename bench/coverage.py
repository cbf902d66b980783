"""The coverage page on PostgreSQL with province-size demo data.

Builds the bench database if it lacks the demo data (migrate, load_units --province 08,
seed_demo at the default size: 124 communes, 3,720 villages, about 3,500 teams and 18,000
memberships), then times, with Django's test client, the coverage page for the whole province
as the demo province admin (0901000001) and for one commune as its chairman, and the
`coverage()` selector itself with every part counted and the first page of each list read.

    .venv/bin/python bench/coverage.py              # database tocns_bench on 127.0.0.1, created if needed
    .venv/bin/python bench/coverage.py --explain    # also EXPLAIN ANALYZE the slowest queries
    BENCH_DATABASE_URL=postgres://... .venv/bin/python bench/coverage.py

The tests' database (tocns, test_tocns) is never touched. Target (issue: coverage): the whole
province under 300 ms.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tocns_bench"
PROVINCE = "08"
WARMUPS, RUNS, TARGET_MS = 3, 20, 300
PAGE = 50  # rows per page of a list on the coverage page


def create_database(url: str) -> None:
    """CREATE DATABASE if it does not exist (connects to the server's `postgres` database)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    cfg = dj_database_url.parse(url)
    params = {"host": cfg["HOST"] or None, "port": cfg["PORT"] or None, "user": cfg["USER"] or None,
              "password": cfg["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
            print(f"created database {cfg['NAME']}")


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.update({"DEBUG": "0", "HTTPS": "0", "DJANGO_SETTINGS_MODULE": "tocns.settings"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client in (ALLOWED_HOSTS) without touching the database
    from django.conf import settings

    # The benches time pages for users signed in with force_login; the second sign-in step
    # (django-otp) is timed on its own and is not part of any page here.
    settings.SECOND_FACTOR_REQUIRED_ROLES = []
    warnings.filterwarnings("ignore", "No directory at", UserWarning)  # no collectstatic for this bench


def ensure_data() -> None:
    from django.core.management import call_command

    from tocns.geo.models import AdminUnit
    from tocns.teams.models import Team

    call_command("migrate", "--noinput", verbosity=0)
    province = AdminUnit.objects.filter(code=PROVINCE).first()
    if province is None or AdminUnit.objects.filter(province=province).villages().count() < 3000 \
            or Team.objects.filter(province=province).count() < 3000:
        started = time.perf_counter()
        call_command("load_units", "--province", PROVINCE)
        call_command("seed_demo", "--province", PROVINCE)
        print(f"demo data built in {time.perf_counter() - started:.1f} s")
    # Fresh rows have no planner statistics until autovacuum gets to them (about a minute): without
    # them PostgreSQL picks nested loops for 3,500 teams it believes are 4, and the selector takes
    # 330 ms instead of 120. Production tables have statistics; measure that state.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(action) -> tuple[list[float], int, list[dict]]:
    """Times in ms over RUNS runs after WARMUPS; queries of one more run, captured apart."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUPS):
        action()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        action()
    return times, len(captured.captured_queries), captured.captured_queries


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def selector_action(province, commune=None):
    from tocns.teams import selectors

    parts = ("units_without_team", "teams_without_leader", "teams_without_deputy", "teams_below_minimum",
             "teams_at_cap", "people_in_two_teams")

    def action():
        report = selectors.coverage(province=province, commune=commune)
        for part in parts:
            queryset = getattr(report, part)
            queryset.count()
            list(queryset[:PAGE])

    return action


def page_action(client, path, params):
    def action():
        response = client.get(path, params)
        if response.status_code != 200:
            raise RuntimeError(f"{path}?{params} answered {response.status_code}")
        b"".join(response) if response.streaming else response.content  # noqa: B018 - read the whole body

    return action


def page_as(user, path: str, params=None):
    """`page_action` for `user`, signed in on a client of his own (force_login: the sign-in itself is
    timed on its own, in bench/load.py)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return page_action(client, path, params or {})


def explain(queries: list[dict], top: int) -> None:
    """EXPLAIN ANALYZE the slowest queries (their SQL shortened when printed: IN lists run long)."""
    from django.db import connection

    for query in sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:top]:
        text = query["sql"] if len(query["sql"]) <= 700 else query["sql"][:700] + " …"
        print(f"\n-- {float(query['time']) * 1000:.1f} ms\n{text}\n")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            print("\n".join(row[0] for row in cursor.fetchall()))


def bench_parser(doc: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest queries")
    parser.add_argument("--top", type=int, default=3, help="how many queries to explain")
    return parser


def start(script: str, parser: argparse.ArgumentParser) -> tuple[argparse.Namespace, str]:
    """What every PostgreSQL bench does first: its options, the database (created if missing), Django."""
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit(f"bench/{script} measures PostgreSQL: set BENCH_DATABASE_URL=postgres://...")
    create_database(url)
    setup(url)
    return args, url


def main() -> int:
    args, _url = start("coverage.py", bench_parser(__doc__))
    ensure_data()

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import NoReverseMatch, reverse

    from tocns.accounts.models import User
    from tocns.geo.models import AdminUnit
    from tocns.teams.models import Membership, Team

    province = AdminUnit.objects.get(code=PROVINCE)
    commune = AdminUnit.objects.filter(province=province, kind="xa").order_by("code").first()
    admin = User.objects.get(phone="0901000001")
    chairman = User.objects.get(username=f"chutich.{commune.code}")
    print(f"PostgreSQL {connection.pg_version // 10000}, database {settings.DATABASES['default']['NAME']}: "
          f"{AdminUnit.objects.filter(province=province).villages().count()} villages, "
          f"{Team.objects.filter(province=province).count()} teams, "
          f"{Membership.objects.filter(team__province=province).count()} memberships; "
          f"{WARMUPS} warm-ups, {RUNS} runs each\n")

    rows = []
    rows.append(("selector coverage(), tỉnh", *measure(selector_action(province))))
    rows.append((f"selector coverage(), {commune.name}", *measure(selector_action(province, commune))))
    try:
        path = reverse("teams:coverage")
    except NoReverseMatch:
        path = None
        print("the view teams:coverage does not exist yet: only the selector is timed\n")
    if path:
        # No collectstatic here: plain static storage, as the tests use.
        with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
            pages = [("trang, tỉnh (quản trị tỉnh)", admin, {}),
                     ("trang, tỉnh, danh sách tổ chưa có tổ phó", admin, {"show": "no_deputy"}),
                     ("trang, tỉnh, danh sách đơn vị chưa có tổ", admin, {"show": "no_team"}),
                     (f"trang, {commune.name} (chủ tịch xã)", chairman, {"commune": commune.code})]
            for label, user, params in pages:
                client = Client()
                client.force_login(user)
                try:
                    rows.append((label, *measure(page_action(client, path, params))))
                except Exception as exc:  # the view is being written: report, do not stop the bench
                    print(f"{label}: {type(exc).__name__}: {exc}")

    print("| đo | trung vị (ms) | p95 (ms) | số truy vấn |")
    print("|---|---:|---:|---:|")
    for label, times, count, _queries in rows:
        print(f"| {label} | {statistics.median(times):.0f} | {p95(times):.0f} | {count} |")
    # Judged on the page when it answers, else on the selector.
    province_page = [t for label, t, _c, _q in rows if label.startswith("trang, tỉnh (")]
    judged = statistics.median(province_page[0] if province_page else rows[0][1])
    ok = judged <= TARGET_MS
    print(f"\nwhole province: {judged:.0f} ms median (target {TARGET_MS} ms): {'OK' if ok else 'OVER TARGET'}")
    if args.explain or not ok:
        slowest_row = max(rows, key=lambda row: statistics.median(row[1]))
        print(f"\nslowest queries of «{slowest_row[0]}»:")
        explain(slowest_row[3], args.top)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
