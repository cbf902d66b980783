"""Issue #14 in a browser, on a 360×740 phone: the province admin sets up a new monthly village
form and two validation rules through the settings pages alone; the village team leader breaks
both as he types, is refused by the blocking rule, fixes it, and sends with a reason for the
warning, which then stays on the report."""

import datetime
import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tocns.reports.models import Report, RuleConfirmation

from ..factories import TEST_PASSWORD, World, make_team, totp_code, totp_device_for
from ..reports.factories import ensure_catalogue, established_long_ago
from .test_monthly_report import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Looked at by a person, not compared.
CONFIRM_SHOT = Path(os.environ.get("TOCNS_RULES_SHOT", "/work/brief/rules-confirm.png"))
FORM_NAME = "Báo cáo hộ nghèo, cận nghèo hằng tháng của thôn"
BLOCK_MESSAGE = "Hộ nghèo và cận nghèo không được nhiều hơn tổng số hộ"
WARN_MESSAGE = "Số hộ nghèo nhiều hơn một nửa số hộ: hãy kiểm tra lại"
REASON = "Thôn mới sáp nhập, nhiều hộ nghèo theo danh sách xã"


def open_menu(page, label: str):
    page.locator("summary", has_text="Danh mục").click()
    page.locator("nav").get_by_role("link", name=label, exact=True).click()


def admin_signs_in_with_second_factor(page, base, device):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill("0901 000 001")
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label(re.compile("Mã xác thực")).fill(totp_code(device))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chào")


def add_indicator(page, code: str, name: str):
    page.get_by_role("link", name="Thêm chỉ số").click()
    page.get_by_label(re.compile(r"^Mã")).fill(code)
    page.get_by_label(re.compile(r"^Tên chỉ số")).fill(name)
    page.get_by_label(re.compile(r"^Lĩnh vực")).select_option(label="Khác")
    page.get_by_label(re.compile(r"^Cách tổng hợp")).select_option(label="Số cuối kỳ")
    page.get_by_label(re.compile(r"^Kiểu số")).select_option(label="Số nguyên")
    page.get_by_label(re.compile(r"^Đơn vị tính")).fill("hộ")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"Đã thêm chỉ số {code}")


def add_line(page, code: str, name: str, section: str):
    page.get_by_label("Thêm chỉ số", exact=True).select_option(label=f"{code} – {name}")
    page.get_by_label(re.compile(r"^Thuộc phần")).fill(section)
    page.get_by_role("button", name="Lưu các chỉ số").first.click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu các chỉ số của mẫu THANG-HO-NGHEO.")
    expect(page.locator(f"#line-{code}")).to_contain_text(name)


def add_rule(page, *, name: str, left: str, right: str, strength: str, message: str):
    page.get_by_role("link", name="Thêm quy tắc").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm quy tắc kiểm tra")
    page.get_by_label(re.compile(r"^Tên quy tắc")).fill(name)
    page.get_by_label(re.compile(r"^Vế trái")).fill(left)
    page.get_by_label(re.compile(r"^Phép so sánh")).select_option(label="≤")
    page.get_by_label(re.compile(r"^Vế phải")).fill(right)
    page.get_by_label(strength).check()
    page.get_by_label(re.compile(r"^Thông báo khi số liệu sai quy tắc")).fill(message)
    page.get_by_label(re.compile(r"^Chỉ áp dụng cho mẫu")).select_option(label=f"{FORM_NAME} (THANG-HO-NGHEO)")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"Đã thêm quy tắc “{name}”.")
    expect(page.locator("#rules")).to_contain_text(message)


def type_cell(page, code: str, value: str):
    cell = page.locator(f"#v-{code}")
    cell.fill(value)
    cell.blur()  # htmx checks the cell on change, as a thumb leaving the box does


def test_admin_sets_up_a_form_and_two_rules_and_the_leader_sends_with_a_reason_for_the_warning(
        phone_page, live_server, monkeypatch, settings):
    frozen = timezone.make_aware(datetime.datetime(2026, 11, 26, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    settings.SECOND_FACTOR_REQUIRED_ROLES = ["province_admin", "commune_chairman", "commune_officer"]
    settings.SECOND_FACTOR_DEMO_EXEMPT = False
    ensure_catalogue()
    world = World()
    team = established_long_ago(make_team(world, world.village_a1, members=2))
    device = totp_device_for(world.province_admin)
    page, base = phone_page, live_server.url
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))

    # ---- the province admin: three indicators, a new form asking them, turned on ----
    admin_signs_in_with_second_factor(page, base, device)
    open_menu(page, "Chỉ số, chỉ tiêu")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thiết lập báo cáo")
    page.get_by_role("link", name="Danh mục chỉ số").click()
    for code, name in [("HO", "Tổng số hộ"), ("HN", "Số hộ nghèo"), ("HCN", "Số hộ cận nghèo")]:
        add_indicator(page, code, name)

    page.locator(".crumbs").get_by_role("link").first.click()  # back along the crumbs
    page.get_by_role("link", name="Mẫu báo cáo").click()
    page.get_by_role("link", name="Tạo mẫu mới").click()
    page.get_by_label(re.compile(r"^Mã mẫu")).fill("THANG-HO-NGHEO")
    page.get_by_label(re.compile(r"^Tên mẫu báo cáo")).fill(FORM_NAME)
    expect(page.get_by_label(re.compile(r"^Cấp báo cáo"))).to_have_value("village_team")
    expect(page.get_by_label(re.compile(r"^Kỳ báo cáo"))).to_have_value("month")
    page.get_by_role("button", name="Tạo mẫu").click()
    expect(page.locator(".messages")).to_contain_text("Đã tạo mẫu THANG-HO-NGHEO. Hãy thêm các chỉ số")
    expect(page.locator("#form-lines")).to_contain_text("Mẫu chưa hỏi chỉ số nào.")
    for code, name in [("HO", "Tổng số hộ"), ("HN", "Số hộ nghèo"), ("HCN", "Số hộ cận nghèo")]:
        add_line(page, code, name, "Hộ nghèo, cận nghèo")
    codes = page.locator("#form-lines tbody tr td:nth-child(2) strong").all_inner_texts()
    assert codes == ["HO", "HN", "HCN"]
    expect(page.get_by_label("Phần của HCN")).to_have_value("Hộ nghèo, cận nghèo")
    page.get_by_role("button", name="Dùng mẫu này").click()
    expect(page.locator(".messages")).to_contain_text("Mẫu THANG-HO-NGHEO đang được dùng")
    expect(page.locator(".lead")).to_contain_text("đang dùng")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # ---- two rules on that form: one blocks, one warns ----
    page.locator(".crumbs").get_by_role("link").first.click()
    page.locator(".crumbs").get_by_role("link").first.click()
    page.get_by_role("link", name="Quy tắc kiểm tra số liệu").click()
    expect(page.locator("#rules")).to_contain_text("Chưa có quy tắc nào.")
    add_rule(page, name="Hộ nghèo và cận nghèo", left="HN + HCN", right="HO", strength="Chặn: không gửi được",
             message=BLOCK_MESSAGE)
    add_rule(page, name="Hộ nghèo quá nửa", left="HN", right="HO × 0,5",
             strength="Cảnh báo: gửi phải xác nhận, ghi lý do", message=WARN_MESSAGE)
    rules = page.locator("#rules > li")
    expect(rules).to_have_count(2)
    expect(rules.filter(has_text=BLOCK_MESSAGE)).to_contain_text("Chặn")
    expect(rules.filter(has_text=WARN_MESSAGE)).to_contain_text("Cảnh báo")
    expect(rules.filter(has_text=WARN_MESSAGE)).to_contain_text(f"Chỉ mẫu: {FORM_NAME}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    sign_out(page)

    # ---- the leader: this month's report of the new form, from his report list ----
    sign_in(page, base, "0904 000 001")
    open_menu(page, "Báo cáo")
    card = page.locator("form.card", has_text=FORM_NAME)
    expect(card).to_contain_text("Thôn Nà Khà")
    expect(card).to_contain_text("chưa bắt đầu")
    card.get_by_role("button", name="Nhập báo cáo tháng này").click()
    page.wait_for_url("**/reports/*/", wait_until="load")  # htmx loads with the page
    expect(page.get_by_role("heading", level=2, name="Hộ nghèo, cận nghèo")).to_be_visible()
    expect(page.locator(".muted").first).to_contain_text(FORM_NAME)

    # 100 households, 60 poor, 50 near-poor: both rules broken, said beside the cells as he types.
    type_cell(page, "ho", "100")
    type_cell(page, "hn", "60")
    expect(page.locator("#rules-hn")).to_contain_text(WARN_MESSAGE)
    expect(page.locator("#rules-hn")).to_contain_text("Khi gửi cần ghi lý do.")
    type_cell(page, "hcn", "50")
    expect(page.locator("#rules-hcn")).to_contain_text(BLOCK_MESSAGE)
    expect(page.locator("#rules-hcn")).to_contain_text("HN + HCN = 110; HO = 100")
    expect(page.locator("#rules-hcn")).not_to_contain_text(WARN_MESSAGE)  # HCN is no part of it
    expect(page.locator("#rules-hn")).to_contain_text(BLOCK_MESSAGE)  # the cells the rule ties, too
    expect(page.locator("#rules-ho")).to_contain_text(BLOCK_MESSAGE)
    expect(page.locator("#rules-ho")).to_contain_text(WARN_MESSAGE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Sending is refused by the blocking rule, in its own words; what he typed stays.
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".form-error")).to_contain_text(f"Báo cáo chưa được gửi: {BLOCK_MESSAGE}")
    expect(page.locator("#status")).to_contain_text("Đang soạn")
    expect(page.locator("#v-hcn")).to_have_value("50")
    expect(page.locator("#confirm-send")).to_have_count(0)

    # 30 near-poor: only the warning is left.
    type_cell(page, "hcn", "30")
    expect(page.locator("#rules-hcn")).not_to_contain_text(BLOCK_MESSAGE)
    expect(page.locator("#rules-ho")).not_to_contain_text(BLOCK_MESSAGE)
    expect(page.locator("#rules-hn")).to_contain_text(WARN_MESSAGE)
    page.get_by_role("button", name="Gửi báo cáo").click()
    asked = page.locator("#confirm-send")
    expect(asked).to_contain_text("Cần xác nhận 1 cảnh báo")
    expect(asked).to_contain_text(WARN_MESSAGE)
    expect(asked).to_contain_text("HN = 60")
    expect(asked).not_to_contain_text(BLOCK_MESSAGE)
    expect(page.locator("#status")).to_contain_text("Đang soạn")
    reason = asked.get_by_placeholder("Lý do (tối đa 300 ký tự)")
    reason.fill(REASON)
    asked.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    CONFIRM_SHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(CONFIRM_SHOT))
    asked.get_by_role("button", name="Vẫn gửi").click()

    # Sent; the confirmed warning and its reason stay on the report for him and the officer.
    expect(page.locator("#status")).to_contain_text("Đã gửi")
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo cáo")
    confirmed = page.locator("#confirmed-warnings")
    expect(confirmed).to_contain_text("Cảnh báo đã xác nhận khi gửi")
    expect(confirmed).to_contain_text(WARN_MESSAGE)
    expect(confirmed).to_contain_text(f"Lý do: {REASON}")
    expect(confirmed).to_contain_text("Giàng Seo Chứ")
    expect(confirmed).not_to_contain_text(BLOCK_MESSAGE)

    report = Report.objects.get(team=team, form__code="THANG-HO-NGHEO", period_key="2026-11")
    assert report.status == "submitted" and report.submitted_by == world.leader_a1
    values = {v.indicator.code: v.value for v in report.values.select_related("indicator")}
    assert values == {"HO": 100, "HN": 60, "HCN": 30}
    confirmation = RuleConfirmation.objects.get(report=report)
    assert confirmation.rule.message == WARN_MESSAGE and confirmation.reason == REASON
    assert hosts == {urlparse(base).netloc}
