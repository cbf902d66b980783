"""Reading the spreadsheets people upload (.xlsx or .csv) into a table of text cells.

Row i of the table (counting from 0) is row i + 1 as Excel shows it, empty rows included, so an
error can name the row the person sees. Numbers Excel made of text come back as text without a
trailing ".0" (a phone 912345678, a year 1990); text comes back in composed Unicode (NFC)."""

import csv
import io
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ROWS = 20000
_DELIMITERS = ",;\t"


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value))


def is_blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells)


def _too_large(max_rows: int) -> ValidationError:
    return ValidationError(_("Tệp quá lớn: tối đa %(n)s dòng.") % {"n": max_rows})


def _read_xlsx(data: bytes, max_rows: int) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx.")) from exc
    table: list[list[str]] = []
    filled = 0
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            cells = [cell_text(v) for v in values]
            if is_blank(cells):
                table.append([])  # keeps the numbering; formatted empty rows cost nothing
                continue
            filled += 1
            if filled > max_rows + 1:  # one header row
                raise _too_large(max_rows)
            table.append(cells)
    finally:
        workbook.close()
    return table


def _decode(data: bytes) -> str:
    # UTF-8 with or without the BOM Excel writes; then the Windows Vietnamese code page.
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            # Composed form: the code page (and macOS) write tone marks as separate characters.
            return unicodedata.normalize("NFC", data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("Không đọc được tệp CSV: hãy lưu tệp với mã hóa UTF-8."))


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


def _read_csv(data: bytes, max_rows: int) -> list[list[str]]:
    text = _decode(data)
    head = text.split("\n", 1)[0].strip()
    if head.lower().startswith("sep=") and len(head) == 5:
        # Excel's "sep=;" hint line: Excel hides it, so row numbers start after it.
        delimiter = head[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        delimiter = _delimiter(next((line for line in text.splitlines() if line.strip()), ""))
    table = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    if sum(1 for cells in table if not is_blank(cells)) > max_rows + 1:
        raise _too_large(max_rows)
    return table


def read_table(data: bytes, file_name: str, *, max_rows: int = MAX_ROWS) -> list[list[str]]:
    """Read the first sheet of an .xlsx file, or a .csv file, into rows of text cells.

    Raises a ValidationError with a Vietnamese message for another file type, a damaged file or
    more than `max_rows` filled rows (besides a header)."""
    name = (file_name or "").lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(data, max_rows)
    if name.endswith(".csv"):
        return _read_csv(data, max_rows)
    raise ValidationError(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
