"""The whole country on PostgreSQL: 34 provinces of synthetic data, then the national overview, a
province's roll-up and a team leader's pages, each beside the bare SQL that computes its numbers.

    .venv/bin/python bench/national.py                 # builds tocns_national, measures, drops it
    .venv/bin/python bench/national.py --keep          # keep the database afterwards
    .venv/bin/python bench/national.py --reuse         # measure a database kept before (no build)
    .venv/bin/python bench/national.py --scale 0.05    # a twentieth of the data (a quick try)
    .venv/bin/python bench/national.py --replica       # overview and roll-up read a streaming replica
    BENCH_DATABASE_URL=postgres://.../tocns_national .venv/bin/python bench/national.py

Build (scale 1): the 34 provinces and their 3,321 communes from the units package (load_units),
30 villages a commune (99,630), one established team a village with 5 members (498,150 people),
24 monthly village-team reports a team up to last month (about 92 % sent, each with the form's
values), 10 million activities over those 24 months (one service each, in the month partitions)
and their monthly tallies. Rows are made in PostgreSQL by INSERT ... SELECT generate_series (never
the ORM row by row), triggers and foreign-key checks off during the load (session_replication_role
= replica), the big tables' secondary indexes built after their rows, then ANALYZE.

Measures (3 warm-ups, RUNS runs, median): the national overview (selector and page, as a national
user), one province's roll-up (selector and page, as its admin), a team leader's home, his last
report and his log, and a sync of 200 entries; each with the bare SQL computing the same numbers,
and the ratio. Needs free disk (about 12 GB at scale 1; checked first).
"""

import argparse
import datetime
import importlib.util
import os
import shutil
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_coverage", ROOT / "bench" / "coverage.py")
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)
page = _common.page_as

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tocns_national"
VILLAGES_PER_COMMUNE, MEMBERS, MONTHS, ACTIVITIES = 30, 5, 24, 10_000_000
SENT_SHARE = 92  # % of the reports owed that were sent
GB_PER_SCALE = 12
PROVINCE = "01"  # the province whose roll-up and leader are measured
WARMUPS, RUNS = 3, 10
OCCUPATIONS = ("resident", "youth_union", "womens_union", "farmers_union", "official", "teacher", "health_worker",
               "commune_police", "veterans", "party_member", "postal_telecom", "it_business")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=1.0, help="share of the national size to build (default 1)")
    p.add_argument("--keep", action="store_true", help="keep the database at the end")
    p.add_argument("--reuse", action="store_true", help="measure the database as it is (built before with --keep)")
    p.add_argument("--replica", action="store_true", help="start bench/pg_replica.py and route reads to it")
    p.add_argument("--replica-port", type=int, default=5443)
    p.add_argument("--runs", type=int, default=RUNS)
    return p


def admin(url: str):
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    return cfg["NAME"], psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
                                        password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)


def recreate(url: str) -> None:
    from psycopg import sql

    name, conn = admin(url)
    with conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop(url: str) -> None:
    from psycopg import sql

    name, conn = admin(url)
    with conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    print(f"database {name} dropped (--keep keeps it)")


class Steps:
    """Prints each build step with its time and row count as it goes."""

    def __init__(self):
        self.started = time.perf_counter()
        self.rows = []

    def run(self, label: str, statements, params=None) -> int:
        from django.db import connection

        began = time.perf_counter()
        count = 0
        from django.db import OperationalError

        with connection.cursor() as cursor:
            for statement in [statements] if isinstance(statements, str) else statements:
                for attempt in range(4):
                    try:
                        cursor.execute(statement, params or {})
                        break
                    except OperationalError as exc:  # the server's lock table full for a moment (others' load)
                        if "shared memory" not in str(exc) or attempt == 3:
                            raise
                        print(f"  ({exc.__class__.__name__}: {str(exc).splitlines()[0]}; again in 15 s)", flush=True)
                        time.sleep(15)
                count += max(cursor.rowcount, 0)
        seconds = time.perf_counter() - began
        self.rows.append((label, count, seconds))
        print(f"  {label}: {count:,} rows, {seconds:.1f} s", flush=True)
        return count

    def timed(self, label: str, action) -> None:
        began = time.perf_counter()
        action()
        seconds = time.perf_counter() - began
        self.rows.append((label, 0, seconds))
        print(f"  {label}: {seconds:.1f} s", flush=True)


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """The table's indexes that back no constraint: (name, CREATE INDEX ...)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
                          JOIN pg_class i ON i.oid = x.indexrelid
                          WHERE x.indrelid = %s::regclass
                            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""", [table])
        return [(name, definition.replace(" ON ONLY ", " ON ")) for name, definition in cursor.fetchall()]


def without_indexes(steps: Steps, table: str, label: str, statements, params=None) -> None:
    """Load a big table with its secondary indexes dropped, then build them (much faster)."""
    indexes = secondary_indexes(table)
    steps.run(f"{table}: secondary indexes dropped", [f"DROP INDEX {name}" for name, _d in indexes] or ["SELECT 1"])
    steps.run(label, statements, params)
    steps.run(f"{table}: {len(indexes)} indexes built", [d for _n, d in indexes] or ["SELECT 1"])


def build(scale: float, first_month: datetime.date) -> Steps:
    from django.core.management import call_command
    from django.db import connection
    from vietnam_provinces import Province

    from tocns.accounts.models import User
    from tocns.fieldwork import partitions
    from tocns.reports.models import ReportForm

    steps = Steps()
    print("build:", flush=True)
    steps.timed("migrate", lambda: call_command("migrate", "--noinput", verbosity=0))
    codes = sorted(f"{p.code:02d}" if isinstance(p.code, int) else str(p.code) for p in Province.iter_all())

    def units():
        for code in codes:
            call_command("load_units", "--province", code, stdout=open(os.devnull, "w"))  # noqa: SIM115
    steps.timed(f"load_units × {len(codes)} provinces", units)
    villages = max(1, round(VILLAGES_PER_COMMUNE * scale))
    days = (datetime.date.today().replace(day=1) - first_month).days  # the 24 months up to last month
    bench_user = User.objects.create_user(username="bench.national", password=None, full_name="Bench")
    form = ReportForm.objects.get(code="THANG-THON")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no triggers, no FK checks while loading
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SELECT id FROM fieldwork_service WHERE is_active ORDER BY id")
        services = [row[0] for row in cursor.fetchall()]
    call_command("activity_partitions", "--ahead", "1", stdout=open(os.devnull, "w"))  # noqa: SIM115
    month = first_month
    with connection.cursor() as cursor:  # every month of the 24 its partition (the command makes the later ones)
        while month < datetime.date.today().replace(day=1):
            if partitions.name_of(month) not in {p.name for p in partitions.partitions()}:
                cursor.execute(f"CREATE TABLE {partitions.name_of(month)} PARTITION OF fieldwork_activity FOR VALUES "
                               f"FROM ('{month}') TO ('{partitions.next_month(month)}')")
            month = partitions.next_month(month)
    p = {"villages": villages, "members": MEMBERS, "first": first_month, "days": days, "user": bench_user.pk,
         "form": form.pk, "sent": SENT_SHARE, "months": MONTHS, "occupations": list(OCCUPATIONS),
         "services": services, "established": first_month - datetime.timedelta(days=90)}
    steps.run("villages", """
        INSERT INTO geo_adminunit (code, name, name_folded, kind, is_demo, created_at, updated_at, commune_id,
                                   parent_id, province_id)
        SELECT c.code || '-' || lpad(n::text, 3, '0'), 'Thôn ' || n, 'thon ' || n, 'thon', false, now(), now(),
               c.id, c.id, c.province_id
        FROM geo_adminunit c CROSS JOIN generate_series(1, %(villages)s) n
        WHERE c.kind IN ('xa', 'phuong', 'dac_khu') AND c.retired_on IS NULL""", p)
    teams = steps.run("teams", """
        INSERT INTO teams_team (status, zalo_group_url, established_on, is_demo, created_at, updated_at, commune_id,
                                province_id, unit_id, public_slug)
        SELECT 'established', '', %(established)s::date - (v.id %% 60)::int, false, now(), now(), v.commune_id,
               v.province_id, v.id, 'n' || v.id
        FROM geo_adminunit v WHERE v.kind = 'thon'""", p)
    steps.run("people", """
        INSERT INTO teams_person (full_name, full_name_folded, gender, birth_year, ethnic_group, phone, zalo_phone,
                                  email, occupation, workplace, digital_skills, is_demo, created_at, updated_at,
                                  commune_id, home_village_id, province_id, user_id, position, phone_public,
                                  phone_shared_with_team)
        SELECT 'Thành viên ' || t.id || '.' || k, 'thanh vien ' || t.id || '.' || k,
               CASE WHEN (t.id + k) %% 2 = 0 THEN 'male' ELSE 'female' END, 1960 + (t.id * 7 + k * 13) %% 45,
               '', NULL, '', '', (%(occupations)s::text[])[1 + (t.id + k) %% 12], '', '', false, now(), now(),
               t.commune_id, t.unit_id, t.province_id, NULL, '', false, false
        FROM teams_team t CROSS JOIN generate_series(1, %(members)s) k""", p)
    steps.run("memberships", """
        INSERT INTO teams_membership (role, start_date, end_date, end_reason, created_at, team_id, person_id)
        SELECT CASE n WHEN 1 THEN 'leader' WHEN 2 THEN 'deputy' ELSE 'member' END, t.established_on, NULL, '',
               now(), t.id, q.id
        FROM (SELECT id, home_village_id, row_number() OVER (PARTITION BY home_village_id ORDER BY id) n
              FROM teams_person) q JOIN teams_team t ON t.unit_id = q.home_village_id""", p)
    reports_sql = """
        INSERT INTO reports_report (period_start, period_end, period_key, due_on, status, submitted_at, on_time,
                                    results, difficulties, proposals, version, last_save_key, review_comment,
                                    created_at, updated_at, is_demo, commune_id, province_id, team_id, unit_id,
                                    form_id)
        SELECT m, (m + interval '1 month - 1 day')::date, to_char(m, 'YYYY-MM'), (m + interval '1 month - 1 day')::date,
               CASE WHEN h < 80 THEN 'accepted' ELSE 'submitted' END,
               m + interval '1 month' - make_interval(days => 1 + h %% 5, hours => 15), h %% 10 <> 0,
               '', '', '', 1, '', '', m + interval '20 days', m + interval '1 month', false,
               t.commune_id, t.province_id, t.id, t.unit_id, %(form)s
        FROM teams_team t
        CROSS JOIN generate_series(%(first)s::timestamp,
                                   %(first)s::timestamp + make_interval(months => %(months)s - 1),
                                   interval '1 month') g(ts)
        CROSS JOIN LATERAL (SELECT g.ts::date AS m,
                                   abs(hashint8(t.id * 100 + extract(month FROM g.ts)::int)) %% 100 AS h) x
        WHERE x.h < %(sent)s"""
    without_indexes(steps, "reports_report", "reports (24 months)", reports_sql, p)
    values_sql = """
        INSERT INTO reports_reportvalue (value, comment, indicator_id, report_id, raw)
        SELECT (r.id * 7 + l.indicator_id * 3) %% 40, '', l.indicator_id, r.id,
               ((r.id * 7 + l.indicator_id * 3) %% 40)::text
        FROM reports_report r JOIN reports_formindicator l ON l.form_id = r.form_id"""
    without_indexes(steps, "reports_reportvalue", "report values", values_sql, p)
    per_team = max(1, round(ACTIVITIES * scale / max(teams, 1)))
    p["per_team"] = per_team
    activities_sql = """
        INSERT INTO fieldwork_activity (client_id, date, kind, door_to_door, people_count, households_count,
                                        women_count, elderly_count, minority_count, notes, made_at, received_at,
                                        is_demo, commune_id, province_id, recorded_by_id, team_id, unit_id, photo)
        SELECT md5(t.id || '.' || k)::uuid, d, (ARRAY['outreach', 'guidance', 'class'])[1 + (t.id + k) %% 3],
               (t.id + k) %% 4 = 0, 1 + (t.id * k) %% 12, NULL, (t.id * k) %% 6, NULL, NULL, '',
               d + time '09:00', d + time '18:00', false, t.commune_id, t.province_id, %(user)s, t.id, t.unit_id, ''
        FROM teams_team t CROSS JOIN generate_series(1, %(per_team)s) k
        CROSS JOIN LATERAL (SELECT %(first)s::date + (abs(hashint8(t.id * 1000 + k)) %% %(days)s)::int AS d) x"""
    without_indexes(steps, "fieldwork_activity", "activities (10 million at scale 1)", activities_sql, p)
    links_sql = """
        INSERT INTO fieldwork_activity_services (activity_id, service_id)
        SELECT a.id, (%(services)s::bigint[])[1 + a.id %% cardinality(%(services)s::bigint[])]
        FROM fieldwork_activity a"""
    without_indexes(steps, "fieldwork_activity_services", "activity services", links_sql, p)
    finish(steps)
    return steps


def finish(steps: Steps) -> None:
    """The monthly tallies, a partition at a time, then VACUUM ANALYZE. One month's locks, not every
    partition's: a query over the parent locks each partition and its 9 indexes, which overflowed
    the shared lock table of a busy server (max_locks_per_transaction = 64, see docs/scale.md).
    Each synthetic activity has one service, chosen from its id as the links were (build), so the
    pillar comes from the id without joining 10 million links once a month."""
    from django.db import connection

    from tocns.fieldwork import partitions

    with connection.cursor() as cursor:
        cursor.execute("SELECT pillar FROM fieldwork_service WHERE is_active ORDER BY id")
        pillars = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT DISTINCT month FROM fieldwork_activitytally")
        done = {row[0] for row in cursor.fetchall()}  # a build stopped half-way goes on where it stopped
    for part in partitions.partitions():
        if part.month is None or part.month in done:
            continue
        steps.run(f"monthly tallies of {part.name}", f"""
            INSERT INTO fieldwork_activitytally (unit_id, commune_id, province_id, month, pillar, activities, people,
                                                 households)
            SELECT unit_id, commune_id, province_id, date_trunc('month', date)::date, p, count(*), sum(people_count),
                   CASE WHEN p = 'all' THEN sum(CASE WHEN door_to_door THEN coalesce(households_count, 1) ELSE 0 END)
                        ELSE 0 END
            FROM {part.name} a
            CROSS JOIN LATERAL (VALUES ('all'), ((%(pillars)s::text[])[1 + a.id %% cardinality(%(pillars)s::text[])]))
                 AS x(p)
            GROUP BY 1, 2, 3, 4, 5""", {"pillars": pillars})
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
    steps.run("VACUUM ANALYZE", "VACUUM ANALYZE")


def people(province_code: str):
    """The users measured: a national user, the province's admin, a team leader of its first village."""
    from tocns.accounts.models import Assignment, Role, User
    from tocns.geo.models import AdminUnit
    from tocns.teams.models import Membership, Team

    province = AdminUnit.objects.get(code=province_code)
    national, _ = User.objects.get_or_create(username="bench.quocgia", defaults={"full_name": "Bộ KH&CN"})
    if hasattr(Role, "NATIONAL"):
        Assignment.objects.get_or_create(user=national, role=Role.NATIONAL, unit=None, ended_at=None)
    else:
        national = None
    admin_user, _ = User.objects.get_or_create(username="bench.tinh", defaults={"full_name": "Sở KH&CN"})
    Assignment.objects.get_or_create(user=admin_user, role=Role.PROVINCE_ADMIN, unit=province, ended_at=None)
    team = Team.objects.filter(province=province).select_related("unit").order_by("unit__code").first()
    leader_ship = Membership.objects.select_related("person").get(team=team, role="leader")
    leader, _ = User.objects.get_or_create(username="bench.totruong",
                                           defaults={"full_name": leader_ship.person.full_name})
    Assignment.objects.get_or_create(user=leader, role=Role.TEAM_LEADER, unit=team.unit, ended_at=None)
    leader_ship.person.user = leader
    leader_ship.person.save(update_fields=["user"])
    return province, national, admin_user, leader, team


def timed(action, runs: int) -> tuple[float, int]:
    """Median ms over `runs` runs after WARMUPS; and the queries of one run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    began = time.perf_counter()
    action()
    slow = time.perf_counter() - began > 1.0  # seconds a call: fewer runs
    for _ in range(0 if slow else WARMUPS - 1):
        action()
    runs = min(runs, 3) if slow else runs
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as captured:
        action()
    return statistics.median(times), len(captured.captured_queries)


def bare(sql: str, params: list):
    from django.db import connection

    def action():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
    return action


# The bare SQL: what each page or selector computes, in one statement each, no Python around it.
COUNTED = ("submitted", "accepted")
SQL_COUNTRY = """
    WITH teams AS (SELECT province_id, count(*) n FROM teams_team WHERE status = 'established' GROUP BY 1),
    members AS (SELECT t.province_id, count(DISTINCT m.person_id) n FROM teams_membership m
                JOIN teams_team t ON t.id = m.team_id WHERE m.end_date IS NULL AND t.status <> 'dissolved' GROUP BY 1),
    owed AS (SELECT t.province_id, count(*) n, count(r.id) sent, count(r.id) FILTER (WHERE r.on_time) on_time
             FROM teams_team t JOIN geo_adminunit u ON u.id = t.unit_id
             LEFT JOIN reports_report r ON r.unit_id = t.unit_id AND r.form_id = %s AND r.period_key = %s
                                        AND r.submitted_at IS NOT NULL
             WHERE u.kind IN ('thon', 'to_dan_pho') AND t.established_on <= %s AND t.status <> 'proposed'
             GROUP BY 1),
    sums AS (SELECT r.province_id, v.indicator_id, sum(v.value) s FROM reports_report r
             JOIN reports_reportvalue v ON v.report_id = r.id
             WHERE r.period_key = %s AND r.status IN ('submitted', 'accepted') AND r.team_id IS NOT NULL GROUP BY 1, 2)
    SELECT p.code, teams.n, members.n, owed.n, owed.sent, owed.on_time,
           (SELECT json_object_agg(indicator_id, s) FROM sums WHERE sums.province_id = p.id)
    FROM geo_adminunit p LEFT JOIN teams ON teams.province_id = p.id LEFT JOIN members ON members.province_id = p.id
    LEFT JOIN owed ON owed.province_id = p.id WHERE p.parent_id IS NULL AND p.retired_on IS NULL"""
SQL_ROLLUP = """
    SELECT r.commune_id, v.indicator_id, sum(v.value), count(DISTINCT r.id) FROM reports_report r
    JOIN reports_reportvalue v ON v.report_id = r.id
    WHERE r.province_id = %s AND r.period_key = %s AND r.status IN ('submitted', 'accepted') AND r.team_id IS NOT NULL
    GROUP BY 1, 2"""
SQL_ROLLUP_PAGE = SQL_ROLLUP + """
    UNION ALL
    SELECT t.commune_id, NULL, count(*), count(r.id) FROM teams_team t JOIN geo_adminunit u ON u.id = t.unit_id
    LEFT JOIN reports_report r ON r.unit_id = t.unit_id AND r.form_id = %s AND r.period_key = %s
                               AND r.submitted_at IS NOT NULL
    WHERE t.province_id = %s AND u.kind IN ('thon', 'to_dan_pho') AND t.established_on <= %s GROUP BY 1"""
SQL_LEADER_HOME = """
    SELECT (SELECT count(*) FROM fieldwork_activity WHERE team_id = %s AND date >= %s),
           (SELECT sum(people_count) FROM fieldwork_activity WHERE team_id = %s AND date >= %s),
           (SELECT string_agg(period_key || ':' || status, ',') FROM reports_report
            WHERE unit_id = %s AND period_key IN (%s, %s))"""
SQL_LEADER_REPORT = """
    SELECT r.*, v.indicator_id, v.value, i.code, i.name FROM reports_report r
    JOIN reports_reportvalue v ON v.report_id = r.id JOIN reports_indicator i ON i.id = v.indicator_id
    WHERE r.id = %s ORDER BY i.order, i.code"""
SQL_LEADER_LOG = """
    SELECT a.*, s.name FROM (SELECT * FROM fieldwork_activity WHERE team_id = %s ORDER BY date DESC, made_at DESC
                              LIMIT 20) a
    LEFT JOIN fieldwork_activity_services l ON l.activity_id = a.id
    LEFT JOIN fieldwork_service s ON s.id = l.service_id"""


def measure(runs: int, first_month: datetime.date) -> list[tuple]:
    from django.conf import settings
    from django.test.utils import override_settings
    from django.urls import reverse

    from tocns.fieldwork.models import Activity
    from tocns.fieldwork.services import activities_record_batch
    from tocns.reports import selectors
    from tocns.reports.models import Report, ReportForm
    from tocns.reports.periods import period_of

    province, national, admin_user, leader, team = people(PROVINCE)
    last_month = period_of("month", datetime.date.today()).previous()
    form = ReportForm.objects.get(code="THANG-THON")
    end = last_month.end
    rows = []

    def pair(label, app, sql_label, sql_action):
        app_ms, queries = timed(app, runs)
        sql_ms, _q = timed(sql_action, runs)
        rows.append((label, app_ms, queries, sql_label, sql_ms))
        print(f"  {label}: {app_ms:.0f} ms ({queries} queries) | {sql_label}: {sql_ms:.0f} ms", flush=True)

    static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    country_sql = bare(SQL_COUNTRY, [form.pk, last_month.key, end, last_month.key])
    print(f"measure (period {last_month.key}, province {province.code} {province.name}, leader {leader.username}):")
    with override_settings(STORAGES=static):
        try:
            from tocns.national import selectors as national_selectors
        except ImportError:
            national_selectors = None
        if national_selectors is not None and national is not None:
            pair("national overview, selector country()", lambda: national_selectors.country(last_month),
                 "bare SQL", country_sql)
            pair("national overview page /toan-quoc/", page(national, f"/toan-quoc/?period={last_month.key}"),
                 "bare SQL", country_sql)
        else:  # the national pages (helper H6) not there yet: the selectors they call, province by province
            from tocns.geo.models import AdminUnit

            provinces = list(AdminUnit.objects.filter(parent__isnull=True, retired_on__isnull=True))
            pair("34 × rollup() + completeness() (what the national page will call)",
                 lambda: [(selectors.rollup(unit=p, period=last_month).total,
                           selectors.completeness(form=form, period=last_month, unit=p).submitted) for p in provinces],
                 "bare SQL", country_sql)
        rollup_sql = bare(SQL_ROLLUP, [province.pk, last_month.key])
        pair(f"province roll-up, selector rollup() ({province.code})",
             lambda: selectors.rollup(unit=province, period=last_month).total, "bare SQL", rollup_sql)
        pair("province roll-up page /reports/rollup/",
             page(admin_user, f"/reports/rollup/?unit={province.code}&period={last_month.key}"), "bare SQL",
             bare(SQL_ROLLUP_PAGE, [province.pk, last_month.key, form.pk, last_month.key, province.pk, end]))
        this_month = datetime.date.today().replace(day=1)
        this_key = period_of("month", datetime.date.today()).key
        pair("leader home /", page(leader, "/"), "bare SQL",
             bare(SQL_LEADER_HOME, [team.pk, this_month, team.pk, this_month, team.unit_id, this_key, last_month.key]))
        report = Report.objects.filter(unit=team.unit, form=form).order_by("-period_start").first()
        pair(f"leader's report {report.period_key} /reports/{report.pk}/",
             page(leader, reverse("reports:detail", args=[report.pk])), "bare SQL",
             bare(SQL_LEADER_REPORT, [report.pk]))
        pair("leader's log /nhat-ky/", page(leader, reverse("fieldwork:log")), "bare SQL",
             bare(SQL_LEADER_LOG, [team.pk]))

        def batch():
            day = datetime.date.today() - datetime.timedelta(days=1)
            entries = [{"client_id": str(uuid.uuid4()), "date": day.isoformat(), "unit": team.unit.code,
                        "kind": "guidance", "services": ["vneid"], "people_count": 3,
                        "made_at": f"{day.isoformat()}T09:00:00+07:00"} for _ in range(200)]
            assert all(o.status == "stored" for o in activities_record_batch(user=leader, entries=entries))

        def insert():
            from django.db import connection, transaction

            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("""INSERT INTO fieldwork_activity (client_id, date, kind, door_to_door, people_count,
                                  notes, made_at, received_at, is_demo, commune_id, province_id, recorded_by_id,
                                  team_id, unit_id, photo)
                                  SELECT gen_random_uuid(), current_date - 1, 'guidance', false, 3, '', now(), now(),
                                         false, %s, %s, %s, %s, %s, '' FROM generate_series(1, 200)""",
                               [team.commune_id, team.province_id, leader.pk, team.pk, team.unit_id])
        pair("sync of 200 entries (service)", batch, "INSERT of 200 rows", insert)
        dup = Activity.objects.order_by("-id").values_list("client_id", flat=True).first()
        pair("a client_id looked up (retry check, all partitions)",
             lambda: Activity.objects.filter(client_id=dup).first(), "bare SQL",
             bare("SELECT id FROM fieldwork_activity WHERE client_id = %s AND date = current_date - 1", [dup]))
    return rows


def main() -> int:
    args = parser().parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("bench/national.py measures PostgreSQL: set BENCH_DATABASE_URL=postgres://...")
    free_gb = shutil.disk_usage("/work").free / 1e9
    need = GB_PER_SCALE * args.scale + 3
    print(f"free disk on /work: {free_gb:.0f} GB (about {need:.0f} GB needed)")
    if not args.reuse and free_gb < need:
        raise SystemExit("not enough free disk")
    replica_port = None
    if args.replica:
        path = ROOT / "bench" / "pg_replica.py"
        if not path.exists():
            raise SystemExit("--replica needs bench/pg_replica.py")
        spec = importlib.util.spec_from_file_location("pg_replica", path)
        pg_replica = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(pg_replica)
    if not args.reuse:
        recreate(url)
    if args.replica:
        replica_port = args.replica_port
        os.environ["DATABASE_REPLICA_URL"] = pg_replica.start_replica(replica_port, dbname=url.rsplit("/", 1)[1])
        print(f"replica on port {replica_port}: overview and roll-up reads go to it")
    _common.setup(url)
    from django.db import connection

    today = datetime.date.today().replace(day=1)
    first_month = today
    for _ in range(MONTHS):
        first_month = (first_month - datetime.timedelta(days=1)).replace(day=1)
    began = time.perf_counter()
    try:
        if not args.reuse:
            build(args.scale, first_month)
            print(f"built in {time.perf_counter() - began:.0f} s")
        else:
            from tocns.fieldwork.models import ActivityTally

            last = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
            if not ActivityTally.objects.filter(month=last).exists():  # a build stopped before its tallies
                finish(Steps())
        if replica_port:
            print(f"replica caught up after {pg_replica.wait_caught_up(replica_port, timeout=600):.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
            cursor.execute("""SELECT (SELECT count(*) FROM geo_adminunit WHERE kind IN ('xa', 'phuong', 'dac_khu')),
                                     (SELECT count(*) FROM teams_team), (SELECT count(*) FROM teams_membership),
                                     (SELECT count(*) FROM reports_report), (SELECT count(*) FROM reports_reportvalue),
                                     (SELECT count(*) FROM fieldwork_activity),
                                     (SELECT count(*) FROM fieldwork_activitytally),
                                     (SELECT count(*) FROM pg_inherits
                                      WHERE inhparent = 'fieldwork_activity'::regclass),
                                     pg_size_pretty(pg_total_relation_size('fieldwork_activity_p' ||
                                                    to_char(current_date - 60, 'YYYY_MM')))""")
            counts = cursor.fetchone()
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(" on ")[0]
        print(f"\n{version}, database size {size}; {counts[0]:,} communes, {counts[1]:,} teams, "
              f"{counts[2]:,} memberships, {counts[3]:,} reports, {counts[4]:,} report values, "
              f"{counts[5]:,} activities in {counts[7]} partitions (one month: {counts[8]} with its indexes), "
              f"{counts[6]:,} monthly tallies; load average {os.getloadavg()[0]:.2f}\n")
        rows = measure(args.runs, first_month)
        print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, replica: "
              f"{'yes' if replica_port else 'no'}\n")
        print("| measured | app (ms) | queries | bare SQL (ms) | ratio |")
        print("|---|---:|---:|---:|---:|")
        for label, app_ms, queries, sql_label, sql_ms in rows:
            ratio = app_ms / max(sql_ms, 0.1)
            print(f"| {label} | {app_ms:.0f} | {queries} | {sql_ms:.1f} ({sql_label}) | {ratio:.1f}× |")
    finally:
        connection.close()
        if replica_port:
            pg_replica.stop_replica(replica_port)
        if not args.keep:
            drop(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
