import datetime
import io
import re

import docx
import pytest
from django.utils import timezone, translation
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from tocns.geo.models import UnitKind
from tocns.reports import selectors
from tocns.reports.narrative import (
    draft_narrative,
    report_zalo_summary,
    rollup_report_docx,
    vn_number,
    zalo_summary,
)
from tocns.reports.periods import month_period, parse_period

from ..factories import make_team, make_unit
from .factories import established_long_ago, submit_report, village_form

pytestmark = pytest.mark.django_db

DIFFICULTY = ("Sóng điện thoại yếu ở xóm Khuổi Hoa, người dân phải ra đầu bản mới cài được VNeID; nhiều cụ cao "
              "tuổi không có điện thoại thông minh, tổ phải mượn máy của con cháu để hướng dẫn.")
PROPOSAL = "Đề nghị nhà mạng lắp thêm trạm phát sóng."
MARKDOWN = re.compile(r"\*|_|#|`|\[|\]|^\s*[-+>] |^\s*\d+\. ", re.MULTILINE)


class Clock:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.set(datetime.datetime(2026, 11, 20, 10, 0))

    def set(self, moment):
        aware = timezone.make_aware(moment)
        self.monkeypatch.setattr(timezone, "now", lambda: aware)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def october(world, clock):
    """Thôn Nà Khà reports on time, Tổ dân phố số 1 late, Thôn Khuổi Đăm not at all; both
    communes' own teams report their shares."""
    teams = {
        "a1": established_long_ago(make_team(world, world.village_a1, members=1)),
        "a2": established_long_ago(make_team(world, world.village_a2, members=1)),
        "xa": established_long_ago(make_team(world, world.commune_a, members=1)),
        "b1": established_long_ago(make_team(world, world.village_b1, members=1)),
        "xb": established_long_ago(make_team(world, world.commune_b, members=1)),
    }
    clock.set(datetime.datetime(2026, 10, 25, 9, 0))
    submit_report(teams["a1"], 2026, 10, {"CQ01": "1.200", "TT01": "3", "KT02": "4", "XH03": "0"},
                  texts={"difficulties": DIFFICULTY, "proposals": PROPOSAL, "results": "Tổ đi từng nhà."})
    submit_report(teams["xa"], 2026, 10, {"CQ01": "34", "HT01.SO": "300", "HT01.TONG": "400"})
    clock.set(datetime.datetime(2026, 11, 2, 8, 0))
    submit_report(teams["b1"], 2026, 10, {"CQ01": "20", "TT01": "1"},
                  texts={"difficulties": "Thiếu điện thoại để hướng dẫn mẫu."})
    submit_report(teams["xb"], 2026, 10, {"HT01.SO": "50", "HT01.TONG": "600"})
    clock.set(datetime.datetime(2026, 11, 20, 10, 0))
    return teams


def province_figures(world):
    period = parse_period("2026-10")
    return (selectors.rollup(unit=world.province, period=period),
            selectors.completeness(form=village_form(), period=period, unit=world.province),
            selectors.quoted_texts(unit=world.province, period=period))


def commune_figures(world):
    period = parse_period("2026-10")
    return (selectors.rollup(unit=world.commune_a, period=period),
            selectors.completeness(form=village_form(), period=period, unit=world.commune_a),
            selectors.quoted_texts(unit=world.commune_a, period=period))


def flat(text: str) -> str:
    return " ".join(text.split())


def read(data: bytes):
    return docx.Document(io.BytesIO(data))


def texts(cell_or_document) -> list[str]:
    return [flat(p.text) for p in cell_or_document.paragraphs if p.text.strip()]


def table_rows(table) -> list[list[str]]:
    return [[flat(c.text) for c in row.cells] for row in table.rows]


def test_vietnamese_numbers():
    assert [vn_number(n) for n in (0, 7, 1234, 1234567)] == ["0", "7", "1.234", "1.234.567"]
    assert vn_number("12.5") == "12,5" and vn_number("35", 1) == "35,0" and vn_number("1234.5", 1) == "1.234,5"


# ---- Zalo --------------------------------------------------------------------------------------

def test_zalo_text_gives_the_figures_the_missing_teams_and_no_markdown(world, october):
    rollup, completeness, _texts = province_figures(world)
    text = zalo_summary(rollup, completeness)
    lines = text.split("\n")
    assert lines[0] == "Tổng hợp báo cáo Tổ CNSCĐ tỉnh Tuyên Quang – tháng 10/2026"
    assert lines[1] == "Số liệu tính đến 10:00 20/11/2026"
    assert "Báo cáo đã gửi: 2/3" in lines
    assert "Đúng hạn: 1 – Trễ hạn: 1 – Chưa gửi: 1" in lines
    assert "• Thôn Khuổi Đăm (xã Thượng Lâm)" in lines
    assert "Chính quyền số:" in lines
    assert "• Hướng dẫn 1.254 người cài đặt, kích hoạt định danh điện tử VNeID mức 2" in lines
    assert "• Tổ chức 4 buổi tuyên truyền về chuyển đổi số" in lines
    assert "• Đưa 4 sản phẩm OCOP, sản phẩm địa phương lên nền tảng số" in lines
    assert "• Hướng dẫn 0 người dùng ứng dụng VssID" in lines  # zero is a figure
    assert ("• Tỷ lệ người trưởng thành có điện thoại thông minh đạt 35,0% (350/1.000 người)") in lines
    assert "Tuyên truyền:" in lines and lines.index("Tuyên truyền:") < lines.index("Chính quyền số:")
    assert "Kinh tế số:" in lines and "Xã hội số:" in lines
    assert "Hoạt động của tổ:" not in lines  # nobody gave TO01
    assert "CQ02" not in text and "hồ sơ" not in text  # a missing figure is left out, not 0
    assert "Số người trưởng thành" not in text  # the share's parts are given with it
    assert not MARKDOWN.search(text)
    assert max(len(line) for line in lines) <= 90  # short lines for a phone


def test_zalo_text_of_a_commune_names_its_villages(world, october):
    rollup, completeness, _texts = commune_figures(world)
    text = zalo_summary(rollup, completeness)
    lines = text.split("\n")
    assert lines[0] == "Tổng hợp báo cáo Tổ CNSCĐ xã Thượng Lâm – tháng 10/2026"
    assert "Báo cáo đã gửi: 1/2" in lines and "• Thôn Khuổi Đăm" in lines
    assert "• Hướng dẫn 1.234 người cài đặt, kích hoạt định danh điện tử VNeID mức 2" in lines
    without = zalo_summary(rollup)
    assert "Báo cáo đã gửi" not in without and "Hướng dẫn 1.234 người" in without


def test_zalo_text_of_an_empty_period(world):
    rollup = selectors.rollup(unit=world.province, period=parse_period("2026-Q3"))
    text = zalo_summary(rollup)
    assert "quý III/2026" in text.split("\n")[0] and "Chưa có số liệu trong kỳ." in text


def test_one_teams_report_for_zalo(world, october):
    report = october["a1"].reports.get(period_key="2026-10")
    text = report_zalo_summary(report)
    lines = text.split("\n")
    assert lines[0] == "Báo cáo tháng 10/2026 – Tổ CNSCĐ thôn Nà Khà, xã Thượng Lâm"
    assert lines[1] == "Trạng thái: Đã gửi (gửi lúc 09:00 25/10/2026, đúng hạn)"
    assert "• Hướng dẫn 1.200 người cài đặt, kích hoạt định danh điện tử VNeID mức 2" in lines
    assert "Kết quả nổi bật: Tổ đi từng nhà." in lines
    assert "Đề xuất, kiến nghị: " + PROPOSAL in lines
    difficulty = next(line for line in lines if line.startswith("Khó khăn, vướng mắc: "))
    assert difficulty.endswith("…") and len(difficulty) < len("Khó khăn, vướng mắc: ") + len(DIFFICULTY)
    assert not MARKDOWN.search(text)
    shares = report_zalo_summary(october["xb"].reports.get())
    assert "late" not in shares and "trễ hạn" in shares.split("\n")[1]
    assert "Tỷ lệ người trưởng thành có điện thoại thông minh đạt 8,3% (50/600 người)" in shares


# ---- the Word report ---------------------------------------------------------------------------

def test_the_provinces_report_to_the_peoples_committee(world, october):
    rollup, completeness, quoted = province_figures(world)
    document = read(rollup_report_docx(rollup, completeness, texts=quoted))
    left, right = document.tables[0].rows[0].cells
    assert texts(left) == ["UBND TỈNH TUYÊN QUANG", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số: /BC-SKHCN"]
    assert any(p.text == "Số:       /BC-SKHCN" for p in left.paragraphs)  # room to write the number
    assert texts(right)[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert texts(right)[2].startswith("Tuyên Quang, ngày")
    body = texts(document)
    assert body[:2] == ["BÁO CÁO", "Kết quả hoạt động của Tổ công nghệ số cộng đồng tháng 10/2026"]
    everything = " ".join(body)
    assert "Sở Khoa học và Công nghệ báo cáo kết quả hoạt động" in everything
    assert "có 3 tổ phải gửi báo cáo; đã gửi 2/3 báo cáo (đạt 66,7%)" in everything
    assert "1 báo cáo đúng hạn, 1 báo cáo trễ hạn; còn 1 tổ chưa gửi" in everything
    assert "Các đơn vị chưa gửi báo cáo: xã Thượng Lâm (1 tổ)." in body
    assert "hướng dẫn 1.254 người cài đặt, kích hoạt định danh điện tử VNeID mức 2" in everything
    assert "tỷ lệ người trưởng thành có điện thoại thông minh đạt 35,0% (350/1.000 người)" in everything
    ranking = next(p for p in body if "thực hiện tốt" in p)
    good, weak = ranking.split("cần tập trung")
    assert "phường Minh Xuân (gửi 1/1 báo cáo" in good and "xã Thượng Lâm (gửi 1/2 báo cáo" in weak
    assert "hướng dẫn 1.234 lượt người" in weak  # VNeID 1.234 + VssID 0
    assert f"- Thôn Nà Khà (Xã Thượng Lâm): “{DIFFICULTY}”" in body
    assert "- Tổ dân phố số 1 (Phường Minh Xuân): “Thiếu điện thoại để hướng dẫn mẫu.”" in body
    assert f"- Thôn Nà Khà (Xã Thượng Lâm): “{PROPOSAL}”" in body
    headings = [p for p in body if re.match(r"^[IV]+\. ", p)]
    assert headings == ["I. TÌNH HÌNH GỬI BÁO CÁO", "II. KẾT QUẢ HOẠT ĐỘNG",
                        "III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT CỦA CÁC TỔ",
                        "IV. NHIỆM VỤ THỜI GIAN TỚI VÀ ĐỀ XUẤT, KIẾN NGHỊ"]
    assert body.index("II. KẾT QUẢ HOẠT ĐỘNG") < body.index("Bảng: Số liệu các chỉ số chính tháng 10/2026") < (
        body.index("III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT CỦA CÁC TỔ"))
    figures = table_rows(document.tables[1])
    assert figures[0] == ["STT", "Chỉ số", "Đơn vị tính", "Số liệu"]
    assert ["Số người được hướng dẫn cài đặt, kích hoạt định danh điện tử VNeID mức 2", "người",
            "1.254"] in [row[1:] for row in figures]
    assert ["Tỷ lệ người trưởng thành có điện thoại thông minh", "%", "35,0"] in [row[1:] for row in figures]
    assert ["Số người được hướng dẫn dùng ứng dụng VssID", "người", "0"] in [row[1:] for row in figures]
    assert not any("hồ sơ" in row[1] for row in figures)  # CQ02 is missing, not 0
    signature, recipients = document.tables[2].rows[0].cells[1], document.tables[2].rows[0].cells[0]
    assert texts(signature) == ["GIÁM ĐỐC"]
    assert texts(recipients)[:2] == ["Nơi nhận:", "- UBND tỉnh (b/c);"] and texts(recipients)[-1] == "- Lưu: VT, CĐS."


def test_a_communes_report_to_the_province(world, october):
    rollup, completeness, quoted = commune_figures(world)
    document = read(rollup_report_docx(rollup, completeness, texts=quoted))
    left, right = document.tables[0].rows[0].cells
    assert texts(left) == ["UBND TỈNH TUYÊN QUANG", "ỦY BAN NHÂN DÂN XÃ THƯỢNG LÂM", "Số: /BC-UBND"]
    assert texts(right)[2].startswith("Thượng Lâm, ngày")
    body = texts(document)
    assert body[0] == "BÁO CÁO"
    everything = " ".join(body)
    assert "Ủy ban nhân dân xã Thượng Lâm báo cáo kết quả hoạt động" in everything
    assert "trên địa bàn xã tháng 10/2026" in everything
    assert "Các đơn vị chưa gửi báo cáo: Thôn Khuổi Đăm." in body
    assert "hướng dẫn 1.234 người cài đặt" in everything
    assert not any("thực hiện tốt" in p for p in body)  # communes are ranked only for the province
    assert f"- Thôn Nà Khà: “{DIFFICULTY}”" in body and "Tổ dân phố số 1" not in everything
    assert texts(document.tables[2].rows[0].cells[1]) == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    recipients = texts(document.tables[2].rows[0].cells[0])
    assert "- UBND tỉnh (b/c);" in recipients and recipients[-1] == "- Lưu: VT, VHXH."


def test_the_draft_narrative_and_the_officers_edit(world, october):
    rollup, completeness, quoted = province_figures(world)
    draft = draft_narrative(rollup, completeness)
    paragraphs = draft.split("\n\n")
    assert all(p.strip() and "\n" not in p for p in paragraphs)
    assert paragraphs[1] == "I. TÌNH HÌNH GỬI BÁO CÁO" and "II. KẾT QUẢ HOẠT ĐỘNG" in paragraphs
    assert "hướng dẫn 1.254 người" in draft and "III." not in draft  # quotes and next steps stay fixed
    edited = ("Thực hiện Kế hoạch số 10/KH-UBND, Sở báo cáo như sau:\r\n\r\n"
              "I. TÌNH HÌNH CHUNG\r\n\r\nCác tổ đã gửi gần đủ báo cáo; Sở đã gọi điện nhắc xã Thượng Lâm.\n"
              "II. KẾT QUẢ\n\n\nĐã hướng dẫn hơn một nghìn người dân kích hoạt VNeID.")
    document = read(rollup_report_docx(rollup, completeness, texts=quoted, narrative=edited))
    body = texts(document)
    assert body[2:7] == ["Thực hiện Kế hoạch số 10/KH-UBND, Sở báo cáo như sau:", "I. TÌNH HÌNH CHUNG",
                         "Các tổ đã gửi gần đủ báo cáo; Sở đã gọi điện nhắc xã Thượng Lâm.", "II. KẾT QUẢ",
                         "Đã hướng dẫn hơn một nghìn người dân kích hoạt VNeID."]
    everything = " ".join(body)
    assert "đã gửi 2/3 báo cáo" not in everything and "hướng dẫn 1.254 người" not in everything
    assert ["Số người được hướng dẫn cài đặt, kích hoạt định danh điện tử VNeID mức 2", "người",
            "1.254"] in [row[1:] for row in table_rows(document.tables[1])]  # the table stays
    assert f"- Thôn Nà Khà (Xã Thượng Lâm): “{DIFFICULTY}”" in body
    heading = next(p for p in document.paragraphs if p.text == "I. TÌNH HÌNH CHUNG")
    assert all(run.bold for run in heading.runs)
    blank = read(rollup_report_docx(rollup, completeness, texts=quoted, narrative="  \n "))
    assert "I. TÌNH HÌNH GỬI BÁO CÁO" in texts(blank)  # an emptied box falls back to the draft


def test_layout_follows_the_decree(world, october):
    rollup, completeness, quoted = province_figures(world)
    document = read(rollup_report_docx(rollup, completeness, texts=quoted))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    assert section.different_first_page_header_footer
    assert document.tables[2].rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    cells = [cell for table in document.tables for row in table.rows for cell in row.cells]
    runs = [run for p in document.paragraphs for run in p.runs] + [
        run for cell in cells for p in cell.paragraphs for run in p.runs]
    assert {run.font.name for run in runs} == {"Times New Roman"}
    title = next(p for p in document.paragraphs if p.text == "BÁO CÁO")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and all(r.bold and r.font.size.pt == 14 for r in title.runs)
    body = [p for p in document.paragraphs if p.text.startswith(("Thực hiện", "Theo mẫu", "Trên đây"))]
    assert len(body) == 3
    for paragraph in body:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert 1.0 <= paragraph.paragraph_format.first_line_indent.cm <= 1.27
        assert paragraph.paragraph_format.space_after.pt >= 6
        assert {run.font.size.pt for run in paragraph.runs} <= {13, 14}
    figures = document.tables[1]
    assert figures.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    widths = [column.width.cm for column in figures.columns]
    assert abs(sum(widths) - 16.5) < 0.05 and widths[1] >= 8  # the names have the room
    assert body[-1].text.endswith("./.")
    assert document.core_properties.title == (
        "Báo cáo kết quả hoạt động của Tổ công nghệ số cộng đồng tỉnh Tuyên Quang tháng 10/2026")


def test_the_report_is_in_vietnamese_whatever_the_page_language(world, october):
    rollup, completeness, quoted = province_figures(world)
    with translation.override("en"):
        document = read(rollup_report_docx(rollup, completeness, texts=quoted))
        text = zalo_summary(rollup, completeness)
    assert texts(document)[0] == "BÁO CÁO" and text.startswith("Tổng hợp báo cáo")


def test_an_empty_period_still_makes_a_report(world):
    period = month_period(2026, 7)
    rollup = selectors.rollup(unit=world.province, period=period)
    completeness = selectors.completeness(form=village_form(), period=period, unit=world.province)
    document = read(rollup_report_docx(rollup, completeness, texts=[]))
    body = texts(document)
    assert "Trong tháng 07/2026 chưa có số liệu kết quả hoạt động được gửi lên." in body
    assert "Chưa có số liệu trong kỳ." in body
    assert "Trong kỳ, các tổ chưa phản ánh khó khăn, vướng mắc." in body


def test_long_lists_of_missing_units_are_cut_and_counted(world):
    for n in range(12):
        commune = make_unit(name=f"Xã Thử Nghiệm {n:02d}", kind=UnitKind.XA, parent=world.province, code=f"0990{n:02d}")
        for v in range(n % 3 + 1):  # 1, 2 or 3 teams missing per commune
            village = make_unit(name=f"Thôn Bản {v + 1}", kind=UnitKind.THON, parent=commune)
            established_long_ago(make_team(world, village, members=1))
    rollup, completeness, quoted = province_figures(world)
    assert completeness.missing == 24
    lines = zalo_summary(rollup, completeness).split("\n")
    assert len([line for line in lines if line.startswith("• Thôn Bản")]) == 15
    assert "… và 9 đơn vị khác" in lines
    body = texts(read(rollup_report_docx(rollup, completeness, texts=quoted)))
    missing = next(p for p in body if "còn tổ chưa gửi báo cáo" in p)
    # The ten communes with the most teams missing (three each first, then two), then a count.
    assert missing.startswith("Có 12 xã, phường còn tổ chưa gửi báo cáo, nhiều nhất là xã Thử Nghiệm 02 (3 tổ); "
                              "xã Thử Nghiệm 05 (3 tổ);")
    assert missing.endswith("và 2 xã, phường khác.") and missing.count("(1 tổ)") == 2


def test_the_same_words_from_several_teams_are_quoted_once(world, october):
    rollup, completeness, _quoted = commune_figures(world)
    quoted = [("Thôn Nà Khà", "Thiếu  điện thoại.", ""), ("Thôn Khuổi Đăm", "Thiếu điện thoại.", "Cấp máy."),
              ("Xã Thượng Lâm", "", "Cấp máy.")]
    body = texts(read(rollup_report_docx(rollup, completeness, texts=quoted)))
    assert "- Thôn Nà Khà, Thôn Khuổi Đăm: “Thiếu điện thoại.”" in body
    assert "- Thôn Khuổi Đăm, Xã Thượng Lâm: “Cấp máy.”" in body


def test_a_months_completeness_is_not_applied_to_a_quarter(world, october):
    period = parse_period("2026-Q4")
    rollup = selectors.rollup(unit=world.province, period=period)
    wrong = selectors.completeness(form=village_form(), period=period, unit=world.province)
    assert wrong.missing == 3  # no monthly report carries the quarter's key
    text = zalo_summary(rollup, wrong)
    assert "Chưa gửi" not in text and "• Hướng dẫn 1.254 người" in text
    assert text.split("\n")[0] == "Tổng hợp báo cáo Tổ CNSCĐ tỉnh Tuyên Quang – quý IV/2026"
    draft = draft_narrative(rollup, wrong)
    assert "phải gửi báo cáo" not in draft and "thực hiện tốt" not in draft
    assert "được tổng hợp từ 4 báo cáo đã gửi của các tổ" in draft


# ---- issue #17: what a clerk reads -------------------------------------------------------------

def test_the_table_gives_indicator_names_under_the_pillars_never_codes(world, october):
    rollup, completeness, quoted = province_figures(world)
    document = read(rollup_report_docx(rollup, completeness, texts=quoted))
    figures = table_rows(document.tables[1])
    cells = [cell for row in figures for cell in row]
    assert not any(re.fullmatch(r"[A-Z]{2}\d{2}(\.[A-Z]+)?", cell) for cell in cells)  # no HT01.TONG, CQ01
    assert "Tổng số người trưởng thành" in " ".join(cells) or "Số người trưởng thành" in " ".join(cells)
    groups = [row for row in figures[1:] if re.fullmatch(r"[IVX]+", row[0])]
    assert [row[1] for row in groups][:2] == ["TUYÊN TRUYỀN", "CHÍNH QUYỀN SỐ"]
    assert all(row[2:] == ["", ""] for row in groups)
    first = figures.index(groups[1])
    assert figures[first + 1][0] == "1" and figures[first + 1][1].startswith("Số người được hướng dẫn cài đặt")
    number_width = document.tables[1].columns[0].width.cm
    assert number_width < 2  # a small "STT" column, on one line


def test_the_counts_sentence_says_why_sent_and_counted_differ(world, october):
    from tocns.reports.choices import ReportStatus
    returned = october["b1"].reports.get(period_key="2026-10")
    returned.status = ReportStatus.RETURNED  # sent, then sent back by the commune for correction
    returned.save(update_fields=["status"])
    rollup, completeness, quoted = province_figures(world)
    assert (completeness.submitted, rollup.report_count) == (2, 3)  # 2 village reports sent; 1 + 2 communes' counted
    body = texts(read(rollup_report_docx(rollup, completeness, texts=quoted)))
    everything = " ".join(body)
    assert "đã gửi 2/3 báo cáo" in everything
    sentence = next(p for p in body if p.startswith("Số liệu trong báo cáo này"))
    assert "được tổng hợp từ 3 báo cáo của các tổ" in sentence
    assert "gồm 1 báo cáo của tổ thôn, tổ dân phố và 2 báo cáo của tổ cấp xã" in sentence
    assert "1 báo cáo đã gửi nhưng bị trả lại để sửa chưa được tính vào số liệu" in sentence
    lines = zalo_summary(rollup, completeness).split("\n")
    assert "Báo cáo đã gửi: 2/3" in lines and "Số liệu tổng hợp từ 3 báo cáo:" in lines
    assert "• 1 báo cáo của tổ thôn, tổ dân phố" in lines and "• 2 báo cáo của tổ cấp xã" in lines
    assert "• Chưa tính 1 báo cáo bị trả lại để sửa" in lines
    assert max(len(line) for line in lines) <= 90


def test_counts_that_agree_need_no_explaining(world, october):
    period = parse_period("2026-10")
    rollup = selectors.rollup(unit=world.commune_a, period=period)
    completeness = selectors.completeness(form=village_form(), period=period, unit=world.commune_a)
    rollup.level_counts = {village_form().level: rollup.level_counts.get(village_form().level, 0)}
    rollup.report_count = sum(rollup.level_counts.values())
    draft = draft_narrative(rollup, completeness)
    assert "được tổng hợp từ 1 báo cáo đã gửi của các tổ, tính đến" in draft and "tổ cấp xã" not in draft


TOPICS = ("Sóng 4G yếu ở xóm {n}, bà con phải ra đầu bản mới cài được.",
          "Nhiều người quên mật khẩu VNeID ở {n}, phải làm lại nhiều lần.",
          "Hộ kinh doanh ở {n} chưa quen thanh toán bằng mã QR.",
          "Tổ ở {n} chưa có kinh phí hoạt động, thành viên tự bỏ tiền xăng xe.")


@pytest.fixture
def many_difficulties(world, clock):
    """Ten communes (xã and phường, named "A…" to "J…" so the alphabet alone would pick the first),
    three villages each, every village with its own difficulty on one of four pillars."""
    clock.set(datetime.datetime(2026, 10, 25, 9, 0))
    for c in range(10):
        kind = UnitKind.PHUONG if c % 3 == 0 else UnitKind.XA
        commune = make_unit(name=f"{'Phường' if kind == UnitKind.PHUONG else 'Xã'} {chr(65 + c)} Thử", kind=kind,
                            parent=world.province, code=f"0991{c:02d}")
        for v in range(3):
            village = make_unit(name=f"Thôn {chr(65 + c)}{v}", kind=UnitKind.THON, parent=commune)
            team = established_long_ago(make_team(world, village, members=1))
            topic = TOPICS[(c + v) % len(TOPICS)].format(n=f"{chr(65 + c)}{v}")
            submit_report(team, 2026, 10, {"CQ01": "5"}, texts={"difficulties": topic, "proposals": ""})
    clock.set(datetime.datetime(2026, 11, 20, 10, 0))


def _quote_lines(body, heading, end):
    start = body.index(next(p for p in body if p.startswith(heading)))
    stop = body.index(next(p for p in body if p.startswith(end)))
    return body[start + 1:stop]


def test_quotes_are_spread_over_communes_and_pillars_with_the_count_of_the_rest(world, october, many_difficulties):
    rollup, completeness, quoted = province_figures(world)
    assert len(quoted) == 32  # every text, not the first 30 by name
    body = texts(read(rollup_report_docx(rollup, completeness, texts=quoted)))
    label = next(p for p in body if p.startswith("1. Khó khăn, vướng mắc các tổ phản ánh:"))
    assert "32 ý kiến của các tổ tại 12 xã, phường, trích một số ý kiến tiêu biểu:" in label
    lines = _quote_lines(body, "1. Khó khăn", "2. Đề xuất")
    quotes, rest = lines[:-1], lines[-1]
    assert len(quotes) == 8 and all(line.startswith("- ") and "“" in line for line in quotes)
    assert rest == "… và 24 ý kiến khác."
    communes = [re.search(r"\((Xã|Phường) ([^)]+)\)", line).group(2) for line in quotes]
    assert max(communes.count(name) for name in communes) <= 2 and len(set(communes)) >= 6
    assert any(c.startswith(("F", "G", "H", "I", "J")) for c in communes)  # not only the start of the alphabet
    for pillar_words in ("Sóng 4G", "mật khẩu VNeID", "mã QR", "kinh phí"):  # each pillar quoted
        assert any(pillar_words in q for q in quotes), pillar_words
    assert any("(Phường" in q for q in quotes) and any("(Xã" in q for q in quotes)
    again = texts(read(rollup_report_docx(rollup, completeness, texts=list(reversed(quoted)))))
    assert _quote_lines(again, "1. Khó khăn", "2. Đề xuất") == lines  # the same data, the same quotes
    proposals = _quote_lines(body, "2. Đề xuất", "IV.")
    assert proposals == [f"- Thôn Nà Khà (Xã Thượng Lâm): “{PROPOSAL}”"]  # one only: nothing else to count


def test_a_text_many_teams_wrote_names_three_and_counts_the_others(world, october):
    rollup, completeness, _quoted = province_figures(world)
    quoted = [(f"Thôn {n} (Xã Số {n})", "Thiếu điện thoại.", "", n, f"Xã Số {n}", "xa") for n in range(6)]
    body = texts(read(rollup_report_docx(rollup, completeness, texts=quoted)))
    assert "- Thôn 0 (Xã Số 0), Thôn 1 (Xã Số 1), Thôn 2 (Xã Số 2) và 3 tổ khác: “Thiếu điện thoại.”" in body
    assert not any("ý kiến khác" in p for p in body)
