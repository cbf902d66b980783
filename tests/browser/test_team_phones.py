"""On a 360 px phone, a member chooses who sees his phone, and his team's page shows a
teammate's phone only when that teammate shares it (issue 12, item 8)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tocns.teams.choices import MemberRole
from tocns.teams.services import membership_start

from ..factories import TEST_PASSWORD, World, make_person, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(os.environ.get("TOCNS_SCREENS", "/work/brief/screens"))


def test_a_member_shares_his_phone_with_the_team_and_sees_only_shared_phones(phone_page, live_server):
    world = World()
    team = make_team(world, world.village_a1, members=1)
    me = make_person(world, full_name="Triệu Thị Nhất", phone="0905000001", user=world.member_a1)
    membership_start(team=team, person=me, role=MemberRole.MEMBER)
    membership_start(team=team, person=make_person(world, full_name="Hoàng Văn Páo", phone="0971111111"),
                     role=MemberRole.MEMBER)
    membership_start(team=team, person=make_person(world, full_name="Sùng Mí Lử", phone="0972222222",
                                                   phone_shared_with_team=True), role=MemberRole.MEMBER)
    page, base = phone_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill("0905000001")
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chào")

    page.goto(f"{base}/teams/{team.pk}/")
    members = page.locator("#members")
    expect(members).to_contain_text("Hoàng Văn Páo")
    expect(members.locator('a[href="tel:0972222222"]')).to_be_visible()
    expect(members.locator('a[href="tel:0971111111"]')).to_have_count(0)
    expect(page.get_by_role("link", name="Tải danh sách (Excel)")).to_have_count(0)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "member-team-phones.png"), full_page=True)

    page.goto(f"{base}/teams/me/phone/")
    page.get_by_label("Cả các thành viên trong tổ").check()
    page.get_by_role("button", name="Lưu lựa chọn").click()
    expect(page.locator("#current")).to_contain_text("Các thành viên trong tổ đang thấy số của bạn")
    expect(page.get_by_label("Cả các thành viên trong tổ")).to_be_checked()
    page.screenshot(path=str(SCREENS / "member-phone-choice.png"), full_page=True)
