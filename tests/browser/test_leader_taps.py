"""The village team leader's month, counted in taps on a 360×740 phone: quicker than typing it into
the Zalo group. From the home page, logging one person helped with VNeID and sending the month's
report (with the month's help already in the log) must each take at most five taps."""

import datetime
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tocns.fieldwork.models import Activity
from tocns.fieldwork.services import activity_record
from tocns.reports.models import Report

from ..factories import World, make_team
from ..reports.factories import ensure_catalogue, established_long_ago
from .test_monthly_report import sign_in
from .test_offline_log import ensure_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MAX_TAPS = 5


class Taps:
    """Every tap goes through here, so the count is what a thumb would do."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator):
        locator.click()
        self.count += 1


@pytest.fixture
def leader_with_a_kept_log():
    ensure_catalogue()
    ensure_services()
    world = World()
    team = established_long_ago(make_team(world, world.village_a1, members=2))
    for day, services, people in [("2026-11-03", ["vneid"], 6), ("2026-11-10", ["dvc-truc-tuyen"], 4),
                                  ("2026-11-18", ["vneid", "thanh-toan-qr"], 5)]:
        activity_record(user=world.leader_a1, data={
            "client_id": str(uuid.uuid4()), "date": day, "unit": world.village_a1.code, "kind": "guidance",
            "services": services, "people_count": people})
    return world, team


def test_month_report_goes_out_from_home_in_five_taps_when_the_log_is_kept(phone_page, live_server, monkeypatch,
                                                                          leader_with_a_kept_log):
    # 26/11/2026, three days before November's report is due (the phone logs with its own clock).
    frozen = timezone.make_aware(datetime.datetime(2026, 11, 26, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    world, team = leader_with_a_kept_log
    page, base = phone_page, live_server.url
    sign_in(page, base, "0904 000 001")
    taps = Taps(page)
    taps.tap(page.locator("#report-2026-11").get_by_role("button"))
    # The log's counts are already in their cells, each saying where it came from.
    expect(page.locator(".source").first).to_contain_text("Theo nhật ký")
    taps.tap(page.get_by_role("button", name="Gửi báo cáo"))
    confirm = page.locator("#confirm-send")
    if confirm.count():
        taps.tap(confirm.get_by_role("button", name="Vẫn gửi"))
    expect(page.locator("#status")).to_contain_text("Đã gửi")
    assert taps.count <= MAX_TAPS, f"{taps.count} taps from home to a sent report"
    report = Report.objects.get(unit=world.village_a1, period_key="2026-11")
    assert report.status == "submitted" and report.submitted_by == world.leader_a1
    assert report.values.exclude(value=None).exists()  # the log's figures went out with it


def test_one_vneid_help_is_logged_from_home_in_five_taps(phone_page, live_server, leader_with_a_kept_log):
    world, _team = leader_with_a_kept_log
    page, base = phone_page, live_server.url
    sign_in(page, base, "0904 000 001")
    before = Activity.objects.count()
    taps = Taps(page)
    taps.tap(page.get_by_role("link", name="Ghi nhật ký").first)
    taps.tap(page.locator("label", has_text="VNeID").first)
    taps.tap(page.locator(".counts label").get_by_text("1", exact=True))
    taps.tap(page.get_by_role("button", name="Lưu", exact=True))
    for _ in range(50):
        if Activity.objects.count() > before:
            break
        page.wait_for_timeout(100)
    assert Activity.objects.count() == before + 1
    assert taps.count <= MAX_TAPS
