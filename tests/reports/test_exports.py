import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tocns.geo.models import UnitKind
from tocns.reports import selectors
from tocns.reports.exports import rollup_filename, rollup_xlsx
from tocns.reports.periods import parse_period

from ..factories import make_team, make_unit
from .factories import established_long_ago, submit_report

pytestmark = pytest.mark.django_db

# The team catalogue's codes, in catalogue order (data migration 0002), each share after its parts.
CODES = ["TT01", "TT02", "TT03", "CQ01", "CQ02", "CQ03", "CQ04", "KT01", "KT02", "KT03", "KT04", "KT05",
         "XH01", "XH02", "XH03", "XH04", "TO01",
         "HT01.SO", "HT01.TONG", "HT01", "HT02.SO", "HT02.TONG", "HT02", "HT03.SO", "HT03.TONG", "HT03",
         "HT04.SO", "HT04.TONG", "HT04", "HT05.SO", "HT05.TONG", "HT05"]
SHARES = {"HT01", "HT02", "HT03", "HT04", "HT05"}

# What each team typed for October 2026 (as typed, Vietnamese style), and which commune it is in.
OCTOBER = {
    "a1": {"TT01": "3", "CQ01": "1.200", "KT03": "0", "XH01": "15"},
    "a2": {"CQ01": "34", "XH01": "6", "CQ02": "9"},
    "xa": {"CQ01": "20", "HT01.SO": "300", "HT01.TONG": "400", "HT02.SO": "0", "HT02.TONG": "250"},
    "b1": {"TT01": "1", "CQ01": "7", "TO01": "4"},
    "xb": {"HT01.SO": "50", "HT01.TONG": "600", "HT03.SO": "120"},  # HT03's base not given
}
COMMUNE_OF = {"a1": "02269", "a2": "02269", "xa": "02269", "b1": "02212", "xb": "02212"}


@pytest.fixture
def teams(world):
    return {
        "a1": established_long_ago(make_team(world, world.village_a1, members=1)),
        "a2": established_long_ago(make_team(world, world.village_a2, members=1)),
        "xa": established_long_ago(make_team(world, world.commune_a, members=1)),
        "b1": established_long_ago(make_team(world, world.village_b1, members=1)),
        "xb": established_long_ago(make_team(world, world.commune_b, members=1)),
    }


@pytest.fixture
def october(teams):
    for key, values in OCTOBER.items():
        submit_report(teams[key], 2026, 10, values)
    submit_report(teams["a1"], 2026, 9, {"CQ01": "500", "TT01": "9"})  # another month: not counted
    return teams


def typed(raw: str) -> int:
    return int(raw.replace(".", ""))


def expected_sums(keys) -> dict[str, int | float | None]:
    """Sums worked out here from the typed figures: None where no team gave the figure."""
    sums: dict[str, int | float | None] = {}
    for code in CODES:
        present = [typed(OCTOBER[key][code]) for key in keys if code in OCTOBER[key]]
        sums[code] = sum(present) if present else None
    for code in SHARES:
        part, whole = sums[f"{code}.SO"], sums[f"{code}.TONG"]
        sums[code] = round(part * 100 / whole, 1) if part is not None and whole else None
    return sums


def sheet_rows(data: bytes):
    book = load_workbook(io.BytesIO(data))
    assert len(book.worksheets) == 1
    # rows 1-2: title and when made; row 3: the indicators' names; row 4: their codes; then the units
    return book.active, [list(row) for row in book.active.iter_rows(min_row=4, values_only=True)]


def test_the_sheet_has_one_row_per_commune_and_the_total_last(world, october):
    result = selectors.rollup(unit=world.province, period=parse_period("2026-10"))
    sheet, rows = sheet_rows(rollup_xlsx(result))
    assert rows[0] == [None, None, *CODES]
    assert [cell.value for cell in sheet[3]][:2] == ["Mã", "Đơn vị"]
    assert sheet["A1"].value == "Bảng tổng hợp số liệu Tổ công nghệ số cộng đồng – Tuyên Quang – Tháng 10/2026"
    assert [row[:2] for row in rows[1:]] == [["02212", "Phường Minh Xuân"], ["02269", "Xã Thượng Lâm"],
                                             [None, "Tổng cộng"]]
    columns = {code: index for index, code in enumerate(rows[0])}
    for row, keys in ((rows[1], ["b1", "xb"]), (rows[2], ["a1", "a2", "xa"]), (rows[3], list(OCTOBER))):
        sums = expected_sums(keys)
        assert {code: row[columns[code]] for code in CODES} == sums
    total = rows[3]
    assert total[columns["CQ01"]] == 1200 + 34 + 20 + 7 and type(total[columns["CQ01"]]) is int
    assert total[columns["HT01"]] == 35.0  # 350 of 1.000, not the mean of 75,0 and 8,3
    assert rows[2][columns["HT01"]] == 75.0 and rows[1][columns["HT01"]] == 8.3
    assert rows[2][columns["KT03"]] == 0 and rows[1][columns["KT03"]] is None  # zero is not missing
    assert rows[2][columns["HT02"]] == 0.0 and rows[1][columns["HT03"]] is None  # no base: no share
    assert rows[3][columns["XH03"]] is None and sheet.cell(row=7, column=columns["XH03"] + 1).value is None
    assert all(isinstance(value, int | float) for row in rows[1:] for value in row[2:] if value is not None)


def test_header_comments_freeze_and_widths(world, october):
    result = selectors.rollup(unit=world.province, period=parse_period("2026-10"))
    sheet, rows = sheet_rows(rollup_xlsx(result))
    cq01 = sheet.cell(row=4, column=rows[0].index("CQ01") + 1)
    assert cq01.value == "CQ01"
    assert "Số người được hướng dẫn cài đặt, kích hoạt định danh điện tử VNeID mức 2" in cq01.comment.text
    assert "Đơn vị tính: người" in cq01.comment.text
    assert "Tỷ lệ người trưởng thành có điện thoại thông minh" in sheet.cell(
        row=4, column=rows[0].index("HT01") + 1).comment.text
    name = sheet.cell(row=3, column=rows[0].index("CQ01") + 1).value
    assert name == "Số người được hướng dẫn cài đặt, kích hoạt định danh điện tử VNeID mức 2 (người)"
    assert sheet.cell(row=3, column=rows[0].index("HT01") + 1).value.endswith("(%)")
    assert sheet["A4"].comment is None and sheet["B4"].comment is None
    assert sheet.freeze_panes == "C5"  # below the headers, with code and name kept in view
    assert sheet.print_title_rows == "$3:$4" and sheet.print_title_cols == "$A:$B"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["B"].width >= len("Phường Minh Xuân")
    assert all(sheet.column_dimensions[cell.column_letter].width >= len(str(cell.value)) for cell in sheet[4][2:])
    assert sheet.cell(row=5, column=1).number_format == "@"
    assert sheet.cell(row=7, column=rows[0].index("HT01") + 1).number_format == '0.0"%"'
    assert sheet.cell(row=7, column=rows[0].index("CQ01") + 1).number_format == "#,##0"
    assert sheet.cell(row=7, column=2).font.bold
    assert rollup_filename(result) == "tong-hop-08-2026-10.xlsx"


def test_a_communes_sheet_lists_its_own_team_then_its_villages(world, october):
    result = selectors.rollup(unit=world.commune_a, period=parse_period("2026-Q4"))
    _sheet, rows = sheet_rows(rollup_xlsx(result))
    assert [row[1] for row in rows[1:]] == ["Xã Thượng Lâm", "Thôn Khuổi Đăm", "Thôn Nà Khà", "Tổng cộng"]
    columns = {code: index for index, code in enumerate(rows[0])}
    assert [row[columns["CQ01"]] for row in rows[1:]] == [20, 34, 1200, 1254]
    assert [row[columns["TT01"]] for row in rows[1:]] == [None, None, 3, 3]
    assert rollup_filename(result) == "tong-hop-02269-2026-q4.xlsx"


def test_the_command_writes_the_same_sheet_and_says_when_the_figures_are_from(world, october, tmp_path):
    out = io.StringIO()
    target = tmp_path / "tong-hop.xlsx"
    call_command("export_rollup", "--period", "2026-10", "--unit", "08", "--out", str(target), stdout=out)
    expected = rollup_xlsx(selectors.rollup(unit=world.province, period=parse_period("2026-10")))
    assert sheet_rows(target.read_bytes())[1] == sheet_rows(expected)[1]
    line = out.getvalue().strip()
    assert "\n" not in line
    assert str(target) in line and "2 đơn vị" in line and "20/11/2026 10:00" in line

    commune = tmp_path / "xa.xlsx"
    call_command("export_rollup", period="2026-Q4", unit="02269", out=str(commune), stdout=io.StringIO())
    assert sheet_rows(commune.read_bytes())[1][-1][1] == "Tổng cộng"


@pytest.mark.parametrize(("period", "unit", "message"), [
    ("2026-13", "08", "Tháng phải từ 1 đến 12."),
    ("10/2026", "08", "Kỳ báo cáo viết như 2026-10"),
    ("2026-10", "99999", "Không có đơn vị hành chính mã 99999."),
])
def test_the_command_refuses_bad_input(world, tmp_path, period, unit, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_rollup", period=period, unit=unit, out=str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_the_command_refuses_a_village(world, tmp_path):
    with pytest.raises(CommandError, match="Thôn Nà Khà là thôn, tổ dân phố"):
        call_command("export_rollup", period="2026-10", unit=world.village_a1.code, out=str(tmp_path / "x.xlsx"))


def test_queries_do_not_grow_with_the_number_of_communes(world, october, tmp_path):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            call_command("export_rollup", period="2026-10", unit="08", out=str(tmp_path / "x.xlsx"),
                         stdout=io.StringIO())
        return len(captured)

    before = queries()
    for n in range(3):
        commune = make_unit(name=f"Xã Thử Nghiệm {n}", kind=UnitKind.XA, parent=world.province, code=f"0990{n}")
        village = make_unit(name=f"Thôn Thử {n}", kind=UnitKind.THON, parent=commune)
        submit_report(established_long_ago(make_team(world, village, members=1)), 2026, 10, {"CQ01": "1"})
    assert queries() == before
    _sheet, rows = sheet_rows((tmp_path / "x.xlsx").read_bytes())
    assert len(rows) == 1 + 5 + 1 and rows[-1][rows[0].index("CQ01")] == 1261 + 3
    assert Decimal(rows[-1][rows[0].index("HT01")]) == Decimal("35.0")
