"""The layout checks of Decree 30/2020/NĐ-CP (DOCUMENT-FORMAT.md) that every generated .docx must pass:
page and margins, Times New Roman black for every script, the borderless masthead with the national
title and motto. Shared by test_officialdoc.py and test_every_document.py."""

import io

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from tocns.lib.officialdoc import FONT

NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def read_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def all_runs(document):
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    section = document.sections[0]
    paragraphs.extend(section.header.paragraphs)
    paragraphs.extend(section.first_page_header.paragraphs)
    return [run for p in paragraphs for run in p.runs]


def check_page(document) -> None:
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20


def check_fonts(document) -> None:
    for run in all_runs(document):
        if not run.text.strip():
            continue
        fonts = run._r.rPr.find(qn("w:rFonts"))
        assert run.font.name == FONT, run.text
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {FONT}, run.text
        assert str(run.font.color.rgb) == "000000", run.text
        assert run.font.size is not None and 11 <= run.font.size.pt <= 14, (run.text, run.font.size.pt)


def check_masthead(document) -> None:
    masthead = document.tables[0]
    left, right = masthead.rows[0].cells
    right_lines = [" ".join(p.text.split()) for p in right.paragraphs if p.text.strip()]
    assert right_lines[:2] == [NATIONAL, MOTTO]
    assert any(" ".join(p.text.split()).startswith("Số:") for p in left.paragraphs)
    borders = masthead._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None and {edge.get(qn("w:val")) for edge in borders} == {"nil"}


def check_official_layout(data: bytes):
    """Every check on one generated file; returns the document for further checks."""
    document = read_docx(data)
    check_page(document)
    check_fonts(document)
    check_masthead(document)
    return document
