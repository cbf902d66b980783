"""The province admin registers the province's data-sharing gateway on a phone, copies the secret
shown once, and the gateway reads the API with it."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tocns.api.models import ApiClient

from ..factories import World
from .test_monthly_report import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_province_admin_registers_the_gateway(phone_page, live_server, tmp_path):
    world = World()
    page, base = phone_page, live_server.url
    sign_in(page, base, "0901000001")
    page.locator("summary", has_text="Danh mục").click()
    page.get_by_role("link", name="Hệ thống kết nối API").click()
    page.get_by_label("Tên hệ thống").fill("Nền tảng LGSP của tỉnh")
    page.get_by_label("Xã Thượng Lâm").check()
    page.screenshot(path=str(tmp_path / "client-form.png"), full_page=True)
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("h1")).to_have_text("Đã đăng ký hệ thống kết nối")
    secret = page.locator(".secret").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name="Về danh sách hệ thống kết nối").click()
    expect(page.locator(".list")).to_contain_text("Nền tảng LGSP của tỉnh")
    expect(page.locator(".list")).to_contain_text("Xã Thượng Lâm")
    assert secret not in page.content()
    page.context.close()
    answer = Client().get("/api/v1/units?limit=500", headers={"authorization": f"Bearer {secret}"})
    codes = {u["code"] for u in answer.json()["items"]}
    assert world.commune_a.code in codes and world.commune_b.code not in codes
    assert ApiClient.objects.get().created_by == world.province_admin
