"""The audit log page and its Excel export on a year's log (issue #12, item 6).

Fills a fresh database with N entries (200,000 by default: reads and changes about 300 people of
one commune, one read in ten naming 20 people), then times, with Django's test client, the page
unfiltered, filtered by a person, by an action, page 200, for the province admin and the commune
officer, and the export of one action's entries (about 40,000 rows).

    .venv/bin/python bench/audit_log.py                                  # SQLite file under /tmp
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tocns_bench_audit .venv/bin/python bench/audit_log.py
    .venv/bin/python bench/audit_log.py --entries 50000

The database named must be empty or a scratch one: it is migrated and filled.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=200_000)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/tocns-bench-audit.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocns.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from tests.factories import World, make_person
    from tocns.audit.models import AuditEntry

    call_command("migrate", verbosity=0)
    world = World()
    people = [make_person(world, full_name=f"Người thử {i}", phone=f"0977{i:06d}") for i in range(300)]
    first, last = people[0].pk, people[-1].pk
    actions = ["person.view", "team.roster", "members.export", "person.update", "membership.start"]
    rows = []
    for i in range(args.entries):
        ids = sorted(random.sample(range(first, last + 1), 1 if i % 10 else 20))
        rows.append(AuditEntry(actor=world.officer_a, action=random.choice(actions), object_type="teams.person",
                               object_id=ids[0], summary=f"Mục {i}", person_ids="|" + "|".join(map(str, ids)) + "|",
                               province_id=world.province.pk, commune_id=world.commune_a.pk, is_read=True))
        if len(rows) == 5000:
            AuditEntry.objects.bulk_create(rows)
            rows = []
    AuditEntry.objects.bulk_create(rows)
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(ALLOWED_HOSTS=["*"], SECOND_FACTOR_REQUIRED_ROLES=[], STORAGES=storages):
        client = Client()
        for user, label in ((world.province_admin, "province admin"), (world.officer_a, "commune officer")):
            client.force_login(user)
            for params in ({}, {"person": "Người thử 150"}, {"action": "members.export"}, {"page": "200"}):
                started = time.perf_counter()
                response = client.get("/nhat-ky-he-thong/", params)
                print(f"{label:16} {str(params):34} {response.status_code} "
                      f"{(time.perf_counter() - started) * 1000:6.0f} ms")
        started = time.perf_counter()
        response = client.get("/nhat-ky-he-thong/tai-ve/", {"action": "members.export"})
        print(f"export of one action: {response.status_code}, {len(response.content) // 1024} KB, "
              f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
