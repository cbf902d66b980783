"""Queueing and delivering notifications."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import DeliveryStatus, Notification

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def reference_for(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def notify(*, subject: str, body: str, about=None, recipient=None, name: str = "", email: str = "",
           phone: str = "") -> Notification:
    """Queue a message. Email goes out after the surrounding transaction commits."""
    email = email or (recipient.email if recipient is not None else "")
    notification = Notification.objects.create(
        recipient=recipient, recipient_name=name or (recipient.get_full_name() if recipient else ""),
        email=email, phone=phone, subject=str(subject)[:200], body=str(body),
        reference=reference_for(about) if about is not None else "",
        status=DeliveryStatus.PENDING if email else DeliveryStatus.IN_APP,
    )
    if email:
        transaction.on_commit(lambda: deliver(notification.pk))
    return notification


def deliver(notification_id: int) -> Notification:
    """Send one queued email; a failure is kept for `send_notifications` to retry."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.status not in (DeliveryStatus.PENDING, DeliveryStatus.FAILED):
            return notification
        notification.attempts += 1
        try:
            send_mail(notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [notification.email])
        except Exception as exc:  # any transport error: keep it and retry later
            log.warning("email to notification %s failed: %s", notification.pk, exc)
            notification.status, notification.last_error = DeliveryStatus.FAILED, str(exc)[:300]
        else:
            notification.status, notification.sent_at, notification.last_error = (
                DeliveryStatus.SENT, timezone.now(), "")
        notification.save(update_fields=["status", "attempts", "sent_at", "last_error"])
        return notification


def deliver_pending() -> int:
    ids = list(Notification.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
                                           attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
    return sum(1 for pk in ids if deliver(pk).status == DeliveryStatus.SENT)
