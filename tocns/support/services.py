"""Support requests to partner enterprises: sent, received, in progress, answered, closed (or
reopened when not solved). Every step is an event row (who, when, note), audited; the partner's
users are told of a new request and the asker of an answer, by notice."""

import secrets
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record
from tocns.fieldwork.services import PHOTO_TYPES
from tocns.geo.models import AdminUnit
from tocns.notify.models import NoticeKind
from tocns.notify.services import notify
from tocns.training.models import Partner

from . import selectors
from .models import OPEN_STATUSES, SupportEvent, SupportKind, SupportRequest, SupportRules, SupportStatus

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud on the phone
ANSWER_DAYS_MIN, ANSWER_DAYS_MAX = 1, 30


def working_days_after(day: date, days: int) -> date:
    """`days` working days after `day`, Saturdays and Sundays skipped."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def answer_working_days(province: AdminUnit) -> int:
    rules = SupportRules.objects.filter(province=province).first()
    return rules.answer_working_days if rules is not None else SupportRules._meta.get_field(
        "answer_working_days").default


@transaction.atomic
def support_rules_update(*, province: AdminUnit, answer_working_days: int, was: int, by) -> SupportRules:
    """Change how many working days an enterprise has to answer. Requests sent from now on get the new
    deadline; those sent before keep theirs. `was` is the number the page showed: if another admin
    changed it since, the change is refused rather than silently overwriting theirs."""
    SupportRules.objects.get_or_create(province=province)
    rules = SupportRules.objects.select_for_update().get(province=province)
    days = answer_working_days
    if days is None or not ANSWER_DAYS_MIN <= days <= ANSWER_DAYS_MAX:
        raise ValidationError({"answer_working_days": [_("Số ngày từ %(low)s đến %(high)s.") % {
            "low": ANSWER_DAYS_MIN, "high": ANSWER_DAYS_MAX}]})
    if was != rules.answer_working_days:
        raise ValidationError({"answer_working_days": [_(
            "Trong lúc bạn sửa, người khác đã đổi hạn thành %(days)s ngày làm việc. Hãy xem lại; nếu vẫn muốn "
            "đổi, bấm Lưu lần nữa.") % {"days": rules.answer_working_days}]})
    if days == rules.answer_working_days:
        return rules
    old, rules.answer_working_days = rules.answer_working_days, days
    rules.save(update_fields=["answer_working_days"])
    audit_record(actor=by, action="support_rules.update", obj=rules, province_id=province.pk,
                 summary=_("Đổi hạn trả lời đề nghị hỗ trợ từ %(old)s thành %(new)s ngày làm việc") % {
                     "old": old, "new": days}, data={"answer_working_days": [old, days]})
    return rules


def _new_code() -> str:
    while True:
        code = "HT" + "".join(secrets.choice(CODE_ALPHABET) for _i in range(6))
        if not SupportRequest.objects.filter(code=code).exists():
            return code


def _notify_partner(item: SupportRequest, key: str, text: str) -> None:
    asker = item.asker_label
    if item.unit.name not in asker:
        asker = f"{asker} ({item.unit.name})"
    params = {"code": item.code, "unit": asker, "partner": item.partner.name, "kind": item.get_kind_display(),
              "text": text, "due": item.answer_due_on.strftime("%d/%m/%Y")}
    for user in item.partner.users.filter(is_active=True).order_by("pk"):
        notify(kind=NoticeKind.SUPPORT_REQUESTED, params=params, about=item, recipient=user, key=f"{key}:{user.pk}")


@transaction.atomic
def support_request_submit(*, by, unit: AdminUnit, partner: Partner | None, kind: str, description: str,
                           wanted_by: date | None = None, photo: bytes | None = None,
                           submission_key: str) -> SupportRequest:
    """A team leader or the commune office asks an enterprise that serves the commune. A retried
    submission (same key) returns the first request."""
    existing = SupportRequest.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    errors = {}
    description = (description or "").strip()
    today = timezone.localdate()
    if unit is None or not unit.is_active or not selectors.can_ask_for(by, unit):
        errors["unit"] = _("Hãy chọn thôn hoặc xã cần hỗ trợ.")
    elif partner is None or not selectors.partners_serving(unit.commune).filter(pk=partner.pk).exists():
        errors["partner"] = _("Hãy chọn một doanh nghiệp phục vụ %(commune)s.") % {"commune": unit.commune.name}
    if kind not in SupportKind.values:
        errors["kind"] = _("Hãy chọn cần hỗ trợ về việc gì.")
    if len(description) < 10:
        errors["description"] = _("Hãy viết rõ cần hỗ trợ gì (ít nhất 10 chữ cái).")
    if wanted_by is not None and wanted_by < today:
        errors["wanted_by"] = _("Ngày mong được hỗ trợ không được trước hôm nay.")
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    now = timezone.now()
    item = SupportRequest(
        code=_new_code(), kind=kind, description=description[:5000], partner=partner, unit=unit,
        province=unit.province, commune=unit.commune, team=selectors.asker_team(by, unit), asked_by=by,
        wanted_by=wanted_by, submission_key=submission_key, status=SupportStatus.SENT, sent_at=now,
        answer_due_on=working_days_after(timezone.localdate(now), answer_working_days(unit.province)))
    if photo is not None:
        item.photo = default_storage.save(f"ho-tro/{now:%Y/%m}/{item.code}{PHOTO_TYPES[photo[:3]]}",
                                          ContentFile(photo))
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        # The same form sent twice at once: the first one stored it.
        if item.photo:
            default_storage.delete(item.photo.name)
        existing = SupportRequest.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing
    SupportEvent.objects.create(request=item, status=SupportStatus.SENT, by=by, at=now)
    audit_record(actor=by, action="support.send", obj=item, province_id=item.province_id,
                 commune_id=item.commune_id,
                 summary=_("Gửi đề nghị hỗ trợ %(code)s (%(kind)s) đến %(partner)s") % {
                     "code": item.code, "kind": item.get_kind_display().lower(), "partner": partner.name})
    _notify_partner(item, f"support_requested:{item.pk}", description)
    return item


def _locked(item: SupportRequest, allowed: tuple, version: int | None) -> SupportRequest:
    item = SupportRequest.objects.select_for_update().get(pk=item.pk)
    if version is not None and version != item.version:
        raise ValidationError(_("Trong lúc bạn xem, đề nghị này đã được cập nhật (hiện ở bước “%(status)s”). "
                                "Hãy xem lại rồi làm tiếp.") % {"status": item.get_status_display()},
                              code="stale")
    if item.status not in allowed:
        raise ValidationError(_("Đề nghị này đang ở bước “%(status)s”: không làm được việc này.") % {
            "status": item.get_status_display()}, code="wrong_step")
    return item


def _step(item: SupportRequest, status: str, by, note: str, *, fields: tuple = ()) -> SupportEvent:
    now = timezone.now()
    item.status = status
    item.version += 1
    item.save(update_fields=["status", "version", *fields])
    event = SupportEvent.objects.create(request=item, status=status, by=by, note=note, at=now)
    audit_record(actor=by, action=f"support.{status}", obj=item, province_id=item.province_id,
                 commune_id=item.commune_id,
                 summary=_("%(status)s: đề nghị hỗ trợ %(code)s") % {"status": item.get_status_display(),
                                                                    "code": item.code})
    return event


def _check_partner(by, item: SupportRequest) -> None:
    if not selectors.is_partner_user(by, item):
        raise ValidationError(_("Chỉ doanh nghiệp được đề nghị mới làm được việc này."), code="not_partner")


def _check_asker(by, item: SupportRequest) -> None:
    if not selectors.can_close(by, item):
        raise ValidationError(_("Chỉ người gửi đề nghị (hoặc UBND xã) mới làm được việc này."), code="not_asker")


@transaction.atomic
def support_receive(*, item: SupportRequest, by, version: int | None = None, note: str = "") -> SupportRequest:
    """The enterprise says it has the request."""
    _check_partner(by, item)
    item = _locked(item, (SupportStatus.SENT, SupportStatus.REOPENED), version)
    _step(item, SupportStatus.RECEIVED, by, note.strip())
    return item


@transaction.atomic
def support_start(*, item: SupportRequest, by, version: int | None = None, note: str = "") -> SupportRequest:
    """The enterprise is working on it (a technician sent, a SIM being prepared…)."""
    _check_partner(by, item)
    item = _locked(item, (SupportStatus.SENT, SupportStatus.RECEIVED, SupportStatus.REOPENED), version)
    _step(item, SupportStatus.IN_PROGRESS, by, note.strip())
    return item


@transaction.atomic
def support_answer(*, item: SupportRequest, by, answer: str, version: int | None = None) -> SupportRequest:
    answer = (answer or "").strip()
    if len(answer) < 5:
        raise ValidationError({"answer": [_("Hãy ghi nội dung trả lời (đã làm gì, hẹn khi nào).")]})
    _check_partner(by, item)
    item = _locked(item, OPEN_STATUSES, version)
    item.answer, item.answered_at, item.answered_by = answer[:5000], timezone.now(), by
    event = _step(item, SupportStatus.ANSWERED, by, answer[:5000],
                  fields=("answer", "answered_at", "answered_by"))
    notify(kind=NoticeKind.SUPPORT_ANSWERED, about=item, recipient=item.asked_by,
           key=f"support_answered:{event.pk}",
           params={"code": item.code, "partner": item.partner.name, "kind": item.get_kind_display(),
                   "answer": answer})
    return item


@transaction.atomic
def support_close(*, item: SupportRequest, by, version: int | None = None, note: str = "") -> SupportRequest:
    """The asker says the answer solved it."""
    _check_asker(by, item)
    item = _locked(item, (SupportStatus.ANSWERED,), version)
    item.closed_at = timezone.now()
    _step(item, SupportStatus.CLOSED, by, note.strip(), fields=("closed_at",))
    return item


@transaction.atomic
def support_reopen(*, item: SupportRequest, by, note: str, version: int | None = None) -> SupportRequest:
    """Not solved: back to the enterprise with what is still wrong. The due date stays the first one:
    the request counts as overdue if that has passed."""
    note = (note or "").strip()
    if len(note) < 5:
        raise ValidationError({"note": [_("Hãy ghi điều gì chưa được giải quyết.")]})
    _check_asker(by, item)
    item = _locked(item, (SupportStatus.ANSWERED,), version)
    event = _step(item, SupportStatus.REOPENED, by, note)
    _notify_partner(item, f"support_reopened:{event.pk}", _("Mở lại: %(note)s") % {"note": note})
    return item


@transaction.atomic
def partner_communes_set(*, partner: Partner, communes: list[AdminUnit], was: list[int], by) -> Partner:
    """The province admin sets the communes an enterprise serves. `was` is the list the page showed:
    if another admin changed it since, the change is refused rather than silently overwriting."""
    Partner.objects.select_for_update().filter(pk=partner.pk).first()
    current = set(partner.communes.values_list("pk", flat=True))
    if set(was) != current:
        raise ValidationError({"communes": [_("Trong lúc bạn sửa, người khác đã đổi danh sách xã của doanh nghiệp "
                                              "này. Hãy xem lại danh sách dưới đây rồi lưu lần nữa.")]},
                              code="stale")
    wrong = [c for c in communes if c.province_id != partner.province_id or not c.is_commune]
    if wrong:
        raise ValidationError({"communes": [_("Chỉ chọn xã, phường của tỉnh.")]})
    chosen = {c.pk for c in communes}
    if chosen == current:
        return partner
    added, removed = chosen - current, current - chosen
    partner.communes.set(communes)
    names = dict(AdminUnit.objects.filter(pk__in=added | removed).values_list("pk", "name"))
    audit_record(actor=by, action="partner.communes", obj=partner, province_id=partner.province_id,
                 summary=_("Đổi các xã %(partner)s phục vụ: thêm %(added)s, bớt %(removed)s") % {
                     "partner": partner.name, "added": len(added), "removed": len(removed)},
                 data={"added": sorted(names[i] for i in added), "removed": sorted(names[i] for i in removed)})
    return partner
