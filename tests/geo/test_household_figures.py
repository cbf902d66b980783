"""Villages' household and population figures: each change a new version (the old kept), a stale
page refused, bad numbers refused field by field, and the Excel import checked row by row, then
written all or nothing, only for villages in the user's scope."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tocns.audit.models import AuditEntry
from tocns.geo.figures import TEMPLATE_HEADERS, village_figures_import, village_figures_set
from tocns.geo.models import AdminUnit, FigureSource, UnitKind, VillageFigures

from ..factories import make_unit, xlsx
from ..reports.factories import freeze

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))


def villages_of(commune):
    return AdminUnit.objects.active().villages().filter(commune=commune)


def type_figures(world, village, households, population="", as_of="31/12/2025", was=0, user=None):
    return village_figures_set(village=village, households=households, population=population, as_of=as_of,
                               was=was, user=user or world.officer_a, allowed=villages_of(world.commune_a))


def test_each_change_is_a_new_version_and_the_old_one_is_kept(world):
    first = type_figures(world, world.village_a1, "120", "510")
    assert (first.households, first.population, first.as_of, first.version) == (
        120, 510, datetime.date(2025, 12, 31), 1)
    assert first.commune == world.commune_a and first.province == world.province
    assert first.recorded_by == world.officer_a and first.source == FigureSource.TYPED
    second = type_figures(world, world.village_a1, "1.125", "4.300", "2026", was=1)
    assert (second.households, second.population, second.version, second.as_of) == (
        1125, 4300, 2, datetime.date(2026, 11, 20))  # this year's figures are as of today
    rows = list(VillageFigures.objects.filter(village=world.village_a1).order_by("version"))
    assert [(r.households, r.is_current) for r in rows] == [(120, False), (1125, True)]
    entry = AuditEntry.objects.filter(action="village_figures.update").latest("id")
    assert entry.actor == world.officer_a and entry.commune_id == world.commune_a.pk
    assert entry.data["before"] == [120, 510] and entry.data["after"] == [1125, 4300]


def test_the_same_figures_again_write_nothing(world):
    type_figures(world, world.village_a1, "120", "510")
    assert type_figures(world, world.village_a1, "120", "510", was=1) is None
    assert VillageFigures.objects.count() == 1


def test_a_page_older_than_the_last_save_is_refused(world):
    type_figures(world, world.village_a1, "120")
    with pytest.raises(ValidationError) as refused:
        type_figures(world, world.village_a1, "130", was=0)  # the page showed no figures yet
    assert "người khác đã lưu" in " ".join(refused.value.messages)
    assert VillageFigures.objects.get().households == 120


@pytest.mark.parametrize(("households", "population", "as_of", "field", "words"), [
    ("", "", "", "households", "Cần ghi số hộ"),
    ("-5", "", "", "households", "không được âm"),
    ("mười", "", "", "households", "không phải là số nguyên"),
    ("12,5", "", "", "households", "không phải là số nguyên"),
    ("120", "80", "", "population", "không thể ít hơn số hộ"),
    ("120", "-1", "", "population", "không được âm"),
    ("120", "", "01/01/2027", "as_of", "không được sau hôm nay"),
    ("120", "", "31/02/2025", "as_of", "không có thật"),
])
def test_bad_figures_are_refused_next_to_their_field(world, households, population, as_of, field, words):
    with pytest.raises(ValidationError) as refused:
        type_figures(world, world.village_a1, households, population, as_of)
    assert words in " ".join(refused.value.message_dict[field])
    assert not VillageFigures.objects.exists()


def test_a_village_outside_the_allowed_ones_is_refused(world):
    with pytest.raises(ValidationError):
        type_figures(world, world.village_b1, "90")
    assert not VillageFigures.objects.exists()


HEADER = TEMPLATE_HEADERS


def import_file(world, rows, *, user=None, allowed=None):
    return village_figures_import(province=world.province, allowed=allowed or villages_of(world.commune_a),
                                  data=xlsx([HEADER, *rows]), file_name="so-ho.xlsx", user=user or world.officer_a)


def test_a_good_file_writes_every_row_and_a_second_send_changes_nothing(world):
    rows = [[world.village_a1.code, "Thôn Nà Khà", "Xã Thượng Lâm", "150", "640", "31/12/2025"],
            ["", "thon khuoi dam", "Thượng Lâm", 95, 401, 2025]]
    result = import_file(world, rows)
    assert (result.errors, result.changed, result.unchanged) == ([], 2, 0)
    figures = {f.village: f for f in VillageFigures.objects.current()}
    assert (figures[world.village_a1].households, figures[world.village_a1].population) == (150, 640)
    assert figures[world.village_a2].households == 95 and figures[world.village_a2].source == FigureSource.IMPORTED
    assert figures[world.village_a2].as_of == datetime.date(2025, 12, 31)
    entry = AuditEntry.objects.get(action="village_figures.import")
    assert entry.commune_id == world.commune_a.pk and entry.data["changed"] == 2
    again = import_file(world, rows)
    assert (again.changed, again.unchanged) == (0, 2)
    assert VillageFigures.objects.count() == 2


def test_every_bad_row_is_reported_by_its_number_and_nothing_is_written(world):
    type_figures(world, world.village_a2, "80")
    rows = [[world.village_a1.code, "", "", "150", "640", ""],            # row 2: good
            ["KHONG-CO", "", "", "10", "", ""],                          # row 3: unknown code
            ["", "Thôn Không Có", "", "10", "", ""],                     # row 4: unknown name
            [world.village_b1.code, "", "", "10", "", ""],               # row 5: another commune's village
            [world.village_a2.code, "", "", "nhiều", "", ""],            # row 6: not a number
            ["", "Thôn Khuổi Đăm", "", "-3", "", ""],                    # row 7: negative
            [world.village_a1.code, "", "", "151", "", ""]]              # row 8: same village as row 2
    result = import_file(world, rows)
    errors = {r.row: " ".join(r.errors) for r in result.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert "KHONG-CO" in errors[3] and "Không tìm thấy" in errors[4]
    assert "không thuộc phạm vi của bạn" in errors[5] and "Phường Minh Xuân" in errors[5]
    assert "không phải là số nguyên" in errors[6] and "không được âm" in errors[7]
    assert "dòng 2" in errors[8]
    assert list(VillageFigures.objects.values_list("village", "households")) == [(world.village_a2.pk, 80)]
    assert not AuditEntry.objects.filter(action="village_figures.import").exists()


def test_the_province_admin_imports_for_every_commune_and_names_settle_homonyms(world):
    twin = make_unit(name="Thôn Nà Khà", kind=UnitKind.THON, parent=world.commune_b)
    province_villages = AdminUnit.objects.active().villages().filter(province=world.province)
    rows = [["", "Thôn Nà Khà", "Xã Thượng Lâm", "150", "", ""],
            ["", "Thôn Nà Khà", "Minh Xuân", "70", "", ""],
            ["", "Thôn Nà Khà", "", "70", "", ""]]  # which one?
    result = import_file(world, rows, user=world.province_admin, allowed=province_villages)
    assert [(r.row, "mã thôn" in " ".join(r.errors)) for r in result.errors] == [(4, True)]
    rows.pop()
    result = import_file(world, rows, user=world.province_admin, allowed=province_villages)
    assert result.changed == 2
    assert VillageFigures.objects.current().get(village=twin).households == 70


def test_an_empty_or_foreign_file_is_refused_whole(world):
    with pytest.raises(ValidationError):
        village_figures_import(province=world.province, allowed=villages_of(world.commune_a),
                               data=xlsx([HEADER]), file_name="so-ho.xlsx", user=world.officer_a)
    with pytest.raises(ValidationError):
        village_figures_import(province=world.province, allowed=villages_of(world.commune_a),
                               data=b"%PDF-1.4", file_name="so-ho.pdf", user=world.officer_a)


def test_only_one_row_is_in_force_per_village(world):
    from django.db import IntegrityError, transaction

    type_figures(world, world.village_a1, "120")
    with pytest.raises(IntegrityError), transaction.atomic():
        VillageFigures.objects.create(village=world.village_a1, commune=world.commune_a, province=world.province,
                                      households=1, as_of=datetime.date(2025, 1, 1), version=2)


def test_dates_and_numbers_as_excel_stores_them_are_read(world):
    result = import_file(world, [[world.village_a1.code, "", "", 150.0, 612.0, datetime.datetime(2025, 6, 30)]])
    assert result.errors == [] and result.changed == 1
    figures = VillageFigures.objects.current().get()
    assert (figures.households, figures.population, figures.as_of) == (150, 612, datetime.date(2025, 6, 30))
