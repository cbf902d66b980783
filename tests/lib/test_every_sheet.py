"""Every table the app writes to .xlsx, produced with small data and read back as a clerk would file
and print it: a title row and the time it was made, headers that name things, panes frozen below the
headers, headers (and the unit columns) repeated on every printed page, landscape fitted to the
width, no text far wider than its column, and every number a number with a thousands format."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tocns.accounts.models import Role
from tocns.audit.services import audit_record
from tocns.lib.workbook import display_text
from tocns.reports import selectors
from tocns.reports.exports import rollup_xlsx
from tocns.reports.periods import parse_period

from ..factories import make_team, make_user
from ..fieldwork.test_surveys import answer, make_survey, post_batch
from ..reports.factories import established_long_ago, freeze, submit_report

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[A-Z]{2,3}\d{2}(\.[A-Z]+)?$")  # an indicator's code, such as CQ01 or HT01.TONG
PLAIN = {"Năm sinh", "Mã số"}  # numbers that are not amounts: 1990, not 1.990
MADE = re.compile(r"Lập lúc \d\d/\d\d/\d{4} \d\d:\d\d \(giờ Việt Nam\)")

# Modules writing a Workbook, and what this file does with them: checked below, or left out because
# the file is a template people fill in and send back (its layout is what the import reads), or not
# yet dressed by tocns.lib.workbook (listed so a new export cannot go unnoticed).
CHECKED = {"tocns/teams/member_files.py", "tocns/reports/exports.py", "tocns/dashboard/views/overview.py",
           "tocns/audit/exports.py",
           "tocns/sectors/exports.py", "tocns/regulations/exports.py", "tocns/support/export.py",
           "tocns/reports/difficulty_export.py", "tocns/fieldwork/feedback_export.py",
           "tocns/fieldwork/survey_export.py", "tocns/national/exports.py"}
TEMPLATES = {"tocns/reports/uploads.py", "tocns/reports/catalogue.py", "tocns/dashboard/views/households.py"}
NOT_YET = {"tocns/privacy/person_file.py"}  # a person's own data, sheet by sheet: not a table to file


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 5))


@pytest.fixture
def october(world):
    teams = [established_long_ago(make_team(world, unit, members=1))
             for unit in (world.village_a1, world.commune_a, world.village_b1)]
    submit_report(teams[0], 2026, 10, {"TT01": "3", "CQ01": "3.125", "XH01": "15"})
    submit_report(teams[1], 2026, 10, {"CQ01": "20", "HT01.SO": "300", "HT01.TONG": "400"})
    submit_report(teams[2], 2026, 10, {"TT01": "1", "CQ01": "7"})
    return teams


def check_sheet(sheet, *, header_row: int, header_rows: int = 1, key_columns: int = 1) -> None:
    """What a clerk would notice, sheet by sheet (see the module notes)."""
    where = sheet.title
    last_header = header_row + header_rows - 1
    assert isinstance(sheet["A1"].value, str) and sheet["A1"].value.strip() and sheet["A1"].font.bold, where
    assert MADE.search(str(sheet["A2"].value)), (where, sheet["A2"].value)
    for column in range(1, sheet.max_column + 1):
        names = [str(sheet.cell(row=r, column=column).value or "") for r in range(header_row, last_header + 1)]
        assert any(name.strip() and not CODE.match(name) for name in names), (where, column, names)  # a name
    assert sheet.freeze_panes == f"{chr(ord('A') + key_columns)}{last_header + 1}", (where, sheet.freeze_panes)
    assert sheet.print_title_rows == f"${header_row}:${last_header}", (where, sheet.print_title_rows)
    if key_columns:
        assert sheet.print_title_cols == f"$A:${chr(ord('A') + key_columns - 1)}", where
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage, where
    assert int(setup.fitToHeight) == 0 and int(setup.fitToWidth) >= 1, where
    for row in sheet.iter_rows(min_row=header_row):
        for cell in row:
            if cell.value is None or cell.coordinate in sheet.merged_cells:
                continue
            width = sheet.column_dimensions[cell.column_letter].width
            text = display_text(cell.value, cell.number_format)
            wrapped = cell.alignment.wrap_text
            longest = max(len(word) for word in text.split()) if wrapped and text.split() else len(text)
            assert longest <= width + 1, (where, cell.coordinate, text, width)  # never cut by far
            if cell.row > last_header and isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                header = sheet.cell(row=last_header, column=cell.column).value
                expected = {"0"} if header in PLAIN else {"#,##0", "#,##0.0#", "#,##0.00", '0.0"%"', "#,##0.##"}
                assert cell.number_format in expected, (where, cell.coordinate, header, cell.number_format)


def book_of(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content))


def test_the_rollup_names_its_indicators_and_prints_with_the_units_on_every_page(world, october):
    result = selectors.rollup(unit=world.province, period=parse_period("2026-10"))
    sheet = load_workbook(io.BytesIO(rollup_xlsx(result))).active
    check_sheet(sheet, header_row=3, header_rows=2, key_columns=2)
    assert sheet["A1"].value.endswith("Tuyên Quang – Tháng 10/2026")
    assert "Lập lúc 20/11/2026 10:05 (giờ Việt Nam)" in sheet["A2"].value
    codes = [cell.value for cell in sheet[4]]
    cq01 = codes.index("CQ01") + 1
    assert sheet.cell(row=3, column=cq01).value.startswith("Số người được hướng dẫn cài đặt")
    by_name = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert by_name["Xã Thượng Lâm"][cq01 - 1] == 3145 and by_name["Tổng cộng"][cq01 - 1] == 3152
    total = sheet.max_row
    assert sheet.cell(row=total, column=cq01).number_format == "#,##0"  # shown 3.152 on a Vietnamese Excel
    ht01 = sheet.cell(row=total, column=codes.index("HT01") + 1)
    assert ht01.value == 75.0 and ht01.number_format == '0.0"%"'


def test_the_overview_sheets_are_ready_to_file(client, world, october):
    client.force_login(world.province_admin)
    book = book_of(client.get("/tong-quan/excel/"))
    for sheet in book.worksheets:
        check_sheet(sheet, header_row=3, key_columns=2 if sheet.title == "Theo đơn vị" else 1)
    assert book["Tổng quan"]["A1"].value == "Tổng quan Tổ công nghệ số cộng đồng – Tuyên Quang"
    by_unit = book["Theo đơn vị"]
    assert by_unit.column_dimensions["B"].width >= len("Phường Minh Xuân")
    assert by_unit["D4"].number_format == "#,##0" and isinstance(by_unit["D4"].value, int)


def test_the_exported_lists_are_ready_to_file(client, world, october):
    audit_record(actor=world.officer_a, action="team.zalo", obj=world.commune_a, summary="Xem danh sách thành viên")
    client.force_login(world.officer_a)
    check_sheet(book_of(client.get(reverse("audit:export"))).active, header_row=3)
    check_sheet(book_of(client.get(reverse("fieldwork:feedback_export"))).active, header_row=3)
    members = book_of(client.get(reverse("teams:members_export", args=[october[0].pk]))).active
    check_sheet(members, header_row=3, key_columns=2)
    assert [cell.value for cell in members[3]][1] == "Họ và tên" and members["D4"].number_format == "0"
    client.force_login(world.province_admin)
    check_sheet(book_of(client.get(reverse("regulations:export"))).active, header_row=3, key_columns=2)
    check_sheet(book_of(client.get(reverse("reports:difficulties_export") + "?show=open")).active, header_row=3)
    for sheet in book_of(client.get("/ho-tro/thong-ke/excel/")).worksheets:
        check_sheet(sheet, header_row=3)
    for sheet in book_of(client.get("/so-nganh/xuat/?tu=01/01/2026&den=20/11/2026")).worksheets:
        check_sheet(sheet, header_row=3)


def test_the_countrys_table_is_ready_to_file(client, world, october):
    ministry = make_user(full_name="Nguyễn Văn Khoa", username="bo.khcn", role=Role.NATIONAL, unit=None)
    client.force_login(ministry)
    sheet = book_of(client.get(reverse("national:xlsx"), {"period": "2026-10"})).active
    check_sheet(sheet, header_row=3, header_rows=2, key_columns=2)
    total = next(row for row in sheet.iter_rows(min_row=5) if row[1].value == "Cả nước")
    codes = [cell.value for cell in sheet[4]]
    cq01 = total[codes.index("CQ01")]
    assert cq01.value == 3152 and cq01.number_format == "#,##0"  # 3.125 + 20 + 7, shown 3.152


def test_every_module_that_writes_a_workbook_is_accounted_for():
    writers = {str(path.relative_to(ROOT)) for path in (ROOT / "tocns").rglob("*.py")
               if "Workbook(" in path.read_text(encoding="utf-8") and "/lib/" not in str(path)
               and "/demo/" not in str(path)}
    assert writers == CHECKED | TEMPLATES | NOT_YET


def test_a_surveys_answers_summary_and_progress_are_ready_to_file(client, world, october):
    survey = make_survey(world, teams=[october[0]])
    client.force_login(world.leader_a1)
    post_batch(client, [answer(world, survey, phones="1234"), answer(world, survey, phones="1,5")])
    client.force_login(world.officer_a)
    book = book_of(client.get(f"/nhat-ky/khao-sat/{survey.pk}/tai-ve/"))
    for sheet in book.worksheets:
        check_sheet(sheet, header_row=3)
    assert book.worksheets[0]["G4"].value == 1234 and "#,##0" in book.worksheets[0]["G4"].number_format
