"""Delivery receipts: Zalo's webhook and the SMS gateway's callback say a notice reached the phone.

A receipt only moves a notice forward (sent to delivered, or sent to failed for an SMS the gateway
could not deliver); a repeated or late receipt changes nothing more, and one for a message we do
not know changes nothing. Nothing here calls out: the providers wait for our answer (Zalo ~2 s)."""

import hashlib
import hmac
import json
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Channel, ChannelState, DeliveryAttempt, DeliveryStatus, Notification

SIGNATURE_PREFIX = "mac="
SMS_NOT_DELIVERED = "sms: gateway reports not delivered"
# A receipt may say delivered after a failure receipt (the gateway retries its callbacks, in any
# order): delivered is the last word. A notice queued or being sent again is the worker's.
DELIVERABLE = (DeliveryStatus.SENT, DeliveryStatus.FAILED)


class BadSignature(Exception):
    """Not from the provider (or we cannot tell): answered 403, nothing changes."""


class BadReceipt(Exception):
    """From the provider but not readable: answered 400, nothing changes."""


# Zalo ------------------------------------------------------------------------------------------
def zalo_signature(app_id: str, raw_body: bytes, timestamp: str, secret: str) -> str:
    """`mac=` + hex SHA-256 of app id, the body as sent, its timestamp and the OA secret key
    (plain SHA-256, not HMAC; see docs/notices.md for the sources)."""
    digest = hashlib.sha256(app_id.encode() + raw_body + timestamp.encode() + secret.encode()).hexdigest()
    return SIGNATURE_PREFIX + digest


def _verified_zalo_body(raw_body: bytes, signature_header: str) -> dict:
    secret, our_app = settings.ZALO_OA_SECRET_KEY, settings.ZALO_APP_ID
    if not secret or not our_app:
        raise BadSignature("ZALO_OA_SECRET_KEY or ZALO_APP_ID not set")
    if not signature_header:
        raise BadSignature("no X-ZEvent-Signature")
    try:
        # Integers stay as written: ids overflow, and the timestamp is signed as its text.
        data = json.loads(raw_body.decode("utf-8"), parse_int=str, parse_float=str)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadSignature("body is not JSON") from exc
    if not isinstance(data, dict):
        raise BadSignature("body is not a JSON object")
    app_id, timestamp = data.get("app_id"), data.get("timestamp")
    if not isinstance(app_id, str) or not isinstance(timestamp, str):
        raise BadSignature("app_id or timestamp missing")
    if not hmac.compare_digest(app_id.encode(), our_app.encode()):
        raise BadSignature("another app")
    expected = zalo_signature(app_id, raw_body, timestamp, secret)
    if not hmac.compare_digest(signature_header.strip().lower().encode(), expected.encode()):
        raise BadSignature("signature does not match")
    return data


def _epoch_ms(value, now: datetime) -> datetime:
    if value in (None, ""):
        return now
    try:
        moment = datetime.fromtimestamp(int(str(value)) / 1000, tz=UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise BadReceipt("delivery_time is not epoch milliseconds") from exc
    return min(moment, now)  # a phone's clock ahead of ours never dates a delivery in the future


@transaction.atomic
def zalo_receipt(raw_body: bytes, signature_header: str) -> str:
    """Apply one signed Zalo webhook call. Returns what it did: delivered, unchanged, unknown,
    template_status or ignored. Raises BadSignature (403) or BadReceipt (400)."""
    data = _verified_zalo_body(raw_body, signature_header)
    event = data.get("event_name")
    if not isinstance(event, str) or not event:
        raise BadReceipt("no event_name")
    now = timezone.now()
    if event == "user_received_message":
        message = data.get("message")
        if not isinstance(message, dict):
            raise BadReceipt("message is not an object")
        msg_id, tracking_id = _text(message.get("msg_id")), _text(message.get("tracking_id"))
        delivered_at = _epoch_ms(message.get("delivery_time"), now)
        return _delivered(Channel.ZALO, provider_id=msg_id, request_id=tracking_id, at=delivered_at)
    if event == "change_template_status":
        return _template_status(data, now)
    return "ignored"  # followers, chat messages, feedback: not the outbox's business


def _template_status(data: dict, now: datetime) -> str:
    status = data.get("status")
    if not isinstance(status, dict):
        raise BadReceipt("status is not an object")
    template_id, new_status = _text(data.get("template_id")), _text(status.get("new_status"))
    # Only templates the outbox sends with: a draft of another one under review is no alarm.
    if new_status == "ENABLE" or template_id not in settings.ZALO_TEMPLATES.values():
        return "ignored"
    error = _("Zalo báo mẫu tin %(template)s chuyển sang %(status)s: %(reason)s") % {
        "template": template_id, "status": new_status or "?", "reason": _text(data.get("reason")) or "-"}
    ChannelState.objects.update_or_create(channel=Channel.ZALO, defaults={
        "config_error_at": now, "config_error": error[:300]})
    return "template_status"


# SMS -------------------------------------------------------------------------------------------
@transaction.atomic
def sms_receipt(params: dict) -> str:
    """Apply one SMS gateway callback (eSMS's shape: SMSID, RequestId, SendSuccess, SendFailed …),
    whose URL carries our token. Returns delivered, failed, unchanged, unknown or ignored."""
    token = settings.SMS_CALLBACK_TOKEN
    given = _text(params.get("token"))
    if not token or not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise BadSignature("SMS callback token missing or wrong")
    sms_id, request_id = _text(params.get("SMSID")), _text(params.get("RequestId"))
    if not sms_id and not request_id:
        raise BadReceipt("neither SMSID nor RequestId")
    try:
        success = int(_text(params.get("SendSuccess")) or 0)
        failed = int(_text(params.get("SendFailed")) or 0)
    except ValueError as exc:
        raise BadReceipt("SendSuccess or SendFailed is not a number") from exc
    # SendStatus says 5 ("sent") even when SendFailed is 1: only the two counts are read.
    if success >= 1:
        return _delivered(Channel.SMS, provider_id=sms_id, request_id=request_id, at=timezone.now())
    if failed >= 1:
        return _sms_failed(provider_id=sms_id, request_id=request_id)
    return "ignored"  # still on its way (waiting for the carrier's report)


# Shared ----------------------------------------------------------------------------------------
def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _attempt(channel: str, provider_id: str, request_id: str) -> DeliveryAttempt | None:
    """The attempt a receipt is about: by the provider's message id, else by our request id.
    An empty id never matches (open attempts have no provider id yet)."""
    attempts = DeliveryAttempt.objects.filter(channel=channel)
    if provider_id:
        found = attempts.filter(provider_id=provider_id).order_by("-started_at", "-id").first()
        if found is not None:
            return found
    if request_id:
        return attempts.filter(request_id=request_id).order_by("-started_at", "-id").first()
    return None


def _delivered(channel: str, *, provider_id: str, request_id: str, at: datetime) -> str:
    attempt = _attempt(channel, provider_id, request_id)
    if attempt is None:
        return "unknown"
    notification = Notification.objects.select_for_update().get(pk=attempt.notification_id)
    if notification.status not in DELIVERABLE:
        return "unchanged"  # already delivered, or the worker is carrying it again
    # The error a failure receipt or the sweep left ("may not have gone out") is answered now;
    # the attempts keep the record.
    notification.status, notification.delivered_at, notification.last_error = DeliveryStatus.DELIVERED, at, ""
    notification.save(update_fields=["status", "delivered_at", "last_error"])
    return "delivered"


def _sms_failed(*, provider_id: str, request_id: str) -> str:
    attempt = _attempt(Channel.SMS, provider_id, request_id)
    if attempt is None:
        return "unknown"
    notification = Notification.objects.select_for_update().get(pk=attempt.notification_id)
    # Only a notice this SMS carried: not one delivered, failed already, or being sent again.
    if notification.status != DeliveryStatus.SENT or notification.channel != Channel.SMS:
        return "unchanged"
    notification.status, notification.last_error = DeliveryStatus.FAILED, SMS_NOT_DELIVERED
    notification.save(update_fields=["status", "last_error"])
    return "failed"
