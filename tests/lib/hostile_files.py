"""Spreadsheets built to hurt a server, as the issue #12 probe sent them, made without openpyxl so
nothing is held in memory: used by tests/lib/test_hostile_sheets.py and bench/sheets.py."""

import io
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
_HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c>'
               '<c r="B1" t="inlineStr"><is><t>Số điện thoại</t></is></c></row>')


def _xlsx(write_sheet, write_strings, *, sheet_level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.compresslevel = sheet_level
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            write_sheet(part)
        archive.compresslevel = 9
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            write_strings(part)
    return out.getvalue()


def _few_strings(part) -> None:
    part.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>x</t></si></sst>')


def shared_strings_bomb(expanded_mb: int = 200) -> bytes:
    """About 200 KB that unzip to `expanded_mb` MB of shared strings, read in full by openpyxl even in
    read-only mode (the probe's file: 205 KB, 2.2 GB of a worker's memory)."""
    chunk = b"<si><t>" + b"A" * 100_000 + b"</t></si>"
    count = expanded_mb * 1024 * 1024 // len(chunk)

    def strings(part):
        part.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                   b'spreadsheetml/2006/main">')
        for _ in range(count):
            part.write(chunk)
        part.write(b"</sst>")

    def sheet(part):
        part.write((_SHEET_HEAD + '<sheetData>' + _HEADER_ROW +
                    '<row r="2"><c r="A2" t="s"><v>0</v></c></row></sheetData></worksheet>').encode())

    return _xlsx(sheet, strings)


def blank_rows(count: int = 1_000_000, *, formatted: bool = True, numbered: bool = True, level: int = 1) -> bytes:
    """A header, then `count` blank rows (formatted, as a sheet "cleaned" by deleting text leaves
    them), then one filled row; no <dimension>, so a reader must walk them (the probe's file:
    1,000,000 rows, 5 MB, 18 to 43 s of a worker). Unnumbered rows (<row/>, which readers count
    on from the last) zip to a few KB."""
    attributes = ' ht="15.75" customHeight="1" s="0" customFormat="1"' if formatted else ""

    def sheet(part):
        part.write((_SHEET_HEAD + "<sheetData>" + _HEADER_ROW).encode())
        rows = []
        for row in range(2, count + 2):
            rows.append(f'<row r="{row}" spans="1:2"{attributes}/>' if numbered else f"<row{attributes}/>")
            if len(rows) == 10000:
                part.write("".join(rows).encode())
                rows = []
        last = count + 2
        rows.append(f'<row r="{last}"><c r="A{last}" t="inlineStr"><is><t>Giàng Seo Chứ</t></is></c>'
                    f'<c r="B{last}" t="inlineStr"><is><t>0912345678</t></is></c></row>')
        part.write(("".join(rows) + "</sheetData></worksheet>").encode())

    # Level 1 by default, as a phone's office app zips (fast, not small): about 2.8 MB.
    return _xlsx(sheet, _few_strings, sheet_level=level)


def far_cell(row: int = 1_048_576) -> bytes:
    """A few hundred bytes: a header and one cell at Excel's last row, the gap read as blank rows."""
    def sheet(part):
        part.write((_SHEET_HEAD + "<sheetData>" + _HEADER_ROW +
                    f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>x</t></is></c></row>'
                    "</sheetData></worksheet>").encode())

    return _xlsx(sheet, _few_strings)


def declared_huge(ref: str = "A1:XFD1048576") -> bytes:
    """A tiny sheet whose <dimension> claims every cell of Excel's grid, so openpyxl pads to it."""
    def sheet(part):
        part.write((_SHEET_HEAD + f'<dimension ref="{ref}"/><sheetData>' + _HEADER_ROW +
                    "</sheetData></worksheet>").encode())

    return _xlsx(sheet, _few_strings)
