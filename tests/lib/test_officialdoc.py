"""The generic official document: each layout rule of Decree 30/2020/NĐ-CP (DOCUMENT-FORMAT.md) read
back with python-docx."""

import datetime
import io

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from tests.lib.officialdoc_checks import all_runs, check_official_layout
from tocns.lib.officialdoc import (
    FONT,
    Annex,
    OfficialDocument,
    balanced_lines,
    date_phrase,
    numeric_date,
    place_and_date,
    render_docx,
    text_width_cm,
)

MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def decision(**changes) -> OfficialDocument:
    fields = dict(
        parent_agency="UBND TỈNH TUYÊN QUANG",
        issuing_agency="ỦY BAN NHÂN DÂN XÃ THƯỢNG LÂM",
        number="45/QĐ-UBND",
        place="Tuyên Quang",
        signed_on=datetime.date(2026, 1, 5),
        doc_type="QUYẾT ĐỊNH",
        summary="Về việc thành lập Tổ công nghệ số cộng đồng thôn Nà Khà",
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ THƯỢNG LÂM",
        preamble=["Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
                  "Xét đề nghị của Phòng Văn hóa và Xã hội."],
        decision_line="QUYẾT ĐỊNH:",
        body=["Điều 1. Thành lập Tổ công nghệ số cộng đồng thôn Nà Khà (danh sách kèm theo).",
              "Điều 2. Tổ hướng dẫn người dân sử dụng dịch vụ công trực tuyến.",
              "Điều 3. Quyết định này có hiệu lực kể từ ngày ký./."],
        signature_prefix="TM. ỦY BAN NHÂN DÂN",
        signer_title="CHỦ TỊCH",
        signer_name="Ma Văn Tiến",
        recipients=["- Như Điều 3;", "- Chủ tịch, các PCT UBND xã;", "- Lưu: VT, VHXH."],
        annex=Annex(title="Danh sách thành viên Tổ công nghệ số cộng đồng thôn Nà Khà",
                    subtitle="(Kèm theo Quyết định số 45/QĐ-UBND ngày 05/01/2026 của Chủ tịch UBND xã Thượng Lâm)",
                    headers=["STT", "Họ và tên", "Năm sinh"],
                    rows=[["1", "Giàng Seo Chứ", "1985"], ["2", "Triệu Thị Nhất", ""]],
                    column_widths_cm=(2, 10.5, 4), centred_columns=(0, 2)),
    )
    fields.update(changes)
    return OfficialDocument(**fields)


def read(doc: OfficialDocument) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(doc)))


def flat(text: str) -> str:
    return " ".join(text.split())


def find(paragraphs, text):
    return next(p for p in paragraphs if flat(p.text) == text)


def border_top(paragraph):
    borders = paragraph._p.pPr.find(qn("w:pBdr"))
    return None if borders is None else borders.find(qn("w:top"))


def line_length_cm(paragraph, room_cm):
    fmt = paragraph.paragraph_format
    return room_cm - fmt.left_indent.cm - fmt.right_indent.cm


def next_paragraph(paragraphs, paragraph):
    return paragraphs[[p._p for p in paragraphs].index(paragraph._p) + 1]


@pytest.fixture(scope="module")
def document():
    return read(decision())


# --- Dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "expected"), [
    (datetime.date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
    (datetime.date(2026, 2, 9), "ngày 09 tháng 02 năm 2026"),
    (datetime.date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
    (datetime.date(2026, 3, 15), "ngày 15 tháng 3 năm 2026"),
    (datetime.date(2026, 9, 30), "ngày 30 tháng 9 năm 2026"),
    (datetime.date(2026, 12, 10), "ngày 10 tháng 12 năm 2026"),
])
def test_leading_zero_for_days_below_ten_and_for_january_and_february_only(day, expected):
    assert date_phrase(day) == expected


def test_a_draft_leaves_day_and_month_blank():
    assert date_phrase(None, year=2026) == "ngày      tháng      năm 2026"
    assert numeric_date(None, year=2026) == "      /      /2026"
    assert numeric_date(datetime.date(2026, 3, 5)) == "05/03/2026"
    assert place_and_date("Tuyên Quang", datetime.date(2026, 1, 5)) == "Tuyên Quang, ngày 05 tháng 01 năm 2026"


# --- Measuring and breaking lines -------------------------------------------------------------

def test_text_width_matches_times_new_roman():
    # Measured in LibreOffice with Liberation Serif, the metric twin of Times New Roman.
    assert text_width_cm(MOTTO, 13, bold=True) == pytest.approx(5.61, abs=0.05)
    assert text_width_cm(NATIONAL, 12, bold=True) == pytest.approx(8.83, abs=0.05)


def test_long_agency_name_breaks_where_the_halves_are_even():
    assert balanced_lines("ỦY BAN NHÂN DÂN XÃ THƯỢNG LÂM", 13, 6.1, bold=True) == ["ỦY BAN NHÂN DÂN", "XÃ THƯỢNG LÂM"]
    assert balanced_lines("UBND TỈNH TUYÊN QUANG", 13, 6.1) == ["UBND TỈNH TUYÊN QUANG"]
    assert balanced_lines("A\nB C", 13, 6.1) == ["A", "B C"]


def test_blanks_to_fill_in_are_kept_and_never_cut():
    text = "(Kèm theo Quyết định số      /QĐ-UBND ngày      /      /2026 của Chủ tịch UBND xã Thượng Lâm)"
    lines = balanced_lines(text, 14, 16.1)
    assert len(lines) == 2 and " ".join(lines) == text


# --- Page -----------------------------------------------------------------------------------------

def test_page_is_a4_portrait_with_the_decree_margins(document):
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert section.page_width.mm == pytest.approx(210, abs=0.1)
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    assert section.top_margin.mm == pytest.approx(20, abs=0.1)
    assert section.bottom_margin.mm == pytest.approx(20, abs=0.1)
    assert section.left_margin.mm == pytest.approx(30, abs=0.1)
    assert section.right_margin.mm == pytest.approx(15, abs=0.1)


def test_every_run_is_times_new_roman_black_for_every_script(document):
    runs = all_runs(document)
    assert len(runs) > 30
    for run in runs:
        fonts = run._r.rPr.find(qn("w:rFonts"))
        assert run.font.name == FONT
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {FONT}
        assert str(run.font.color.rgb) == "000000"
    normal = document.styles["Normal"]
    assert normal.font.name == FONT
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == FONT
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == FONT
    assert defaults.find(qn("w:rFonts")).get(qn("w:asciiTheme")) is None  # a theme font would win


def test_page_numbers_centred_in_the_header_from_page_two(document):
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" in "".join(t.text for t in header._p.iter(qn("w:instrText")))
    assert {run.font.size for run in header.runs} == {Pt(13)}
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert not list(first._element.iter(qn("w:instrText"))) and not flat("".join(p.text for p in first.paragraphs))


# --- Header ---------------------------------------------------------------------------------------

def test_header_is_a_borderless_two_column_table(document):
    table = document.tables[0]
    assert len(table.columns) == 2 and len(table.rows) == 1
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}


def test_left_block_agency_names_line_and_number(document):
    left = document.tables[0].rows[0].cells[0]
    paragraphs = left.paragraphs
    parent = find(paragraphs, "UBND TỈNH TUYÊN QUANG")
    assert not any(run.bold for run in parent.runs) and {r.font.size for r in parent.runs} == {Pt(13)}
    agency = find(paragraphs, "ỦY BAN NHÂN DÂN XÃ THƯỢNG LÂM")
    assert agency.text == "ỦY BAN NHÂN DÂN\nXÃ THƯỢNG LÂM"  # broken where the halves are even
    assert all(run.bold for run in agency.runs) and {r.font.size for r in agency.runs} == {Pt(13)}
    assert agency.alignment == WD_ALIGN_PARAGRAPH.CENTER
    line = next_paragraph(paragraphs, agency)
    assert border_top(line).get(qn("w:val")) == "single" and not line.text
    agency_width = text_width_cm("ỦY BAN NHÂN DÂN", 13, bold=True)
    length = line_length_cm(line, left.width.cm - 0.38)
    assert agency_width / 3 <= length <= agency_width / 2  # a third to a half of the text
    number = find(paragraphs, "Số: 45/QĐ-UBND")
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER and {r.font.size for r in number.runs} == {Pt(13)}


def test_right_block_national_title_motto_line_and_date(document):
    right = document.tables[0].rows[0].cells[1]
    paragraphs = right.paragraphs
    national = find(paragraphs, NATIONAL)
    assert all(run.bold for run in national.runs)
    assert all(Pt(12) <= run.font.size <= Pt(13) for run in national.runs)
    motto = find(paragraphs, MOTTO)
    assert all(run.bold for run in motto.runs) and motto.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(Pt(13) <= run.font.size <= Pt(14) for run in motto.runs)
    line = next_paragraph(paragraphs, motto)
    assert border_top(line) is not None
    motto_width = text_width_cm(MOTTO, motto.runs[0].font.size.pt, bold=True)
    assert line_length_cm(line, right.width.cm - 0.38) == pytest.approx(motto_width, abs=0.05)
    date_line = find(paragraphs, "Tuyên Quang, ngày 05 tháng 01 năm 2026")
    assert all(run.italic for run in date_line.runs)
    assert all(Pt(13) <= run.font.size <= Pt(14) for run in date_line.runs)


# --- Title and body -------------------------------------------------------------------------------

def test_title_summary_and_authority_bold_centred(document):
    paragraphs = document.paragraphs
    for text in ("QUYẾT ĐỊNH", "Về việc thành lập Tổ công nghệ số cộng đồng thôn Nà Khà",
                 "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ THƯỢNG LÂM", "QUYẾT ĐỊNH:"):
        paragraph = find(paragraphs, text)
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER, text
        assert all(run.bold for run in paragraph.runs), text
        assert all(Pt(13) <= run.font.size <= Pt(14) for run in paragraph.runs), text
    summary = find(paragraphs, "Về việc thành lập Tổ công nghệ số cộng đồng thôn Nà Khà")
    assert border_top(next_paragraph(paragraphs, summary)) is not None


def test_preamble_italic_and_body_justified_with_first_line_indent(document):
    paragraphs = document.paragraphs
    preamble = find(paragraphs, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;")
    assert all(run.italic for run in preamble.runs)
    body = [p for p in paragraphs if p.text.startswith(("Căn cứ", "Xét", "Điều"))]
    assert len(body) == 5
    for paragraph in body:
        fmt = paragraph.paragraph_format
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert fmt.first_line_indent == Cm(1.27)
        assert fmt.space_after >= Pt(6)
        assert 1.15 <= fmt.line_spacing <= 1.5
        assert all(Pt(13) <= run.font.size <= Pt(14) for run in paragraph.runs)


def test_article_lead_is_bold_and_the_rest_is_not(document):
    article = next(p for p in document.paragraphs if p.text.startswith("Điều 1."))
    assert article.runs[0].text == "Điều 1." and article.runs[0].bold
    assert not any(run.bold for run in article.runs[1:])
    assert flat("".join(r.text for r in article.runs[1:])).startswith("Thành lập Tổ")


# --- Signature and recipients ---------------------------------------------------------------------

def test_signature_and_recipients_are_one_row_that_cannot_split(document):
    table = document.tables[1]
    row = table.rows[0]
    assert len(table.rows) == 1
    assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    assert {edge.get(qn("w:val")) for edge in table._tbl.tblPr.find(qn("w:tblBorders"))} == {"nil"}
    left, right = row.cells

    heading = left.paragraphs[0]
    assert heading.text == "Nơi nhận:"
    assert all(run.bold and run.italic and run.font.size == Pt(12) for run in heading.runs)
    lines = left.paragraphs[1:]
    assert [p.text for p in lines] == ["- Như Điều 3;", "- Chủ tịch, các PCT UBND xã;", "- Lưu: VT, VHXH."]
    assert all(run.font.size == Pt(11) and not run.bold for p in lines for run in p.runs)
    assert all(p.text.startswith("-") and p.text.endswith(";") for p in lines[:-1])
    assert lines[-1].text.startswith("- Lưu: VT") and lines[-1].text.endswith(".")

    texts = [p.text for p in right.paragraphs if p.text]
    assert texts == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Ma Văn Tiến"]
    assert all(run.bold for p in right.paragraphs for run in p.runs)
    assert len(right.paragraphs) >= 7  # room for the signature and the seal


def test_the_last_article_stays_with_the_signature(document):
    last = next(p for p in document.paragraphs if p.text.startswith("Điều 3."))
    assert last.paragraph_format.keep_with_next


# --- Annex ----------------------------------------------------------------------------------------

def test_annex_starts_a_new_page_with_title_reference_and_bordered_table(document):
    paragraphs = document.paragraphs
    title = next(p for p in paragraphs if p.text.startswith("DANH SÁCH"))
    assert title.paragraph_format.page_break_before
    assert all(run.bold for run in title.runs) and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    subtitle = next_paragraph(paragraphs, title)
    assert flat(subtitle.text).startswith("(Kèm theo Quyết định số 45/QĐ-UBND ngày 05/01/2026")
    assert all(run.italic for run in subtitle.runs)

    table = document.tables[2]
    assert {edge.get(qn("w:val")) for edge in table._tbl.tblPr.find(qn("w:tblBorders"))} == {"single"}
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    assert [c.text for c in header.cells] == ["STT", "Họ và tên", "Năm sinh"]
    assert all(run.bold for c in header.cells for p in c.paragraphs for run in p.runs)
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [["1", "Giàng Seo Chứ", "1985"],
                                                                       ["2", "Triệu Thị Nhất", ""]]
    assert table.rows[1].cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert table.rows[1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT


# --- Variants -------------------------------------------------------------------------------------

def test_a_draft_leaves_number_date_and_signer_blank():
    document = read(decision(number="      /QĐ-UBND", signed_on=None, year=2026, signer_name="",
                             parent_agency=""))
    left, right = document.tables[0].rows[0].cells
    assert any(p.text == "Số:       /QĐ-UBND" for p in left.paragraphs)
    assert any(p.text == "Tuyên Quang, ngày      tháng      năm 2026" for p in right.paragraphs)
    assert not any("TUYÊN QUANG" in p.text for p in left.paragraphs)  # no parent agency
    signature = document.tables[1].rows[0].cells[1]
    assert [p.text for p in signature.paragraphs if p.text] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_a_report_has_no_authority_decision_line_or_annex():
    document = read(decision(doc_type="BÁO CÁO", summary="Kết quả hoạt động tháng 01 năm 2026", authority="",
                             preamble=[], decision_line="", annex=None,
                             body=["1. Tổ đã hướng dẫn 120 lượt người dân cài đặt VNeID."],
                             signature_prefix="", signer_title="TỔ TRƯỞNG", signer_name="Giàng Seo Chứ"))
    texts = [flat(p.text) for p in document.paragraphs]
    assert "BÁO CÁO" in texts and "QUYẾT ĐỊNH:" not in texts
    assert not any(t.startswith("DANH SÁCH") for t in texts)
    assert len(document.tables) == 2
    body = find(document.paragraphs, "1. Tổ đã hướng dẫn 120 lượt người dân cài đặt VNeID.")
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY and not any(run.bold for run in body.runs)


def test_the_generic_decision_passes_the_shared_layout_checks():
    check_official_layout(render_docx(decision()))
