import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tocns.geo.models import AdminUnit, UnitKind
from tocns.geo.services import units_load_from_package

pytestmark = pytest.mark.django_db


def test_load_units_creates_tuyen_quang_with_its_124_communes():
    result = units_load_from_package(province_code="08")
    province = result.province
    assert (province.code, province.name, province.kind) == ("08", "Tuyên Quang", UnitKind.PROVINCE)
    communes = AdminUnit.objects.filter(parent=province)
    assert communes.count() == 124
    assert communes.filter(kind=UnitKind.XA).count() == 117
    assert communes.filter(kind=UnitKind.PHUONG).count() == 7
    lam_binh = AdminUnit.objects.get(code="02266")
    assert lam_binh.name == "Xã Lâm Bình"
    assert lam_binh.province == province and lam_binh.commune == lam_binh


def test_running_load_units_again_changes_nothing():
    units_load_from_package(province_code="08")
    before = list(AdminUnit.objects.values_list("id", "code", "name", "updated_at").order_by("id"))
    again = units_load_from_package(province_code="08")
    assert again.changed == 0 and again.unchanged == 125
    assert list(AdminUnit.objects.values_list("id", "code", "name", "updated_at").order_by("id")) == before


def test_a_commune_missing_from_the_source_is_retired_not_deleted():
    province = units_load_from_package(province_code="08").province
    gone = AdminUnit.objects.create(code="99999", name="Xã Đã Sáp Nhập", kind=UnitKind.XA,
                                    parent=province, province=province)
    result = units_load_from_package(province_code="08", today=datetime.date(2026, 11, 1))
    gone.refresh_from_db()
    assert result.retired == 1
    assert gone.retired_on == datetime.date(2026, 11, 1)
    assert AdminUnit.objects.filter(code="99999").exists()


def test_any_of_the_34_province_codes_loads_and_an_unknown_one_is_refused():
    result = units_load_from_package(province_code="4")
    assert result.province.name == "Cao Bằng" and result.province.code == "04"
    with pytest.raises(ValidationError):
        units_load_from_package(province_code="07")


def test_load_units_command_reports_counts(capsys):
    call_command("load_units", "--province", "08")
    assert "thêm 125" in capsys.readouterr().out
