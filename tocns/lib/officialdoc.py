"""Official Vietnamese administrative documents as Word files (Decree 30/2020/NĐ-CP, Appendix I).

One generic layout for decisions (Quyết định) and reports (Báo cáo): describe the document with
`OfficialDocument` and call `render_docx`. The rules (page, fonts and sizes, header blocks, title,
body, signature and recipients) are checked one by one in tests/lib/test_officialdoc.py, which reads
the file back with python-docx.

The short solid lines under the agency name, the motto and the summary are drawn as the top border
of an empty, very small paragraph whose left and right indents centre a line of the wanted length.
A paragraph border is plain WordprocessingML (w:pBdr): python-docx reads it back, Word and
LibreOffice draw it in the same place, and it moves with the text. A drawn shape would need
DrawingML anchored to the page, which python-docx cannot read and which drifts when the text above
changes; an underlined row of tabs or spaces changes length with the font.
"""

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

FONT = "Times New Roman"
BLACK = RGBColor(0, 0, 0)
BLANK = " " * 6  # room to write a day, month or number by hand

# Page (A4 portrait) and the text area it leaves.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 20, 20, 30, 15
TEXT_WIDTH_CM = (PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM) / 10  # 16.5 cm

# The header and signature tables: the left block (agency, recipients) and the right block
# (national title, signature). "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in 12 pt bold is 8.8 cm wide.
LEFT_COLUMN_CM, RIGHT_COLUMN_CM = 6.5, TEXT_WIDTH_CM - 6.5
CELL_PADDING_CM = 0.19 * 2  # Word's default left and right cell margins

# Sizes in points.
AGENCY_SIZE = 13
NATIONAL_TITLE_SIZE = 12
MOTTO_SIZE = 13
NUMBER_SIZE = 13
DATE_SIZE = 14
TITLE_SIZE = 14
BODY_SIZE = 14
PAGE_NUMBER_SIZE = 13
RECIPIENTS_HEADING_SIZE = 12
RECIPIENTS_SIZE = 11
TABLE_SIZE = 13

BODY_FIRST_LINE_INDENT = Cm(1.27)
BODY_SPACE_AFTER_PT = 6
BODY_LINE_SPACING = 1.15
LINE_WEIGHT = 6  # eighths of a point: a 0.75 pt rule

ARTICLE = re.compile(r"^(Điều\s+\d+\.)(.*)$", re.DOTALL)
_WORD_GAP = re.compile(r"(?<! ) (?! )")  # a single space between two words


@dataclass
class Annex:
    """A list that goes with the document, on its own page: a title, an italic reference line
    and a bordered table."""

    title: str
    subtitle: str = ""
    headers: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = ()
    column_widths_cm: Sequence[float] | None = None  # adds up to the text width, 16.5 cm
    centred_columns: Sequence[int] = ()  # indexes of short columns (STT, year) set centred


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class StyledParagraph:
    """A body paragraph made of runs (a bold heading, a bold label, a quotation in italics)."""

    runs: Sequence[Run]
    keep_with_next: bool = False


@dataclass
class BodyTable:
    """A bordered table inside the body, under a bold caption (a report's table of figures)."""

    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths_cm: Sequence[float]  # adds up to the text width, 16.5 cm
    centred: Sequence[int] = ()
    right: Sequence[int] = ()
    note: str = ""
    keep_together_rows: int = 20  # a table this short moves whole to the next page rather than split


@dataclass
class OfficialDocument:
    issuing_agency: str  # "ỦY BAN NHÂN DÂN XÃ THƯỢNG LÂM"; a "\n" forces a line break
    number: str  # "45/QĐ-UBND"; a draft passes "      /QĐ-UBND"
    place: str  # "Thượng Lâm"
    doc_type: str  # "QUYẾT ĐỊNH", "BÁO CÁO"
    summary: str  # "Về việc thành lập Tổ công nghệ số cộng đồng thôn Nà Khà"
    parent_agency: str = ""  # "UBND TỈNH TUYÊN QUANG"
    signed_on: date | None = None  # None leaves the day and month blank, for a draft
    year: int | None = None  # the year printed in a draft's blank date; this year by default
    authority: str = ""  # "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ THƯỢNG LÂM" (decisions)
    preamble: Sequence[str] = ()  # "Căn cứ …;" lines, set in italics
    decision_line: str = ""  # "QUYẾT ĐỊNH:" between the preamble and the articles
    # Paragraphs (a leading "Điều N." is set bold), StyledParagraph or BodyTable, in reading order.
    body: Sequence = ()
    signature_prefix: str = ""  # "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"
    signer_title: str = ""  # "CHỦ TỊCH"
    signer_name: str = ""  # empty in a draft
    recipients: Sequence[str] = ()  # "- Như Điều 3;" … "- Lưu: VT, VHXH."
    annex: Annex | None = None
    core_title: str = field(default="", repr=False)  # file properties; the summary by default
    keep_together: Sequence[str] = ()  # phrases never cut between two lines of the summary or annex title


# --- Dates -------------------------------------------------------------------------------------

def date_phrase(day: date | None, *, year: int | None = None) -> str:
    """The date as an official document writes it: "ngày 05 tháng 01 năm 2026".

    Days below 10 take a leading zero, and so do months 1 and 2 only (so "ngày 15 tháng 3",
    "ngày 10 tháng 12"). Without a date the day and month are left blank for the signer to fill
    in, and the year is `year` or the current one."""
    if day is None:
        gap = " " * 4  # with the spaces around it, six: "ngày      tháng      năm 2026"
        return _("ngày %(day)s tháng %(month)s năm %(year)s") % {
            "day": gap, "month": gap, "year": year or timezone.localdate().year}
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("ngày %(day)s tháng %(month)s năm %(year)s") % {
        "day": f"{day.day:02d}", "month": month, "year": day.year}


def numeric_date(day: date | None, *, year: int | None = None) -> str:
    """The short form used when citing another document, "05/01/2026"; blanks for a draft."""
    if day is None:
        return f"{BLANK}/{BLANK}/{year or timezone.localdate().year}"
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def place_and_date(place: str, day: date | None, *, year: int | None = None) -> str:
    """The place and date line: "Tuyên Quang, ngày 05 tháng 01 năm 2026"."""
    return f"{place}, {date_phrase(day, year=year)}"


# --- Text width, to size the short lines and to break long agency names -------------------------

# Advance widths of Times New Roman (the same as its metric twin Liberation Serif) for the
# printable ASCII characters 32-126, in thousandths of an em. Vietnamese letters are measured by
# their base letter: the marks above and below do not widen them.
_REGULAR = (
    "250,333,408,500,500,833,778,180,333,333,500,564,250,333,250,278,500,500,500,500,500,500,500,500,"
    "500,500,278,278,564,564,564,444,921,722,667,667,722,611,556,722,722,333,389,722,611,889,722,722,"
    "556,722,667,556,611,722,722,944,722,722,611,333,278,333,469,500,333,444,500,444,500,444,333,500,"
    "500,278,278,500,278,778,500,500,500,500,333,389,278,500,500,722,500,500,444,480,200,480,541")
_BOLD = (
    "250,333,555,500,500,1000,833,278,333,333,500,570,250,333,250,278,500,500,500,500,500,500,500,500,"
    "500,500,333,333,570,570,570,500,930,722,667,722,722,667,611,778,778,389,500,778,667,944,722,778,"
    "611,778,722,556,667,722,722,1000,722,722,667,333,278,333,581,500,333,500,556,444,556,444,333,500,"
    "556,278,333,556,278,833,556,500,556,556,444,389,333,556,500,722,500,500,444,394,220,394,520")
_WIDTHS = {bold: dict(zip(map(chr, range(32, 127)), map(int, table.split(",")), strict=True))
           for bold, table in ((False, _REGULAR), (True, _BOLD))}


def text_width_cm(text: str, size: float, *, bold: bool = False) -> float:
    """Approximate printed width of one line of text in Times New Roman."""
    widths = _WIDTHS[bold]
    total = 0
    for char in unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")):
        if unicodedata.category(char) == "Mn":
            continue  # a combining accent
        total += widths.get(char, 500)
    return total / 1000 * size / 72 * 2.54


def balanced_lines(text: str, size: float, width_cm: float, *, bold: bool = False,
                   keep: Sequence[str] = ()) -> list[str]:
    """Lines for a centred block: each "\\n" starts a line; a line too wide for `width_cm` is cut in
    two at the space that makes the halves most even ("ỦY BAN NHÂN DÂN" / "XÃ THƯỢNG LÂM"), which
    reads better than letting the word processor wrap the last word alone. Never inside a phrase of
    `keep` (a name such as "Tổ công nghệ số cộng đồng") when another cut is possible."""
    lines = []
    for line in text.split("\n"):
        line = line.strip()
        words = _WORD_GAP.split(line)  # runs of spaces are blanks to fill in, not places to cut
        if text_width_cm(line, size, bold=bold) <= width_cm or len(words) < 2:
            lines.append(line)
            continue
        cuts = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
        kept = [cut for cut in cuts if not _cuts_a_phrase(cut, keep)]
        cuts = kept or cuts
        lines.extend(min(cuts, key=lambda cut: max(text_width_cm(part, size, bold=bold) for part in cut)))
    return lines


def _cuts_a_phrase(cut: tuple[str, str], keep: Sequence[str]) -> bool:
    """Whether cutting the line into `cut` splits one of the `keep` phrases between the two lines."""
    whole = f"{cut[0]} {cut[1]}"
    at = len(cut[0])  # the space where the line is cut
    for phrase in keep:
        start = whole.find(phrase)
        while start >= 0:
            if start < at < start + len(phrase):
                return True
            start = whole.find(phrase, start + 1)
    return False


# --- Low-level formatting -----------------------------------------------------------------------

def _set_fonts(rpr_parent) -> None:
    """Times New Roman for every script, so Word does not fall back to a theme font for the
    Vietnamese letters it classes as East Asian or complex script."""
    if hasattr(rpr_parent, "get_or_add_rPr"):
        rpr = rpr_parent.get_or_add_rPr()
    else:  # w:rPrDefault, which python-docx has no class for
        rpr = rpr_parent.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _run(paragraph, text: str, *, size: float, bold: bool = False, italic: bool = False):
    run = paragraph.add_run()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i:
            run.add_break()
        if line:
            run.add_text(line)
    run.font.name = FONT
    _set_fonts(run._r)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.color.rgb = BLACK
    return run


def _mark_size(paragraph, size: float) -> None:
    """The size of the paragraph mark, which sets the height of an empty paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(round(size * 2)))
        rpr.append(element)


def _new_paragraph(container):
    """A new paragraph in the document or a table cell; a fresh cell's own empty paragraph is
    used first, so cells do not start with a blank line."""
    paragraphs = getattr(container, "paragraphs", [])
    if hasattr(container, "_tc") and len(paragraphs) == 1 and len(paragraphs[0]._p) == 0:
        return paragraphs[0]
    return container.add_paragraph()


def _paragraph(container, text: str = "", *, size: float = BODY_SIZE, bold: bool = False,
               italic: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER, before: float = 0, after: float = 0,
               line_spacing: float = 1.0, first_line=None, keep_with_next: bool = False):
    paragraph = _new_paragraph(container)
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = line_spacing
    if first_line is not None:
        fmt.first_line_indent = first_line
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _blank(container, size: float, **kwargs):
    """An empty paragraph `size` points high."""
    paragraph = _paragraph(container, **kwargs)
    _mark_size(paragraph, size)
    return paragraph


def _short_line(container, length_cm: float, room_cm: float, *, after: float = 0):
    """A solid line `length_cm` long, centred in `room_cm`, just under the previous paragraph:
    the top border of an empty 3 pt paragraph (see the module notes)."""
    length_cm = min(length_cm, room_cm)
    indent = Cm(max(room_cm - length_cm, 0) / 2)
    paragraph = _blank(container, 3, before=3, after=after)  # 3 pt clear of the descenders above
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.keep_with_next = True
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for attr, value in (("w:val", "single"), ("w:sz", str(LINE_WEIGHT)), ("w:space", "0"), ("w:color", "000000")):
        top.set(qn(attr), value)
    borders.append(top)
    ppr = paragraph._p.get_or_add_pPr()
    # Schema order inside w:pPr: keepNext … pBdr … spacing, ind, jc … rPr.
    anchor = ppr.find(qn("w:spacing"))
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        ppr.append(borders)
    return paragraph


def _table_borders(table, value: str, size: int = 4) -> None:
    tbl_pr = table._tbl.tblPr
    old = tbl_pr.find(qn("w:tblBorders"))
    if old is not None:
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), value)
        if value != "nil":
            element.set(qn("w:sz"), str(size))
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    # Schema order: tblStyle, tblpPr, tblOverlap, bidiVisual, tblStyleRowBandSize, tblStyleColBandSize,
    # tblW, jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook.
    following = [qn(f"w:{tag}") for tag in ("shd", "tblLayout", "tblCellMar", "tblLook")]
    for child in tbl_pr:
        if child.tag in following:
            child.addprevious(borders)
            return
    tbl_pr.append(borders)


def _table(container, rows: int, widths_cm: Sequence[float], *, borders: bool):
    table = container.add_table(rows=rows, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _table_borders(table, "single" if borders else "nil")
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    return table


def _cant_split(row) -> None:
    """Keep the whole row on one page (w:cantSplit)."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert(0, OxmlElement("w:cantSplit"))


def _repeat_as_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def _page_number(paragraph, size: float) -> None:
    """A PAGE field, so Word and LibreOffice print each page's own number."""
    def field_char(kind):
        run = _run(paragraph, "", size=size)
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)
        return run

    field_char("begin")
    run = _run(paragraph, "", size=size)
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    run._r.append(instruction)
    field_char("separate")
    _run(paragraph, "2", size=size)  # shown until the field is updated
    field_char("end")


# --- Document parts -----------------------------------------------------------------------------

def _setup(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.gutter = 0

    # Times New Roman, black, Vietnamese, single spacing for anything not formatted below.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    _set_fonts(defaults.find(qn("w:rPrDefault")))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "vi-VN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
    for name in ("Normal", "Header", "Footer"):
        style = document.styles[name]
        style.font.name = FONT
        _set_fonts(style.element)
        style.font.size = Pt(BODY_SIZE)
        style.font.color.rgb = BLACK

    # Page numbers from page 2 on, centred in the top margin (a different first page header).
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    first = section.first_page_header.paragraphs[0]
    _mark_size(first, PAGE_NUMBER_SIZE)
    header = section.header.paragraphs[0]
    header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(header, PAGE_NUMBER_SIZE)


def _masthead(document: DocxDocument, doc: OfficialDocument) -> None:
    table = _table(document, 1, (LEFT_COLUMN_CM, RIGHT_COLUMN_CM), borders=False)
    left, right = table.rows[0].cells
    left_room, right_room = LEFT_COLUMN_CM - CELL_PADDING_CM, RIGHT_COLUMN_CM - CELL_PADDING_CM

    if doc.parent_agency:
        parent = "\n".join(balanced_lines(doc.parent_agency.upper(), AGENCY_SIZE, left_room))
        _paragraph(left, parent, size=AGENCY_SIZE)
    agency_lines = balanced_lines(doc.issuing_agency.upper(), AGENCY_SIZE, left_room, bold=True)
    _paragraph(left, "\n".join(agency_lines), size=AGENCY_SIZE, bold=True)
    widest = max(text_width_cm(line, AGENCY_SIZE, bold=True) for line in agency_lines)
    _short_line(left, widest * 0.4, left_room, after=6)
    _paragraph(left, _("Số: %(number)s") % {"number": doc.number}, size=NUMBER_SIZE)

    national = _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    motto = _("Độc lập - Tự do - Hạnh phúc")
    _paragraph(right, national, size=NATIONAL_TITLE_SIZE, bold=True)
    _paragraph(right, motto, size=MOTTO_SIZE, bold=True)
    _short_line(right, text_width_cm(motto, MOTTO_SIZE, bold=True), right_room, after=6)
    _paragraph(right, place_and_date(doc.place, doc.signed_on, year=doc.year), size=DATE_SIZE, italic=True)


def _title(document: DocxDocument, doc: OfficialDocument) -> None:
    _paragraph(document, doc.doc_type.upper(), size=TITLE_SIZE, bold=True, before=18, keep_with_next=True)
    summary = "\n".join(balanced_lines(doc.summary, TITLE_SIZE, TEXT_WIDTH_CM, bold=True, keep=doc.keep_together))
    _paragraph(document, summary, size=TITLE_SIZE, bold=True, keep_with_next=True)
    summary_width = max(text_width_cm(line, TITLE_SIZE, bold=True) for line in summary.split("\n"))
    _short_line(document, max(min(summary_width, TEXT_WIDTH_CM) / 3, 2.5), TEXT_WIDTH_CM, after=12)
    if doc.authority:
        authority = "\n".join(balanced_lines(doc.authority.upper(), TITLE_SIZE, TEXT_WIDTH_CM, bold=True))
        _paragraph(document, authority, size=TITLE_SIZE, bold=True, after=12, keep_with_next=True)


def _body_paragraph(document: DocxDocument, text: str, *, italic: bool = False):
    paragraph = _paragraph(document, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=BODY_SPACE_AFTER_PT,
                           line_spacing=BODY_LINE_SPACING, first_line=BODY_FIRST_LINE_INDENT)
    article = ARTICLE.match(text)
    if article and not italic:
        _run(paragraph, article.group(1), size=BODY_SIZE, bold=True)
        text = article.group(2)
    if text:
        _run(paragraph, text, size=BODY_SIZE, italic=italic)
    return paragraph


def _styled_paragraph(document: DocxDocument, block: StyledParagraph):
    paragraph = _body_paragraph(document, "")
    for run in block.runs:
        _run(paragraph, run.text, size=BODY_SIZE, bold=run.bold, italic=run.italic)
    paragraph.paragraph_format.keep_with_next = block.keep_with_next
    return paragraph


def _body_table(document: DocxDocument, table: BodyTable):
    _paragraph(document, table.caption, size=BODY_SIZE, bold=True, before=6, after=6, keep_with_next=True)
    grid = _table(document, 1 + len(table.rows), table.widths_cm, borders=True)
    header = grid.rows[0]
    _repeat_as_header(header)
    _cant_split(header)
    for cell, text in zip(header.cells, table.headers, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _paragraph(cell, text, size=TABLE_SIZE, bold=True, before=3, after=3, keep_with_next=True)
    together = len(table.rows) <= table.keep_together_rows
    for number, (row, values) in enumerate(zip(grid.rows[1:], table.rows, strict=True), start=1):
        _cant_split(row)
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            align = (WD_ALIGN_PARAGRAPH.CENTER if index in table.centred else
                     WD_ALIGN_PARAGRAPH.RIGHT if index in table.right else WD_ALIGN_PARAGRAPH.LEFT)
            _paragraph(cell, str(text), size=TABLE_SIZE, align=align, before=3, after=3,
                       keep_with_next=together and number < len(table.rows))
    if table.note:
        _paragraph(document, table.note, size=BODY_SIZE, italic=True, before=3, after=6)
    return _blank(document, 6)  # room between the table and the next heading


def _body_block(document: DocxDocument, block):
    if isinstance(block, BodyTable):
        return _body_table(document, block)
    if isinstance(block, StyledParagraph):
        return _styled_paragraph(document, block)
    return _body_paragraph(document, block)


def _signature(document: DocxDocument, doc: OfficialDocument) -> None:
    _blank(document, 6, keep_with_next=True)  # a little room between the text and the block
    table = _table(document, 1, (LEFT_COLUMN_CM, RIGHT_COLUMN_CM), borders=False)
    row = table.rows[0]
    _cant_split(row)
    left, right = row.cells

    if doc.recipients:
        _paragraph(left, _("Nơi nhận:"), size=RECIPIENTS_HEADING_SIZE, bold=True, italic=True,
                   align=WD_ALIGN_PARAGRAPH.LEFT)
        for line in doc.recipients:
            _paragraph(left, line, size=RECIPIENTS_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT)
    else:
        _blank(left, RECIPIENTS_SIZE)

    if doc.signature_prefix:
        _paragraph(right, doc.signature_prefix.upper(), size=BODY_SIZE, bold=True)
    if doc.signer_title:
        _paragraph(right, doc.signer_title.upper(), size=BODY_SIZE, bold=True)
    for _i in range(4):  # room for the signature and the seal
        _blank(right, BODY_SIZE)
    _paragraph(right, doc.signer_name, size=BODY_SIZE, bold=True)


def _annex(document: DocxDocument, annex: Annex, keep: Sequence[str] = ()) -> None:
    title_lines = balanced_lines(annex.title.upper(), TITLE_SIZE, TEXT_WIDTH_CM, bold=True,
                                 keep=[phrase.upper() for phrase in keep])
    title = _paragraph(document, "\n".join(title_lines), size=TITLE_SIZE, bold=True, keep_with_next=True)
    title.paragraph_format.page_break_before = True
    if annex.subtitle:
        subtitle = "\n".join(balanced_lines(annex.subtitle, TITLE_SIZE, TEXT_WIDTH_CM))
        _paragraph(document, subtitle, size=TITLE_SIZE, italic=True, keep_with_next=True)
    _short_line(document, 4, TEXT_WIDTH_CM, after=12)
    if not annex.headers:
        return
    count = len(annex.headers)
    widths = list(annex.column_widths_cm or [TEXT_WIDTH_CM / count] * count)
    table = _table(document, 1 + len(annex.rows), widths, borders=True)
    header = table.rows[0]
    _repeat_as_header(header)
    _cant_split(header)
    for cell, text in zip(header.cells, annex.headers, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _paragraph(cell, text, size=TABLE_SIZE, bold=True, before=3, after=3)
    for row, values in zip(table.rows[1:], annex.rows, strict=True):
        _cant_split(row)
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            align = WD_ALIGN_PARAGRAPH.CENTER if index in annex.centred_columns else WD_ALIGN_PARAGRAPH.LEFT
            if text:
                _paragraph(cell, str(text), size=TABLE_SIZE, align=align, before=3, after=3)
            else:
                _blank(cell, TABLE_SIZE, align=align, before=3, after=3)


def render_docx(doc: OfficialDocument) -> bytes:
    """The document as a .docx file, laid out as Decree 30/2020/NĐ-CP requires."""
    document = Document()
    _setup(document)
    # Document() starts with no paragraphs; everything is appended in reading order.
    _masthead(document, doc)
    _title(document, doc)
    for line in doc.preamble:
        _body_paragraph(document, line, italic=True)
    if doc.decision_line:
        _paragraph(document, doc.decision_line, size=TITLE_SIZE, bold=True, before=6, after=6, keep_with_next=True)
    paragraphs = [_body_block(document, block) for block in doc.body]
    if paragraphs:  # the signature never stands alone at the top of a page
        paragraphs[-1].paragraph_format.keep_with_next = True
    _signature(document, doc)
    if doc.annex is not None:
        _annex(document, doc.annex, doc.keep_together)

    props = document.core_properties
    props.title = doc.core_title or f"{doc.doc_type} {doc.summary}".strip()
    props.author = props.last_modified_by = " ".join(doc.issuing_agency.split())
    props.language = "vi-VN"
    props.comments = props.keywords = props.subject = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


__all__ = [
    "Annex",
    "BodyTable",
    "OfficialDocument",
    "Run",
    "StyledParagraph",
    "balanced_lines",
    "date_phrase",
    "numeric_date",
    "place_and_date",
    "render_docx",
    "text_width_cm",
]
