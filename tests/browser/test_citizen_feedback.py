import re

import pytest
from playwright.sync_api import expect

from ..factories import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_sends_feedback_and_follows_it_by_code(phone_page, live_server):
    world = World()
    page, base = phone_page, live_server.url
    page.goto(f"{base}/phan-anh/")
    page.get_by_placeholder("Tên xã, phường (có dấu hay không dấu)").fill("thuong lam")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Xã Thượng Lâm").click()
    page.get_by_label("Loại").select_option(label="Phản ánh")
    page.get_by_label(re.compile("^Thôn, tổ dân phố")).select_option(label=world.village_a2.name)
    page.get_by_label("Nội dung").fill("Trạm y tế chưa hướng dẫn đặt lịch khám từ xa cho người cao tuổi.")
    question = page.locator("label[for=id_challenge_answer]").inner_text()
    a, b = map(int, re.search(r"(\d+) \+ (\d+)", question).groups())
    page.get_by_label(re.compile("Để chống gửi tự động")).fill(str(a + b))
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.locator("#status")).to_contain_text("Đã tiếp nhận")
    code = page.get_by_role("heading", level=1).inner_text().split()[-1]

    # Later, on the same phone: the code alone finds it.
    page.goto(f"{base}/phan-anh/")
    page.get_by_placeholder(re.compile("Mã ý kiến")).fill(code.lower())
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
