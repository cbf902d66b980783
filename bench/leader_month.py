"""The village team leader's two jobs on a weak connection: taps, bytes and seconds.

Serves the app as production does (gunicorn, DEBUG off, WhiteNoise, GZip; the demo province in
var/bench.sqlite3, built by page_weight.py's steps if needed) and drives headless Chromium on a
360×740 phone throttled to a 3G profile (300 ms latency, 750 kbit/s down, 250 kbit/s up) through
Chrome's DevTools protocol. Two journeys, each from the home page of a demo village leader:

- log one person helped with VNeID (home → Ghi nhật ký → VNeID → 1 → Lưu, until the entry is stored);
- send the month's report (home → the report card's button → Gửi báo cáo → Vẫn gửi, until "Đã gửi").

Each is run with an empty browser cache (a phone that has never been here, signed in just before)
and with a warm one (the normal day). For each: taps, bytes over the network (Chrome's
encodedDataLength, headers included) and seconds from opening the home page to the result: the
entry stored on the server, or the report's "Đã gửi".

    .venv/bin/python bench/leader_month.py
"""

import datetime
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page_weight import BASE, CHROMIUM, FLAGS, PASSWORD, Meter, demo_database, server_env, start_server  # noqa: E402

# The Playwright sync API runs an event loop in this thread; the ORM calls between its steps are plain sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
THROTTLE = {"offline": False, "latency": 300, "downloadThroughput": 750_000 / 8, "uploadThroughput": 250_000 / 8}


def prepare(env):
    demo_database(env)
    from django.utils import timezone

    from tocns.accounts.models import Assignment, Role
    from tocns.fieldwork.services import activity_record
    from tocns.reports.models import Report
    from tocns.reports.periods import month_period

    # Two leaders whose month's report is not sent yet, with this month's help in the log: one for
    # an empty cache, one for a warm one (a report goes out once).
    today = timezone.localdate()
    period = month_period(today.year, today.month)
    leaders = []
    for assignment in Assignment.objects.active().filter(role=Role.TEAM_LEADER, unit__kind="thon").select_related(
            "user", "unit").order_by("unit__code"):
        if not Report.objects.filter(unit=assignment.unit, period_key=period.key).exists():
            leaders.append(assignment)
        if len(leaders) == 2:
            break
    else:
        raise SystemExit("fewer than two demo leaders still owe this month's report")
    for assignment in leaders:
        for day, service, people in [(1, "vneid", 4), (2, "dvc-truc-tuyen", 3), (3, "vi-dien-tu", 2)]:
            activity_record(user=assignment.user, data={
                "client_id": str(uuid.uuid4()), "date": (period.start + datetime.timedelta(days=day - 1)).isoformat(),
                "unit": assignment.unit.code, "kind": "guidance", "services": [service], "people_count": people,
                "made_at": timezone.now().isoformat()})
    return [a.user.username for a in leaders], period.key


def sign_in(page, username):
    page.goto(f"{BASE}/accounts/login/")
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def journey_log(page, username):
    from tocns.fieldwork.models import Activity

    before = Activity.objects.filter(recorded_by__username=username).count()
    taps = [lambda: page.get_by_role("link", name="Ghi nhật ký").first.click(),
            lambda: page.locator("label", has_text="VNeID").first.click(),
            lambda: page.locator(".counts label").get_by_text("1", exact=True).click(),
            lambda: page.get_by_role("button", name="Lưu", exact=True).click()]
    for tap in taps:
        tap()
    for _ in range(600):  # stored on the server, not only queued on the phone
        if Activity.objects.filter(recorded_by__username=username).count() > before:
            return len(taps)
        time.sleep(0.1)
    raise SystemExit("the log entry never reached the server")


def journey_report(page, period_key):
    page.locator(f"#report-{period_key}").get_by_role("button").click()
    page.get_by_role("button", name="Gửi báo cáo").click()
    taps = 2
    sent, confirm = page.locator("#status", has_text="Đã gửi"), page.locator("#confirm-send")
    sent.or_(confirm).first.wait_for(timeout=60_000)
    if not sent.count():
        confirm.get_by_role("button", name="Vẫn gửi").click()
        taps += 1
    sent.wait_for(timeout=60_000)
    return taps


def measure(page, meter, journey):
    """From opening the home page to the result on screen, with every byte on the way."""
    meter.bytes = meter.requests = 0
    started = time.perf_counter()
    page.goto(f"{BASE}/")
    page.wait_for_load_state("load")
    taps = journey()
    seconds = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    return taps, meter.bytes, meter.requests, seconds


def phone(browser, username):
    # The service worker would answer pages and files from its own cache, out of this meter's sight
    # (its requests belong to another target): blocked, so every byte is counted as the network carries
    # it. With it, a warm phone fetches less than the "đã lưu" rows say, never more.
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", service_workers="block")
    page = context.new_page()
    meter = Meter(page)
    sign_in(page, username)
    meter.session.send("Network.clearBrowserCache")
    meter.session.send("Network.emulateNetworkConditions", THROTTLE)
    return context, page, meter


def run(browser, usernames, period_key):
    rows = []
    first, second = usernames
    # The first leader: an empty cache for the log, then the same phone (warm) for the log and the report.
    context, page, meter = phone(browser, first)
    rows.append(("Ghi một lần hỗ trợ VNeID", "trống", *measure(page, meter, lambda: journey_log(page, first))))
    rows.append(("Ghi một lần hỗ trợ VNeID", "đã lưu", *measure(page, meter, lambda: journey_log(page, first))))
    rows.append(("Gửi báo cáo tháng", "đã lưu", *measure(page, meter, lambda: journey_report(page, period_key))))
    context.close()
    # The second leader: the report from an empty cache.
    context, page, meter = phone(browser, second)
    rows.append(("Gửi báo cáo tháng", "trống", *measure(page, meter, lambda: journey_report(page, period_key))))
    context.close()
    return rows


def main():
    env = server_env()
    usernames, period_key = prepare(env)
    server = start_server(env)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            rows = run(browser, usernames, period_key)
            browser.close()
    finally:
        server.terminate()
        server.wait()
    print(f"3G: {THROTTLE['latency']} ms, {THROTTLE['downloadThroughput'] * 8 / 1000:.0f} kbit/s down; "
          f"leaders {', '.join(usernames)}, report {period_key}")
    print("| việc | bộ nhớ đệm | số chạm | KB qua mạng | yêu cầu | giây |")
    print("|---|---|---:|---:|---:|---:|")
    for label, state, taps, size, count, seconds in rows:
        print(f"| {label} | {state} | {taps} | {size / 1024:.1f} | {count} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
