import pytest
from playwright.sync_api import expect

from tocns.teams.models import Membership

from ..factories import World, make_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_finds_their_village_team_and_opens_the_join_form(phone_page, live_server, tmp_path):
    world = World()
    team = make_team(world, world.village_a1, members=2)
    leader = Membership.objects.filter(team=team).order_by("pk").first().person
    leader.phone, leader.phone_public = "0987654321", True
    leader.save()
    page, base = phone_page, live_server.url
    page.goto(base + "/")
    page.get_by_label("Tên thôn hoặc xã").fill("na kha")  # typed without diacritics
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Thôn Nà Khà").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổ công nghệ số cộng đồng Thôn Nà Khà")
    expect(page.locator("#members")).to_contain_text(leader.full_name.split()[-1])
    expect(page.locator('a[href="tel:0987654321"]')).to_be_visible()
    page.screenshot(path=str(tmp_path / "team.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name="Đăng ký tham gia tổ").click()
    expect(page).to_have_url(f"{base}/dang-ky/to/{team.public_slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đơn đăng ký tham gia")
    expect(page.locator("main")).to_contain_text("Nà Khà")
