"""Reports on PostgreSQL with province-size demo data: roll-up, roll-up page, Excel export, sending a report.

Builds the bench database if it lacks the data (migrate, load_units --province 08, seed_demo --size
province: 124 communes, about 3,500 teams and 24 months of monthly reports before the current month;
seed_demo adds only what is missing, so a database built for bench/coverage.py gets its reports),
runs ANALYZE, then times, 3 warm-ups and 20 runs each, median, p95 and queries:

  (a) the selector `rollup()` for the province: last complete month, last complete quarter, this year;
  (b) the page /reports/rollup/ for the same periods, as the demo province admin (sokhcn), and its
      Excel download (?format=xlsx);
  (c) `manage.py export_rollup --period <last month> --unit 08 --out <tmp>.xlsx`, the whole command
      in a subprocess (wall time, Django start-up included; queries counted in-process);
  (d) sending one report: `services.report_save(..., submit=True)` on a fresh report (this month's,
      a different team each run, opened beforehand and not timed), and the same through the report
      page (POST to reports:edit, or reports:detail where the form posts today) as the team leader.
      The reports made here are deleted afterwards.

Then the growth with the number of teams: a scratch copy of the database (tocns_bench_growth, made
from tocns_bench as a template and dropped afterwards) keeps the reports of the first 124, 62, 31 and
1 communes in turn (VACUUM FULL ANALYZE between), and the province roll-up is timed at each size.

    .venv/bin/python bench/reports.py               # database tocns_bench on 127.0.0.1, created if needed
    .venv/bin/python bench/reports.py --explain     # also EXPLAIN ANALYZE the slowest queries
    .venv/bin/python bench/reports.py --no-growth   # skip the scratch copy
    BENCH_DATABASE_URL=postgres://... .venv/bin/python bench/reports.py

Targets (issue: reports): the province roll-up for one month under 500 ms, the export under 3 s,
sending a report under 100 ms.
"""

import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_coverage", ROOT / "bench" / "coverage.py")
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)
create_database, setup, measure, p95, page_action, explain, bench_parser, start = (
    _common.create_database, _common.setup, _common.measure, _common.p95, _common.page_action, _common.explain,
    _common.bench_parser, _common.start)
WARMUPS, RUNS = _common.WARMUPS, _common.RUNS

GROWTH_DB = "tocns_bench_growth"
PROVINCE = "08"
MONTHS_WANTED = 24
TARGET_ROLLUP_MS, TARGET_EXPORT_MS, TARGET_SUBMIT_MS = 500, 3000, 100
GROWTH_STEPS = (124, 62, 31, 1)


def ensure_data() -> None:
    from django.core.management import call_command
    from django.db import connection

    from tocns.geo.models import AdminUnit

    call_command("migrate", "--noinput", verbosity=0)
    if AdminUnit.objects.filter(code=PROVINCE).first() is None:
        call_command("load_units", "--province", PROVINCE)
    started = time.perf_counter()
    call_command("seed_demo", "--province", PROVINCE, "--size", "province", stdout=_Lines(("Tổ mẫu", "Báo cáo")))
    print(f"seed_demo --size province: {time.perf_counter() - started:.1f} s")
    # Fresh rows have no planner statistics until autovacuum reaches them: measure the state
    # production is in (see bench/coverage.py).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class _Lines:
    """A stdout for call_command that prints only the lines starting with one of `prefixes`."""

    def __init__(self, prefixes):
        self.prefixes = prefixes

    def write(self, text):
        for line in text.splitlines():
            if line.startswith(self.prefixes):
                print(line)

    def flush(self):
        pass

    def isatty(self):
        return False


def rollup_action(unit, period):
    from tocns.reports import selectors

    def action():
        result = selectors.rollup(unit=unit, period=period)
        assert result.rows
    return action


def completeness_action(unit, period):
    from tocns.reports import selectors

    form = selectors.team_forms("village_team").first()

    def action():
        result = selectors.completeness(form=form, period=period, unit=unit)
        assert result.rows
    return action


def export_command_action(url, period_key, out):
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "HTTPS": "0"}

    def action():
        subprocess.run([sys.executable, "manage.py", "export_rollup", "--period", period_key, "--unit", PROVINCE,
                        "--out", out], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return action


def export_queries(period_key, out) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call_command("export_rollup", "--period", period_key, "--unit", PROVINCE, "--out", out, stdout=_Lines(()))
    return len(captured.captured_queries)


# ---- sending a report ---------------------------------------------------------------------------

def fresh_reports(province, count: int, opened: list):
    """`count` village teams' reports for this month, opened (a draft, no values) and not yet sent,
    with figures the checks accept (at most the team's usual level), and the leader who sends it."""
    from django.utils import timezone

    from tocns.accounts.models import User
    from tocns.reports import selectors, services
    from tocns.reports.models import Report
    from tocns.reports.periods import period_of
    from tocns.teams.choices import MemberRole, TeamStatus
    from tocns.teams.models import Membership, Team

    form = selectors.team_forms("village_team").first()
    period = period_of(form.period_type, timezone.localdate(), form.period_rule)
    taken = set(Report.objects.filter(form=form, period_start=period.start).values_list("unit_id", flat=True))
    leaders = dict(Membership.objects.active().filter(role=MemberRole.LEADER, person__user__isnull=False,
                                                      team__province=province)
                   .values_list("team_id", "person__user_id"))
    teams = [t for t in Team.objects.filter(province=province, status=TeamStatus.ESTABLISHED,
                                            unit__kind__in=("thon", "to_dan_pho"))
             .select_related("unit").order_by("unit__code")
             if t.unit_id not in taken and t.pk in leaders]
    # Spread over the province: every n-th team, so each run is a different commune's.
    step = max(1, len(teams) // count)
    out = []
    for team in teams[::step][:count]:
        report = services.report_open(form=form, period=period, team=team)
        opened.append(report.pk)
        usual = services.usual_values(report)
        values = {i.code: str(int(usual.get(i.pk, 0))) for i in services.form_indicators(form)
                  if i.pk in usual}
        out.append((report, values, User.objects.get(pk=leaders[team.pk])))
    return out


def submit_service_action(items):
    from tocns.reports import services

    queue = list(items)

    def action():
        report, values, by = queue.pop(0)
        started = time.perf_counter()
        saved = services.report_save(report=report, values=values, version=report.version,
                                     save_key=uuid.uuid4().hex, submit=True, by=by)
        elapsed = time.perf_counter() - started
        assert saved.status == "submitted", saved.status
        return elapsed
    return action


def submit_page_action(items, path_name):
    from django.test import Client
    from django.urls import reverse

    prepared = []
    for report, values, leader in items:
        client = Client()
        client.force_login(leader)
        data = {f"v_{code}": value for code, value in values.items()}
        # "confirm": the tap that sends even with empty cells (a bare "submit" first asks which are empty).
        data.update({"action": "confirm", "version": report.version, "save_key": uuid.uuid4().hex,
                     "difficulties": "Sóng 4G yếu ở xóm trên cao, bà con phải xuống nhà văn hóa."})
        prepared.append((client, reverse(path_name, args=[report.pk]), data, report.pk))

    def action():
        client, path, data, pk = prepared.pop(0)
        started = time.perf_counter()
        response = client.post(path, data)
        elapsed = time.perf_counter() - started
        if response.status_code != 302:  # the page answers 200 with the form when it refuses
            raise RuntimeError(f"POST {path} answered {response.status_code}")
        return elapsed
    return action


def measure_timed(action) -> tuple[list[float], int, list[dict]]:
    """As measure(), for actions that time only their own part and return it in seconds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUPS):
        action()
    times = [action() * 1000 for _ in range(RUNS)]
    with CaptureQueriesContext(connection) as captured:
        action()
    return times, len(captured.captured_queries), captured.captured_queries


# ---- growth with the number of teams -------------------------------------------------------------

def _admin_connect(url):
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    params = {"host": cfg["HOST"] or None, "port": cfg["PORT"] or None, "user": cfg["USER"] or None,
              "password": cfg["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}), cfg["NAME"]


def growth(url, month, year) -> list[tuple]:
    """(communes, teams reporting, reports, month median, year median) at each size, on a scratch copy."""
    from django.db import connection, connections
    from psycopg import sql

    from tocns.geo.models import AdminUnit
    from tocns.reports.models import Report
    from tocns.teams.models import Team

    connections.close_all()
    admin, source = _admin_connect(url)
    with admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(GROWTH_DB)))
        for attempt in range(5):
            try:
                admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(GROWTH_DB), sql.Identifier(source)))
                break
            except Exception as exc:  # another session on the template (autovacuum, a bench): wait
                if attempt == 4:
                    print(f"\nno scratch copy for the growth ({exc}): skipped")
                    return []
                time.sleep(3)
    settings_dict = connection.settings_dict
    settings_dict["NAME"] = GROWTH_DB
    rows = []
    try:
        province = AdminUnit.objects.get(code=PROVINCE)
        communes = list(AdminUnit.objects.filter(province=province).communes().active().order_by("code")
                        .values_list("pk", flat=True))
        for keep in GROWTH_STEPS:
            kept = communes[:keep]
            Report.objects.filter(province=province).exclude(commune_id__in=kept).delete()
            with connection.cursor() as cursor:
                for table in ("reports_reportvalue", "reports_reportevent", "reports_report"):
                    cursor.execute(f"VACUUM FULL ANALYZE {table}")
            teams = Team.objects.filter(province=province, commune_id__in=kept).count()
            reports = Report.objects.filter(province=province, period_key=month.key).count()
            month_times = measure(rollup_action(province, month))[0]
            year_times = measure(rollup_action(province, year))[0]
            rows.append((len(kept), teams, reports, statistics.median(month_times), statistics.median(year_times)))
    finally:
        connections.close_all()
        settings_dict["NAME"] = source
        admin, _name = _admin_connect(url)
        with admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(GROWTH_DB)))
    return rows


def slope(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares: (ms per team, ms at zero teams)."""
    n = len(points)
    mx, my = sum(x for x, _y in points) / n, sum(y for _x, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _y in points)
    b = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    return b, my - b * mx


def main() -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--no-growth", action="store_true", help="skip the growth with the number of teams")
    args, url = start("reports.py", parser)
    ensure_data()

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from tocns.accounts.models import User
    from tocns.geo.models import AdminUnit
    from tocns.reports.choices import PeriodType
    from tocns.reports.models import Report, ReportValue
    from tocns.reports.periods import period_of, year_period
    from tocns.teams.models import Team

    province = AdminUnit.objects.get(code=PROVINCE)
    today = timezone.localdate()
    month = period_of(PeriodType.MONTH, today).previous()
    quarter = period_of(PeriodType.QUARTER, today).previous()
    year = year_period(month.year)
    monthly = Report.objects.filter(province=province, form__period_type=PeriodType.MONTH)
    months = monthly.values("period_key").distinct().count()
    print(f"PostgreSQL {connection.pg_version // 10000}, database {settings.DATABASES['default']['NAME']}: "
          f"{Team.objects.filter(province=province).count()} teams, {monthly.count()} monthly reports "
          f"({months} months with reports), {ReportValue.objects.filter(report__province=province).count()} "
          f"values; {monthly.filter(period_key=month.key).count()} reports for {month.key}, "
          f"{monthly.filter(period_key__in=year.month_keys).count()} for {year.key}; "
          f"{WARMUPS} warm-ups, {RUNS} runs each\n")

    rows, notes = [], []
    for period in (month, quarter, year):
        rows.append((f"selector rollup(), tỉnh, {period.key}", *measure(rollup_action(province, period))))
    # The month's roll-up page also lists who has not reported: that selector, apart.
    rows.append((f"selector completeness(), tỉnh, {month.key} (trang tổng hợp tháng gọi nó)",
                  *measure(completeness_action(province, month))))

    admin = User.objects.get(username="sokhcn")
    try:
        path = reverse("reports:rollup")
    except NoReverseMatch:
        path = None
        notes.append("the view reports:rollup does not exist yet: only the selector is timed")
    static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=static):
        if path:
            client = Client()
            client.force_login(admin)
            pages = [(f"trang tổng hợp, tỉnh, {p.key}", {"unit": PROVINCE, "period": p.key})
                     for p in (month, quarter, year)]
            pages.append((f"trang tổng hợp, tỉnh, {month.key}, tải Excel", {"unit": PROVINCE, "period": month.key,
                                                                            "format": "xlsx"}))
            for label, params in pages:
                try:
                    rows.append((label, *measure(page_action(client, path, params))))
                except Exception as exc:  # the view is being written: report, do not stop the bench
                    notes.append(f"{label}: {type(exc).__name__}: {exc}")

        out = str(Path(tempfile.gettempdir()) / f"tocns-bench-rollup-{month.key}.xlsx")
        from django.core.management import get_commands

        if "export_rollup" in get_commands():
            try:
                queries = export_queries(month.key, out)
                times, _n, _q = measure(export_command_action(url, month.key, out))
                rows.append((f"lệnh export_rollup {month.key} (cả lệnh, khởi động Django)", times, queries, []))
            except Exception as exc:
                notes.append(f"export_rollup: {type(exc).__name__}: {exc}")
        else:
            notes.append("the command export_rollup does not exist yet: not timed")

        opened: list[int] = []
        need = WARMUPS + RUNS + 1
        try:
            rows.append(("gửi báo cáo: services.report_save(submit=True)",
                         *measure_timed(submit_service_action(fresh_reports(province, need, opened)))))
            page_name = None
            for name in ("reports:edit", "reports:detail"):
                try:
                    reverse(name, args=[1])
                    page_name = name
                    break
                except NoReverseMatch:
                    continue
            if page_name:
                if page_name != "reports:edit":
                    notes.append("there is no reports:edit: the report is sent through reports:detail, "
                                 "where the report form posts")
                rows.append((f"gửi báo cáo qua trang ({page_name}, POST, tổ trưởng)",
                             *measure_timed(submit_page_action(fresh_reports(province, need, opened), page_name))))
            sent = Report.objects.filter(pk__in=opened, status="submitted").count()
            if sent != len(opened):
                notes.append(f"only {sent} of the {len(opened)} reports opened for sending were sent")
        finally:
            Report.objects.filter(pk__in=opened).delete()  # leave the bench database as it was

    # SQL: the database's share of one run (the rest is Python: building objects, the template).
    print("| đo | trung vị (ms) | p95 (ms) | số truy vấn | SQL (ms) |")
    print("|---|---:|---:|---:|---:|")
    for label, times, count, queries in rows:
        sql_ms = f"{sum(float(q['time']) for q in queries) * 1000:.0f}" if queries else "–"
        print(f"| {label} | {statistics.median(times):.0f} | {p95(times):.0f} | {count} | {sql_ms} |")
    for note in notes:
        print(f"\nnote: {note}")

    def judged(prefix):
        found = [statistics.median(t) for label, t, _c, _q in rows if label.startswith(prefix)]
        return found[0] if found else None

    checks = [(f"roll-up, province, {month.key} (page)", judged(f"trang tổng hợp, tỉnh, {month.key}")
               or judged(f"selector rollup(), tỉnh, {month.key}"), TARGET_ROLLUP_MS),
              ("export_rollup command", judged("lệnh export_rollup"), TARGET_EXPORT_MS),
              ("sending a report (service)", judged("gửi báo cáo: services"), TARGET_SUBMIT_MS)]
    ok = True
    print()
    for label, value, target in checks:
        if value is None:
            print(f"{label}: not measured")
            continue
        ok = ok and value <= target
        print(f"{label}: {value:.0f} ms median (target {target} ms): {'OK' if value <= target else 'OVER TARGET'}")

    if args.explain or not ok:
        slowest_row = max((r for r in rows if r[3]), key=lambda row: statistics.median(row[1]))
        print(f"\nslowest queries of «{slowest_row[0]}»:")
        explain(slowest_row[3], args.top)

    if not args.no_growth:
        points = growth(url, month, year)
        if points:
            print(f"\ngrowth: province roll-up with the reports of the first N communes only (scratch copy "
                  f"{GROWTH_DB}, VACUUM FULL ANALYZE at each step)\n")
            print(f"| xã có báo cáo | tổ | báo cáo {month.key} | rollup {month.key} (ms) | rollup {year.key} (ms) |")
            print("|---:|---:|---:|---:|---:|")
            for communes, teams, reports, m, y in points:
                print(f"| {communes} | {teams} | {reports} | {m:.0f} | {y:.0f} |")
            per_team_m, base_m = slope([(t, m) for _c, t, _r, m, _y in points])
            per_team_y, base_y = slope([(t, y) for _c, t, _r, _m, y in points])
            print(f"\nslope: month {per_team_m * 1000:.1f} ms per 1,000 teams (+{base_m:.0f} ms fixed), "
                  f"year {per_team_y * 1000:.1f} ms per 1,000 teams (+{base_y:.0f} ms fixed)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
