"""The public pages with one province in the install (any province, whatever PROVINCE_CODE says)
and with several: the visitor chooses the province or searches them all; a commune's page is its own
province's."""

import pytest

from tests.factories import make_team, make_unit
from tocns.geo.models import ProvinceProfile, UnitKind

pytestmark = pytest.mark.django_db


def ha_noi():
    city = make_unit(name="Thành phố Hà Nội", kind=UnitKind.PROVINCE, code="01")
    ward = make_unit(name="Phường Ba Đình", kind=UnitKind.PHUONG, parent=city, code="00004")
    village = make_unit(name="Tổ dân phố Quán Thánh", kind=UnitKind.TO_DAN_PHO, parent=ward)
    ProvinceProfile.objects.create(province=city, word="thanh_pho", portal_links=[
        {"name": "Cổng thông tin điện tử Thành phố Hà Nội", "url": "https://hanoi.gov.vn"}])
    return city, ward, village


def page(client, path, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_ha_noi_install_finds_its_communes_though_province_code_says_08(client, settings):
    settings.DEFAULT_PROVINCE_CODE = "08"  # what `make run PROVINCE=01` left before it passed the province
    _city, ward, village = ha_noi()
    home = page(client, "/", q="quan thanh")
    assert "Tổ dân phố Quán Thánh" in home and 'id="province-choice"' not in home
    assert "https://hanoi.gov.vn" in page(client, "/")  # the city's portal, from its profile
    assert f"/dang-ky/xa/{ward.code}/" in page(client, "/dang-ky/", q="ba dinh")
    assert f"/phan-anh/xa/{ward.code}/" in page(client, "/phan-anh/", q="Ba Đình")
    assert village.name in page(client, f"/dang-ky/xa/{ward.code}/")


def test_with_two_provinces_the_default_one_is_searched_and_the_visitor_may_choose(client, world):
    ha_noi()
    home = page(client, "/", q="ba dinh")
    assert 'id="province-choice"' in home and "Phường Ba Đình" not in home  # PROVINCE_CODE 08: Tuyên Quang
    assert "Phường Ba Đình" in page(client, "/", q="ba dinh", tinh="01")
    chosen = page(client, "/", q="thuong lam", tinh="01")
    assert "Thượng Lâm" not in chosen and '<option value="01" selected>' in chosen
    both = page(client, "/", q="phuong", tinh="tat-ca")
    assert "Phường Ba Đình" in both and "Phường Minh Xuân" in both and "Thành phố Hà Nội" in both


def test_each_public_search_page_shows_the_chosen_provinces_communes(client, world):
    ha_noi()
    for path in ("/dang-ky/", "/phan-anh/"):
        assert "Ba Đình" in page(client, path, q="ba dinh", tinh="01")
        assert "Ba Đình" not in page(client, path, q="ba dinh")
        assert "Minh Xuân" in page(client, path, q="minh xuan")
        assert "Minh Xuân" not in page(client, path, q="minh xuan", tinh="01")


def test_the_home_links_carry_the_chosen_province_and_show_its_portal(client, world):
    ha_noi()
    home = page(client, "/", tinh="01")
    assert 'href="/dang-ky/?tinh=01"' in home and 'href="/phan-anh/?tinh=01"' in home
    assert "https://hanoi.gov.vn" in home
    assert "https://hanoi.gov.vn" not in page(client, "/")


def test_a_commune_page_is_its_own_provinces(client, world):
    _city, ward, village = ha_noi()
    make_team(world, village)
    commune = page(client, f"/dang-ky/xa/{ward.code}/")
    assert "Thành phố Hà Nội" in commune and 'href="/dang-ky/?tinh=01"' in commune
    assert "Tổ dân phố Quán Thánh" in commune and "Thôn Nà Khà" not in commune
    own = page(client, f"/dang-ky/xa/{world.commune_a.code}/")
    assert "Tuyên Quang" in own and 'href="/dang-ky/"' in own


def test_the_default_province_follows_province_code(client, world, settings):
    ha_noi()
    settings.DEFAULT_PROVINCE_CODE = "01"  # `make run PROVINCE=01` on a database that also holds 08
    assert "Phường Ba Đình" in page(client, "/", q="ba dinh")
    assert "Thượng Lâm" not in page(client, "/", q="thuong lam")


def test_the_public_figures_compare_with_the_whole_city(client, world, monkeypatch):
    from types import SimpleNamespace

    from tocns.portal import selectors
    from tocns.reports.periods import parse_period

    _city, ward, _village = ha_noi()
    indicator = SimpleNamespace(name="Số người được hướng dẫn cài đặt VNeID")
    monkeypatch.setattr(selectors, "amount", lambda _indicator, value: f"{value} người")
    monkeypatch.setattr(selectors, "public_figures", lambda unit: SimpleNamespace(
        period=parse_period("2026-10"), with_province=True, rows=[(indicator, 12, 340)]))
    commune = page(client, f"/dang-ky/xa/{ward.code}/")
    assert "Toàn thành phố" in commune and "340 người" in commune
    assert "Toàn tỉnh" in page(client, f"/dang-ky/xa/{world.commune_a.code}/")
