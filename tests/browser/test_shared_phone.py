"""One phone, two members: what waits on the phone belongs to the member who logged it. Signing
out asks first, works with no connection, and leaves nothing of the first member to the second."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from tocns.fieldwork.models import Activity

from .test_monthly_report import sign_in
from .test_offline_log import kept_for_offline, log_entry, village_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES = "Chị Lù Thị Mây, 0912 111 222, CCCD 008186000123"


def open_menu_and_sign_out(page):
    page.locator("summary", has_text="Danh mục").click()
    page.get_by_role("button", name="Đăng xuất").click()


def test_a_second_member_on_the_same_phone_neither_sees_nor_sends_the_first_members_entries(
        phone_page, live_server, tmp_path):
    world, _team = village_team(members=2)
    page, base = phone_page, live_server.url

    # The leader logs three helps with no connection; the notes hold a citizen's name and numbers.
    sign_in(page, base, "0904 000 001")
    page.goto(f"{base}/nhat-ky/")
    kept_for_offline(page, "/nhat-ky/")
    page.context.set_offline(True)
    for count in ("1", "2", "3"):
        log_entry(page, count, NOTES)
    expect(page.locator("#queue .count")).to_have_text("3 mục đang chờ gửi")
    expect(page.locator("#queue .queue-file")).to_be_visible()

    # Signing out says how many wait and asks; "Ở lại" keeps the member signed in.
    open_menu_and_sign_out(page)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Còn 3 mục chưa gửi lên máy chủ.")
    page.screenshot(path=str(tmp_path / "sign-out-asks.png"))
    dialog.get_by_role("button", name="Ở lại").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("#queue .count")).to_have_text("3 mục đang chờ gửi")

    # Signed out with no connection: the phone says so, and no longer opens the leader's log.
    page.get_by_role("button", name="Đăng xuất").click()  # the menu is still open
    page.get_by_role("dialog").get_by_role("button", name="Vẫn đăng xuất").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã đăng xuất trên máy này")
    page.screenshot(path=str(tmp_path / "signed-out-offline.png"))
    page.goto(f"{base}/nhat-ky/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chưa có mạng")
    expect(page.locator("body")).not_to_contain_text("Lù Thị Mây")

    # Back online, the first page opened finishes the sign-out on the server.
    page.context.set_offline(False)
    page.goto(f"{base}/nhat-ky/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    assert not Session.objects.exists()

    # The member signs in on the same phone: nothing of the leader's is shown, sent or saved.
    sign_in(page, base, "0905 000 001")
    page.goto(f"{base}/nhat-ky/")
    expect(page.locator("#queue")).to_be_hidden()
    log_entry(page, "4")
    expect(page.locator("#queue .count")).to_have_text("Đã gửi hết lên máy chủ.")
    expect(page.locator("#queue .queue-file")).to_be_hidden()
    expect(page.locator("#queue li")).to_have_count(1)
    mine = page.evaluate("""() => Object.keys(localStorage).filter(k => k.startsWith('tocns.queue.'))
        .filter(k => k.endsWith('.' + document.body.dataset.user)).map(k => localStorage.getItem(k)).join('')""")
    assert "Lù Thị Mây" not in mine and "4" in mine
    open_menu_and_sign_out(page)  # nothing of hers waits: no question
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")

    # The leader signs in again: his three entries go out from the home page, as his.
    sign_in(page, base, "0904 000 001")
    page.wait_for_function("""() => !Object.keys(localStorage).some(k => k.startsWith('tocns.queue.')
        && k.endsWith('.' + document.body.dataset.user)
        && JSON.parse(localStorage.getItem(k)).some(e => e.state !== 'stored'))""")
    page.goto(f"{base}/nhat-ky/")
    expect(page.locator("#queue .count")).to_have_text("Đã gửi hết lên máy chủ.")
    page.context.close()
    by = {name: sorted(Activity.objects.filter(recorded_by__full_name=name).values_list("people_count", flat=True))
          for name in ("Giàng Seo Chứ", "Triệu Thị Nhất")}
    assert by == {"Giàng Seo Chứ": [1, 2, 3], "Triệu Thị Nhất": [4]}
    assert set(Activity.objects.filter(recorded_by=world.leader_a1).values_list("notes", flat=True)) == {NOTES}
