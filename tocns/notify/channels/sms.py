"""Brandname SMS through a Vietnamese gateway (the common shape: one JSON POST per message).

The gateway drops a request id it has already seen that day and answers "duplicate" with the
first message's id: that counts as sent, so a retried call never sends a second SMS. The text is
sent without diacritics so one message holds 160 characters (with them, 70)."""

import math

from django.conf import settings

from tocns.lib.phone import normalize_phone
from tocns.lib.text import unaccent

from .base import Channel, Outcome, ProviderUnreachable, SendResult, post

# The gateway's answer codes ("code" in the JSON body).
ACCEPTED, DUPLICATE = "00", "01"
OUTCOMES = {
    "10": Outcome.FALLBACK,  # phone invalid or on the carrier's do-not-contact list
    "20": Outcome.STOP_CHANNEL,  # balance exhausted
    "30": Outcome.CONFIG,  # API key wrong or brandname not registered
    "31": Outcome.CONFIG,  # content refused (not matching the brandname's registered templates)
    "90": Outcome.RETRY,  # gateway busy
}
SINGLE = 160  # unaccented characters in one message
PART = 153  # per part when a longer text is split (the rest is the joining header)


def parts(text: str) -> int:
    return 1 if len(text) <= SINGLE else math.ceil(len(text) / PART)


class SmsChannel(Channel):
    name = "sms"
    label = "SMS brandname"
    drops_duplicates = True  # the gateway drops a request id it has seen that day

    def configured(self) -> bool:
        return bool(settings.SMS_API_URL and settings.SMS_API_KEY and settings.SMS_BRANDNAME)

    def send(self, *, to_phone: str = "", to_email: str = "", text: str = "", subject: str = "",
             template_id: str | None = None, params: dict | None = None, request_id: str) -> SendResult:
        if not self.configured():
            return self.not_configured()
        national = normalize_phone(to_phone)
        if national is None:
            return SendResult(Outcome.FALLBACK, code="no_phone", message="no Vietnamese phone number")
        content = unaccent(text)
        payload = {"api_key": settings.SMS_API_KEY, "brandname": settings.SMS_BRANDNAME,
                   "phone": "84" + national[1:], "content": content, "request_id": request_id,
                   "callback_url": settings.SMS_CALLBACK_URL}
        try:
            status, body = post(settings.SMS_API_URL, json_body=payload)
        except ProviderUnreachable as exc:
            return SendResult(Outcome.RETRY, code="unreachable", message=str(exc)[:300])
        code, message = str(body.get("code", "")), str(body.get("message", ""))[:300]
        if code in (ACCEPTED, DUPLICATE) and body.get("message_id"):
            return SendResult(Outcome.SENT, provider_id=str(body["message_id"]),
                              extra={"parts": parts(content), "duplicate": code == DUPLICATE})
        if status == 429:
            return SendResult(Outcome.RETRY, code=code or "429", message=message)
        return SendResult(OUTCOMES.get(code, Outcome.RETRY), code=code or str(status), message=message)
