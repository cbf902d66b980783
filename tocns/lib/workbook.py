"""How every table the app writes to .xlsx is dressed so that it is ready to file and to print.

A sheet made by the app reads, from the top: a title row (what the table is, the unit, the period),
a line saying when it was made (Vietnam time, dd/mm/yyyy HH:MM), then the header row(s) and the
rows. finish_table() then, on the finished table:
- freezes the panes below the headers and right of the unit (key) columns;
- repeats the header rows and the key columns on every printed page (print titles), prints
  landscape on A4, fitted to the page's width (as many pages down as needed);
- sets each column's width from what it shows (the number as Excel shows it, with separators),
  capped so one long name does not make a column a page wide; long headers wrap instead;
- gives every number a format with thousands separators, "#,##0" (or "#,##0.0#" for a fraction),
  and a share (a column whose header, or a row whose first cell, ends in "(%)", or a column named
  by the caller) the format 0.0"%".
  The format's "," and "." are placeholders: Excel and LibreOffice show the reader's own
  separators, so a Vietnamese computer shows 3.125 and 35,0%. The figures stay numbers.

Shares are written as the percentage itself (35.0 for 35 %), as the pages show them, so the format
adds the sign rather than Excel's "%" (which would multiply by 100)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

INTEGER_FORMAT = "#,##0"
FRACTION_FORMAT = "#,##0.0#"
SHARE_FORMAT = '0.0"%"'
TEXT_FORMAT = "@"
PLAIN_FORMAT = "0"  # a year or a record's number: no thousands separator
MAX_WIDTH = 45  # characters; a longer name wraps (headers) or is cut on screen but printed whole
MIN_WIDTH = 6
BORDERED_ROWS = 5000  # a longer list (the audit log's 40,000 lines) goes without cell borders: faster
BOLD = 1.15  # a bold header's letters are wider than the width's unit (a "0" in the normal font)
HEADER_LINES = 5  # a long header wraps on up to this many lines before its column widens
LINE_POINTS = 15
PAGE_WIDTH = 200  # characters of column width that still print readably across an A4 landscape page
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def made_at_text(moment=None) -> str:
    """"30/11/2026 10:55": when a file was made, in Vietnam time."""
    return timezone.localtime(moment or timezone.now()).strftime("%d/%m/%Y %H:%M")


def write_title(sheet, *, what: str, unit: str = "", period: str = "", note: str = "", made_at=None) -> int:
    """Rows 1 and 2: "what – unit – period" in large bold, then "Lập lúc dd/mm/yyyy HH:MM" and the
    note. Returns the next free row (3). Call on an empty sheet."""
    period = str(period)
    title = " – ".join(part for part in (str(what), str(unit), period[:1].upper() + period[1:]) if part)
    made = _("Lập lúc %(at)s (giờ Việt Nam)") % {"at": made_at_text(made_at)}
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    sheet.cell(row=2, column=1, value=f"{made}. {note}" if note else made).font = Font(italic=True,
                                                                                          color="595959")
    # not merged: the text runs on over the empty cells to its right, on screen and on paper, where
    # a merged cell would be cut at its last column
    return 3


def display_text(value, number_format: str = "General") -> str:
    """What a cell shows, roughly, to size its column: numbers with their separators."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE"
    if isinstance(value, int | float):
        if number_format == SHARE_FORMAT:
            return f"{value:.1f}%"
        if isinstance(value, float) and not value.is_integer():
            return f"{value:,.2f}"
        return f"{value:,.0f}"
    if hasattr(value, "hour") and "h" in number_format.lower():
        return "dd/mm/yyyy hh:mm"
    if hasattr(value, "strftime"):
        return "dd/mm/yyyy"
    return str(value)


def _lines(text, width: int) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (word by word)."""
    if text is None:
        return 1
    lines, used = 1, 0
    for word in str(text).split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


def _is_share_header(text) -> bool:
    return isinstance(text, str) and text.rstrip().endswith("(%)")


def finish_table(sheet, *, header_row: int, header_rows: int = 1, key_columns: int = 1,
                 share_columns=(), text_columns=(), plain_columns=(), max_width: int = MAX_WIDTH,
                 filter: bool = True) -> None:
    """Dress a finished table whose headers are rows header_row..header_row + header_rows - 1 and
    whose rows follow (see the module notes). key_columns: how many columns on the left name the
    row (code, unit) and stay in view and on every printed page. share_columns, text_columns:
    1-based column numbers holding shares, or codes to keep as text (a leading zero).
    plain_columns: numbers that are not amounts (a year, a record's number), written without
    separators (1990, not 1.990)."""
    last_header = header_row + header_rows - 1
    last_row = max(sheet.max_row, last_header)
    last_column = max(sheet.max_column, 1)
    shares = set(share_columns)
    for column in range(1, last_column + 1):
        if any(_is_share_header(sheet.cell(row=r, column=column).value) for r in range(header_row, last_header + 1)):
            shares.add(column)

    bold = Font(bold=True)
    for row in sheet.iter_rows(min_row=header_row, max_row=last_header, max_col=last_column):
        for cell in row:
            cell.font, cell.fill, cell.border = bold, HEADER_FILL, BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    widths = dict.fromkeys(range(1, last_column + 1), 0)
    bordered = last_row - last_header <= BORDERED_ROWS
    for row in sheet.iter_rows(min_row=last_header + 1, max_row=last_row, max_col=last_column):
        for cell in row:
            column = cell.column
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                if column in plain_columns:
                    cell.number_format = PLAIN_FORMAT
                elif column in shares or _is_share_header(sheet.cell(row=cell.row, column=1).value):
                    cell.number_format = SHARE_FORMAT
                elif cell.number_format in ("General", "0", "0.0", "0.00"):
                    integral = isinstance(cell.value, int) or float(cell.value).is_integer()
                    cell.number_format = INTEGER_FORMAT if integral else FRACTION_FORMAT
            elif column in text_columns and cell.value is not None:
                cell.number_format = TEXT_FORMAT
            if bordered:
                cell.border = BORDER
            text = display_text(cell.value, cell.number_format)
            longest = max((len(line) for line in text.splitlines()), default=0)
            if longest > max_width:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[column] = max(widths[column], min(longest, max_width))
    for column in range(1, last_column + 1):
        for r in range(header_row, last_header + 1):
            text = sheet.cell(row=r, column=column).value
            if text is None:
                continue
            words = str(text).split()
            # a header wraps: wide enough for its longest word, and for the whole text on HEADER_LINES lines
            need = max(max((len(w) for w in words), default=0) * BOLD + 1, -(-len(str(text)) // HEADER_LINES))
            widths[column] = max(widths[column], min(round(need), max_width))
        sheet.column_dimensions[get_column_letter(column)].width = max(widths[column] + 2, MIN_WIDTH)
    for r in range(header_row, last_header + 1):  # tall enough for the wrapped headers
        lines = max([_lines(sheet.cell(row=r, column=c).value, widths[c]) for c in range(1, last_column + 1)] + [1])
        sheet.row_dimensions[r].height = LINE_POINTS * lines + 3
    total_width = sum(max(widths[c] + 2, MIN_WIDTH) for c in widths)
    keys_width = sum(max(widths[c] + 2, MIN_WIDTH) for c in range(1, key_columns + 1))
    # fitted to the page's width while readable; a wider table goes on more pages across, each
    # repeating the key columns
    pages_wide = max(1, -(-(total_width - keys_width) // max(PAGE_WIDTH - keys_width, 40)))

    first_free = sheet.cell(row=last_header + 1, column=key_columns + 1)
    sheet.freeze_panes = first_free.coordinate
    sheet.print_title_rows = f"{header_row}:{last_header}"
    if key_columns:
        sheet.print_title_cols = f"A:{get_column_letter(key_columns)}"
    if filter and last_row > last_header:
        sheet.auto_filter.ref = f"A{last_header}:{get_column_letter(last_column)}{last_row}"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = pages_wide
    setup.fitToHeight = 0  # as many pages down as the rows need
    if sheet.sheet_properties.pageSetUpPr is None:
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties()
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = _("Trang &P/&N")


__all__ = ["FRACTION_FORMAT", "INTEGER_FORMAT", "PLAIN_FORMAT", "SHARE_FORMAT", "display_text", "finish_table",
           "made_at_text", "write_title"]
