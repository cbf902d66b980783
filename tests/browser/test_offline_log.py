import datetime
import time

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from tocns.fieldwork.models import Activity

from ..factories import TEST_PASSWORD, World, make_team
from ..reports.factories import ensure_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ensure_services():
    import importlib

    from django.apps import apps

    importlib.import_module("tocns.fieldwork.migrations.0002_service_catalogue").load(apps, None)


def village_team(members: int = 1):
    """Thôn Nà Khà's team with its leader (0904 000 001), and the report and service catalogues that a
    live-server test must load again (its database is emptied after each test)."""
    ensure_catalogue()
    ensure_services()
    world = World()
    return world, make_team(world, world.village_a1, members=members)


def log_entry(page, count: str, notes: str = ""):
    page.locator("label", has_text="VNeID").first.click()
    page.locator(".counts label").get_by_text(count, exact=True).click()
    if notes:
        page.locator("details.card").evaluate("details => { details.open = true; }")
        page.get_by_label("Ghi chú").fill(notes)
    page.get_by_role("button", name="Lưu", exact=True).click()


def kept_for_offline(page, path: str) -> None:
    """Wait until the service worker holds a copy of the page."""
    for _ in range(100):
        if page.evaluate("""async (path) => {
            await navigator.serviceWorker.ready;
            return !!(await (await caches.open('tocns-pages-v2')).match(path));
        }""", path):
            return
        time.sleep(0.1)
    raise AssertionError(f"{path} was not kept for offline use")



def test_log_two_entries_offline_and_see_them_uploaded_once(phone_page, live_server, tmp_path):
    world, _team = village_team()
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
    expect(page.locator("#queue .queue-file")).to_be_visible()
    # A wrong entry is stopped on the phone before it is queued.
    page.locator(".counts label", has_text="4").click()
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#log-problem")).to_contain_text("dịch vụ")
    page.screenshot(path=str(tmp_path / "offline-queue.png"), full_page=True)

    # The connection comes back: both are uploaded, once.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#queue .count")).to_have_text("Đã gửi hết lên máy chủ.")
    expect(page.locator("#queue .queue-file")).to_be_hidden()  # nothing left to save to a file
    page.reload()  # what the phone keeps survives a reload, and nothing is sent again
    expect(page.locator("#queue .count")).to_have_text("Đã gửi hết lên máy chủ.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The server is asked only once the phone is put away: the test's database connection is
    # shared with the live server's threads, which the page's worker may still be using.
    page.context.close()
    assert sorted(Activity.objects.values_list("people_count", flat=True)) == [2, 3, 5]


def sign_in_here(page, phone: str):
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill(phone)
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Đăng nhập")


def test_an_expired_session_asks_to_sign_in_again_and_keeps_the_entries_and_the_offline_copy(
        phone_page, live_server, tmp_path):
    world, _team = village_team()
    page, base = phone_page, live_server.url
    page.goto(f"{base}/accounts/login/?next=/nhat-ky/")
    sign_in_here(page, "0904 000 001")
    kept_for_offline(page, "/nhat-ky/")
    page.context.set_offline(True)
    log_entry(page, "2")
    log_entry(page, "5")
    Session.objects.all().delete()  # the session ends while the phone is away

    # Back online: the server answers 401; the page says so, keeps both, and shows the way back.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    signin = page.locator("#queue .signin")
    expect(signin).to_contain_text("Phiên đăng nhập đã hết: hãy đăng nhập lại để gửi.")
    expect(page.locator("#queue .count")).to_have_text("2 mục đang chờ gửi")
    page.screenshot(path=str(tmp_path / "session-ended.png"), full_page=True)

    # Opening the log while signed out leads to the sign-in page, and the phone's copy stays.
    page.goto(f"{base}/nhat-ky/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    page.context.set_offline(True)
    page.goto(f"{base}/nhat-ky/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ghi nhật ký hoạt động")
    expect(page.locator("#queue .count")).to_have_text("2 mục đang chờ gửi")

    # Signing in again from the page's link comes back to the log, which sends both, once.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    signin.get_by_role("link", name="Đăng nhập lại").click()
    sign_in_here(page, "0904 000 001")
    expect(page.locator("#queue .count")).to_have_text("Đã gửi hết lên máy chủ.")
    assert page.url == f"{base}/nhat-ky/"
    page.context.close()
    assert sorted(Activity.objects.values_list("people_count", flat=True)) == [2, 5]


def test_an_entry_the_server_refuses_stays_with_its_reason_until_the_member_fixes_or_deletes_it(
        phone_page, live_server, tmp_path):
    world, team = village_team()
    today = timezone.localdate()
    team.established_on = today  # the team was set up today: the server refuses yesterday's help
    team.save(update_fields=["established_on"])
    page, base = phone_page, live_server.url
    page.goto(f"{base}/accounts/login/?next=/nhat-ky/")
    sign_in_here(page, "0904 000 001")
    page.context.set_offline(True)
    page.locator("details.card").evaluate("details => { details.open = true; }")
    for count in ("2", "3"):
        page.fill("#id_date", (today - datetime.timedelta(days=1)).isoformat())
        log_entry(page, count)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    count = page.locator("#queue .count")
    expect(count).to_have_text("2 mục bị từ chối: hãy mở ra sửa rồi lưu lại, hoặc xoá")
    expect(page.locator("#queue li.state-refused").first).to_contain_text(
        "bị từ chối: Tổ chưa được thành lập vào ngày này.")
    expect(page.locator("#queue .queue-file")).to_be_visible()
    page.reload()  # nothing is dropped
    expect(count).to_have_text("2 mục bị từ chối: hãy mở ra sửa rồi lưu lại, hoặc xoá")
    page.screenshot(path=str(tmp_path / "refused.png"), full_page=True)
    for box in page.locator("#queue button").all():
        assert box.bounding_box()["height"] >= 44

    # The member opens the first back into the form, sees why, sets the right day and saves it again.
    page.locator("#queue li", has_text="3 người").get_by_role("button", name="Mở ra sửa").click()
    expect(page.locator("#log-problem")).to_have_text("Tổ chưa được thành lập vào ngày này.")
    expect(page.locator(".counts input[value='3']")).to_be_checked()
    page.fill("#id_date", today.isoformat())
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(count).to_have_text("1 mục bị từ chối: hãy mở ra sửa rồi lưu lại, hoặc xoá")

    # The other is deleted on purpose, after a question.
    page.locator("#queue li", has_text="2 người").get_by_role("button", name="Xoá").click()
    page.get_by_role("dialog").get_by_role("button", name="Giữ lại").click()
    expect(page.locator("#queue li.state-refused")).to_have_count(1)
    page.locator("#queue li", has_text="2 người").get_by_role("button", name="Xoá").click()
    page.get_by_role("dialog").get_by_role("button", name="Xoá").click()
    expect(count).to_have_text("Đã gửi hết lên máy chủ.")
    expect(page.locator("#queue .queue-file")).to_be_hidden()
    page.context.close()
    assert list(Activity.objects.values_list("people_count", "date")) == [(3, today)]


def test_a_phone_three_hours_fast_has_its_entry_stored_on_the_day_it_shows(phone_page, live_server):
    world, _team = village_team()
    page, base = phone_page, live_server.url
    phone_now = timezone.now() + datetime.timedelta(hours=3)
    page.clock.install(time=phone_now)
    page.goto(f"{base}/accounts/login/?next=/nhat-ky/")
    sign_in_here(page, "0904 000 001")
    expect(page.locator("#id_date")).to_have_value(timezone.localtime(phone_now).date().isoformat())
    log_entry(page, "3")
    expect(page.locator("#queue .count")).to_have_text("Đã gửi hết lên máy chủ.")
    page.context.close()
    activity = Activity.objects.get()
    assert activity.date == timezone.localtime(phone_now).date()
    ahead = activity.made_at - activity.received_at  # the phone's time, recorded as it was
    assert datetime.timedelta(hours=2, minutes=55) < ahead < datetime.timedelta(hours=3)


def test_a_phone_with_the_worker_of_the_log_alone_moves_to_the_one_for_the_whole_site(phone_page, live_server):
    world, _team = village_team()
    page, base = phone_page, live_server.url
    page.goto(f"{base}/accounts/login/?next=/nhat-ky/")
    sign_in_here(page, "0904 000 001")
    # What an earlier version registered: a worker for /nhat-ky/ only.
    page.evaluate("navigator.serviceWorker.register('/nhat-ky/sw.js', {scope: '/nhat-ky/'})")
    scopes = []
    for _ in range(100):
        scopes = page.evaluate("""async () => (await navigator.serviceWorker.getRegistrations())
            .map(r => new URL(r.scope).pathname)""")
        if scopes == ["/"]:
            break
        time.sleep(0.1)
    assert scopes == ["/"]
    # The member opens the log once more with a connection, as he would the next day: the site-wide
    # worker answers it and keeps it. (Right after the move, which worker the page's first copy went
    # to depends on which registration became ready first.)
    page.reload()
    kept_for_offline(page, "/nhat-ky/")
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ghi nhật ký hoạt động")
