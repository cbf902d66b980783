"""The JSON API against its own selectors, on PostgreSQL with province-size demo data.

Builds the bench database if it lacks the demo data (as bench/coverage.py: migrate, load_units
--province 08, seed_demo at the default size: 124 communes, about 3,500 teams and 18,000
memberships, with monthly reports), runs ANALYZE, then times, with Django's test client signed in
as the demo province admin (sokhcn), 3 warm-ups and 20 runs each (the paging 2 and 5), median and p95:

  (a) the province roll-up for the last complete month: `GET /api/v1/rollups?unit=08&period=<month>`
      against `reports.selectors.rollup(unit=<province>, period=<month>)` called directly;
  (b) 10,000 members paged through: 20 requests `GET /api/v1/members?limit=500&offset=…` against
      the same 20 slices of 500 of the queryset the endpoint reads (today's memberships of the teams
      the caller sees, in the endpoint's order, person and team joined) read directly.

Each as a ratio API / direct: what the API adds (authentication, validation, the JSON, the
phone and ethnic-group rules per row, the audit of the read) on top of the query.

    .venv/bin/python bench/api.py                  # database tocns_bench on 127.0.0.1, created if needed
    .venv/bin/python bench/api.py --explain        # also EXPLAIN ANALYZE the slowest queries of (a)
    BENCH_DATABASE_URL=postgres://... .venv/bin/python bench/api.py

The tests' database is never touched.
"""

import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_coverage", ROOT / "bench" / "coverage.py")
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)
ensure_data, measure, p95, explain, bench_parser, start = (
    _common.ensure_data, _common.measure, _common.p95, _common.explain, _common.bench_parser, _common.start)

PROVINCE = "08"
ADMIN = "sokhcn"
MEMBERS, PAGE = 10_000, 500
PAGING_WARMUPS, PAGING_RUNS = 2, 5


def timed(action, warmups: int, runs: int) -> list[float]:
    for _ in range(warmups):
        action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def last_month():
    from django.utils import timezone

    from tocns.reports.periods import month_period

    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return month_period(year, month)


def api_get(client, path: str, params: dict) -> dict:
    response = client.get(path, params)
    if response.status_code != 200:
        raise RuntimeError(f"{path}?{params} answered {response.status_code}: {response.content[:300]!r}")
    return response.json()


def members_queryset(user):
    """What GET /members reads, as tocns/api/people_api.py builds it for a caller without filters."""
    from tocns.teams import selectors
    from tocns.teams.models import Membership

    return (Membership.objects.active().filter(team__in=selectors.teams_for_user(user))
            .select_related("person", "team__unit", "team__commune")
            .order_by("team__commune__code", "team__unit__code", "team_id", "person__full_name_folded", "id"))


def row(label: str, times: list[float], queries: int | str = "") -> tuple[str, float, float, str]:
    return label, statistics.median(times), p95(times), str(queries)


def main() -> int:
    args, _url = start("api.py", bench_parser(__doc__))
    ensure_data()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tocns.accounts.models import User
    from tocns.geo.models import AdminUnit
    from tocns.reports import selectors

    province = AdminUnit.objects.get(code=PROVINCE)
    admin = User.objects.get(username=ADMIN)
    client = Client()
    client.force_login(admin)
    period = last_month()
    results = []

    # (a) the province roll-up for a month
    rollup = api_get(client, "/api/v1/rollups", {"unit": PROVINCE, "period": period.key})
    print(f"roll-up {period.key}: {rollup['report_count']} reports, {len(rollup['lines'])} indicators, "
          f"{len(rollup['children'])} communes")
    direct_times, direct_queries, _ = measure(lambda: selectors.rollup(unit=province, period=period))
    api_times, api_queries, captured = measure(
        lambda: api_get(client, "/api/v1/rollups", {"unit": PROVINCE, "period": period.key}))
    results += [row(f"roll-up {period.key}, selector rollup() directly", direct_times, direct_queries),
                row(f"roll-up {period.key}, GET /api/v1/rollups?unit=08", api_times, api_queries)]
    rollup_ratio = statistics.median(api_times) / statistics.median(direct_times)

    # (b) 10,000 members paged through, 500 a page
    available = members_queryset(admin).count()
    wanted = min(MEMBERS, available)
    offsets = range(0, wanted, PAGE)
    print(f"members: {available} in the province admin's scope, {wanted} paged through in {len(offsets)} pages")

    def through_api():
        seen = 0
        for offset in offsets:
            seen += len(api_get(client, "/api/v1/members", {"limit": PAGE, "offset": offset})["items"])
        assert seen == wanted, seen

    def directly():
        seen = 0
        for offset in offsets:
            seen += len(list(members_queryset(admin)[offset:offset + PAGE]))
        assert seen == wanted, seen

    direct_paging = timed(directly, PAGING_WARMUPS, PAGING_RUNS)
    api_paging = timed(through_api, PAGING_WARMUPS, PAGING_RUNS)
    with CaptureQueriesContext(connection) as direct_q:
        directly()
    with CaptureQueriesContext(connection) as api_q:
        through_api()
    results += [row(f"{wanted:,} members, {len(offsets)} slices of the selector's queryset", direct_paging,
                    len(direct_q.captured_queries)),
                row(f"{wanted:,} members, {len(offsets)} × GET /api/v1/members?limit=500", api_paging,
                    len(api_q.captured_queries))]
    paging_ratio = statistics.median(api_paging) / statistics.median(direct_paging)

    print(f"\n{'what':<62} {'median ms':>10} {'p95 ms':>9} {'queries':>8}")
    for label, median, high, queries in results:
        print(f"{label:<62} {median:>10.1f} {high:>9.1f} {queries:>8}")
    print(f"\nratio API / direct: roll-up {rollup_ratio:.2f}×, members paging {paging_ratio:.2f}×")
    if args.explain:
        explain(captured, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
