"""The notice outbox under a month's reminders: 4,000 notices through the fake Zalo and SMS (issue #13).

In a fresh database (4,000 users with Vietnamese mobile phones, one in ten not on Zalo), queues
4,000 "report due in 5 days" notices with `tocns.notify.services.notify`, then runs the real worker,
`manage.py outbox_worker --batch --no-startup-delay`, as 1 and then as 2 concurrent processes (the
outbox and the task queue emptied and the same 4,000 notices queued again before each run). The fake
Zalo and SMS servers of tests/notify/fakes.py run in this process on 127.0.0.1; the workers reach
them over loopback, pointed at them by the environment (ZALO_*, SMS_*, quiet hours off).

For each run: wall time from starting the workers until no notice is queued or sending, notices per
second, how many went by Zalo and by SMS, and checks from the fakes' own counters: every ZNS tracking
id and every SMS request id was sent exactly once, one SMS request per message (no repeat reached the
gateway), the Zalo refresh token was spent once, every notice ended "sent", no task failed. Also
printed: the workers' CPU, the delivery tasks run, and those the sweep re-enqueued (it wakes a notice
still queued 10 minutes after it was made: a backlog slower than that gets extra tasks).

    .venv/bin/python bench/notify_outbox.py                  # SQLite file /tmp/tocns-bench-notify.sqlite3
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tocns_bench_notify .venv/bin/python bench/notify_outbox.py
    .venv/bin/python bench/notify_outbox.py --notices 1000 --workers 1,2,4

DATABASE_URL is used when BENCH_DATABASE_URL is unset and it names PostgreSQL. The database is
dropped and created again at the start (a PostgreSQL one must have "bench" in its name, so the tests'
or the demo's database is never touched) and dropped at the end unless --keep. Exits 1 if a check fails.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_DEFAULT = "sqlite:////tmp/tocns-bench-notify.sqlite3"
KINDS = ("report_due_5", "report_due_1", "report_overdue")
NOT_ON_ZALO_EVERY = 10  # one phone in ten has no Zalo account: its notice falls back to SMS
TIMEOUT_S = 900
LOG_WORDS = ("Traceback", "database is locked", "state=FAILED", "deadlock")


def database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        url = os.environ["DATABASE_URL"]
    return url or SQLITE_DEFAULT


def fresh_database(url: str) -> None:
    import dj_database_url

    cfg = dj_database_url.parse(url)
    if cfg["ENGINE"] == "django.db.backends.sqlite3":
        for suffix in ("", "-wal", "-shm"):
            Path(cfg["NAME"] + suffix).unlink(missing_ok=True)
        return
    if "bench" not in cfg["NAME"]:
        raise SystemExit(f"bench/notify_outbox.py drops its database: {cfg['NAME']!r} has no 'bench' in its name")
    _postgres(cfg, "DROP DATABASE IF EXISTS {} WITH (FORCE)", "CREATE DATABASE {}")


def drop_database(url: str) -> None:
    import dj_database_url

    cfg = dj_database_url.parse(url)
    if cfg["ENGINE"] == "django.db.backends.sqlite3":
        for suffix in ("", "-wal", "-shm"):
            Path(cfg["NAME"] + suffix).unlink(missing_ok=True)
    else:
        _postgres(cfg, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _postgres(cfg: dict, *statements: str) -> None:
    import psycopg
    from psycopg import sql

    params = {"host": cfg["HOST"] or None, "port": cfg["PORT"] or None, "user": cfg["USER"] or None,
              "password": cfg["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        for statement in statements:
            conn.execute(sql.SQL(statement).format(sql.Identifier(cfg["NAME"])))


def setup(url: str) -> None:
    os.environ.update({"DATABASE_URL": url, "DEBUG": "0", "HTTPS": "0", "DJANGO_SETTINGS_MODULE": "tocns.settings",
                       "LOG_LEVEL": "WARNING"})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def phone_of(i: int) -> str:
    return f"098{i:07d}"


def make_users(count: int) -> list:
    from tocns.accounts.models import User
    from tocns.lib.text import fold

    users = [User(username=f"bench.notify.{i}", phone=phone_of(i), full_name=f"Nông Văn Thắng {i}",
                  full_name_folded=fold(f"Nông Văn Thắng {i}"), password="!bench-no-password")
             for i in range(count)]
    User.objects.bulk_create(users, batch_size=1000)
    return list(User.objects.filter(username__startswith="bench.notify.").order_by("pk"))


def reset_outbox() -> None:
    from django_tasks_db.models import DBTaskResult

    from tocns.notify.models import ChannelState, DeliveryAttempt, Notification, ZaloToken

    DeliveryAttempt.objects.all().delete()
    Notification.objects.all().delete()
    DBTaskResult.objects.all().delete()
    ZaloToken.objects.all().delete()
    ChannelState.objects.all().delete()


def queue_notices(users, run: int) -> float:
    """notify() for each user, as the reminders job calls it; returns the seconds it took."""
    from django.db import connection

    from tocns.notify.models import NoticeKind
    from tocns.notify.services import notify

    started = time.perf_counter()
    for i, user in enumerate(users):
        params = {"unit": f"Tổ công nghệ số cộng đồng thôn Nà Khà {i}", "report": "báo cáo tháng 11/2026",
                  "due": "05/12/2026", "days": 5,
                  "hint": "Hãy vào mục Báo cáo để nhập và gửi; nếu chưa làm xong, hãy lưu nháp rồi gửi trước hạn."}
        notify(kind=NoticeKind.REPORT_DUE_5, params=params, recipient=user, key=f"bench:due5:{run}:{user.pk}")
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:  # fresh rows get planner statistics, as production's have
        cursor.execute("ANALYZE")
    return seconds


def worker_env(fake) -> dict:
    from tests.notify.fakes import APP_ID, SECRET_KEY, SMS_KEY

    env = dict(os.environ)
    env.update({
        "ZALO_APP_ID": APP_ID, "ZALO_SECRET_KEY": SECRET_KEY, "ZALO_REFRESH_TOKEN": fake.refresh_token,
        "ZALO_OAUTH_URL": fake.url, "ZALO_ZNS_URL": fake.url,
        "ZALO_TEMPLATES": ",".join(f"{kind}=tpl-1" for kind in KINDS),
        "SMS_API_URL": f"{fake.url}/sms/send", "SMS_API_KEY": SMS_KEY, "SMS_BRANDNAME": "TOCNS",
        "SMS_CALLBACK_URL": "", "CHANNEL_TIMEOUT": "5",
        # quiet_until() holds nothing when NOTICE_QUIET_UNTIL <= hour < NOTICE_QUIET_FROM: 0 <= h < 24 always.
        "NOTICE_QUIET_FROM": "24", "NOTICE_QUIET_UNTIL": "0",
        "LOG_LEVEL": "WARNING",
    })
    return env


def run_workers(count: int, env: dict, log_dir: Path) -> dict:
    """Start `count` workers; wall time until no notice is queued or sending (polled every 0.1 s)."""
    from django.db import connection

    from tocns.notify.models import DeliveryStatus, Notification

    pending = Notification.objects.filter(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING])
    logs = [open(log_dir / f"worker-{count}-{i}.log", "w") for i in range(count)]  # noqa: SIM115
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "manage.py", "outbox_worker", "--batch", "--no-startup-delay"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT) for log in logs]
    done_at = exited_at = half_at = None
    total = pending.count()
    while time.perf_counter() - started < TIMEOUT_S:
        left = pending.count() if done_at is None else 0
        if half_at is None and left <= total // 2:
            half_at = time.perf_counter() - started
        if done_at is None and not left:
            done_at = time.perf_counter() - started
        if all(proc.poll() is not None for proc in procs):
            exited_at = time.perf_counter() - started
            break
        time.sleep(0.1)
    else:
        for proc in procs:
            proc.kill()
    for proc in procs:
        proc.wait()
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for log in logs:
        log.close()
    connection.close()
    if done_at is None and not pending.exists():  # the last notices finished as the workers exited
        done_at = exited_at
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    return {"seconds": done_at, "half": half_at, "cpu": cpu, "exited": exited_at, "load": os.getloadavg()[0],
            "returncodes": [proc.returncode for proc in procs],
            "logs": [log.name for log in logs]}


def check(fake, notices: int) -> dict:
    from django_tasks_db.models import DBTaskResult

    from tocns.notify.models import DeliveryAttempt, DeliveryStatus, Notification

    rows = list(Notification.objects.values_list("pk", "status", "channel"))
    statuses = Counter(status for _pk, status, _channel in rows)
    by_channel = Counter(channel for _pk, status, channel in rows if status == DeliveryStatus.SENT)
    expected_zns = {f"tocns-{pk}-zalo" for pk, status, channel in rows if channel == "zalo"}
    expected_sms = {f"tocns-{pk}-sms" for pk, status, channel in rows if channel == "sms"}
    sms_requests = Counter(body.get("request_id") for body in fake.sms_bodies)
    problems = []
    if statuses != Counter({DeliveryStatus.SENT: notices}):
        problems.append(f"statuses {dict(statuses)}")
    if set(fake.zns_sent) != expected_zns or any(n != 1 for n in fake.zns_sent.values()):
        twice = {k: n for k, n in fake.zns_sent.items() if n != 1}
        problems.append(f"ZNS: {sum(fake.zns_sent.values())} sends for {len(fake.zns_sent)} tracking ids "
                        f"({len(expected_zns)} notices marked sent by Zalo); more than once: {list(twice)[:5]}")
    if set(fake.sms_sent) != expected_sms or any(n != 1 for n in fake.sms_sent.values()):
        problems.append(f"SMS: {sum(fake.sms_sent.values())} messages for {len(fake.sms_sent)} request ids "
                        f"({len(expected_sms)} notices marked sent by SMS)")
    repeated = {k: n for k, n in sms_requests.items() if n != 1}
    if repeated:
        problems.append(f"SMS: {len(repeated)} request ids reached the gateway more than once (dropped as "
                        f"duplicates there): {list(repeated)[:5]}")
    if fake.refreshes != 1 or fake.refused_refreshes:
        problems.append(f"Zalo token: {fake.refreshes} refreshes, {fake.refused_refreshes} spent tokens refused")
    failed_tasks = DBTaskResult.objects.exclude(status="SUCCESSFUL").exclude(status="READY").count()
    if failed_tasks:
        problems.append(f"{failed_tasks} tasks not successful")
    open_attempts = DeliveryAttempt.objects.filter(outcome="").count()
    if open_attempts:
        problems.append(f"{open_attempts} attempts left open")
    # The sweep re-enqueues a notice still queued LOST_AFTER after it was made, every minute: on a
    # backlog that takes longer than that to drain, those extra tasks are counted here.
    deliver_tasks = DBTaskResult.objects.filter(task_path="tocns.notify.tasks.deliver_notice")
    woken = sum((value or {}).get("woken", 0) for value in DBTaskResult.objects.filter(
        task_path="tocns.notify.tasks.sweep_outbox", status="SUCCESSFUL").values_list("return_value", flat=True))
    return {"zalo": by_channel["zalo"],
            "tasks_run": deliver_tasks.filter(status="SUCCESSFUL").count(),
            "tasks_left": deliver_tasks.filter(status="READY").count(), "woken": woken,
            "sms": by_channel["sms"], "zns_sends": sum(fake.zns_sent.values()),
            "zns_ids": len(fake.zns_sent), "sms_sends": sum(fake.sms_sent.values()), "sms_ids": len(fake.sms_sent),
            "sms_requests": len(fake.sms_bodies), "attempts": DeliveryAttempt.objects.count(),
            "refreshes": fake.refreshes, "problems": problems}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=4000)
    parser.add_argument("--workers", default="1,2", help="worker counts to run, in turn (default: 1,2)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = database_url()
    fresh_database(url)
    setup(url)
    from django.db import connection

    from tests.notify.fakes import FakeProviders

    vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    users = make_users(args.notices)
    log_dir = Path(tempfile.mkdtemp(prefix="tocns-bench-notify-"))
    results, ok = [], True
    for run, count in enumerate(int(n) for n in args.workers.split(",")):
        reset_outbox()
        queued_s = queue_notices(users, run)
        fake = FakeProviders().start()
        fake.not_on_zalo = {"84" + phone_of(i)[1:] for i in range(0, args.notices, NOT_ON_ZALO_EVERY)}
        load_before = os.getloadavg()[0]
        try:
            timing = run_workers(count, worker_env(fake), log_dir)
            outcome = check(fake, args.notices)
        finally:
            fake.stop()
        if timing["seconds"] is None:
            outcome["problems"].append(f"notices still queued or sending after {TIMEOUT_S} s")
        noted = Counter(word for name in timing["logs"] for line in open(name) for word in LOG_WORDS  # noqa: SIM115
                        if word in line)
        if noted:
            outcome["problems"].append(f"worker logs: {dict(noted)} (in {log_dir})")
        if any(timing["returncodes"]):
            outcome["problems"].append(f"worker exit codes {timing['returncodes']} (logs: {', '.join(timing['logs'])})")
        ok = ok and not outcome["problems"]
        results.append((count, queued_s, timing, outcome))
        half = f"{timing['half']:.1f}" if timing["half"] is not None else "–"
        exited = f"{timing['exited']:.1f} s" if timing["exited"] is not None else f"(none by {TIMEOUT_S} s: killed)"
        print(f"{vendor}, {count} worker(s): {args.notices} queued in {queued_s:.1f} s; half the outbox empty at "
              f"{half} s, all at {timing['seconds'] or 0:.1f} s, workers exited at {exited} "
              f"having used {timing['cpu']:.0f} s of CPU; {outcome['tasks_run']:,} delivery tasks run, "
              f"{outcome['tasks_left']:,} left, {outcome['woken']:,} re-enqueued by the sweep; "
              f"load average (1 min) {load_before:.1f} before, {timing['load']:.1f} after; "
              f"{'; '.join(outcome['problems']) or 'checks passed'}", flush=True)
    print(f"\n{vendor}, {args.notices:,} notices, {args.notices // NOT_ON_ZALO_EVERY:,} phones not on Zalo "
          f"(worker logs in {log_dir})\n")
    print("| database | workers | wall time (s) | notices/s | worker CPU per notice (ms) | by Zalo | by SMS "
          "| attempts (provider calls) | ZNS sends / ids | SMS sends / ids / requests | token refreshes | checks |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|")
    for count, _queued_s, timing, o in results:
        seconds = timing["seconds"]
        cells = [vendor, count, f"{seconds:.1f}" if seconds else "–",
                 f"{args.notices / seconds:.0f}" if seconds else "–",
                 f"{timing['cpu'] * 1000 / args.notices:.0f}", f"{o['zalo']:,}", f"{o['sms']:,}", f"{o['attempts']:,}",
                 f"{o['zns_sends']:,} / {o['zns_ids']:,}",
                 f"{o['sms_sends']:,} / {o['sms_ids']:,} / {o['sms_requests']:,}", o["refreshes"],
                 "OK" if not o["problems"] else "FAILED"]
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
    connection.close()
    if not args.keep:
        drop_database(url)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
