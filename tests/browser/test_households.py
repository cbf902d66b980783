"""On a phone, the commune officer types a village's households and population from the menu, is
told where a number is wrong, saves, and the overview then shows the share of households reached."""

import datetime
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tocns.fieldwork.models import Activity
from tocns.fieldwork.tallies import tally_rebuild
from tocns.geo.models import VillageFigures

from ..factories import World, make_team
from .test_monthly_report import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_commune_officer_types_a_villages_figures_and_the_overview_shows_the_share(phone_page, live_server,
                                                                                      tmp_path):
    world = World()
    team = make_team(world, world.village_a1, members=1)
    today = timezone.localdate()
    Activity.objects.create(
        client_id=uuid.uuid4(), team=team, unit=world.village_a1, province=world.province, commune=world.commune_a,
        date=today, kind="guidance", door_to_door=True, people_count=40, households_count=30,
        recorded_by=world.leader_a1, made_at=datetime.datetime.now(datetime.UTC))
    tally_rebuild()
    page, base = phone_page, live_server.url
    sign_in(page, base, "0912 345 678")
    page.locator("summary", has_text="Danh mục").click()
    page.get_by_role("link", name="Số hộ, nhân khẩu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xã Thượng Lâm")
    expect(page.locator("#missing")).to_have_text("2 thôn chưa có số hộ.")
    card = page.locator(f"#v-{world.village_a1.code}")
    card.get_by_label("Số hộ").fill("-120")
    card.get_by_role("button", name="Lưu Thôn Nà Khà").click()
    expect(page.get_by_text("Số hộ không được âm.")).to_be_visible()
    assert not VillageFigures.objects.exists()
    card = page.locator(f"#v-{world.village_a1.code}")
    expect(card.get_by_label("Số hộ")).to_have_value("-120")  # what was typed stays, to be corrected
    card.get_by_label("Số hộ").fill("120")
    card.get_by_label("Số nhân khẩu").fill("505")
    card.get_by_role("button", name="Lưu Thôn Nà Khà").click()
    expect(page.get_by_text("Đã lưu số liệu của Thôn Nà Khà: 120 hộ.")).to_be_visible()
    expect(page.locator(f"#v-{world.village_a1.code} .figures-now")).to_contain_text("Đang dùng: 120 hộ, 505 nhân khẩu")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "figures.png"), full_page=True)

    page.get_by_role("link", name="Xem tỷ lệ hộ được tiếp cận").click()
    expect(page.locator("#households-share-year")).to_have_text("25%")
    expect(page.locator("#households-coverage")).to_contain_text("1 thôn chưa có số hộ")
    children = page.locator("#children")
    expect(children.locator("tr", has_text="Thôn Nà Khà")).to_contain_text("25%")
    expect(children.locator("tr", has_text="Thôn Khuổi Đăm")).to_contain_text("chưa có số hộ")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
