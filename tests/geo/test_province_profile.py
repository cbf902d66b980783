"""What differs between provinces is data (geo.ProvinceProfile): a Hà Nội province cites its own
plan and is "thành phố" in every sentence; Tuyên Quang's values come from the data file."""

import datetime
import importlib
import io

import docx
import pytest
from django.apps import apps

from tests.factories import make_unit
from tocns.geo.models import AdminUnit, ProvinceProfile, ProvinceWord, UnitKind
from tocns.geo.selectors import plan_reference, province_phrase
from tocns.geo.services import units_load_from_package
from tocns.reports import selectors as report_selectors
from tocns.reports.narrative import draft_narrative, rollup_report_docx
from tocns.reports.periods import parse_period
from tocns.teams.documents import establishment_decision
from tocns.teams.services import team_propose

pytestmark = pytest.mark.django_db


def ha_noi(**profile) -> AdminUnit:
    """A small Hà Nội: the city, one phường, one tổ dân phố; its profile when values are given."""
    city = make_unit(name="Thành phố Hà Nội", kind=UnitKind.PROVINCE, code="01")
    ward = make_unit(name="Phường Ba Đình", kind=UnitKind.PHUONG, parent=city, code="00004")
    make_unit(name="Tổ dân phố số 5", kind=UnitKind.TO_DAN_PHO, parent=ward)
    if profile:
        ProvinceProfile.objects.create(province=city, word=ProvinceWord.THANH_PHO, **profile)
    return city


def texts(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    cells = [p.text for table in document.tables for row in table.rows for cell in row.cells
             for p in cell.paragraphs]
    return [" ".join(t.split()) for t in [p.text for p in document.paragraphs] + cells if t.strip()]


def test_loading_tuyen_quang_fills_its_plan_and_portal_from_the_data_file():
    province = units_load_from_package(province_code="08").province
    profile = province.profile
    assert (profile.word, profile.plan_number, profile.plan_date) == (
        ProvinceWord.TINH, "10/KH-UBND", datetime.date(2025, 7, 17))
    assert {"name": "Cổng thông tin điện tử tỉnh Tuyên Quang", "url": "https://tuyenquang.gov.vn"} in (
        profile.portal_links)
    assert plan_reference(province) == ("Kế hoạch số 10/KH-UBND ngày 17/7/2025 của Ủy ban nhân dân tỉnh Tuyên "
                                        "Quang về tổ chức triển khai Tổ công nghệ số cộng đồng cấp xã, cấp thôn")


def test_loading_ha_noi_makes_it_a_city_without_a_plan_and_a_reload_keeps_the_admins_edits():
    city = units_load_from_package(province_code="01").province
    assert city.profile.word == ProvinceWord.THANH_PHO and city.profile.plan_number == ""
    assert province_phrase(city) == "thành phố Hà Nội"
    assert plan_reference(city).startswith("Kế hoạch số …… ngày …… của Ủy ban nhân dân thành phố Hà Nội")
    city.profile.plan_number = "125/KH-UBND"
    city.profile.save()
    units_load_from_package(province_code="01")
    assert ProvinceProfile.objects.get(province=city).plan_number == "125/KH-UBND"


def test_without_a_profile_the_name_decides_tinh_or_thanh_pho():
    assert province_phrase(make_unit(name="Thành phố Cần Thơ", kind=UnitKind.PROVINCE, code="92")) == (
        "thành phố Cần Thơ")
    assert province_phrase(make_unit(name="Tỉnh Lào Cai", kind=UnitKind.PROVINCE, code="15")) == "tỉnh Lào Cai"
    assert province_phrase(make_unit(name="Cà Mau", kind=UnitKind.PROVINCE, code="96")) == "tỉnh Cà Mau"


def test_the_data_migration_keeps_the_plan_an_existing_install_printed(monkeypatch):
    province = make_unit(name="Tuyên Quang", kind=UnitKind.PROVINCE, code="08")
    city = make_unit(name="Thành phố Huế", kind=UnitKind.PROVINCE, code="46")
    monkeypatch.setenv("TEAM_PLAN_NUMBER", "12/KH-UBND")
    monkeypatch.delenv("TEAM_PLAN_DATE", raising=False)  # the old default, 17/7/2025
    importlib.import_module("tocns.geo.migrations.0004_province_profile_fill").fill(apps, None)
    assert plan_reference(province).startswith("Kế hoạch số 12/KH-UBND ngày 17/7/2025 của Ủy ban nhân dân tỉnh "
                                               "Tuyên Quang")
    assert province.profile.portal_links[0]["url"] == "https://tuyenquang.gov.vn"
    assert ProvinceProfile.objects.get(province=city).word == ProvinceWord.THANH_PHO


def test_a_ha_noi_decision_cites_its_own_plan():
    city = ha_noi(plan_number="125/KH-UBND", plan_date=datetime.date(2025, 8, 10),
                  plan_title="triển khai Tổ công nghệ số cộng đồng trên địa bàn Thủ đô")
    team = team_propose(unit=AdminUnit.objects.get(name="Tổ dân phố số 5"))
    body = texts(establishment_decision(team))
    assert ("Căn cứ Kế hoạch số 125/KH-UBND ngày 10/8/2025 của Ủy ban nhân dân thành phố Hà Nội về triển khai "
            "Tổ công nghệ số cộng đồng trên địa bàn Thủ đô;") in body
    assert "UBND THÀNH PHỐ HÀ NỘI" in body
    assert not any("Tuyên Quang" in t or "10/KH-UBND" in t for t in body)
    assert city.profile.plan_number == "125/KH-UBND"


def test_a_ha_noi_report_says_thanh_pho():
    city = ha_noi(plan_number="125/KH-UBND", plan_date=datetime.date(2025, 8, 10))
    rollup = report_selectors.rollup(unit=city, period=parse_period("2026-10"))
    opening = draft_narrative(rollup, None).split("\n\n")[0]
    assert opening.startswith("Thực hiện Kế hoạch số 125/KH-UBND ngày 10/8/2025 của Ủy ban nhân dân thành phố Hà Nội "
                              "về tổ chức triển khai")
    assert "trên địa bàn thành phố tháng 10/2026" in opening
    body = texts(rollup_report_docx(rollup, None))
    assert "UBND THÀNH PHỐ HÀ NỘI" in body and "- UBND thành phố (b/c);" in body
    assert any(t.startswith("Hà Nội, ngày") for t in body)
    assert any(t.startswith("3. Đề nghị Ủy ban nhân dân thành phố chỉ đạo") for t in body)
    assert not any("tỉnh" in t.split() for t in body if "Ủy ban nhân dân" in t or "địa bàn" in t)
