"""The overview pages on province-size demo data (PostgreSQL): the province under 400 ms at the
server and under 100 KB over the network (static files cached), a commune under 200 ms.

    .venv/bin/python bench/dashboard.py              # database tocns_bench (see bench/fieldwork.py)

The data is the one bench/fieldwork.py builds (`seed_demo --size province`); the monthly tallies
are rebuilt first if the database has none. Exits 1 if a target is missed.
"""

import gzip
import importlib.util
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_reports", ROOT / "bench" / "reports.py")
_reports = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_reports)
measure, p95, bench_parser, start = _reports.measure, _reports.p95, _reports.bench_parser, _reports.start

TARGETS = {"province": (400, 100), "commune": (200, 100), "village": (200, 100)}  # ms, KB


def main() -> int:
    start("dashboard.py", bench_parser(__doc__))
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from tocns.accounts.models import User
    from tocns.fieldwork.models import Activity, ActivityTally
    from tocns.geo.models import AdminUnit

    call_command("migrate", "--noinput", verbosity=0)
    if not Activity.objects.exists():
        raise SystemExit("no activities: run bench/fieldwork.py first (it seeds the province size)")
    if not ActivityTally.objects.exists():
        call_command("tally_activities")
    commune = AdminUnit.objects.filter(kind="xa").active().order_by("code").first()
    village = AdminUnit.objects.filter(parent=commune).villages().active().order_by("code").first()
    print(f"{Activity.objects.count():,} activities, {ActivityTally.objects.count():,} monthly tallies\n")
    static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    rows, ok = [], True
    with override_settings(STORAGES=static):
        for level, who, path in (("province", "sokhcn", "/tong-quan/"),
                                 ("commune", f"vhxh.{commune.code}", "/tong-quan/"),
                                 ("village", f"vhxh.{commune.code}", f"/tong-quan/?unit={village.code}")):
            client = Client()
            client.force_login(User.objects.get(username=who))

            def page(client=client, path=path):
                response = client.get(path)
                assert response.status_code == 200, response.status_code

            times, count, queries = measure(page)
            html = client.get(path).content
            kb = len(gzip.compress(html, compresslevel=9)) / 1024
            median = statistics.median(times)
            target_ms, target_kb = TARGETS[level]
            good = median <= target_ms and kb <= target_kb
            ok = ok and good
            sql = sum(float(q["time"]) for q in queries) * 1000
            rows.append(f"| {level} {path} ({who}) | {median:.0f} | {p95(times):.0f} | {count} | {sql:.0f} | "
                        f"{kb:.1f} | < {target_ms} ms, < {target_kb} KB: {'OK' if good else 'OVER'} |")
    print("| trang | trung vị (ms) | p95 (ms) | số truy vấn | SQL (ms) | HTML gzip (KB) | mục tiêu |")
    print("|---|---:|---:|---:|---:|---:|---|")
    print("\n".join(rows))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
