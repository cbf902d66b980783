import datetime
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ..factories import TEST_PASSWORD, World, make_team
from ..reports.factories import ensure_catalogue, established_long_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, phone):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill(phone)
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chào")


def sign_out(page):
    page.locator("summary", has_text="Menu").click()
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

    # The village head: this month's report from the home page's reminder.
    sign_in(page, base, "0904 000 001")
    expect(page.locator("#inbox")).to_contain_text("còn 3 ngày (hạn 29/11/2026)")
    page.locator("#inbox a").first.click()
    page.get_by_role("button", name="Nhập báo cáo tháng này").click()
    cq01 = page.get_by_label("CQ01", exact=False)
    cq01.fill("-5")
    cq01.blur()  # checked as it is typed, before sending
    expect(page.locator("#line-cq01")).to_contain_text("Số không được âm.")
    page.get_by_label("CQ01", exact=False).fill("12")
    page.get_by_label("TT02", exact=False).fill("45")
    page.get_by_label("Khó khăn, vướng mắc").fill("Sóng 4G yếu ở xóm trên")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("#status")).to_contain_text("Đã gửi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "report-sent.png"), full_page=True)
    sign_out(page)

    # The commune officer returns it with a comment.
    sign_in(page, base, "0912 345 678")
    page.locator("#inbox a", has_text="Thôn Nà Khà").click()
    page.get_by_label("Ý kiến (bắt buộc khi trả lại)").fill("Thiếu số hồ sơ dịch vụ công (CQ02)")
    page.get_by_role("button", name="Trả lại để sửa").click()
    expect(page.locator("#status")).to_contain_text("Bị trả lại")
    sign_out(page)

    # The head sees it first on home, corrects in place and sends again.
    sign_in(page, base, "0904 000 001")
    expect(page.locator("#inbox li").first).to_contain_text("Báo cáo bị trả lại")
    page.locator("#inbox a", has_text="Báo cáo bị trả lại").click()
    page.get_by_label("CQ02", exact=False).fill("4")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("#status")).to_contain_text("Đã gửi")
    sign_out(page)

    # The officer accepts; the figures appear in the commune's roll-up.
    sign_in(page, base, "0912 345 678")
    page.locator("#inbox a", has_text="Thôn Nà Khà").click()
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.locator("#status")).to_contain_text("Đã tiếp nhận")
    page.goto(f"{base}/reports/rollup/?unit={world.commune_a.code}&period=2026-11")
    row = page.locator("#rollup tr", has_text="Thôn Nà Khà")
    expect(row).to_contain_text("12")
    expect(page.locator("#totals")).to_contain_text("45")
    page.screenshot(path=str(tmp_path / "rollup.png"), full_page=True)
    assert hosts == {urlparse(base).netloc}
