from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from ..factories import TEST_PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_commune_officer_signs_in_by_phone_sees_only_her_villages_and_signs_out(phone_page, live_server, tmp_path):
    world = World()
    page = phone_page
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))

    page.goto(f"{live_server.url}/")  # a visitor's home is the citizen portal, with the way in for members
    page.get_by_role("link", name="Thành viên tổ, cán bộ: đăng nhập").click()
    assert "/accounts/login/" in page.url
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill("0912 345 678")
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.get_by_text("Chào Mai").wait_for()
    assert page.get_by_text("Cán bộ phòng Văn hóa - Xã hội").is_visible()
    page.get_by_role("link", name="Xã Thượng Lâm").click()
    page.get_by_text("Thôn Nà Khà").wait_for()
    body = page.locator("main").inner_text()
    assert "Thôn Khuổi Đăm" in body
    assert world.village_b1.name not in body and "Phường Minh Xuân" not in body

    # search without diacritics, answered by htmx in place
    page.get_by_placeholder("Tìm tên (có dấu hay không dấu)").fill("khuoi dam")
    expect(page.locator("#results")).not_to_contain_text("Nà Khà")
    expect(page.locator("#results")).to_contain_text("Thôn Khuổi Đăm")

    # the page fits a 360-pixel screen without sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "commune-officer.png"), full_page=True)

    # another commune's village answers 404 in the browser too
    response = page.goto(f"{live_server.url}/units/{world.village_b1.code}/")
    assert response.status == 404

    page.goto(f"{live_server.url}/")
    page.get_by_text("Danh mục").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("heading", name="Đăng nhập").wait_for()
    assert "/accounts/login/" in page.url
    page.goto(f"{live_server.url}/units/")
    assert "/accounts/login/" in page.url

    assert hosts == {urlparse(live_server.url).netloc}, f"requests left the server: {hosts}"
