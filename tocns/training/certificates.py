"""The "Giấy chứng nhận" a member receives when he passes a course's test, as a .docx in the official
layout (tocns.lib.officialdoc, ../shared/DOCUMENT-FORMAT.md): issued by the course's organiser (the
Department of Science and Technology, or the partner enterprise that runs the course), with the
holder's name, his team, the course, its topic, the day, the score, the number and the verification
code that the public page (/tap-huan/xac-minh/<code>/) answers for."""

from django.utils.translation import gettext as _

from tocns.lib.officialdoc import OfficialDocument, date_phrase, render_docx
from tocns.teams.documents import bare_name, name_in_text, province_name
from tocns.teams.models import Membership

from .models import Certificate


def certificate_document(certificate: Certificate, *, verify_url: str) -> OfficialDocument:
    course, person = certificate.course, certificate.person
    province = certificate.province
    partner_run = course.partner_id is not None
    membership = (Membership.objects.filter(person=person, team__commune_id=certificate.commune_id)
                  .select_related("team__unit").order_by("end_date", "-start_date").first())
    team = (_("Tổ công nghệ số cộng đồng %(unit)s") % {"unit": name_in_text(membership.team.unit)}
            if membership else _("Tổ công nghệ số cộng đồng %(unit)s") % {"unit": name_in_text(certificate.commune)})
    body = [
        _("Chứng nhận Ông/Bà: %(name)s") % {"name": person.full_name},
        _("Thành viên %(team)s, %(commune)s, %(province)s.") % {
            "team": team, "commune": name_in_text(certificate.commune), "province": province_name(province)},
        _("Đã hoàn thành khóa tập huấn “%(course)s”, chủ đề “%(topic)s”, và đạt bài kiểm tra cuối khóa "
          "%(score)s/100 điểm (điểm đạt %(mark)s) %(day)s.") % {
            "course": course.title, "topic": certificate.topic.name, "score": certificate.score,
            "mark": certificate.attempt.quiz.pass_mark if certificate.attempt_id else "",
            "day": date_phrase(certificate.issued_on)},
        _("Mã xác minh: %(code)s. Tra cứu tính hợp lệ của giấy chứng nhận tại %(url)s") % {
            "code": certificate.code, "url": verify_url},
    ]
    if certificate.revoked_at is not None:
        body.append(_("Giấy chứng nhận này đã bị thu hồi: %(reason)s") % {"reason": certificate.revoke_reason})
    return OfficialDocument(
        parent_agency="" if partner_run else _("UBND %(province)s") % {"province": province_name(province).upper()},
        issuing_agency=certificate.issuer.upper(),
        number=certificate.number,
        place=bare_name(province),
        signed_on=certificate.issued_on,
        doc_type=_("GIẤY CHỨNG NHẬN"),
        summary=_("Hoàn thành khóa tập huấn %(course)s") % {"course": course.title},
        body=body,
        signer_title=_("THỦ TRƯỞNG ĐƠN VỊ") if partner_run else _("GIÁM ĐỐC"),
        recipients=[_("- Ông/Bà %(name)s;") % {"name": person.full_name},
                    _("- UBND %(commune)s;") % {"commune": name_in_text(certificate.commune)},
                    _("- Lưu: VT.")],
        core_title=_("Giấy chứng nhận số %(number)s") % {"number": certificate.number},
    )


def certificate_docx(certificate: Certificate, *, verify_url: str) -> bytes:
    return render_docx(certificate_document(certificate, verify_url=verify_url))
