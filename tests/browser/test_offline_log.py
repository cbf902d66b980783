import pytest
from playwright.sync_api import expect

from tocns.fieldwork.models import Activity

from ..factories import TEST_PASSWORD, World, make_team
from ..reports.factories import ensure_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ensure_services():
    import importlib

    from django.apps import apps

    importlib.import_module("tocns.fieldwork.migrations.0002_service_catalogue").load(apps, None)


def test_log_two_entries_offline_and_see_them_uploaded_once(phone_page, live_server, tmp_path):
    ensure_catalogue()
    ensure_services()
    world = World()
    make_team(world, world.village_a1, members=1)
    page, base = phone_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill("0904 000 001")
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{base}/nhat-ky/")

    # Online first: three taps.
    page.locator("label", has_text="VNeID").first.click()
    page.locator(".counts label", has_text="3").click()
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#queue .count")).to_have_text("Đã gửi hết lên máy chủ.")

    # No connection: two more entries wait on the phone.
    page.context.set_offline(True)
    for count in ("2", "5"):
        page.locator("label", has_text="VNeID").first.click()
        page.locator(".counts label", has_text=count).click()
        page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#queue .count")).to_have_text("2 mục đang chờ gửi")
    # A wrong entry is stopped on the phone before it is queued.
    page.locator(".counts label", has_text="4").click()
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#log-problem")).to_contain_text("dịch vụ")
    page.screenshot(path=str(tmp_path / "offline-queue.png"), full_page=True)

    # The connection comes back: both are uploaded, once.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#queue .count")).to_have_text("Đã gửi hết lên máy chủ.")
    page.reload()  # what the phone keeps survives a reload, and nothing is sent again
    expect(page.locator("#queue .count")).to_have_text("Đã gửi hết lên máy chủ.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The server is asked only once the phone is put away: the test's database connection is
    # shared with the live server's threads, which the page's worker may still be using.
    page.context.close()
    assert sorted(Activity.objects.values_list("people_count", flat=True)) == [2, 3, 5]
