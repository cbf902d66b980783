"""Queueing notices, the choices people make about them, and the admin's actions on the outbox."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record
from tocns.lib.phone import normalize_phone

from .delivery import enqueue
from .kinds import render
from .models import (
    AttemptOutcome,
    ChannelChoice,
    ChannelState,
    DeliveryStatus,
    NoticeKind,
    NoticePreference,
    Notification,
)

log = logging.getLogger(__name__)

# The version of the consent text shown beside the channel choice (accounts/ho-so).
CONSENT_TEXT_VERSION = "2026-11"


def reference_for(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def _province_of(obj):
    if obj is None:
        return None
    for path in ("province_id", "unit.province_id", "team.province_id"):
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        if value is not None:
            return value
    return None


def phone_of(user) -> str:
    """The number notices for this account go to: its own, else its team member record's."""
    if user is None:
        return ""
    if user.phone:
        return user.phone
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    return (person.phone or "") if person is not None else ""


def notify(*, kind: str, params: dict | None = None, about=None, recipient=None, name: str = "", email: str = "",
           phone: str = "", key: str | None = None, subject: str = "", body: str = "") -> Notification:
    """Queue a notice of `kind` for a user (`recipient`) or a contact without an account (`name`,
    `phone`, `email`). Written in the caller's transaction with the worker's task beside it, so it
    is sent only if the change it reports is kept. Nothing is sent here.

    `key` makes it idempotent: a second call with the same key returns the first notice."""
    if key:
        existing = Notification.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    params = {k: "" if v is None else str(v) for k, v in (params or {}).items()}
    if kind == NoticeKind.GENERAL:
        params = {"subject": str(subject), "body": str(body)}
    subject, body, short_text = render(kind, params)
    email = email or (recipient.email if recipient is not None else "")
    phone = phone or phone_of(recipient)
    fields = dict(
        kind=kind, idempotency_key=key or None, recipient=recipient, email=email, phone=phone[:15],
        recipient_name=name or (recipient.get_full_name() if recipient else ""), subject=subject, body=body,
        short_text=short_text, params=params, reference=reference_for(about) if about is not None else "",
        province_id=_province_of(about), status=DeliveryStatus.QUEUED if (email or phone) else DeliveryStatus.IN_APP)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(**fields)
            if notification.status == DeliveryStatus.QUEUED:
                enqueue(notification.pk)
    except IntegrityError:
        if key and (existing := Notification.objects.filter(idempotency_key=key).first()) is not None:
            return existing  # a concurrent run queued it first
        raise
    return notification


# The person's choice ---------------------------------------------------------------------------
@transaction.atomic
def preference_set(*, phone: str, choice: str, consent: bool, by=None, user=None) -> NoticePreference:
    """Record how notices should reach the owner of `phone`. Zalo and SMS need the consent box:
    the choice is kept with the consent text's version, and the earlier choices stay on record."""
    national = normalize_phone(phone)
    if national is None:
        raise ValidationError({"choice": _("Chưa có số điện thoại hợp lệ để nhận tin nhắn.")})
    if choice not in ChannelChoice.values:
        raise ValidationError({"choice": _("Hãy chọn một cách nhận thông báo.")})
    if choice in (ChannelChoice.AUTO, ChannelChoice.ZALO, ChannelChoice.SMS) and not consent:
        raise ValidationError({"consent": _("Hãy đánh dấu đồng ý nhận tin nhắn qua số điện thoại này.")})
    preference = NoticePreference.objects.create(phone=national, user=user, choice=choice,
                                                 consent_text=CONSENT_TEXT_VERSION, recorded_by=by)
    audit_record(actor=by, action="notify.preference", obj=preference,
                 summary=_("Nhận thông báo: %(choice)s") % {"choice": preference.get_choice_display()})
    return preference


# The province admin's actions ------------------------------------------------------------------
@transaction.atomic
def notice_retry(*, notification: Notification, by) -> Notification:
    """Send a failed or fallen-back notice again from the first channel of the person's plan."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.status not in (DeliveryStatus.FAILED, DeliveryStatus.FELL_BACK):
        raise ValidationError(_("Thông báo này đang ở trạng thái “%(status)s”: không gửi lại.") % {
            "status": notification.get_status_display()}, code="wrong_status")
    # Earlier attempts stay as the record; they no longer bar their channels.
    notification.delivery_attempts.exclude(outcome=AttemptOutcome.SENT).update(outcome=AttemptOutcome.RETIRED)
    notification.status, notification.next_attempt_at, notification.last_error = DeliveryStatus.QUEUED, None, ""
    notification.save(update_fields=["status", "next_attempt_at", "last_error"])
    enqueue(notification.pk)
    audit_record(actor=by, action="notify.retry", obj=notification,
                 summary=_("Gửi lại thông báo: %(subject)s") % {"subject": notification.subject})
    return notification


@transaction.atomic
def channel_resume(*, channel: str, by) -> ChannelState:
    state = ChannelState.objects.select_for_update().get(channel=channel)
    state.stopped_at, state.resume_at, state.stopped_code, state.stopped_reason = None, None, "", ""
    state.config_error_at, state.config_error = None, ""
    state.save()
    audit_record(actor=by, action="notify.resume", obj=state,
                 summary=_("Mở lại kênh %(channel)s") % {"channel": state.get_channel_display()})
    # Wake what waited on it.
    for pk in Notification.objects.filter(status=DeliveryStatus.QUEUED).values_list("pk", flat=True)[:5000]:
        enqueue(pk)
    return state


def mark_read(*, user, notification_ids) -> int:
    return Notification.objects.filter(recipient=user, pk__in=list(notification_ids), read_at__isnull=True).update(
        read_at=timezone.now())
