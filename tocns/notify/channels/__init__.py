"""The channels that carry a notice: Zalo ZNS, brandname SMS and email, behind one interface.

Each answers a SendResult (sent, or a classified failure) and never raises for a provider's
answer, so the outbox worker decides retry, fallback or stop from the outcome alone."""

from .base import Channel, Outcome, SendResult
from .email import EmailChannel
from .sms import SmsChannel
from .zalo import ZaloChannel

__all__ = ["Channel", "EmailChannel", "Outcome", "SendResult", "SmsChannel", "ZaloChannel", "channels"]


def channels() -> list[Channel]:
    """Every channel in fallback order (Zalo, then SMS, then email)."""
    return [ZaloChannel(), SmsChannel(), EmailChannel()]
