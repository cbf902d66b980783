"""The screenshots of the user guide's "Tháng của tổ trưởng" walk (docs/img/thang-*.png), taken as a
village team leader on a 360×740 phone against the demo province served as in production.

    .venv/bin/python bench/guide_screens.py      # uses var/bench.sqlite3, as the other benches do

Run it again after a change to those pages and commit the pictures with the change.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from leader_month import prepare, sign_in  # noqa: E402
from page_weight import BASE, CHROMIUM, FLAGS, ROOT, server_env, start_server  # noqa: E402

OUT = ROOT / "docs" / "img"


def shoot(page, name):
    page.wait_for_timeout(300)  # let the queue panel draw itself
    page.screenshot(path=str(OUT / f"thang-{name}.png"))
    print(OUT / f"thang-{name}.png")


def walk(browser, username, period_key):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", device_scale_factor=1)
    page = context.new_page()
    sign_in(page, username)
    shoot(page, "1-trang-chu")
    page.get_by_role("link", name="Ghi nhật ký").first.click()
    page.locator("label", has_text="VNeID").first.click()
    page.locator(".counts label").get_by_text("2", exact=True).click()
    shoot(page, "2-ghi-nhat-ky")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_load_state("networkidle")
    shoot(page, "3-da-ghi")
    page.goto(f"{BASE}/")
    page.locator(f"#report-{period_key}").get_by_role("button").click()
    page.locator("[data-prefilled]").first.evaluate("cell => cell.scrollIntoView({block: 'center'})")
    shoot(page, "4-bao-cao-dien-san")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.locator("#confirm-send").wait_for()
    shoot(page, "5-hoi-o-trong")
    page.locator("#confirm-send").get_by_role("button", name="Vẫn gửi").click()
    page.locator("#status", has_text="Đã gửi").wait_for()
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "6-da-gui")
    # No signal: an entry waits on the phone, and signing out says so before it goes.
    page.goto(f"{BASE}/nhat-ky/")
    page.wait_for_load_state("networkidle")
    context.set_offline(True)
    page.locator("label", has_text="VNeID").first.click()
    page.locator(".counts label").get_by_text("1", exact=True).click()
    page.get_by_role("button", name="Lưu", exact=True).click()
    shoot(page, "7-cho-gui")
    page.locator("summary", has_text="Danh mục").click()
    page.get_by_role("button", name="Đăng xuất").click()
    shoot(page, "8-dang-xuat-con-muc-cho")
    context.close()


def main():
    env = server_env()
    usernames, period_key = prepare(env)
    OUT.mkdir(parents=True, exist_ok=True)
    server = start_server(env)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            walk(browser, usernames[0], period_key)
            browser.close()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
