import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from ..factories import TEST_PASSWORD, World, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_applies_on_the_public_page_and_the_village_head_approves(browser, phone_page, live_server, tmp_path):
    world = World()
    team = make_team(world, world.village_a1, members=2)
    page = phone_page
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))

    # A citizen, not signed in, finds the commune without typing diacritics.
    page.goto(f"{live_server.url}/dang-ky/")
    page.get_by_placeholder("Tên xã, phường (có dấu hay không dấu)").fill("thuong lam")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Xã Thượng Lâm").click()
    page.get_by_role("link", name="Thôn Nà Khà").click()
    expect(page.get_by_role("heading", name="Đơn đăng ký tham gia")).to_be_visible()

    page.get_by_label("Họ và tên").fill("Lò Thị Dung")
    page.get_by_label(re.compile(r"^Số điện thoại")).fill("0987 654 321")
    page.get_by_label("Năm sinh").fill("1996")
    page.get_by_label("Thành phần").select_option(label="Giáo viên")
    page.get_by_label("Kỹ năng số").fill("Cài VNeID, nộp hồ sơ trực tuyến")
    # First a wrong answer: the form comes back with a message by the field and a new question.
    challenge = page.get_by_label(re.compile("Để chống gửi tự động"))
    challenge.fill("99")
    page.get_by_role("button", name="Gửi đơn").click()
    expect(page.get_by_text("Câu trả lời chưa đúng, hãy tính lại.")).to_be_visible()
    question = page.locator("label[for=id_challenge_answer]").inner_text()
    a, b = map(int, re.search(r"(\d+) \+ (\d+)", question).groups())
    page.get_by_label(re.compile("Để chống gửi tự động")).fill(str(a + b))
    page.get_by_role("button", name="Gửi đơn").click()
    expect(page.locator("#status")).to_contain_text("Chờ duyệt")
    tracking_url = page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "public-join-sent.png"), full_page=True)

    # The village head signs in on their own phone and sees the application waiting.
    head = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN",
                               timezone_id="Asia/Ho_Chi_Minh", is_mobile=True, has_touch=True).new_page()
    head.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    head.goto(f"{live_server.url}/accounts/login/")
    head.get_by_label("Số điện thoại hoặc tên đăng nhập").fill("0904 000 001")
    head.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    head.get_by_role("button", name="Đăng nhập").click()
    expect(head.locator("#pending-applications")).to_contain_text("1 đơn đang chờ bạn duyệt")
    head.locator("#pending-applications").click()
    head.get_by_role("link", name="Lò Thị Dung").click()
    expect(head.get_by_text("Cài VNeID, nộp hồ sơ trực tuyến")).to_be_visible()
    head.get_by_role("button", name="Chấp thuận", exact=True).click()
    expect(head.locator("#status")).to_contain_text("Đã chấp thuận")

    head.get_by_role("link", name=str(team)).click()
    expect(head.locator("#members")).to_contain_text("Lò Thị Dung")
    assert "Thành viên" in head.locator("#members li", has_text="Lò Thị Dung").inner_text()
    assert head.evaluate("document.documentElement.scrollWidth") <= 360
    head.screenshot(path=str(tmp_path / "team-after-approval.png"), full_page=True)

    # The citizen's page now shows the answer.
    page.goto(tracking_url)
    expect(page.locator("#status")).to_contain_text("Đã chấp thuận")
    assert hosts == {urlparse(live_server.url).netloc}  # nothing loaded from another host
    head.context.close()  # lets the server's threads finish and close their database connections
