import pytest
from playwright.sync_api import expect

from ..factories import World, make_team
from .test_monthly_report import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_province_admin_drills_down_from_the_province_to_a_village(phone_page, live_server, tmp_path):
    world = World()
    make_team(world, world.village_a1, members=3)
    make_team(world, world.village_b1, members=2)
    page, base = phone_page, live_server.url
    sign_in(page, base, "0901 000 001")
    page.locator("summary", has_text="Danh mục").click()
    page.get_by_role("link", name="Tổng quan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan Tuyên Quang")
    expect(page.locator("#members")).to_have_text("5")
    page.screenshot(path=str(tmp_path / "province.png"), full_page=True)
    page.locator("#children").get_by_role("link", name="Xã Thượng Lâm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan Xã Thượng Lâm")
    expect(page.locator("#members")).to_have_text("3")
    page.locator("#children").get_by_role("link", name="Thôn Nà Khà").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan Thôn Nà Khà")
    expect(page.locator("#team-members tbody tr")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name="Xã Thượng Lâm").click()  # and back up
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan Xã Thượng Lâm")
