"""Validation rules on province-size demo data: checking one report against 50 rules, and the
validation analysis of the whole province for one month.

Builds the bench database if it lacks the data (migrate, load_units --province 08, seed_demo at the
default size: 124 communes, about 3,500 teams and their monthly reports), runs ANALYZE, then, inside
a transaction rolled back at the end (the bench database keeps no rule), adds 50 rules over the
village teams' form (THANG-THON) through `validation.rule_save`, a mix of block and warn, sums,
products, quotients and "between", some of which the demo figures break, and times:

  (a) `rules_for_form(form)`: the 50 rules read and compiled (what a report page or a send does);
  (b) `violations(rules, values)`: one report's values (the fullest of the month) against them;
  (c) the two together with reading the report's values: a send's whole rule check;
  (d) the selector `validation_analysis()` for the province, last complete month, the village form;
  (e) the page /reports/validation/ for the same, as the demo province admin (sokhcn);
  (f) the selector for one commune, and its page as the commune's chairman.

3 warm-ups and 20 runs each (200 for (b) and (c)), median and p95, queries of one more run.

    .venv/bin/python bench/rules.py                       # PostgreSQL tocns_bench on 127.0.0.1
    BENCH_DATABASE_URL=postgres://... .venv/bin/python bench/rules.py
    BENCH_DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/rules.py   # SQLite

Targets (issue #14): checking 50 rules on one report under 20 ms; the validation analysis of the
province for one month under 1 s.
"""

import importlib.util
import os
import statistics
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_coverage", ROOT / "bench" / "coverage.py")
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)
create_database, setup, p95, page_action, explain, bench_parser = (
    _common.create_database, _common.setup, _common.p95, _common.page_action, _common.explain, _common.bench_parser)
WARMUPS, RUNS, FAST_RUNS = _common.WARMUPS, _common.RUNS, 200

PROVINCE = "08"
RULES = 50
TARGET_CHECK_MS, TARGET_ANALYSIS_MS = 20, 1000


def ensure_data() -> None:
    from django.core.management import call_command
    from django.db import connection

    from tocns.geo.models import AdminUnit
    from tocns.reports.models import Report

    call_command("migrate", "--noinput", verbosity=0)
    if AdminUnit.objects.filter(code=PROVINCE).first() is None:
        call_command("load_units", "--province", PROVINCE)
    if Report.objects.filter(province__code=PROVINCE, form__code="THANG-THON").count() < 10_000:
        started = time.perf_counter()
        call_command("seed_demo", "--province", PROVINCE)
        print(f"seed_demo: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as production has them (bench/coverage.py)


def rule_data(codes: list[str], n: int) -> list[dict]:
    """`n` rules over the form's codes, five shapes in turn, one in three a warning."""
    rules = []
    for i in range(n):
        a, b, c = codes[i % len(codes)], codes[(i + 3) % len(codes)], codes[(i + 7) % len(codes)]
        shape = i % 5
        left, operator, right, high = {
            0: (f"{a}", "le", f"{b} + {c}", ""),
            1: (f"{a}", "le", f"{b} × 20", ""),
            2: (f"{a}", "between", "0", f"({b} + {c}) × 10"),
            3: (f"{a} + {b}", "ge", f"{c} ÷ 2", ""),
            4: (f"{a} ÷ ({b} + 1)", "lt", "25", ""),
        }[shape]
        rules.append({"name": f"Quy tắc thử {i + 1}", "left": left, "operator": operator, "right": right,
                      "right_high": high, "strength": "warn" if i % 3 == 2 else "block",
                      "message": f"Số liệu chưa hợp lý theo quy tắc thử {i + 1}: hãy kiểm tra lại."})
    return rules


def timed(action, runs: int = RUNS) -> tuple[list[float], list[float], int, list[dict]]:
    """Wall times and this process's CPU times in ms (the CPU time leaves out waiting for the
    database and for a core on a shared machine), and the queries of one more run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUPS):
        action()
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as captured:
        action()
    return times, cpu, len(captured.captured_queries), captured.captured_queries


class _Rollback(Exception):
    pass


def main() -> int:
    args = bench_parser(__doc__).parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", _common.DEFAULT_URL)
    if url.startswith("postgres"):
        create_database(url)
    elif not url.startswith("sqlite"):
        raise SystemExit("bench/rules.py measures PostgreSQL or SQLite: BENCH_DATABASE_URL=postgres://… or sqlite:///…")
    setup(url)
    ensure_data()
    warnings.filterwarnings("ignore", "No directory at", UserWarning)

    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import timezone

    from tocns.accounts.models import User
    from tocns.geo.models import AdminUnit
    from tocns.reports.choices import Aggregation, PeriodType
    from tocns.reports.models import FormIndicator, Report, ReportForm, ReportValue
    from tocns.reports.periods import period_of
    from tocns.reports.rules import rules_for_form, violations
    from tocns.reports.validation import rule_save, validation_analysis

    province = AdminUnit.objects.get(code=PROVINCE)
    form = ReportForm.objects.get(code="THANG-THON")
    month = period_of(PeriodType.MONTH, timezone.localdate()).previous()
    reports = Report.objects.filter(province=province, form=form, period_key=month.key)
    values = ReportValue.objects.filter(report__in=reports, value__isnull=False)
    commune = (AdminUnit.objects.filter(province=province, kind="xa").order_by("code").first())
    engine = (f"PostgreSQL {connection.pg_version // 10000}" if connection.vendor == "postgresql"
              else f"SQLite {connection.Database.sqlite_version}")
    print(f"{engine}, database {settings.DATABASES['default']['NAME']}: {reports.count()} village team reports "
          f"for {month.key} ({values.count()} values not empty), {os.cpu_count()} cores; "
          f"{WARMUPS} warm-ups, {RUNS} runs ({FAST_RUNS} for the one-report checks); load average "
          f"{os.getloadavg()[0]:.1f}\n")

    rows, findings = [], {}
    static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    try:
        with transaction.atomic(), override_settings(STORAGES=static):
            codes = list(FormIndicator.objects.filter(form=form).exclude(indicator__aggregation=Aggregation.RATIO)
                         .order_by("order").values_list("indicator__code", flat=True))
            for data in rule_data(codes, RULES):
                rule_save(data={**data, "form": form}, by=None)
            compiled = rules_for_form(form)
            assert len(compiled) == RULES, len(compiled)

            fullest = reports.annotate(n=Count("values", filter=Q(values__value__isnull=False))).order_by("-n").first()
            code_of = dict(FormIndicator.objects.filter(form=form).values_list("indicator_id", "indicator__code"))

            def report_values():
                return {code_of.get(i, ""): v for i, v in ReportValue.objects.filter(
                    report=fullest, value__isnull=False).values_list("indicator_id", "value")}

            one = report_values()
            findings["one report"] = len(violations(compiled, one))
            rows.append((f"rules_for_form(): {RULES} quy tắc đọc và dịch", *timed(lambda: rules_for_form(form))))
            rows.append((f"violations(): {RULES} quy tắc, một báo cáo ({len(one)} số)",
                         *timed(lambda: violations(compiled, one), FAST_RUNS)))
            rows.append(("đọc số của báo cáo + rules_for_form() + violations() (cả phần kiểm tra khi gửi)",
                         *timed(lambda: violations(rules_for_form(form), report_values()), FAST_RUNS)))

            result = validation_analysis(unit=province, period=month, form=form)
            findings["province"] = (len(result.findings), result.reports_with_findings, result.reports_checked)
            rows.append((f"selector validation_analysis(), tỉnh, {month.key}",
                         *timed(lambda: validation_analysis(unit=province, period=month, form=form))))
            admin = User.objects.get(username="sokhcn")
            client = Client()
            client.force_login(admin)
            path = reverse("reports:validation")
            params = {"unit": PROVINCE, "period": month.key, "form": form.pk}
            rows.append((f"trang phân tích vi phạm, tỉnh, {month.key} (quản trị tỉnh)",
                         *timed(page_action(client, path, params))))
            small = validation_analysis(unit=commune, period=month, form=form)
            findings["commune"] = (len(small.findings), small.reports_checked)
            rows.append((f"selector validation_analysis(), {commune.name}",
                         *timed(lambda: validation_analysis(unit=commune, period=month, form=form))))
            chairman = User.objects.filter(username=f"chutich.{commune.code}").first()
            if chairman is not None:
                client = Client()
                client.force_login(chairman)
                rows.append((f"trang phân tích vi phạm, {commune.name} (chủ tịch xã)",
                             *timed(page_action(client, path, {**params, "unit": commune.code}))))
            raise _Rollback
    except _Rollback:
        pass  # the rules and their audit entries go: the bench database is left as it was

    print(f"findings: one report breaks {findings['one report']} of {RULES} rules; the province "
          f"{findings['province'][0]} findings in {findings['province'][1]} of {findings['province'][2]} reports; "
          f"{commune.name} {findings['commune'][0]} in {findings['commune'][1]} reports\n")
    print("| đo | trung vị (ms) | p95 (ms) | CPU, trung vị (ms) | số truy vấn | SQL (ms) |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, times, cpu, count, queries in rows:
        sql_ms = f"{sum(float(q['time']) for q in queries) * 1000:.1f}" if queries else "–"
        print(f"| {label} | {statistics.median(times):.1f} | {p95(times):.1f} | {statistics.median(cpu):.1f} | "
              f"{count} | {sql_ms} |")
    print(f"\nload average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    check = statistics.median(rows[2][1])
    analysis = max(statistics.median(rows[3][1]), statistics.median(rows[4][1]))
    print(f"\nTargets: 50 rules on one report < {TARGET_CHECK_MS} ms: {'met' if check < TARGET_CHECK_MS else 'MISSED'} "
          f"({check:.1f} ms with reading); province analysis < {TARGET_ANALYSIS_MS} ms: "
          f"{'met' if analysis < TARGET_ANALYSIS_MS else 'MISSED'} ({analysis:.0f} ms)")
    if args.explain and connection.vendor == "postgresql":
        explain(rows[3][4], args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
