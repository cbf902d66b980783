"""A person's rights: registering and answering their requests, consents per purpose, the
anonymisation that erases a person and keeps every count. Each function runs in one transaction and
leaves an audit record; a refused change raises ValidationError in Vietnamese."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record
from tocns.fieldwork.models import Feedback
from tocns.teams.models import ApplicationEntry, Person

from .models import OPEN_STATUSES, Consent, ConsentPurpose, RequestKind, RequestStatus, RightsRequest

ACKNOWLEDGE_WORKING_DAYS = 2
ANONYMOUS_NAME = "Đã ẩn danh"
# The version of the notice text each consent was given under (the sentence beside its box).
NOTICE_VERSIONS = {
    ConsentPurpose.ETHNIC_GROUP: "2026-01",
    ConsentPurpose.PHONE_TEAM: "2026-11",
    ConsentPurpose.PHONE_PUBLIC: "2026-01",
}


def working_days_after(day: date, days: int = ACKNOWLEDGE_WORKING_DAYS) -> date:
    """`days` working days after `day`, Saturdays and Sundays skipped (public holidays are not
    known to the app: an officer who meets one acknowledges the day before)."""
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _audit(by, action: str, obj, summary: str, person: Person, data: dict | None = None):
    audit_record(actor=by, action=action, obj=obj, summary=summary, people=[person.pk], data=data,
                 province_id=person.province_id, commune_id=person.commune_id)


# ---- consents ----------------------------------------------------------------------------------

def _flags(person: Person) -> dict[str, bool]:
    return {
        ConsentPurpose.ETHNIC_GROUP: person.ethnic_group_consent_at is not None,
        ConsentPurpose.PHONE_TEAM: bool(getattr(person, "phone_shared_with_team", False)),
        ConsentPurpose.PHONE_PUBLIC: bool(person.phone_public),
    }


def consents_follow_person(person: Person, *, by=None) -> None:
    """Bring the Consent rows in line with the person's consent flags (called when a person is saved)."""
    live = {c.purpose: c for c in Consent.objects.filter(person=person, withdrawn_at__isnull=True)}
    now = timezone.now()
    for purpose, given in _flags(person).items():
        if given and purpose not in live:
            given_at = person.ethnic_group_consent_at if purpose == ConsentPurpose.ETHNIC_GROUP else now
            Consent.objects.create(person=person, purpose=purpose, notice_version=NOTICE_VERSIONS[purpose],
                                   given_at=given_at or now, given_by=by)
        elif not given and purpose in live:
            Consent.objects.filter(pk=live[purpose].pk).update(withdrawn_at=now, withdrawn_by=by)


def _withdraw(person: Person, purpose: str, by) -> list[str]:
    """Clear what depended on a consent and close its record. Returns what was cleared, in words."""
    cleared = []
    if purpose == ConsentPurpose.ETHNIC_GROUP:
        if person.ethnic_group:
            cleared.append(_("dân tộc"))
        person.ethnic_group, person.ethnic_group_consent_at = "", None
    elif purpose == ConsentPurpose.PHONE_TEAM and getattr(person, "phone_shared_with_team", False):
        person.phone_shared_with_team = False
        cleared.append(_("số điện thoại không còn hiện cho các thành viên trong tổ"))
    elif purpose == ConsentPurpose.PHONE_PUBLIC and person.phone_public:
        person.phone_public = False
        cleared.append(_("số điện thoại không còn hiện trên trang công khai của tổ"))
    # The record first, so that saving the person finds nothing left to withdraw (and keeps `by`).
    Consent.objects.filter(person=person, purpose=purpose, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=by)
    person.save()
    return cleared


# ---- requests ----------------------------------------------------------------------------------

@transaction.atomic
def request_register(*, person: Person, kind: str, received_on: date, by, submission_key, details: str = "",
                     purpose: str = "") -> RightsRequest:
    existing = RightsRequest.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    errors = {}
    if kind not in RequestKind.values:
        errors["kind"] = _("Hãy chọn loại yêu cầu.")
    if kind == RequestKind.WITHDRAWAL and purpose not in ConsentPurpose.values:
        errors["purpose"] = _("Hãy chọn sự đồng ý mà người này muốn rút lại.")
    today = timezone.localdate()
    if received_on > today:
        errors["received_on"] = _("Ngày nhận không thể sau hôm nay.")
    elif received_on < today - timedelta(days=60):
        errors["received_on"] = _("Ngày nhận quá 60 ngày trước: hãy kiểm tra lại.")
    if person.full_name == ANONYMOUS_NAME and kind != RequestKind.ACCESS:
        errors["kind"] = _("Người này đã được ẩn danh: không còn dữ liệu để sửa, xoá hay rút.")
    if errors:
        raise ValidationError(errors)
    request = RightsRequest.objects.create(
        person=person, kind=kind, purpose=purpose if kind == RequestKind.WITHDRAWAL else "", details=details.strip(),
        received_on=received_on, received_by=by, acknowledge_by=working_days_after(received_on),
        province_id=person.province_id, commune_id=person.commune_id, submission_key=submission_key)
    _audit(by, "rights_request.receive", request, _("Nhận yêu cầu của %(name)s: %(kind)s") % {
        "name": person.full_name, "kind": request.get_kind_display()}, person)
    return request


def _locked(request: RightsRequest, *, allowed) -> RightsRequest:
    locked = RightsRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    if locked.status not in allowed:
        raise ValidationError(_("Yêu cầu này vừa được người khác xử lý (%(status)s): hãy tải lại trang.") % {
            "status": locked.get_status_display().lower()}, code="stale")
    return locked


@transaction.atomic
def request_acknowledge(*, request: RightsRequest, by) -> RightsRequest:
    request = _locked(request, allowed=(RequestStatus.RECEIVED,))
    request.status, request.acknowledged_at, request.acknowledged_by = RequestStatus.ACKNOWLEDGED, timezone.now(), by
    request.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _audit(by, "rights_request.acknowledge", request, _("Xác nhận đã nhận yêu cầu của %(name)s") % {
        "name": request.person.full_name}, request.person)
    return request


def _close(request: RightsRequest, status: str, by, answer: str) -> None:
    request.status, request.closed_at, request.closed_by, request.answer = status, timezone.now(), by, answer
    if request.acknowledged_at is None:
        request.acknowledged_at, request.acknowledged_by = request.closed_at, by
    request.save(update_fields=["status", "closed_at", "closed_by", "answer", "acknowledged_at", "acknowledged_by"])


@transaction.atomic
def request_complete(*, request: RightsRequest, by, answer: str = "") -> RightsRequest:
    """Mark a request done. A withdrawal is carried out here (the data that depended on the consent
    is cleared); an erasure is done by `person_anonymise`, which closes its request itself."""
    request = _locked(request, allowed=OPEN_STATUSES)
    if request.kind == RequestKind.ERASURE:
        raise ValidationError(_("Yêu cầu xoá được hoàn thành bằng nút «Ẩn danh người này»."), code="erasure")
    summary = answer.strip()
    if request.kind == RequestKind.WITHDRAWAL:
        cleared = _withdraw(request.person, request.purpose, by)
        note = _("Đã rút: %(purpose)s.") % {"purpose": request.get_purpose_display()}
        if cleared:
            note += " " + _("Đã xoá: %(what)s.") % {"what": ", ".join(cleared)}
        summary = f"{note} {summary}".strip()
    _close(request, RequestStatus.DONE, by, summary)
    _audit(by, "rights_request.done", request, _("Hoàn thành yêu cầu của %(name)s: %(kind)s") % {
        "name": request.person.full_name, "kind": request.get_kind_display()}, request.person,
        data={"answer": summary[:300]})
    return request


@transaction.atomic
def request_refuse(*, request: RightsRequest, by, reason: str) -> RightsRequest:
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do từ chối: người yêu cầu sẽ được trả lời lý do này.")})
    request = _locked(request, allowed=OPEN_STATUSES)
    _close(request, RequestStatus.REFUSED, by, reason.strip())
    _audit(by, "rights_request.refuse", request, _("Từ chối yêu cầu của %(name)s: %(reason)s") % {
        "name": request.person.full_name, "reason": reason.strip()[:200]}, request.person)
    return request


# ---- erasure -----------------------------------------------------------------------------------

@transaction.atomic
def person_anonymise(*, person: Person, by, request: RightsRequest | None = None) -> Person:
    """Erase a person by anonymisation, for good. Name becomes "Đã ẩn danh"; phone, Zalo, email,
    ethnic group, birth year, workplace, post, village and notes are cleared; gender and occupation
    stay (report totals count them). Feedback sent from their phone loses its name and phone.
    Memberships, activities and attendance stay, so every history and total is unchanged. A linked
    user account is deactivated and its name and phone cleared."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.full_name == ANONYMOUS_NAME:
        raise ValidationError(_("Người này đã được ẩn danh rồi."), code="done")
    if request is not None:
        request = _locked(request, allowed=OPEN_STATUSES)
    # Feedback sent from the person's phone names them too (the same link the person file uses).
    if person.phone:
        Feedback.objects.filter(citizen_phone=person.phone).update(citizen_name="", citizen_phone="")
    person.full_name = ANONYMOUS_NAME
    person.phone = None
    person.zalo_phone = person.email = person.workplace = person.position = person.digital_skills = ""
    person.ethnic_group, person.ethnic_group_consent_at = "", None
    person.birth_year, person.home_village = None, None
    person.phone_public = False
    if hasattr(person, "phone_shared_with_team"):
        person.phone_shared_with_team = False
    Consent.objects.filter(person=person, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now(),
                                                                             withdrawn_by=by)
    person.save()
    # The same person as named on applications: the entry, and the contact of an application of one.
    entries = ApplicationEntry.objects.filter(person=person)
    for entry in entries.select_related("application"):
        application = entry.application
        if not application.is_group:
            application.contact_name, application.contact_phone, application.contact_email = ANONYMOUS_NAME, "", ""
            application.message = ""
            application.save(update_fields=["contact_name", "contact_phone", "contact_email", "message"])
    entries.update(full_name=ANONYMOUS_NAME, phone="", zalo_phone="", email="", ethnic_group="",
                   ethnic_group_consent_at=None, birth_year=None, workplace="", home_village=None, digital_skills="")
    user = person.user
    if user is not None:
        user.is_active = False
        user.full_name, user.phone, user.email = ANONYMOUS_NAME, None, ""
        user.save(update_fields=["is_active", "full_name", "full_name_folded", "phone", "email"])
    if request is not None:
        _close(request, RequestStatus.DONE, by, _("Đã ẩn danh người này."))
    _audit(by, "person.anonymise", person, _("Ẩn danh một người (mã %(pk)s) theo yêu cầu xoá dữ liệu") % {
        "pk": person.pk}, person, data={"request": request.pk if request else None,
                                        "user_deactivated": user is not None})
    return person
