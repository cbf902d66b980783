"""One interface for every channel, and the classified answer it gives."""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # temporary: try again later
    FALLBACK = "fallback"  # this person cannot be reached on this channel: try the next one
    STOP_CHANNEL = "stop_channel"  # quota or balance exhausted: stop the channel, alert the admin
    CONFIG = "config"  # template or configuration error: shown on the admin page


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    provider_id: str = ""  # the provider's message id when sent
    code: str = ""  # the provider's error code, as it gave it
    message: str = ""
    extra: dict = field(default_factory=dict)  # e.g. Zalo's remaining quota

    @property
    def sent(self) -> bool:
        return self.outcome is Outcome.SENT


class Channel:
    name = ""
    label = ""
    # True when the provider drops a second call with the same request id: a call cut off midway
    # may then be made again safely. Otherwise it is never repeated.
    drops_duplicates = False

    def template_for(self, kind: str) -> str:
        """The provider's template for this kind of notice ("" when the channel needs none)."""
        return "-"

    def configured(self) -> bool:
        raise NotImplementedError

    def send(self, *, to_phone: str = "", to_email: str = "", text: str = "", subject: str = "",
             template_id: str | None = None, params: dict | None = None, request_id: str) -> SendResult:
        raise NotImplementedError

    def not_configured(self) -> SendResult:
        return SendResult(Outcome.CONFIG, code="not_configured", message=f"{self.name}: no credentials")


class ProviderUnreachable(Exception):
    """No usable answer (network error, timeout, 5xx, not JSON): the call may be retried."""


def post(url: str, *, json_body: dict | None = None, form: dict | None = None,
         headers: dict | None = None) -> tuple[int, dict]:
    """POST and read a JSON answer. HTTP 4xx answers with a JSON body are returned, not raised."""
    if json_body is not None:
        data, content_type = json.dumps(json_body).encode(), "application/json"
    else:
        data, content_type = urllib.parse.urlencode(form or {}).encode(), "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=settings.CHANNEL_TIMEOUT) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
        if status >= 500:
            raise ProviderUnreachable(f"HTTP {status}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ProviderUnreachable(str(exc)) from exc
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:
        raise ProviderUnreachable(f"HTTP {status}: not JSON") from exc
    if not isinstance(body, dict):
        raise ProviderUnreachable(f"HTTP {status}: unexpected JSON")
    return status, body
