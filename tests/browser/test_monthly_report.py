import datetime
import os
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ..factories import TEST_PASSWORD, World, make_team
from ..reports.factories import ensure_catalogue, established_long_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screens kept for the team brief and the user guide (looked at by a person, not compared).
SCREENS = Path(os.environ.get("TOCNS_SCREENS", "/work/brief/screens"))


def sign_in(page, base, phone):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill(phone)
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chào")


def sign_out(page):
    page.locator("summary", has_text="Danh mục").click()
    page.get_by_role("button", name="Đăng xuất").click()


def test_village_head_submits_officer_returns_head_resubmits_officer_accepts(phone_page, live_server, monkeypatch,
                                                                             tmp_path):
    frozen = timezone.make_aware(datetime.datetime(2026, 11, 26, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    ensure_catalogue()
    world = World()
    established_long_ago(make_team(world, world.village_a1, members=2))
    page, base = phone_page, live_server.url
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))

    # The village head: this month's report from the card on his home page.
    sign_in(page, base, "0904 000 001")
    page.locator("#report-2026-11").get_by_role("button").click()
    # The live check needs htmx, which loads with the page: a thumb is never faster than that here,
    # a test on a loaded machine can be.
    page.wait_for_url("**/reports/*/", wait_until="load")
    cq01 = page.locator("#v-cq01")
    cq01.fill("-5")
    cq01.blur()  # checked as it is typed, before sending
    expect(page.locator("#line-cq01")).to_contain_text("Số không được âm.")
    page.locator("#v-cq01").fill("12")
    page.locator("#v-tt02").fill("45")
    page.get_by_label("Khó khăn, vướng mắc").fill("Sóng 4G yếu ở xóm trên")
    page.get_by_role("button", name="Gửi báo cáo").click()
    # Empty cells are named once before the report goes out; the typed values are still there.
    asked = page.locator("#confirm-send")
    expect(asked).to_contain_text("Ô để trống là chưa có số liệu, khác với 0")
    expect(asked).to_contain_text("Số hồ sơ dịch vụ công trực tuyến được hỗ trợ")
    expect(page.locator("#status")).to_contain_text("Đang soạn")
    expect(page.locator("#v-cq01")).to_have_value("12")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SCREENS / "report-confirm-empty-cells.png"))
    asked.get_by_role("button", name="Vẫn gửi").click()
    expect(page.locator("#status")).to_contain_text("Đã gửi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "report-sent.png"), full_page=True)
    sign_out(page)

    # The commune officer returns it with a comment.
    sign_in(page, base, "0912 345 678")
    page.locator("#inbox a", has_text="Chờ xem xét: báo cáo Thôn Nà Khà").click()
    page.get_by_label("Ý kiến (bắt buộc khi trả lại)").fill("Thiếu số hồ sơ dịch vụ công (CQ02)")
    page.get_by_role("button", name="Trả lại để sửa").click()
    expect(page.locator("#status")).to_contain_text("Bị trả lại")
    sign_out(page)

    # The head sees it first on home, corrects in place and sends again.
    sign_in(page, base, "0904 000 001")
    card = page.locator("#report-2026-11")
    expect(card).to_contain_text("Bị trả lại")
    expect(card).to_contain_text("Thiếu số hồ sơ dịch vụ công (CQ02)")
    card.get_by_role("button", name="Sửa và gửi lại").click()
    page.locator("#v-cq02").fill("4")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.locator("#confirm-send").get_by_role("button", name="Vẫn gửi").click()
    expect(page.locator("#status")).to_contain_text("Đã gửi")
    sign_out(page)

    # The officer accepts; the figures appear in the commune's roll-up.
    sign_in(page, base, "0912 345 678")
    page.locator("#inbox a", has_text="Chờ xem xét: báo cáo Thôn Nà Khà").click()
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.locator("#status")).to_contain_text("Đã tiếp nhận")
    page.goto(f"{base}/reports/rollup/?unit={world.commune_a.code}&period=2026-11")
    row = page.locator("#rollup tr", has_text="Thôn Nà Khà")
    expect(row).to_contain_text("12")
    expect(page.locator("#totals")).to_contain_text("45")
    page.screenshot(path=str(tmp_path / "rollup.png"), full_page=True)
    assert hosts == {urlparse(base).netloc}


def frozen_leader_world(monkeypatch):
    frozen = timezone.make_aware(datetime.datetime(2026, 11, 26, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    ensure_catalogue()
    world = World()
    team = established_long_ago(make_team(world, world.village_a1, members=2))
    return world, team


def test_the_month_goes_out_from_home_in_five_taps_when_the_log_is_kept(phone_page, live_server, monkeypatch):
    from tocns.fieldwork.services import activity_record

    from .test_offline_log import ensure_services

    world, team = frozen_leader_world(monkeypatch)
    ensure_services()
    logged = [("outreach", [], 40), ("guidance", ["vneid"], 6), ("guidance", ["vssid", "dvc-truc-tuyen"], 3),
              ("guidance", ["thanh-toan-qr", "vi-dien-tu"], 2), ("guidance", ["so-suc-khoe"], 4)]
    for kind, services, people in logged:
        activity_record(user=world.leader_a1, data={
            "client_id": str(uuid.uuid4()), "date": "2026-11-12", "unit": world.village_a1.code, "kind": kind,
            "services": services, "people_count": people, "households_count": 2})
    page, base = phone_page, live_server.url
    sign_in(page, base, "0904 000 001")
    taps = 0

    def tap(locator):
        nonlocal taps
        taps += 1
        locator.click()

    tap(page.locator("#report-2026-11").get_by_role("button"))
    expect(page.locator("#v-cq01")).to_have_value("6")
    expect(page.locator("#line-cq01")).to_contain_text("Theo nhật ký: 6 người")
    page.evaluate("document.getElementById('line-cq01').scrollIntoView({block: 'center'})")
    page.screenshot(path=str(SCREENS / "report-prefilled-from-log.png"))
    tap(page.get_by_role("button", name="Gửi báo cáo"))
    if page.locator("#confirm-send").count():  # cells the log cannot count are named once
        tap(page.locator("#confirm-send").get_by_role("button", name="Vẫn gửi"))
    expect(page.locator("#status")).to_contain_text("Đã gửi")
    assert taps <= 5, f"{taps} taps from home to a sent report"
    from tocns.reports.models import Report

    sent = Report.objects.get(team=team, period_key="2026-11")
    values = {v.indicator.code: v.value for v in sent.values.select_related("indicator") if v.value is not None}
    assert values["CQ01"] == 6 and values["TT02"] == 40 and values["XH01"] == 4


def test_a_draft_with_a_wrong_cell_is_kept_and_shows_its_message(phone_page, live_server, monkeypatch):
    frozen_leader_world(monkeypatch)
    page, base = phone_page, live_server.url
    sign_in(page, base, "0904 000 001")
    page.locator("#report-2026-11").get_by_role("button").click()
    page.locator("#v-tt01").fill("3")
    page.locator("#v-cq01").fill("12a")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu nháp. Còn 1 ô cần sửa trước khi gửi.")
    page.evaluate("document.getElementById('line-cq01').scrollIntoView({block: 'center'})")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SCREENS / "report-draft-wrong-cell.png"))
    page.reload()  # stored, not just left in the form
    expect(page.locator("#v-cq01")).to_have_value("12a")
    expect(page.locator("#line-cq01")).to_contain_text("Hãy nhập một số")
    expect(page.locator("#v-tt01")).to_have_value("3")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".form-error")).to_contain_text("Báo cáo chưa được gửi: có 1 ô cần sửa")
    expect(page.locator("#status")).to_contain_text("Đang soạn")
