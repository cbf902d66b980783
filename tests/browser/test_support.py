import re

import pytest
from playwright.sync_api import expect

from tocns.support.models import SupportRequest, SupportStatus

from ..factories import World
from ..support.factories import PNG, lead_team, make_partner
from .test_monthly_report import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_asks_for_sims_the_partner_answers_and_the_leader_closes(phone_page, live_server, tmp_path,
                                                                          settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = World()
    lead_team(world)
    make_partner(world)
    page, base = phone_page, live_server.url

    # The team leader asks from his phone: a kind, a few words, Gửi.
    sign_in(page, base, "0904 000 001")
    page.locator("summary", has_text="Danh mục").click()
    page.get_by_role("link", name="Đề nghị hỗ trợ doanh nghiệp").click()
    page.get_by_role("link", name="Gửi đề nghị hỗ trợ").click()
    page.get_by_label("SIM điện thoại").check()
    expect(page.get_by_label("Gửi đến doanh nghiệp")).to_have_value(str(world.partner.partners.get().pk))
    page.get_by_label("Nội dung đề nghị").fill("Cần 5 SIM chính chủ cho người cao tuổi thôn Nà Khà để cài VNeID.")
    photo = tmp_path / "sim.png"
    photo.write_bytes(PNG)
    page.get_by_label("Một ảnh (không bắt buộc)").set_input_files(str(photo))
    expect(page.locator("input[name=photo_data]")).to_have_value(re.compile("^data:image/jpeg;base64,"))
    page.screenshot(path=str(tmp_path / "ask.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.locator("#status")).to_contain_text("Đã gửi")
    code = SupportRequest.objects.get().code
    assert SupportRequest.objects.get().photo.name.endswith(".jpg")  # made smaller on the phone, as JPEG
    sign_out(page)

    # The enterprise finds it on its home page and answers it.
    sign_in(page, base, "0906 000 001")
    page.locator("#support-open").get_by_role("link", name=code, exact=False).click()
    page.get_by_role("button", name="Đã nhận").click()
    expect(page.locator("#status")).to_contain_text("Doanh nghiệp đã nhận")
    page.get_by_label("Trả lời").fill("Nhân viên mang SIM về nhà văn hóa thôn chiều thứ Năm, 14 giờ.")
    page.get_by_role("button", name="Gửi trả lời").click()
    expect(page.locator("#status")).to_contain_text("Đã trả lời")
    sign_out(page)

    # The leader sees the answer (on his home page too) and closes it.
    sign_in(page, base, "0904 000 001")
    page.locator("#inbox").get_by_role("link", name=code, exact=False).click()
    expect(page.locator("#answer")).to_contain_text("chiều thứ Năm")
    page.get_by_role("button", name="Đã giải quyết, đóng đề nghị").click()
    expect(page.locator("#status")).to_contain_text("Đã đóng")
    expect(page.locator("#history li")).to_have_count(4)
    page.screenshot(path=str(tmp_path / "closed.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.context.close()
    assert SupportRequest.objects.get().status == SupportStatus.CLOSED
