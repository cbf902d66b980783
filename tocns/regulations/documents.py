"""The commune chairman's decision issuing the team's operating regulation, with the regulation as
its annex (Decree 30/2020 layout, through tocns.lib.officialdoc).

officialdoc's annex holds a title and a table; a regulation is chapters and articles, so the
articles are appended after the annex heading with officialdoc's own paragraph helpers (same font,
sizes, indent and spacing as a decision's body). Always in Vietnamese: it is the state's document."""

import io
from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from tocns.lib import officialdoc
from tocns.lib.officialdoc import Annex, OfficialDocument, numeric_date, render_docx
from tocns.teams.documents import bare_name, committee_name, name_in_text, province_name

from .articles import blocks
from .models import Adoption


def team_of(commune) -> str:
    return _("Tổ công nghệ số cộng đồng %(commune)s") % {"commune": name_in_text(commune)}


def adoption_decision(adoption: Adoption, *, number: str = "", signed_on: date | None = None,
                      signer_name: str = "") -> bytes:
    """The draft (blank number and date) or, once recorded, the decision as signed."""
    with translation.override("vi"):
        number = number or adoption.decision_number
        signed_on = signed_on or adoption.signed_on
        signer_name = signer_name or adoption.signer_name
        document = adoption_document(adoption, number=number, signed_on=signed_on, signer_name=signer_name)
        content = render_docx(document)
        return _append_articles(content, adoption)


def adoption_document(adoption: Adoption, *, number: str = "", signed_on: date | None = None,
                      signer_name: str = "") -> OfficialDocument:
    commune, province, base = adoption.commune, adoption.province, adoption.base
    kind = commune.get_kind_display().lower()
    number = number.strip() or _("%(blank)s/QĐ-UBND") % {"blank": " " * 6}
    team = team_of(commune)
    committee = committee_name(commune)
    return OfficialDocument(
        parent_agency=_("UBND %(province)s") % {"province": province_name(province).upper()},
        issuing_agency=committee,
        number=number,
        place=bare_name(commune),
        signed_on=signed_on,
        doc_type=_("QUYẾT ĐỊNH"),
        summary=_("Về việc ban hành Quy chế hoạt động của %(team)s") % {"team": team},
        authority=_("CHỦ TỊCH %(committee)s") % {"committee": committee},
        preamble=[
            _("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"),
            _("Căn cứ Quyết định thành lập Tổ công nghệ số cộng đồng trên địa bàn %(kind)s;") % {"kind": kind},
            _("Căn cứ Quy chế hoạt động mẫu của Tổ công nghệ số cộng đồng (phiên bản %(label)s, ngày %(day)s) "
              "do Sở Khoa học và Công nghệ %(province)s hướng dẫn;") % {
                "label": base.label, "day": numeric_date(base.issued_on), "province": province_name(province)},
            _("Xét đề nghị của Phòng Văn hóa và Xã hội."),
        ],
        decision_line=_("QUYẾT ĐỊNH:"),
        body=[
            _("Điều 1. Ban hành kèm theo Quyết định này Quy chế hoạt động của %(team)s.") % {"team": team},
            _("Điều 2. Quyết định này có hiệu lực kể từ ngày ký."),
            _("Điều 3. Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân %(kind)s, Trưởng phòng Văn hóa và "
              "Xã hội, Tổ trưởng các Tổ công nghệ số cộng đồng trên địa bàn %(kind)s và các cơ quan, đơn vị, cá "
              "nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.") % {"kind": kind},
        ],
        signer_title=_("CHỦ TỊCH"),
        signer_name=signer_name,
        recipients=[
            _("- Như Điều 3;"),
            _("- Sở Khoa học và Công nghệ (b/c);"),
            _("- TT Đảng ủy, HĐND %(kind)s (b/c);") % {"kind": kind},
            _("- Chủ tịch, các PCT UBND %(kind)s;") % {"kind": kind},
            _("- Lưu: VT, VHXH."),
        ],
        annex=Annex(
            title=_("Quy chế hoạt động\ncủa %(team)s") % {"team": team},
            subtitle=_("(Ban hành kèm theo Quyết định số %(number)s ngày %(date)s\ncủa Chủ tịch UBND %(commune)s)") % {
                "number": number, "date": numeric_date(signed_on), "commune": name_in_text(commune)},
        ),
        core_title=_("Quyết định ban hành Quy chế hoạt động của %(team)s") % {"team": team},
    )


def _append_articles(content: bytes, adoption: Adoption) -> bytes:
    document = Document(io.BytesIO(content))
    parts = blocks(adoption.text)
    if not parts:  # the commune adopted the model's own file as it is
        officialdoc._body_paragraph(document, _(
            "Nội dung Quy chế theo Quy chế hoạt động mẫu phiên bản %(label)s của Sở Khoa học và Công nghệ "
            "(tệp kèm theo).") % {"label": adoption.base.label})
    for block in parts:
        if block.kind == "chapter":
            officialdoc._paragraph(document, block.text, size=officialdoc.TITLE_SIZE, bold=True, before=12, after=6,
                                   keep_with_next=True)
        elif block.kind == "article":
            officialdoc._paragraph(document, block.text, size=officialdoc.BODY_SIZE, bold=True,
                                   align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=officialdoc.BODY_SPACE_AFTER_PT,
                                   line_spacing=officialdoc.BODY_LINE_SPACING,
                                   first_line=officialdoc.BODY_FIRST_LINE_INDENT, keep_with_next=True)
        else:
            officialdoc._body_paragraph(document, block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
