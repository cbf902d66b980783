import datetime
import io

import docx
import pytest
from django.utils import translation
from docx.enum.text import WD_ALIGN_PARAGRAPH

from tocns.regulations.documents import adoption_decision

from .factories import issue, make_version, start

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def adoption(world):
    return start(world, make_version(world))


def test_the_annex_sets_chapters_centred_and_articles_bold_in_times_new_roman(adoption):
    document = docx.Document(io.BytesIO(adoption_decision(adoption)))
    paragraphs = document.paragraphs
    annex = next(i for i, p in enumerate(paragraphs) if flat(p.text).startswith("QUY CHẾ HOẠT ĐỘNG"))
    assert paragraphs[annex].paragraph_format.page_break_before
    after = [p for p in paragraphs[annex:] if p.text.strip()]
    chapter = next(p for p in after if p.text == "Chương I")
    assert chapter.alignment == WD_ALIGN_PARAGRAPH.CENTER and all(r.bold for r in chapter.runs)
    article = next(p for p in after if p.text.startswith("Điều 1."))
    assert article.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY and all(r.bold for r in article.runs)
    body = next(p for p in after if p.text.startswith("Quy chế này quy định"))
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY and not any(r.bold for r in body.runs)
    assert round(body.paragraph_format.first_line_indent.cm, 2) == 1.27
    for p in after:
        for run in p.runs:
            assert run.font.name == "Times New Roman" and run.font.size.pt == 14, p.text


def test_the_draft_leaves_number_and_date_blank_and_the_signed_one_fills_them(adoption):
    draft = [flat(p.text) for p in docx.Document(io.BytesIO(adoption_decision(adoption))).paragraphs]
    assert any(t.startswith("(Ban hành kèm theo Quyết định số /QĐ-UBND ngày / /") for t in draft)
    issued = issue(adoption, number="12/QĐ-UBND", signed_on=datetime.date(2026, 10, 5))
    document = docx.Document(io.BytesIO(adoption_decision(issued)))
    header = [flat(p.text) for cell in document.tables[0].rows[0].cells for p in cell.paragraphs]
    assert "Số: 12/QĐ-UBND" in header and "Thượng Lâm, ngày 05 tháng 10 năm 2026" in header
    texts = [flat(p.text) for p in document.paragraphs]
    assert "(Ban hành kèm theo Quyết định số 12/QĐ-UBND ngày 05/10/2026 của Chủ tịch UBND xã Thượng Lâm)" in texts
    assert any("phiên bản 1, ngày 01/09/2026" in t for t in texts)  # the model it started from


def test_the_decision_is_in_vietnamese_whatever_the_page_language(adoption):
    with translation.override("en"):
        texts = [flat(p.text) for p in docx.Document(io.BytesIO(adoption_decision(adoption))).paragraphs]
    assert "QUYẾT ĐỊNH" in texts


def test_a_model_given_only_as_a_file_is_adopted_as_it_is(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tocns.regulations import services

    settings.MEDIA_ROOT = tmp_path
    version = make_version(world, text="", file=SimpleUploadedFile("mau.pdf", b"%PDF-1.7 mau", "application/pdf"))
    adoption = start(world, version)
    adoption = services.adoption_update(adoption=adoption, title="Quy chế hoạt động", text="", was=adoption.version,
                                        by=world.officer_a)
    texts = [flat(p.text) for p in docx.Document(io.BytesIO(adoption_decision(adoption))).paragraphs]
    assert any("theo Quy chế hoạt động mẫu phiên bản 1" in t and "(tệp kèm theo)" in t for t in texts)
    assert issue(adoption).status == "issued"
