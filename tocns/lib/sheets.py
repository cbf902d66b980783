"""Spreadsheets in and out.

In: reading the spreadsheets people upload (.xlsx or .csv) into a table of text cells. Row i of the
table (counting from 0) is row i + 1 as Excel shows it, empty rows included, so an error can name
the row the person sees. Numbers Excel made of text come back as text without a trailing ".0" (a
phone 912345678, a year 1990); text comes back in composed Unicode (NFC). Every upload, signed in
or not, is treated as possibly hostile: the .xlsx zip is measured from its directory before
anything is unzipped, rows stream in read-only mode, blank rows count, and reading has a time
budget. A refused file raises FileRefused (a ValidationError) with a Vietnamese message.

Out: every .xlsx or .csv the app writes goes through workbook_bytes() or csv_bytes(), which write
text that a spreadsheet would take for a formula (= + - − @ tab CR at the start) as plain text."""

import csv
import io
import time
import unicodedata
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ROWS = 20000
_DELIMITERS = ",;\t"

# ---- limits for files that come in --------------------------------------------------------------
# Measured on real-sized files (bench/sheets.py builds them): a team's list of 1,000 members is about
# 65 KB as .xlsx and 1 MB unzipped; the province's 20,000 villages about 0.5 MB and 10 MB unzipped,
# with ratios under 20:1. Every limit sits well above what a commune's file reaches and far below
# what costs a worker (the probe's 205 KB file unzips to 200 MB; 1,000,000 blank rows).
MAX_FILE_BYTES = 5 * 1024 * 1024  # the file as sent, .xlsx or .csv
MAX_UNZIPPED_BYTES = 30 * 1024 * 1024  # all parts of an .xlsx added up, as its zip directory declares
# Read-only mode still loads every shared string in memory: 8 MB of short strings cost 60 MB and 3 s,
# 4 MB about half; a province's village list holds about 1.5 MB.
MAX_SHARED_STRINGS_BYTES = 4 * 1024 * 1024
# Styles, the workbook, relationships, the theme: a few KB in a real file, but openpyxl builds an
# object per style while opening (8 MB of styles cost 160 MB); pictures are not parsed, not limited.
MAX_OTHER_XML_BYTES = 1024 * 1024
MAX_ZIP_RATIO = 100  # unzipped:zipped of one part; real sheets stay under 20:1 ...
RATIO_FLOOR_BYTES = 1024 * 1024  # ... and parts under 1 MB unzipped cost nothing whatever their ratio
MAX_ZIP_PARTS = 500  # an .xlsx has a dozen parts, a few more per sheet or picture
MAX_COLUMNS = 200  # our templates have 15 columns; Excel's last column (XFD) would be 16,384 cells per row
BLANK_ROWS_ALLOWED = 1000  # blank rows beyond the filled limit: a template formatted down to row 1,000
TIME_BUDGET_SECONDS = 10.0  # a real file reads in well under a second; a worker must not be held


class FileRefused(ValidationError):
    """An upload refused for its type, size, shape or reading time (not for what its rows say)."""


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value))


def is_blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells)


def _too_large(max_rows: int) -> FileRefused:
    return FileRefused(_("Tệp quá lớn: tối đa %(n)s dòng.") % {"n": max_rows})


def _too_many_rows(limit: int) -> FileRefused:
    return FileRefused(_("Trang tính có quá nhiều dòng, kể cả dòng trống: tối đa %(n)s dòng. Hãy xóa các dòng "
                         "trống ở cuối trang rồi gửi lại.") % {"n": limit})


def _too_slow() -> FileRefused:
    return FileRefused(_("Tệp đọc quá lâu (hơn %(s)s giây): hãy chia tệp thành nhiều tệp nhỏ hơn rồi gửi lại.")
                       % {"s": int(TIME_BUDGET_SECONDS)})


def _damaged() -> FileRefused:
    return FileRefused(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx."))


def _mb(size: int) -> int:
    return size // (1024 * 1024)


def check_xlsx_zip(data: bytes) -> None:
    """Measure the .xlsx from its zip directory, without unzipping anything: the parts added up, each
    part's compression ratio, the shared strings. Raises FileRefused with a Vietnamese message."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except Exception as exc:  # BadZipFile, NotImplementedError (a newer zip version), ValueError, ...
        raise _damaged() from exc
    if len(parts) > MAX_ZIP_PARTS:
        raise _damaged()
    unzipped = sum(part.file_size for part in parts)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise FileRefused(_("Tệp Excel khi mở ra quá lớn (hơn %(mb)s MB), không phải một danh sách thông thường. "
                            "Hãy chép riêng trang danh sách sang một tệp mới rồi gửi lại.")
                          % {"mb": _mb(MAX_UNZIPPED_BYTES)})
    for part in parts:
        name = part.filename.lower()
        if name.endswith("sharedstrings.xml"):
            if part.file_size > MAX_SHARED_STRINGS_BYTES:
                raise FileRefused(_("Tệp Excel có quá nhiều chữ (hơn %(mb)s MB khi mở ra), không phải một danh "
                                    "sách thông thường.") % {"mb": _mb(MAX_SHARED_STRINGS_BYTES)})
        elif (name.endswith((".xml", ".rels")) and not name.startswith("xl/worksheets/")
              and part.file_size > MAX_OTHER_XML_BYTES):
            raise FileRefused(_("Tệp Excel có phần định dạng quá lớn, không phải một danh sách thông thường. Hãy "
                                "chép riêng trang danh sách sang một tệp mới rồi gửi lại."))
        if part.file_size > RATIO_FLOOR_BYTES and part.file_size > MAX_ZIP_RATIO * max(part.compress_size, 1):
            raise FileRefused(_("Tệp Excel được nén bất thường nên không đọc. Hãy mở tệp bằng Excel, lưu lại "
                                "(.xlsx) rồi gửi lại."))


def _read_xlsx(data: bytes, max_rows: int, deadline: float) -> list[list[str]]:
    from openpyxl import load_workbook

    check_xlsx_zip(data)
    row_limit = max_rows + 1 + BLANK_ROWS_ALLOWED  # one header row
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise _damaged() from exc
    table: list[list[str]] = []
    filled = 0
    try:
        if not workbook.worksheets:
            raise _damaged()
        sheet = workbook.worksheets[0]
        try:
            declared_rows, declared_columns = sheet.max_row, sheet.max_column  # the sheet's <dimension>
        except Exception as exc:
            raise _damaged() from exc
        if declared_rows and declared_rows > row_limit:
            raise _too_many_rows(row_limit)
        if declared_columns and declared_columns > MAX_COLUMNS:
            raise FileRefused(_("Trang tính có quá nhiều cột: tối đa %(n)s cột.") % {"n": MAX_COLUMNS})
        for values in sheet.iter_rows(values_only=True):
            if len(table) >= row_limit:
                raise _too_many_rows(row_limit)  # blank rows count too: a million of them is no list
            if time.monotonic() > deadline:
                raise _too_slow()
            if len(values) > MAX_COLUMNS:
                raise FileRefused(_("Trang tính có quá nhiều cột: tối đa %(n)s cột.") % {"n": MAX_COLUMNS})
            cells = [cell_text(v) for v in values]
            if is_blank(cells):
                table.append([])  # keeps the numbering
                continue
            filled += 1
            if filled > max_rows + 1:
                raise _too_large(max_rows)
            table.append(cells)
    except ValidationError:
        raise
    except Exception as exc:  # broken XML inside a sound zip
        raise _damaged() from exc
    finally:
        workbook.close()
    return table


def _decode(data: bytes) -> str:
    # UTF-8 with or without the BOM Excel writes; UTF-16 as Excel's "Unicode text"; then the Windows
    # Vietnamese code page. Latin-1 would read anything, wrongly: better a clear message.
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1258")
    for encoding in encodings:
        try:
            # Composed form: the code page (and macOS) write tone marks as separate characters.
            return unicodedata.normalize("NFC", data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise FileRefused(_("Không đọc được tệp CSV: hãy lưu tệp với mã hóa UTF-8."))


def _delimiter(line: str) -> str:
    """The separator used in the first line (outside quotes): comma, semicolon or tab."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, max_rows: int, deadline: float) -> list[list[str]]:
    text = _decode(data).replace("\x00", "")  # NUL stops Python's csv reader; no real cell holds one
    head = text.split("\n", 1)[0].strip()
    if head.lower().startswith("sep=") and len(head) == 5:
        # Excel's "sep=;" hint line: Excel hides it, so row numbers start after it.
        delimiter = head[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        delimiter = _delimiter(next((line for line in text.splitlines() if line.strip()), ""))
    row_limit = max_rows + 1 + BLANK_ROWS_ALLOWED
    table: list[list[str]] = []
    filled = 0
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(table) >= row_limit:
                raise _too_many_rows(row_limit)
            if time.monotonic() > deadline:
                raise _too_slow()
            if len(cells) > MAX_COLUMNS:
                raise FileRefused(_("Trang tính có quá nhiều cột: tối đa %(n)s cột.") % {"n": MAX_COLUMNS})
            if not is_blank(cells):
                filled += 1
                if filled > max_rows + 1:
                    raise _too_large(max_rows)
            table.append(list(cells))
    except csv.Error as exc:  # a field longer than csv's limit, a stray quote at the end
        raise FileRefused(_("Không đọc được tệp CSV: tệp hỏng hoặc có ô quá dài.")) from exc
    return table


def read_table(data: bytes, file_name: str, *, max_rows: int = MAX_ROWS) -> list[list[str]]:
    """Read the first sheet of an .xlsx file, or a .csv file, into rows of text cells.

    Raises FileRefused (a ValidationError) with a Vietnamese message for another file type, a
    damaged file, a file too large once unzipped, more than `max_rows` filled rows (besides a
    header), too many rows blank or not, or a file that takes more than the time budget."""
    deadline = time.monotonic() + TIME_BUDGET_SECONDS
    name = (file_name or "").lower()
    if not name.endswith((".xlsx", ".csv")):
        raise FileRefused(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(_("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": _mb(MAX_FILE_BYTES)})
    if name.endswith(".xlsx"):
        return _read_xlsx(data, max_rows, deadline)
    return _read_csv(data, max_rows, deadline)


# ---- files that go out --------------------------------------------------------------------------

# What makes Excel or LibreOffice read a typed text as a formula: = + - @, the Unicode minus that a
# phone keyboard types, and tab or CR before any of them (both trim them on a CSV's cells).
FORMULA_STARTS = ("=", "+", "-", "\u2212", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def defuse_workbook(book) -> None:
    """Make every cell whose text starts like a formula a text cell, shown as typed.

    The cell is written as a string (openpyxl would write "=..." as a live formula) with the quote
    prefix style, the same as typing an apostrophe first: Excel and LibreOffice both show the text
    and keep it text when the cell is edited. No export of ours writes a formula on purpose."""
    for sheet in book.worksheets:
        for cell in sheet._cells.values():  # only the cells written; iter_rows would create the gaps
            if looks_like_formula(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True


def workbook_bytes(book) -> bytes:
    """The one way an .xlsx leaves the app: text that looks like a formula is written as text."""
    defuse_workbook(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_cell(value) -> str:
    """A CSV cell: text that a spreadsheet would take for a formula gets an apostrophe in front, the
    only way a CSV can say "text" (the apostrophe stays visible, which is the point: it is not run)."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def csv_bytes(rows) -> bytes:
    """The one way a .csv leaves the app: UTF-8 with the BOM Excel needs to read Vietnamese."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


# Every list exported for officers opens the same way: a title, a line saying when and what was
# exported (and the time it was made), then the column headers on row LIST_HEADER_ROW; the caller
# ends with tocns.lib.workbook.finish_table(sheet, header_row=LIST_HEADER_ROW, ...).
LIST_HEADER_ROW = 3


def start_list_sheet(sheet, *, title: str, note: str, headers: list[str]) -> None:
    """Write the title (row 1), the note (row 2) and the styled header row of an exported list."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(headers))
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(f"A1:{last}1")
    from .workbook import made_at_text

    sheet.append([f"{note} " + _("Lập lúc %(at)s (giờ Việt Nam).") % {"at": made_at_text()}])
    sheet["A2"].font = Font(italic=True, color="595959")
    sheet.merge_cells(f"A2:{last}2")
    sheet.append(headers)
    for cell in sheet[LIST_HEADER_ROW]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F5F8B")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
