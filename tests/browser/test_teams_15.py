"""On a phone: the commune officer sees a team's member changes waiting for a "kiện toàn" decision on
his home page, downloads the draft, and records the signed decision with a photo of it."""

import datetime

import pytest
from docx import Document
from playwright.sync_api import expect

from tocns.teams import services
from tocns.teams.choices import DecisionKind, MemberRole
from tocns.teams.models import Decision, Membership

from ..factories import World, make_person, make_team
from .test_monthly_report import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officer_records_a_kien_toan_decision_with_a_photo_on_the_phone(phone_page, live_server, tmp_path):
    world = World()
    team = make_team(world, world.village_a1, members=4, established=False)
    services.team_establish(team=team, number="45/QĐ-UBND", signed_on=datetime.date(2026, 10, 5),
                            signer_name="Ma Văn Tiến")
    leaver = team.memberships.active().filter(role=MemberRole.MEMBER).order_by("id").first()
    services.membership_end(membership=leaver, end_date=datetime.date(2026, 10, 20), reason="Đi làm ăn xa")
    newcomer = services.membership_start(team=team, person=make_person(world, full_name="Lò Thị Dung"),
                                         role=MemberRole.MEMBER, start_date=datetime.date(2026, 10, 22))

    page, base = phone_page, live_server.url
    sign_in(page, base, "0912 345 678")  # the commune officer
    page.get_by_role("link", name="Quyết định kiện toàn tổ Thôn Nà Khà").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ghi quyết định kiện toàn")
    expect(page.locator("#member-change-list")).to_contain_text("Lò Thị Dung")
    expect(page.locator("#member-change-list")).to_contain_text("lý do: Đi làm ăn xa")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải dự thảo (.docx)").click()
    draft = Document(str(download_info.value.path()))
    assert any("Về việc kiện toàn" in p.text for p in draft.paragraphs)

    scan = tmp_path / "qd-kien-toan.jpg"
    scan.write_bytes(b"\xff\xd8\xff\xe0 a photo of the signed decision")
    page.get_by_label("Số quyết định").fill("52/QĐ-UBND")
    page.get_by_label("Ngày ký").fill("25/10/2026")
    page.get_by_label("Bản đã ký (PDF hoặc ảnh chụp)").set_input_files(str(scan))
    page.screenshot(path=str(tmp_path / "kien-toan.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator(".msg").first).to_contain_text("Đã ghi quyết định kiện toàn")
    expect(page.locator("#member-changes")).to_have_count(0)
    expect(page.get_by_text("Kiện toàn thành viên")).to_be_visible()
    decision = Decision.objects.get(kind=DecisionKind.MEMBERS)
    assert decision.number == "52/QĐ-UBND" and decision.signed_file.name.endswith(".jpg")
    assert Membership.objects.get(pk=newcomer.pk).decision == decision
    assert Membership.objects.get(pk=leaver.pk).end_decision == decision
