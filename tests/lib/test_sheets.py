import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from tocns.lib.sheets import cell_text, read_table


def xlsx(build) -> bytes:
    book = Workbook()
    build(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("value", "text"), [(None, ""), (912345678, "912345678"), (1990.0, "1990"),
                                             (2.5, "2.5"), ("Nà Khà", "Nà Khà")])
def test_cells_become_text_without_a_trailing_point_zero(value, text):
    assert cell_text(value) == text


def test_xlsx_rows_keep_the_numbers_excel_shows_even_after_empty_rows():
    def build(sheet):
        sheet["A1"], sheet["B1"] = "Họ và tên", "Số điện thoại"
        sheet["A4"], sheet["B4"] = "Giàng Seo Chứ", 912345678

    table = read_table(xlsx(build), "Danh Sach.XLSX")
    assert table[0] == ["Họ và tên", "Số điện thoại"]
    assert table[1] == table[2] == []
    assert table[3] == ["Giàng Seo Chứ", "912345678"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_csv_is_read_with_or_without_bom(encoding):
    data = "Tên,Ghi chú\nHà Giang,\"Có dấu phẩy, vẫn một ô\"\n".encode(encoding)
    assert read_table(data, "a.csv") == [["Tên", "Ghi chú"], ["Hà Giang", "Có dấu phẩy, vẫn một ô"]]


def test_csv_in_the_windows_vietnamese_code_page_is_read_in_composed_form():
    data = "Tên,Xa\u0303\nTuyên,Lâm Bi\u0300nh\n".encode("cp1258")  # the code page writes tone marks apart
    assert read_table(data, "a.csv") == [["Tên", "Xã"], ["Tuyên", "Lâm Bình"]]


@pytest.mark.parametrize(("text", "expected"), [
    ("a;b;c\n1;2;3\n", [["a", "b", "c"], ["1", "2", "3"]]),
    ("a\tb\n1\t2\n", [["a", "b"], ["1", "2"]]),
    ('"x; y",b\n1,2\n', [["x; y", "b"], ["1", "2"]]),  # a separator inside quotes does not count
    ("sep=;\r\na;b\r\n1;2\r\n", [["a", "b"], ["1", "2"]]),  # Excel's hint line is not a row
    ("ten\nThôn Một\n", [["ten"], ["Thôn Một"]]),
])
def test_csv_separator_is_the_one_the_first_line_uses(text, expected):
    assert read_table(text.encode(), "a.csv") == expected


def test_other_file_types_and_broken_files_are_refused_in_vietnamese():
    with pytest.raises(ValidationError, match="Chỉ nhận tệp Excel"):
        read_table(b"x", "danh-sach.xls")
    with pytest.raises(ValidationError, match="Không đọc được tệp Excel"):
        read_table(b"not a zip", "danh-sach.xlsx")


def test_too_many_filled_rows_are_refused_but_empty_rows_do_not_count():
    def build(sheet):
        sheet.append(["Tên"])
        for n in range(3):
            sheet.append([f"Người {n}"])
        sheet["A50"].number_format = "@"  # formatted, empty

    data = xlsx(build)
    assert len(read_table(data, "a.xlsx", max_rows=3)) >= 4
    with pytest.raises(ValidationError, match="Tệp quá lớn: tối đa 2 dòng"):
        read_table(data, "a.xlsx", max_rows=2)
    with pytest.raises(ValidationError, match="Tệp quá lớn"):
        read_table("Tên\n1\n\n\n2\n3\n".encode(), "a.csv", max_rows=2)
