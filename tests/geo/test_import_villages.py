
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from tocns.geo.models import AdminUnit, UnitKind, VillageImport
from tocns.geo.services import (
    RawVillageRow,
    check_village_rows,
    read_village_file,
    village_import_apply,
    village_import_preview,
    village_rows_apply,
)

from ..factories import make_unit, xlsx

pytestmark = pytest.mark.django_db


HEADER = ["Xã/Phường", "Tên thôn/tổ dân phố", "Loại", "Mã thôn"]


def test_a_good_file_creates_villages_under_the_right_communes(world):
    data = xlsx([HEADER,
                 ["Xã Thượng Lâm", "Thôn Bản Pài", "thôn", ""],
                 ["thuong lam", "Thôn Nặm Đăm", "", "TL-09"],
                 ["02212", "Tổ dân phố số 7", "tổ dân phố", ""]])
    result, rows = village_rows_apply(province=world.province, raw_rows=read_village_file(data, "thon.xlsx"))
    assert (result.created, result.skipped) == (3, 0)
    ban_pai = AdminUnit.objects.get(name="Thôn Bản Pài")
    assert ban_pai.parent == world.commune_a and ban_pai.kind == UnitKind.THON
    assert ban_pai.commune == world.commune_a and ban_pai.province == world.province
    assert ban_pai.code.startswith("02269-")
    assert AdminUnit.objects.get(code="TL-09").name == "Thôn Nặm Đăm"
    assert AdminUnit.objects.get(name="Tổ dân phố số 7").parent == world.commune_b


def test_every_bad_row_is_reported_by_number_and_nothing_is_written(world):
    make_unit(name="Phường Thượng Lâm", kind=UnitKind.PHUONG, parent=world.province, code="02300")
    before = AdminUnit.objects.count()
    data = xlsx([HEADER,
                 ["Xã Thượng Lâm", "Thôn Mới", "thôn", ""],           # row 2: good
                 ["Xã Không Có", "Thôn A", "thôn", ""],               # row 3: unknown commune
                 ["Xã Thượng Lâm", "", "thôn", ""],                   # row 4: empty name
                 ["Xã Thượng Lâm", "thôn mới", "thôn", ""],           # row 5: duplicate of row 2
                 ["Thuong Lam", "Thôn B", "thôn", ""],                # row 6: ambiguous (xã and phường)
                 ["Xã Thượng Lâm", "Thôn C", "làng nghề", ""]])       # row 7: bad kind
    result, rows = village_rows_apply(province=world.province, raw_rows=read_village_file(data, "x.xlsx"))
    errors = {r.row: " ".join(r.errors) for r in rows if r.errors}
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "Không tìm thấy xã/phường «Xã Không Có»" in errors[3]
    assert "Thiếu tên" in errors[4]
    assert "Trùng với dòng 2" in errors[5]
    assert "trùng với nhiều đơn vị" in errors[6] and "02300" in errors[6]
    assert "Loại «làng nghề» không hợp lệ" in errors[7]
    assert AdminUnit.objects.count() == before


def test_only_good_rows_are_written_when_the_user_asks_for_it(world):
    raw = [RawVillageRow(row=2, commune="Xã Thượng Lâm", name="Thôn Tốt"),
           RawVillageRow(row=3, commune="Xã Không Có", name="Thôn Xấu")]
    result, _rows = village_rows_apply(province=world.province, raw_rows=raw, only_valid=True)
    assert (result.created, result.skipped) == (1, 1)
    assert AdminUnit.objects.filter(name="Thôn Tốt").exists()
    assert not AdminUnit.objects.filter(name="Thôn Xấu").exists()


def test_reimporting_the_same_file_changes_nothing(world):
    data = ("Xã/Phường,Tên thôn,Loại,Mã\nXã Thượng Lâm,Thôn Phiêng Luông,thôn,\n"
            "Phường Minh Xuân,Tổ dân phố số 9,,\n").encode()
    first, _ = village_rows_apply(province=world.province, raw_rows=read_village_file(data, "a.csv"))
    snapshot = list(AdminUnit.objects.values_list("id", "code", "name", "kind").order_by("id"))
    second, rows = village_rows_apply(province=world.province, raw_rows=read_village_file(data, "a.csv"))
    assert first.created == 2
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert list(AdminUnit.objects.values_list("id", "code", "name", "kind").order_by("id")) == snapshot
    assert AdminUnit.objects.get(name="Tổ dân phố số 9").kind == UnitKind.TO_DAN_PHO


def test_a_code_used_by_another_unit_is_refused(world):
    rows = check_village_rows(world.province, [
        RawVillageRow(row=2, commune="02212", name="Tổ dân phố số 2", code=world.village_a1.code)])
    assert "đã dùng cho «Thôn Nà Khà»" in rows[0].errors[0]


def test_csv_with_semicolons_and_no_header_is_read_positionally(world):
    data = "02269;Thôn Pác Há;thôn;\n".encode("utf-8-sig")
    raw = read_village_file(data, "thon.csv")
    assert [(r.row, r.commune, r.name) for r in raw] == [(1, "02269", "Thôn Pác Há")]


def test_other_file_types_are_refused_with_a_vietnamese_message():
    with pytest.raises(ValidationError) as exc:
        read_village_file(b"%PDF-1.4", "thon.pdf")
    assert "Chỉ nhận tệp Excel (.xlsx) hoặc CSV" in exc.value.messages[0]


def test_preview_then_confirm_twice_writes_once(world):
    data = xlsx([HEADER, ["Xã Thượng Lâm", "Thôn Khâu Tát", "thôn", ""]])
    batch = village_import_preview(province=world.province, data=data, file_name="t.xlsx")
    assert not AdminUnit.objects.filter(name="Thôn Khâu Tát").exists()  # preview writes no unit
    village_import_apply(village_import=batch)
    village_import_apply(village_import=VillageImport.objects.get(pk=batch.pk))
    assert AdminUnit.objects.filter(name="Thôn Khâu Tát").count() == 1


def test_import_villages_command_refuses_a_bad_file_with_row_numbers(world, tmp_path, capsys):
    path = tmp_path / "thon.csv"
    path.write_text("Xã/Phường,Tên thôn\nXã Thượng Lâm,Thôn Một\nXã Ma,Thôn Hai\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_villages", str(path), "--province", "08")
    assert "Dòng 3:" in capsys.readouterr().err
    assert not AdminUnit.objects.filter(name="Thôn Một").exists()
    call_command("import_villages", str(path), "--province", "08", "--only-valid")
    assert AdminUnit.objects.filter(name="Thôn Một").exists()
