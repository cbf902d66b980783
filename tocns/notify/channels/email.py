"""Email through Django's mail backend, as the outbox sends it today."""

from django.conf import settings
from django.core.mail import send_mail

from .base import Channel, Outcome, SendResult


class EmailChannel(Channel):
    name = "email"
    label = "Thư điện tử"

    def configured(self) -> bool:
        return bool(settings.EMAIL_BACKEND)

    def send(self, *, to_phone: str = "", to_email: str = "", text: str = "", subject: str = "",
             template_id: str | None = None, params: dict | None = None, request_id: str) -> SendResult:
        if not self.configured():
            return self.not_configured()
        if not to_email:
            return SendResult(Outcome.FALLBACK, code="no_address", message="no email address")
        try:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [to_email])
        except Exception as exc:  # any transport error (SMTP, DNS, refused): temporary
            return SendResult(Outcome.RETRY, code=type(exc).__name__, message=str(exc)[:300])
        return SendResult(Outcome.SENT, provider_id=request_id)
