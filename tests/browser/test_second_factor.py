import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from ..factories import TEST_PASSWORD, World, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def _office_roles_need_it(settings):
    settings.SECOND_FACTOR_REQUIRED_ROLES = ["province_admin", "commune_chairman", "commune_officer"]
    settings.SECOND_FACTOR_DEMO_EXEMPT = False


def sign_in_here(page, phone: str):
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill(phone)
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_an_officer_sets_up_the_authenticator_then_types_its_code_at_the_next_sign_in(
        phone_page, live_server, tmp_path, _office_roles_need_it):
    world = World()
    page, base = phone_page, live_server.url
    page.goto(f"{base}/accounts/login/?next=/units/")
    sign_in_here(page, "0912 345 678")
    page.get_by_role("heading", name="Bật xác thực hai bước").wait_for()
    assert page.locator("figure.qr svg").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "second-factor-setup.png"), full_page=True)
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    device = TOTPDevice.objects.get(user=world.officer_a)
    page.get_by_label(re.compile("Mã xác thực")).fill(totp_code(device))
    page.get_by_role("button", name="Bật xác thực hai bước").click()
    page.get_by_role("heading", name="Đã bật xác thực hai bước").wait_for()
    assert page.locator("ul.codes li").count() == 10
    page.screenshot(path=str(tmp_path / "recovery-codes.png"), full_page=True)
    page.get_by_role("link", name="Tôi đã chép xong, tiếp tục").click()
    page.get_by_text("Thôn Nà Khà").wait_for()
    assert page.url.endswith("/units/")

    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next=/units/")
    sign_in_here(page, "0912 345 678")
    page.get_by_role("heading", name="Xác thực hai bước").wait_for()
    page.get_by_label(re.compile("Mã xác thực")).fill(totp_code(device, steps_later=1))
    page.get_by_role("button", name="Xác nhận").click()
    page.get_by_text("Thôn Nà Khà").wait_for()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Xác thực hai bước")
