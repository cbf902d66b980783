"""Citizen feedback: received, forwarded, answered, closed. Each step records who and when; a
retried submission (same key) is stored once; a name and phone are kept only with consent."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record
from tocns.geo.models import AdminUnit
from tocns.lib.phone import normalize_phone
from tocns.lib.text import clean_spaces
from tocns.notify.models import NoticeKind
from tocns.notify.services import notify

from .models import Feedback, FeedbackEvent, FeedbackKind, FeedbackStatus, FieldworkRules, Service

CONSENT_VERSION = "2026-11"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud on the phone


def answer_days(province: AdminUnit) -> int:
    rules, _created = FieldworkRules.objects.get_or_create(province=province)
    return rules.feedback_answer_days


ANSWER_DAYS_MIN, ANSWER_DAYS_MAX = 1, 90


@transaction.atomic
def fieldwork_rules_update(*, province: AdminUnit, feedback_answer_days: int, was: int, by) -> FieldworkRules:
    """Change how many days an office has to answer feedback. Feedback received from now on gets the
    new deadline; what was received before keeps its own. `was` is the number the page showed: if
    another admin changed it since, the change is refused rather than silently overwriting theirs."""
    FieldworkRules.objects.get_or_create(province=province)
    rules = FieldworkRules.objects.select_for_update().get(province=province)
    days = feedback_answer_days
    if days is None or not ANSWER_DAYS_MIN <= days <= ANSWER_DAYS_MAX:
        raise ValidationError({"feedback_answer_days": [_("Số ngày từ %(low)s đến %(high)s.") % {
            "low": ANSWER_DAYS_MIN, "high": ANSWER_DAYS_MAX}]}, code="out_of_range")
    if was != rules.feedback_answer_days:
        raise ValidationError({"feedback_answer_days": [ValidationError(
            _("Trong lúc bạn sửa, người khác đã đổi hạn thành %(days)s ngày. Hãy xem lại; nếu vẫn muốn đổi, "
              "bấm Lưu lần nữa.") % {"days": rules.feedback_answer_days}, code="stale")]})
    if days == rules.feedback_answer_days:
        return rules
    old, rules.feedback_answer_days = rules.feedback_answer_days, days
    rules.save(update_fields=["feedback_answer_days"])
    audit_record(actor=by, action="fieldwork_rules.update", obj=rules, province_id=province.pk,
                 summary=_("Đổi hạn trả lời ý kiến từ %(old)s thành %(new)s ngày") % {"old": old, "new": days},
                 data={"feedback_answer_days": [old, days]})
    return rules


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(8))
        if not Feedback.objects.filter(code=code).exists():
            return code


@transaction.atomic
def feedback_submit(*, unit: AdminUnit, content: str, kind: str = FeedbackKind.OPINION, service: Service | None = None,
                    citizen_name: str = "", citizen_phone: str = "", consent: bool = False, channel: str,
                    submission_key: str, sender_hash: str = "", by=None) -> Feedback:
    existing = Feedback.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    errors = {}
    content = (content or "").strip()
    if len(content) < 10:
        errors["content"] = _("Hãy viết rõ nội dung (ít nhất 10 chữ cái).")
    if kind not in FeedbackKind.values:
        errors["kind"] = _("Hãy chọn loại ý kiến.")
    if unit is None or not unit.is_village or not unit.is_active:
        errors["unit"] = _("Hãy chọn thôn, tổ dân phố.")
    phone = ""
    if citizen_phone.strip():
        phone = normalize_phone(citizen_phone) or ""
        if not phone:
            errors["citizen_phone"] = _("Số điện thoại không đúng (ví dụ 0912 345 678).")
    if (citizen_name.strip() or phone) and not consent:
        errors["consent"] = _("Chỉ ghi họ tên, số điện thoại khi người đó đồng ý: hãy đánh dấu ô đồng ý, "
                              "hoặc để trống họ tên và số điện thoại.")
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    now = timezone.now()
    with_contact = bool(citizen_name.strip() or phone)
    feedback = Feedback.objects.create(
        code=_new_code(), kind=kind, service=service, content=content[:5000], unit=unit, province=unit.province,
        commune=unit.commune, citizen_name=clean_spaces(citizen_name)[:200] if with_contact else "",
        citizen_phone=phone, consent_at=now if with_contact else None,
        consent_version=CONSENT_VERSION if with_contact else "", channel=channel,
        recorded_by=by if getattr(by, "is_authenticated", False) else None, submission_key=submission_key,
        sender_hash=sender_hash, answer_due_on=timezone.localdate(now) + timedelta(days=answer_days(unit.province)))
    FeedbackEvent.objects.create(feedback=feedback, status=FeedbackStatus.RECEIVED, by=feedback.recorded_by)
    audit_record(actor=by, action="feedback.receive", obj=feedback,
                 summary=_("Tiếp nhận %(kind)s %(code)s") % {"kind": feedback.get_kind_display().lower(),
                                                            "code": feedback.code})
    return feedback


def _locked(feedback: Feedback, allowed: tuple) -> Feedback:
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.status not in allowed:
        raise ValidationError(_("Ý kiến này đang ở bước “%(status)s”: không làm được việc này.") % {
            "status": feedback.get_status_display()}, code="wrong_step")
    return feedback


def _step(feedback: Feedback, status: str, by, note: str) -> Feedback:
    feedback.status = status
    feedback.save()
    FeedbackEvent.objects.create(feedback=feedback, status=status, by=by, note=note)
    audit_record(actor=by, action=f"feedback.{status}", obj=feedback,
                 summary=_("%(status)s: %(code)s") % {"status": feedback.get_status_display(), "code": feedback.code})
    return feedback


@transaction.atomic
def feedback_forward(*, feedback: Feedback, to: str, by) -> Feedback:
    if not to.strip():
        raise ValidationError({"to": _("Hãy ghi cơ quan nhận (ví dụ: Công an xã, Bộ phận một cửa).")})
    feedback = _locked(feedback, (FeedbackStatus.RECEIVED, FeedbackStatus.FORWARDED))
    feedback.forwarded_to = to.strip()[:200]
    return _step(feedback, FeedbackStatus.FORWARDED, by, to.strip())


@transaction.atomic
def feedback_answer(*, feedback: Feedback, answer: str, by) -> Feedback:
    if not answer.strip():
        raise ValidationError({"answer": _("Hãy ghi nội dung trả lời.")})
    feedback = _locked(feedback, (FeedbackStatus.RECEIVED, FeedbackStatus.FORWARDED))
    feedback.answer, feedback.answered_at = answer.strip(), timezone.now()
    feedback = _step(feedback, FeedbackStatus.ANSWERED, by, answer.strip())
    if feedback.citizen_phone and feedback.consent_at:
        # The citizen left a number for this answer (with consent); the page of the code shows it too.
        notify(kind=NoticeKind.FEEDBACK_ANSWERED, about=feedback, name=feedback.citizen_name,
               phone=feedback.citizen_phone, key=f"feedback_answered:{feedback.pk}",
               params={"code": feedback.code, "answer": answer.strip(),
                       "by": feedback.forwarded_to or feedback.commune.name})
    return feedback


@transaction.atomic
def feedback_close(*, feedback: Feedback, by, note: str = "") -> Feedback:
    feedback = _locked(feedback, (FeedbackStatus.ANSWERED,))
    return _step(feedback, FeedbackStatus.CLOSED, by, note.strip())
