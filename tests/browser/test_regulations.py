"""A commune officer, on her phone, adopts the province's model regulation, downloads the draft
decision, records the signed decision with its scan, then opens the commune coordination group and
finds its tap-to-call links."""

import datetime

import docx
import pytest

from tests.factories import TEST_PASSWORD, World, make_person, make_team
from tests.regulations.factories import MODEL_TEXT, make_version
from tocns.regulations.models import Adoption, AdoptionStatus
from tocns.teams.choices import MemberRole
from tocns.teams.services import membership_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGNED_SCAN = b"%PDF-1.4\n% signed and sealed\n%%EOF\n"


def sign_in(page, live_server, phone):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill(phone)
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Chào Mai").wait_for()


def test_officer_adopts_the_model_records_the_decision_and_calls_the_group(phone_page, live_server, tmp_path,
                                                                          settings):
    settings.MEDIA_ROOT = tmp_path
    world = World()
    make_version(world, text=MODEL_TEXT)
    team = make_team(world, world.village_a1)
    leader = make_person(world, full_name="Giàng Seo Chứ", phone="0904000001", user=world.leader_a1)
    membership_start(team=team, person=leader, role=MemberRole.LEADER, start_date=datetime.date(2026, 9, 1))
    page = phone_page
    sign_in(page, live_server, "0912 345 678")

    # The to-do on her home page leads to the commune's regulation.
    page.get_by_role("link", name="Xã Thượng Lâm chưa ban hành quy chế hoạt động của Tổ").click()
    page.get_by_role("button", name="Soạn quy chế theo bản mẫu").click()
    page.get_by_text("Đang soạn").first.wait_for()

    # She adapts an article to her commune.
    page.get_by_text("Sửa nội dung cho phù hợp với xã").click()
    text = page.get_by_label("Các điều của quy chế (xã sửa cho phù hợp)")
    text.fill(MODEL_TEXT.replace("trước ngày 30", "trước ngày 25"))
    page.get_by_role("button", name="Lưu nội dung").click()
    page.get_by_text("Đã lưu nội dung quy chế.").wait_for()

    # The draft decision, in the official layout, with the adapted regulation as its annex.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải dự thảo quyết định (.docx)").click()
    path = download_info.value.path()
    paragraphs = [" ".join(p.text.split()) for p in docx.Document(str(path)).paragraphs]
    assert any("Về việc ban hành Quy chế hoạt động của Tổ công nghệ số cộng đồng xã Thượng Lâm" in p
               for p in paragraphs)
    assert any("trước ngày 25" in p for p in paragraphs)

    # A wrong decision number is said next to the field; what was typed stays.
    scan = tmp_path / "qd-quy-che.pdf"
    scan.write_bytes(SIGNED_SCAN)
    page.locator("#id_decision_number").fill("mười hai")
    page.get_by_label("Ngày ký").fill("05/10/2026")
    page.locator("#id_signer_name").fill("Ma Văn Tiến")
    page.get_by_label("Bản đã ký (PDF hoặc ảnh chụp, tối đa 10 MB)").set_input_files(str(scan))
    page.get_by_role("button", name="Ghi quyết định").click()
    page.get_by_text("Số quyết định viết như 45/QĐ-UBND.").wait_for()
    assert page.get_by_label("Ngày ký").input_value() == "05/10/2026"
    page.locator("#id_decision_number").fill("12/QĐ-UBND")
    page.get_by_label("Bản đã ký (PDF hoặc ảnh chụp, tối đa 10 MB)").set_input_files(str(scan))
    page.get_by_role("button", name="Ghi quyết định").click()
    page.get_by_text("Đã ghi quyết định ban hành quy chế.").wait_for()
    assert "Quyết định 12/QĐ-UBND ngày 05/10/2026" in page.locator("#in-force").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    adoption = Adoption.objects.get()
    assert adoption.status == AdoptionStatus.ISSUED and adoption.signed_file

    # The signed scan opens through the app.
    page.locator("#in-force a").first.click()
    response = page.request.get(live_server.url + page.locator("#signed-file").get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")

    # The coordination group: everyone with a tap-to-call link.
    page.get_by_text("Danh mục").click()
    page.get_by_role("link", name="Nhóm phối hợp của xã").click()
    page.get_by_role("heading", name="Nhóm phối hợp – Xã Thượng Lâm").wait_for()
    calls = page.locator("#roster a[href^='tel:']")
    hrefs = {calls.nth(i).get_attribute("href") for i in range(calls.count())}
    assert {"tel:0904000001", "tel:0902000001", "tel:0901000001", "tel:0912345678"} <= hrefs
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "coordination.png"), full_page=True)
