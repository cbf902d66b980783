"""The commune officer on a 360 px phone: opens a member's page, finds that read in the audit log,
registers the member's erasure request (its deadline shown) and anonymises him after the warning."""

import pytest
from playwright.sync_api import expect

from ..factories import World, make_team
from .test_monthly_report import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/tocns-shots"


def test_the_officer_reads_the_log_of_a_persons_page_and_erases_him_on_request(phone_page, live_server):
    import os

    os.makedirs(SHOTS, exist_ok=True)
    world = World()
    team = make_team(world, world.village_a1, members=2)
    person = team.memberships.order_by("id").last().person
    page = phone_page
    sign_in(page, live_server.url, "0912 345 678")

    page.goto(f"{live_server.url}/teams/people/{person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.full_name)

    page.locator("summary", has_text="Danh mục").click()
    page.get_by_role("link", name="Nhật ký hệ thống").click()
    page.get_by_label("Người được nói đến (họ tên hoặc số điện thoại)").fill(person.full_name)
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#audit-entries")).to_contain_text(f"Xem trang của {person.full_name}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=f"{SHOTS}/audit-360.png", full_page=True)

    page.locator("summary", has_text="Danh mục").click()
    page.get_by_role("link", name="Yêu cầu về dữ liệu cá nhân").click()
    page.get_by_label("Tìm người (họ tên hoặc số điện thoại) để ghi yêu cầu").fill(person.full_name)
    page.get_by_role("button", name="Tìm").click()
    page.locator("#people").get_by_role("link", name=person.full_name).click()
    page.get_by_label("Xoá dữ liệu (ẩn danh)").check()
    page.get_by_role("button", name="Ghi yêu cầu").click()
    expect(page.locator(".msg.success")).to_contain_text("Hạn xác nhận đã nhận:")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=f"{SHOTS}/rights-request-360.png", full_page=True)

    page.get_by_role("link", name="Ẩn danh người này").click()
    expect(page.get_by_role("alert")).to_contain_text("Việc này không hoàn tác được.")
    page.screenshot(path=f"{SHOTS}/anonymise-360.png", full_page=True)
    page.get_by_label("Tôi hiểu: việc ẩn danh không hoàn tác được.").check()
    page.get_by_role("button", name="Ẩn danh, không hoàn tác").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã ẩn danh")
    person.refresh_from_db()
    assert person.full_name == "Đã ẩn danh" and person.phone is None
    assert team.memberships.active().count() == 2
