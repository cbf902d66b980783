"""Zalo ZNS template messages addressed by phone (84…).

The OA access token lives about 25 hours; the refresh token is single-use and Zalo rotates it at
each refresh. Both live in one ZaloToken row, refreshed under its row lock: a second worker that
waited on the lock finds the new token and does not spend the old refresh token again."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tocns.lib.phone import normalize_phone

from ..models import ZaloToken
from .base import Channel, Outcome, ProviderUnreachable, SendResult, post

# Codes from Zalo's ZNS error table (HTTP 200, "error" in the JSON body); see docs/notices.md for
# the sources, and which meanings are confirmed.
TOKEN_INVALID = {-124}  # access token invalid or expired: refresh and retry once
NOT_REACHABLE = {
    -108,  # phone number invalid
    -114,  # the user is inactive, refused the message, or runs an old Zalo
    -118,  # no Zalo account for this phone, or it is disabled
    -119,  # the account cannot receive ZNS
    -139,  # the user refused this kind of ZNS
}
EXHAUSTED = {
    -115,  # the ZNS balance is too low
    -137,  # charging the ZCA wallet failed
    -144,  # the OA's daily quota is used up
}
CONFIGURATION = {
    -101, -102, -103, -104, -105,  # the app id, its secret or its link to the OA
    -109,  # template id invalid
    -111,  # template data empty
    -112,  # template data invalid (a parameter missing or too long)
    -116,  # text invalid
    -117,  # the OA or app may not use this template
    -125,  # OA id invalid
    -131,  # template not approved
}
DAILY = {-144}  # exhausted until midnight; the others until someone tops up
# Anything else (-100 unknown, -133 outside sending hours, …) is treated as temporary; the
# outbox bounds the attempts.

EARLY = timedelta(minutes=5)  # refresh a little before Zalo's expiry, not after a refused send


class TokenRefreshFailed(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _phone_84(raw: str) -> str | None:
    national = normalize_phone(raw)
    return "84" + national[1:] if national else None


class ZaloChannel(Channel):
    name = "zalo"
    label = "Zalo ZNS"

    def template_for(self, kind: str) -> str:
        return settings.ZALO_TEMPLATES.get(kind, "")

    def configured(self) -> bool:
        if not (settings.ZALO_APP_ID and settings.ZALO_SECRET_KEY):
            return False
        return bool(settings.ZALO_REFRESH_TOKEN) or ZaloToken.objects.exclude(refresh_token="").exists()

    # Tokens -------------------------------------------------------------------------------
    def _store(self) -> ZaloToken:
        seed = settings.ZALO_REFRESH_TOKEN
        digest = hashlib.sha256(seed.encode()).hexdigest() if seed else ""
        token, _created = ZaloToken.objects.get_or_create(key="oa", defaults={"refresh_token": seed, "seed": digest})
        if digest and token.seed != digest:
            with transaction.atomic():
                token = ZaloToken.objects.select_for_update().get(key="oa")
                if token.seed != digest:
                    token.refresh_token, token.seed, token.access_token, token.expires_at = seed, digest, "", None
                    token.save(update_fields=["refresh_token", "seed", "access_token", "expires_at"])
        return token

    def access_token(self) -> str:
        token = self._store()
        if token.access_token and token.expires_at and token.expires_at > timezone.now() + EARLY:
            return token.access_token
        return self.refresh(stale=token.access_token)

    def refresh(self, *, stale: str) -> str:
        """Spend the refresh token once. `stale` is the access token the caller saw refused or
        expired; when another worker has replaced it while we waited on the lock, use theirs."""
        self._store()
        with transaction.atomic():
            token = ZaloToken.objects.select_for_update().get(key="oa")
            now = timezone.now()
            if token.access_token and token.access_token != stale and token.expires_at and token.expires_at > now:
                return token.access_token
            if not token.refresh_token:
                raise TokenRefreshFailed("no_refresh_token", "no Zalo refresh token stored")
            _status, body = post(
                f"{settings.ZALO_OAUTH_URL}/v4/oa/access_token",
                form={"refresh_token": token.refresh_token, "app_id": settings.ZALO_APP_ID,
                      "grant_type": "refresh_token"},
                headers={"secret_key": settings.ZALO_SECRET_KEY})
            if not body.get("access_token") or not body.get("refresh_token"):
                raise TokenRefreshFailed(str(body.get("error", "")),
                                         str(body.get("error_description") or body.get("error_name") or body))
            token.access_token, token.refresh_token = body["access_token"], body["refresh_token"]
            token.expires_at = now + timedelta(seconds=_seconds(body.get("expires_in")))
            token.refreshed_at = now
            token.save(update_fields=["access_token", "refresh_token", "expires_at", "refreshed_at"])
            return token.access_token

    # Sending ------------------------------------------------------------------------------
    def send(self, *, to_phone: str = "", to_email: str = "", text: str = "", subject: str = "",
             template_id: str | None = None, params: dict | None = None, request_id: str) -> SendResult:
        if not self.configured():
            return self.not_configured()
        phone = _phone_84(to_phone)
        if phone is None:
            return SendResult(Outcome.FALLBACK, code="no_phone", message="no Vietnamese phone number")
        if not template_id:
            return SendResult(Outcome.CONFIG, code="no_template", message="no ZNS template id")
        payload = {"phone": phone, "template_id": str(template_id), "template_data": params or {},
                   "tracking_id": request_id}
        try:
            access = self.access_token()
            body = self._post_message(payload, access)
            if _code(body) in TOKEN_INVALID:
                body = self._post_message(payload, self.refresh(stale=access))
        except TokenRefreshFailed as exc:
            return SendResult(Outcome.CONFIG, code=exc.code, message=f"token refresh: {exc.message}"[:300])
        except ProviderUnreachable as exc:
            return SendResult(Outcome.RETRY, code="unreachable", message=str(exc)[:300])
        return _classify(body)

    def _post_message(self, payload: dict, access: str) -> dict:
        _status, body = post(f"{settings.ZALO_ZNS_URL}/message/template", json_body=payload,
                             headers={"access_token": access})
        return body


def _seconds(raw) -> int:
    """Zalo sends expires_in as a string ("90000"); a missing or odd one counts as 25 hours."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 90000


def _code(body: dict) -> int | None:
    try:
        return int(body.get("error"))
    except (TypeError, ValueError):
        return None


def _classify(body: dict) -> SendResult:
    code, message = _code(body), str(body.get("message", ""))[:300]
    data = body.get("data") or {}
    if code == 0 and data.get("msg_id"):
        return SendResult(Outcome.SENT, provider_id=str(data["msg_id"]), extra={"quota": data.get("quota") or {}})
    if code in NOT_REACHABLE:
        outcome = Outcome.FALLBACK
    elif code in EXHAUSTED:
        outcome = Outcome.STOP_CHANNEL
    elif code in CONFIGURATION:
        outcome = Outcome.CONFIG
    else:  # unknown codes and a token still refused after one refresh
        outcome = Outcome.RETRY
    return SendResult(outcome, code=str(code if code is not None else body.get("error", "")), message=message,
                      extra={"daily": code in DAILY})
