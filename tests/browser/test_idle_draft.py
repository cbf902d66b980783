import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from tocns.accounts.models import User

from ..factories import TEST_PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_here(page, phone: str):
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill(phone)
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Đăng nhập")


def test_a_form_sent_after_the_idle_timeout_comes_back_with_what_was_typed(phone_page, live_server, tmp_path):
    World()
    page, base = phone_page, live_server.url
    page.goto(f"{base}/accounts/login/?next=/accounts/users/new/")
    sign_in_here(page, "0901 000 001")  # the province admin: 15 idle minutes
    page.get_by_label("Họ và tên").fill("Nông Thị Hoa")
    page.get_by_label("Số điện thoại", exact=True).fill("0977 123 456")
    page.get_by_label("Thư điện tử").fill("hoa@example.vn")
    page.get_by_label("Vai trò").select_option(label="Quản trị cấp tỉnh (Sở KH&CN)")

    Session.objects.all().delete()  # the fifteen minutes passed while she typed
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.get_by_role("heading", name="Đăng nhập").wait_for()
    assert not User.objects.filter(full_name="Nông Thị Hoa").exists()

    sign_in_here(page, "0901 000 001")
    assert page.url.endswith("/accounts/users/new/")
    expect(page.get_by_role("status")).to_contain_text("Những gì bạn đã nhập vẫn còn dưới đây")
    expect(page.get_by_label("Họ và tên")).to_have_value("Nông Thị Hoa")
    expect(page.get_by_label("Số điện thoại", exact=True)).to_have_value("0977 123 456")
    expect(page.get_by_label("Thư điện tử")).to_have_value("hoa@example.vn")
    expect(page.get_by_label("Vai trò")).to_have_value("province_admin")
    page.screenshot(path=str(tmp_path / "draft-restored.png"), full_page=True)

    page.get_by_role("button", name="Tạo tài khoản").click()
    page.get_by_text("Nông Thị Hoa").first.wait_for()
    assert User.objects.filter(full_name="Nông Thị Hoa", phone="0977123456").exists()
    # Once sent, the copy is gone: the empty form stays empty.
    page.goto(f"{base}/accounts/users/new/")
    expect(page.get_by_label("Họ và tên")).to_have_value("")


def test_the_draft_also_comes_back_through_the_second_factor_step(phone_page, live_server, settings):
    from ..factories import totp_code, totp_device_for

    settings.SECOND_FACTOR_REQUIRED_ROLES = ["province_admin", "commune_chairman", "commune_officer"]
    world = World()
    device = totp_device_for(world.province_admin)
    page, base = phone_page, live_server.url
    page.goto(f"{base}/accounts/login/?next=/accounts/users/new/")
    sign_in_here(page, "0901 000 001")
    page.get_by_label(re.compile("Mã xác thực")).fill(totp_code(device))
    page.get_by_role("button", name="Xác nhận").click()
    page.get_by_label("Họ và tên").fill("Nông Thị Hoa")

    Session.objects.all().delete()
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.get_by_role("heading", name="Đăng nhập").wait_for()
    sign_in_here(page, "0901 000 001")
    page.get_by_label(re.compile("Mã xác thực")).fill(totp_code(device, steps_later=1))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_label("Họ và tên")).to_have_value("Nông Thị Hoa")
    assert page.url.endswith("/accounts/users/new/")
