"""A real worker process killed after the provider sent and before it marked: restarted, it sends
nothing twice. Needs the worker to reach the test's database from another process: PostgreSQL."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from tocns.notify import delivery
from tocns.notify.models import AttemptOutcome, DeliveryStatus, NoticeKind
from tocns.notify.services import notify

from .fakes import APP_ID, SECRET_KEY, SMS_KEY

ROOT = Path(__file__).resolve().parents[2]
PARAMS = {"unit": "Tổ CNS thôn Nà Khà", "report": "báo cáo tháng 11/2026", "due": "30/11/2026", "days": "1",
          "hint": ""}


def worker_env(fake, channel: str) -> dict:
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    url = f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{host}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": "worker-test-" + "x" * 40,
           "SMS_API_URL": f"{fake.url}/sms/send", "SMS_API_KEY": SMS_KEY, "SMS_BRANDNAME": "TOCNS",
           "NOTICE_QUIET_FROM": "24", "NOTICE_QUIET_UNTIL": "0", "CHANNEL_TIMEOUT": "20"}
    if channel == "zalo":
        env.update({"ZALO_APP_ID": APP_ID, "ZALO_SECRET_KEY": SECRET_KEY, "ZALO_REFRESH_TOKEN": "rt-0",
                    "ZALO_OAUTH_URL": fake.url, "ZALO_ZNS_URL": fake.url,
                    "ZALO_TEMPLATES": f"{NoticeKind.REPORT_DUE_1}=tpl-1"})
    else:
        env["ZALO_APP_ID"] = ""
    return env


@pytest.mark.parametrize("channel", ["sms", "zalo"])
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_between_send_and_mark_sends_nothing_twice_after_restart(fake, settings, channel):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process must reach the test database: runs on PostgreSQL (make test in CI)")
    if channel == "sms":
        settings.ZALO_APP_ID = ""
    # No quiet hours here either (the worker's are off too): after 21:00 Vietnam time the restarted
    # delivery would otherwise wait for 07:00 and the test would read "queued".
    settings.NOTICE_QUIET_FROM, settings.NOTICE_QUIET_UNTIL = 24, 0
    notice = notify(kind=NoticeKind.REPORT_DUE_1, params=PARAMS, name="Hoàng Văn Chu", phone="0912345678")
    fake.hold = threading.Event()
    sent = fake.sms_sent if channel == "sms" else fake.zns_sent
    worker = subprocess.Popen([sys.executable, "manage.py", "outbox_worker", "--batch", "--no-startup-delay"],
                              cwd=ROOT, env=worker_env(fake, channel), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not sent and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        assert sent, worker.stderr.read().decode()[-2000:] if worker.poll() is not None else "no send in 30 s"
        os.kill(worker.pid, signal.SIGKILL)  # the provider sent; the worker never hears back
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
        fake.hold.set()
    fake.hold = None
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.SENDING and sum(sent.values()) == 1

    # Restarted (the sweep runs first in a new worker; here in this process, five minutes on).
    later = timezone.now() + timedelta(minutes=6)
    delivery.sweep(now=later)
    for _ in range(3):
        delivery.deliver(notice.pk, now=later)
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.SENT
    assert sum(fake.sms_sent.values()) + sum(fake.zns_sent.values()) == 1  # the person got one message
    outcomes = list(notice.delivery_attempts.values_list("outcome", flat=True))
    if channel == "sms":  # sent again with the same request id: the gateway dropped it
        assert outcomes == [AttemptOutcome.INTERRUPTED, AttemptOutcome.SENT] and len(fake.sms_bodies) == 2
    else:  # Zalo drops no repeat: not called again
        assert outcomes == [AttemptOutcome.UNKNOWN]
