"""The Zalo summary's "Chia sẻ" opens the phone's share sheet (Web Share API) so the village head
picks his Zalo group; where the phone cannot share, the button is not there and "Chép nội dung"
does the job. Headless Chromium has no share sheet, so each test gives the page the
`navigator.share` a phone would have (recording what it was asked to share) before the page loads."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tocns.reports.narrative import report_zalo_summary

from ..factories import World, make_team
from ..reports.factories import ensure_catalogue, established_long_ago, submit_report
from .test_touch_targets import problems_on, screens, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A phone that shares text: `share` records what it got and then answers as the test says
# ("ok", or the name of the DOMException the sheet ends with).
PHONE_SHARES = """answer => {
  window.shared = [];
  Object.defineProperty(Navigator.prototype, "canShare",
                        {configurable: true, value: data => Boolean(data && data.text)});
  Object.defineProperty(Navigator.prototype, "share", {configurable: true, value: data => {
    window.shared.push(data);
    return answer === "ok" ? Promise.resolve() : Promise.reject(new DOMException("sheet", answer));
  }});
}"""

NO_SHARE = "delete Navigator.prototype.share; delete Navigator.prototype.canShare;"
CANNOT_SHARE_TEXT = """Object.defineProperty(Navigator.prototype, "canShare", {configurable: true, value: () => false});
Object.defineProperty(Navigator.prototype, "share", {configurable: true, value: () => Promise.resolve()});"""


@pytest.fixture
def summary_page(phone_page, live_server, monkeypatch):
    """The village head of Thôn Nà Khà signed in, with November's report sent; returns the page,
    the address of the report's Zalo summary and the summary's text."""
    now = timezone.make_aware(datetime.datetime(2026, 11, 26, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: now)
    ensure_catalogue()
    world = World()
    team = established_long_ago(make_team(world, world.village_a1, members=2))
    report = submit_report(team, 2026, 11, {"CQ01": "12", "TT02": "45"}, by=world.leader_a1,
                           texts={"difficulties": "Sóng 4G yếu ở xóm trên"})
    page, base = phone_page, live_server.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    sign_in(page, base, "0904 000 001")
    return page, f"{base}/reports/{report.pk}/zalo/", report_zalo_summary(report)


def clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def test_share_hands_the_summary_to_the_phones_share_sheet(summary_page, tmp_path):
    page, address, summary = summary_page
    page.add_init_script(f"({PHONE_SHARES})('ok')")
    page.goto(address)

    share = page.get_by_role("button", name="Chia sẻ")
    expect(share).to_be_visible()
    expect(page.get_by_role("button", name="Chép nội dung")).to_be_visible()  # still there beside it
    page.screenshot(path=str(screens(tmp_path) / "leader-zalo-share.png"), full_page=True)
    share.tap()

    page.wait_for_function("window.shared.length === 1")
    assert page.evaluate("window.shared") == [{"text": summary}]
    assert "Sóng 4G yếu ở xóm trên" in summary  # the text the head wrote travels with the figures
    expect(page.locator("#zalo-said")).to_be_hidden()


def test_share_button_is_a_thumb_wide_and_the_page_has_no_small_text(summary_page, tmp_path):
    page, address, _summary = summary_page
    page.add_init_script(f"({PHONE_SHARES})('ok')")
    base, path = address.split("/reports/", 1)

    found = problems_on(page, base, [("zalo", f"/reports/{path}")], screens(tmp_path), "leader-share")

    expect(page.get_by_role("button", name="Chia sẻ")).to_be_visible()  # measured, not skipped
    assert not found, "Too small for a thumb or for older eyes:\n" + "\n".join(found)


@pytest.mark.parametrize("phone", [NO_SHARE, CANNOT_SHARE_TEXT], ids=["no-web-share", "cannot-share-text"])
def test_without_web_share_the_button_is_hidden_and_copy_still_works(summary_page, phone):
    page, address, summary = summary_page
    page.add_init_script(phone)
    page.goto(address)

    copy = page.get_by_role("button", name="Chép nội dung")
    expect(copy).to_be_visible()
    expect(page.locator("[data-share]")).to_be_hidden()
    copy.tap()

    expect(page.get_by_role("button", name="Đã chép, hãy dán vào nhóm Zalo")).to_be_visible()
    assert clipboard(page) == summary


def test_closing_the_share_sheet_says_nothing_and_copies_nothing(summary_page):
    page, address, _summary = summary_page
    page.add_init_script(f"({PHONE_SHARES})('AbortError')")
    page.goto(address)
    page.evaluate("navigator.clipboard.writeText('trước đó')")

    page.get_by_role("button", name="Chia sẻ").tap()

    page.wait_for_function("window.shared.length === 1")
    # A failing share copies and speaks within a few milliseconds (the next test); give it far more.
    page.wait_for_timeout(500)
    expect(page.locator("#zalo-said")).to_be_hidden()
    expect(page.get_by_role("button", name="Chép nội dung")).to_be_visible()
    assert clipboard(page) == "trước đó"


def test_a_share_that_fails_copies_the_summary_and_says_so(summary_page, tmp_path):
    page, address, summary = summary_page
    page.add_init_script(f"({PHONE_SHARES})('NotAllowedError')")
    page.goto(address)

    page.get_by_role("button", name="Chia sẻ").tap()

    said = page.locator("#zalo-said")
    expect(said).to_be_visible()
    expect(said).to_have_text("Không mở được phần chia sẻ của điện thoại. Đã chép nội dung: hãy mở nhóm Zalo "
                              "và dán vào.")
    assert clipboard(page) == summary
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screens(tmp_path) / "leader-zalo-share-failed.png"), full_page=True)
