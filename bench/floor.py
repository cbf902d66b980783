"""How near the floor the busiest reads and the sync are: each beside the bare SQL computing the same
numbers, on PostgreSQL with province-size demo data (issue #18, item 3).

The data is the one bench/fieldwork.py builds (`seed_demo --size province`: about 3,600 teams, 32,000
monthly reports, 2.5 million activities; built here if missing, which takes many minutes), then
ANALYZE. Times, median of RUNS rounds after WARMUPS (in each round the app, its bare SQL and its
replayed SQL run in turn, so the machine's drift falls on all three alike):

  - the roll-up selector `rollup()` for the province and last month, and the roll-up page
    /reports/rollup/ (with its completeness line), as the demo province admin (sokhcn);
  - the completeness selector's counts (expected, on time, late, missing: what the roll-up page
    shows) and the completeness page (counts, communes, the first page of missing teams);
  - the overview page /tong-quan/ for the province;
  - a phone's sync of 200 entries (POST /api/v1/activities/batch) into a village-month that holds
    none, and into the same village-month once it holds 5,000 (the tallies are added to, not recounted).

Each has three columns: the app (Python, ORM, template), the app's own SQL replayed through a bare
cursor (the database's share: app ÷ replay is the Python overhead), and the bare SQL: one hand-written
statement (or a few) computing the same numbers, without Python around it; ratio = app ÷ bare SQL.
The sync's bare SQL is the INSERT of the 200 activities and their service links (in a transaction
rolled back). The activities made here are deleted afterwards and their tallies recounted.

    .venv/bin/python bench/floor.py                  # database tocns_bench on 127.0.0.1
    .venv/bin/python bench/floor.py --no-seed        # whatever data the database holds
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tocns_perf_bench .venv/bin/python bench/floor.py

Targets (issue #18): the roll-up page and the completeness selector at most 2× their bare SQL; a
sync into a full village-month no slower than into an empty one (within 25 %). Exits 1 if missed.
"""

import importlib.util
import json
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_fieldwork", ROOT / "bench" / "fieldwork.py")
_fieldwork = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fieldwork)
bench_parser, start, p95 = _fieldwork.bench_parser, _fieldwork.start, _fieldwork.p95
_spec = importlib.util.spec_from_file_location("bench_coverage", ROOT / "bench" / "coverage.py")
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)
page = _common.page_as

WARMUPS, RUNS = 3, 15
PROVINCE = "08"
BATCH, SYNC_RUNS, FULL_MONTH = 200, 8, 5000
TARGET_RATIO, SYNC_SLACK = 2.0, 1.25


# ---- timing ------------------------------------------------------------------------------------

def queries_of(action) -> list[dict]:
    """The queries one run of `action` makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        action()
    return captured.captured_queries


def interleaved(*actions, runs: int = RUNS) -> list[list[float]]:
    """Times (ms) of each action over `runs` rounds after WARMUPS, the actions taking turns within
    a round: a shared machine's speed drifts over seconds, and each ratio should see the same drift."""
    for _ in range(WARMUPS):
        for action in actions:
            action()
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, kept in zip(actions, times, strict=True):
            began = time.perf_counter()
            action()
            kept.append((time.perf_counter() - began) * 1000)
    return times


def bare(*statements):
    """Run hand-written statements (sql, params) through a cursor, fetching every row."""
    from django.db import connection

    def action():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
    return action


def replay(queries: list[dict]):
    """The app's own queries (as captured, parameters inlined), run through a bare cursor; the
    session's own bookkeeping (sessions, savepoints) is left out, as the reads are what is compared."""
    from django.db import connection

    reads = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]

    def action():
        with connection.cursor() as cursor:
            for sql in reads:
                cursor.execute(sql)
                cursor.fetchall()
    return action


# ---- the bare SQL -------------------------------------------------------------------------------

COUNTED = "('submitted', 'accepted')"
SQL_ROLLUP = f"""
    SELECT r.commune_id, v.indicator_id, sum(v.value) FROM reports_report r
    JOIN reports_reportform f ON f.id = r.form_id
    JOIN reports_reportvalue v ON v.report_id = r.id
    WHERE r.province_id = %s AND r.period_key = %s AND r.status IN {COUNTED}
      AND f.level IN ('village_team', 'commune_team') AND f.period_type = 'month' AND v.value IS NOT NULL
    GROUP BY 1, 2"""
SQL_COMPLETENESS = """
    SELECT t.commune_id, count(*),
           count(*) FILTER (WHERE r.submitted_at IS NOT NULL AND r.on_time),
           count(*) FILTER (WHERE r.submitted_at IS NOT NULL AND r.on_time IS NOT TRUE)
    FROM teams_team t JOIN geo_adminunit u ON u.id = t.unit_id
    LEFT JOIN reports_report r ON r.unit_id = t.unit_id AND r.form_id = %s AND r.period_key = %s
    WHERE t.province_id = %s AND u.kind IN ('thon', 'to_dan_pho') AND t.established_on <= %s
      AND t.status <> 'proposed' AND (t.dissolved_on IS NULL OR t.dissolved_on >= %s)
    GROUP BY 1"""
SQL_MISSING_PAGE = """
    SELECT u.name, c.name, p.full_name, p.phone, r.id
    FROM teams_team t JOIN geo_adminunit u ON u.id = t.unit_id JOIN geo_adminunit c ON c.id = t.commune_id
    LEFT JOIN reports_report r ON r.unit_id = t.unit_id AND r.form_id = %s AND r.period_key = %s
    LEFT JOIN teams_membership m ON m.team_id = t.id AND m.role = 'leader' AND m.end_date IS NULL
    LEFT JOIN teams_person p ON p.id = m.person_id
    WHERE t.province_id = %s AND u.kind IN ('thon', 'to_dan_pho') AND t.established_on <= %s
      AND t.status <> 'proposed' AND (t.dissolved_on IS NULL OR t.dissolved_on >= %s) AND r.submitted_at IS NULL
    ORDER BY c.name_folded, u.name_folded, t.id LIMIT 50"""
SQL_OVERVIEW = [
    # teams against units
    """SELECT count(*) FILTER (WHERE u.kind IN ('xa', 'phuong', 'dac_khu')),
              count(*) FILTER (WHERE u.kind IN ('thon', 'to_dan_pho')), count(*) FROM teams_team t
       JOIN geo_adminunit u ON u.id = t.unit_id WHERE t.province_id = %(p)s AND t.status = 'established'""",
    # members by occupation, gender, birth year and ethnic group, each person once; trained members
    """WITH people AS (SELECT DISTINCT m.person_id FROM teams_membership m JOIN teams_team t ON t.id = m.team_id
                       WHERE t.province_id = %(p)s AND t.status <> 'dissolved' AND m.end_date IS NULL)
       SELECT occupation, gender, birth_year, ethnic_group, count(*) FROM teams_person
       WHERE id IN (SELECT person_id FROM people) GROUP BY 1, 2, 3, 4""",
    """SELECT count(DISTINCT a.person_id) FROM training_attendance a WHERE a.present AND a.person_id IN (
       SELECT m.person_id FROM teams_membership m JOIN teams_team t ON t.id = m.team_id
       WHERE t.province_id = %(p)s AND t.status <> 'dissolved' AND m.end_date IS NULL)""",
    # field activity by month and by pillar (the tallies), per commune over the year
    """SELECT month, pillar, sum(activities), sum(people) FROM fieldwork_activitytally
       WHERE province_id = %(p)s AND month >= %(since)s GROUP BY 1, 2""",
    """SELECT commune_id, sum(activities), sum(people), sum(households) FROM fieldwork_activitytally
       WHERE province_id = %(p)s AND month >= %(since)s AND pillar = 'all' GROUP BY 1""",
    # monthly reports sent over six months, in all and per commune; feedback open
    """SELECT commune_id, period_key, count(*), count(*) FILTER (WHERE on_time) FROM reports_report r
       JOIN reports_reportform f ON f.id = r.form_id WHERE r.province_id = %(p)s AND f.code = 'THANG-THON'
       AND r.period_key = ANY(%(keys)s) AND r.status <> 'draft' GROUP BY 1, 2""",
    """SELECT commune_id, count(*), count(*) FILTER (WHERE answer_due_on < current_date)
       FROM fieldwork_feedback WHERE province_id = %(p)s AND status IN ('received', 'forwarded') GROUP BY 1""",
    # per commune: teams, members, trained
    """SELECT t.commune_id, count(DISTINCT t.id), count(DISTINCT m.person_id) FROM teams_team t
       LEFT JOIN teams_membership m ON m.team_id = t.id AND m.end_date IS NULL
       WHERE t.province_id = %(p)s AND t.status <> 'dissolved' GROUP BY 1""",
]


# ---- the sync ------------------------------------------------------------------------------------

def sync_entries(village, count: int, month_start) -> list[dict]:
    """`count` entries of a phone's queue, dated within the month starting `month_start`."""
    from django.utils import timezone

    services = [["vneid"], ["dvc-truc-tuyen"], ["vssid"], ["thanh-toan-qr", "tai-khoan-thanh-toan"], ["so-suc-khoe"]]
    out = []
    for n in range(count):
        day = month_start + timedelta(days=n % 25)
        kind = ("guidance", "guidance", "outreach", "class")[n % 4]
        made = timezone.localtime().replace(year=day.year, month=day.month, day=day.day, hour=19, minute=n % 60)
        out.append({"client_id": str(uuid.uuid4()), "date": day.isoformat(), "unit": village.code, "kind": kind,
                    "services": services[n % len(services)] if kind != "outreach" else [],
                    "people_count": 1 + n % 12 if kind == "guidance" else 15 + n % 20,
                    "women_count": n % 3, "door_to_door": n % 5 == 0, "made_at": made.isoformat()})
    return out


def quiet_villages(province, month, count: int) -> list[tuple]:
    """(village, its leader, entries it holds) for the `count` villages whose month holds fewest
    entries (none when there are such), of teams established before it."""
    from tocns.accounts.models import User
    from tocns.fieldwork.models import ActivityTally
    from tocns.geo.models import AdminUnit
    from tocns.teams.choices import MemberRole, TeamStatus
    from tocns.teams.models import Membership

    held = dict(ActivityTally.objects.filter(province=province, month=month, pillar="all").values_list(
        "unit_id", "activities"))
    leaders = dict(Membership.objects.active().filter(
        role=MemberRole.LEADER, person__user__isnull=False, team__province=province,
        team__status=TeamStatus.ESTABLISHED, team__unit__kind__in=("thon", "to_dan_pho"),
        team__established_on__lt=month).values_list("team__unit_id", "person__user_id"))
    chosen = sorted(leaders, key=lambda unit_id: (held.get(unit_id, 0), unit_id))[:count]
    units = AdminUnit.objects.in_bulk(chosen)
    users = User.objects.in_bulk([leaders[unit_id] for unit_id in chosen])
    return [(units[unit_id], users[leaders[unit_id]], held.get(unit_id, 0)) for unit_id in chosen]


def sync_rows(province) -> list[tuple]:
    """(label, app times, bare times) for a sync into the emptiest village-months and into a full one."""
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from tocns.fieldwork.models import Activity, ActivityTally
    from tocns.fieldwork.tallies import month_of, tally_refresh
    from tocns.teams.models import Team

    month = (timezone.localdate().replace(day=1) - timedelta(days=40)).replace(day=1)  # the month before last
    villages = quiet_villages(province, month, SYNC_RUNS + 2)  # the first is filled, one pair warms up
    made: list[str] = []
    touched: set = set()

    def post(client, village, entries) -> float:
        made.extend(e["client_id"] for e in entries)
        touched.add((village.pk, month))
        began = time.perf_counter()
        response = client.post("/api/v1/activities/batch", json.dumps(entries), content_type="application/json")
        elapsed = (time.perf_counter() - began) * 1000
        assert response.status_code == 200, (response.status_code, response.content[:300])
        assert {r["status"] for r in response.json()} == {"stored"}, response.json()[:2]
        return elapsed

    def client_of(leader):
        client = Client()
        client.force_login(leader)
        client.get("/")  # a signed-in phone: the session is warm before its sync is timed
        return client

    village, leader, _held = villages[0]
    team_id = Team.objects.filter(unit=village).exclude(status="dissolved").values_list("pk", flat=True).first()

    def insert_only() -> float:
        """The floor: the same 200 rows and their service links INSERTed, then rolled back."""
        rows = sync_entries(village, BATCH, month)
        columns = ("client_id", "date", "kind", "people_count", "women_count", "door_to_door", "made_at")
        began = time.perf_counter()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO fieldwork_activity (client_id, date, kind, people_count, women_count, door_to_door,"
                    " made_at, received_at, unit_id, commune_id, province_id, team_id, recorded_by_id, notes,"
                    " photo, is_demo)"
                    " SELECT x.client_id::uuid, x.date::date, x.kind, x.people_count, x.women_count, x.door_to_door,"
                    " x.made_at::timestamptz, now(), %s, %s, %s, %s, %s, '', '', false"
                    " FROM jsonb_to_recordset(%s::jsonb) AS x(client_id text, date text, kind text, people_count int,"
                    " women_count int, door_to_door bool, made_at text) RETURNING id",
                    [village.pk, village.commune_id, village.province_id, team_id, leader.pk,
                     json.dumps([{c: r[c] for c in columns} for r in rows])])
                ids = [row[0] for row in cursor.fetchall()]
                cursor.execute("INSERT INTO fieldwork_activity_services (activity_id, service_id)"
                               " SELECT a, (SELECT id FROM fieldwork_service WHERE code = 'vneid' LIMIT 1)"
                               " FROM unnest(%s::bigint[]) a", [ids])
                raise _Rollback
        except _Rollback:
            pass
        return (time.perf_counter() - began) * 1000

    rows = []
    try:
        client = client_of(leader)

        def held_now():
            return ActivityTally.objects.filter(unit=village, month=month, pillar="all").values_list(
                "activities", flat=True).first() or 0
        while held_now() < FULL_MONTH:  # the full village-month, filled first (not timed)
            post(client, village, sync_entries(village, 500, month))
        full_held = held_now()
        # Then, in turn, a sync into one of the emptiest village-months (a different village each
        # time, its leader's phone signed in) and a sync into the full one: the load on the machine
        # drifts alike for both. The first pair is a warm-up.
        empty, full = [], []
        for unit, user, _held in villages[1:]:
            empty.append(post(client_of(user), unit, sync_entries(unit, BATCH, month)))
            full.append(post(client, village, sync_entries(village, BATCH, month)))
        empty, full = empty[1:], full[1:]
        empty_held = max(held for _unit, _user, held in villages[1:])
        try:
            floor = [insert_only() for _ in range(SYNC_RUNS)]
        except Exception as exc:  # the activity table's columns changed: say so, keep the app's figures
            print(f"note: the bare INSERT failed ({type(exc).__name__}: {exc}); the sync's floor is not measured")
            floor = []
        recount = []  # what each sync paid before (issue #18): the village-month recounted after commit
        for _ in range(SYNC_RUNS):
            began = time.perf_counter()
            tally_refresh({(village.pk, month)})
            recount.append((time.perf_counter() - began) * 1000)
        rows.append((f"sync of 200 entries (API), village-month holding at most {empty_held:,} before", empty, floor))
        rows.append((f"sync of 200 entries (API), village-month holding {full_held:,} before", full, floor))
        rows.append((f"(before: recount of that village-month after each sync, {held_now():,} entries)", recount, []))
    finally:
        Activity.objects.filter(client_id__in=made).delete()
        tally_refresh({(unit_id, month_of(day)) for unit_id, day in touched})  # recounted from what is left
    return rows


class _Rollback(Exception):
    pass


# ---- main --------------------------------------------------------------------------------------

def main() -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--no-seed", action="store_true", help="measure the data there is (no seed_demo)")
    parser.add_argument("--only", choices=("rollup",), help="measure only the roll-up selector and page")
    args, _url = start("floor.py", parser)
    if args.no_seed:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        _fieldwork.ensure_data()

    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from tocns.accounts.models import User
    from tocns.fieldwork.models import Activity
    from tocns.geo.models import AdminUnit
    from tocns.reports import selectors
    from tocns.reports.choices import PeriodType
    from tocns.reports.models import Report
    from tocns.reports.periods import period_of
    from tocns.teams.models import Team

    province = AdminUnit.objects.get(code=PROVINCE)
    month = period_of(PeriodType.MONTH, timezone.localdate()).previous()
    form = selectors.team_forms("village_team").first()
    admin = User.objects.get(username="sokhcn")
    load = os.getloadavg()
    print(f"PostgreSQL {connection.pg_version // 10000}, database {settings.DATABASES['default']['NAME']}: "
          f"{Team.objects.filter(province=province).count():,} teams, "
          f"{Report.objects.filter(province=province, form__period_type='month').count():,} monthly reports, "
          f"{Activity.objects.filter(province=province).count():,} activities; period {month.key}; "
          f"{WARMUPS} warm-ups, {RUNS} rounds (app, bare SQL, replay in turn), median; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n",
          flush=True)

    since = (timezone.localdate().replace(day=1) - timedelta(days=335)).replace(day=1)
    keys = [f"{(month.start - timedelta(days=28 * k)).replace(day=1):%Y-%m}" for k in range(6)]
    completeness_params = [form.pk, month.key, province.pk, month.end, month.start]
    measured = []  # (label, app times, app queries, bare times)

    def pair(label, app, sql):
        queries = queries_of(app)
        times, floor, replayed = interleaved(app, sql, replay(queries))
        measured.append((label, times, len(queries), replayed, floor))
        print(f"  {label}: {statistics.median(times):.0f} ms | replay {statistics.median(replayed):.0f} ms | "
              f"bare {statistics.median(floor):.0f} ms", flush=True)

    static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=static):
        pair(f"roll-up selector, province, {month.key}", lambda: selectors.rollup(unit=province, period=month).total,
             bare((SQL_ROLLUP, [province.pk, month.key])))
        pair(f"roll-up page, province, {month.key}",
             page(admin, f"/reports/rollup/?unit={PROVINCE}&period={month.key}"),
             bare((SQL_ROLLUP, [province.pk, month.key]), (SQL_COMPLETENESS, completeness_params)))

        if args.only == "rollup":
            return report(measured, [])

        def counts():
            result = selectors.completeness(form=form, period=month, unit=province)
            return result.expected, result.on_time, result.late, result.missing
        pair(f"completeness selector (counts), province, {month.key}", counts,
             bare((SQL_COMPLETENESS, completeness_params)))
        pair(f"completeness page, province, {month.key}",
             page(admin, f"/reports/completeness/?unit={PROVINCE}&period={month.key}"),
             bare((SQL_COMPLETENESS, completeness_params), (SQL_MISSING_PAGE, completeness_params)))
        overview_params = {"p": province.pk, "since": since, "keys": keys}
        pair("overview page, province", page(admin, "/tong-quan/"),
             bare(*[(sql, overview_params) for sql in SQL_OVERVIEW]))

    return report(measured, sync_rows(province))


def report(measured, syncs) -> int:
    """Print the table; 0 when the targets are met, else 1."""
    print("\n| measured | app (ms) | p95 (ms) | queries | app's SQL replayed (ms) | bare SQL (ms) | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    ok = True
    for label, times, count, replayed, floor in measured:
        app, base = statistics.median(times), statistics.median(floor)
        ratio = app / base if base else float("inf")
        print(f"| {label} | {app:.0f} | {p95(times):.0f} | {count} | {statistics.median(replayed):.0f} | "
              f"{base:.0f} | {ratio:.1f}× |")
        if label.startswith(("roll-up page", "completeness selector")):
            ok = ok and ratio <= TARGET_RATIO
    for label, times, floor in syncs:
        app = statistics.median(times)
        base = statistics.median(floor) if floor else None
        ratio = f"{app / base:.1f}×" if base else "–"
        print(f"| {label} | {app:.0f} | {p95(times):.0f} | – | – | {f'{base:.0f} (INSERT)' if base else '–'} | "
              f"{ratio} |")
    if len(syncs) >= 2:
        empty, full = (statistics.median(times) for _label, times, _floor in syncs[:2])
        same = full <= empty * SYNC_SLACK
        ok = ok and same
        print(f"\nsync into a full village-month: {full:.0f} ms against {empty:.0f} ms into an empty one: "
              f"{'OK' if same else 'SLOWER'}")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"targets: roll-up page and completeness selector at most {TARGET_RATIO:.0f}× bare SQL: "
          f"{'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
