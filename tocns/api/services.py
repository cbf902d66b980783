"""Making and revoking API tokens. The secret leaves this module once, in token_create's answer;
only its SHA-256 is stored."""

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record

from .models import ApiClient, ApiToken

MAX_ACTIVE_TOKENS = 10
PREFIX_LENGTH = 8
TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str, submission_key=None, days: int = TOKEN_DAYS) -> tuple[ApiToken, str | None]:
    """A new token for `user`, and its secret (to show once; it cannot be found again), valid for
    `days` days (1–365). The same submission key again (a retried form) returns the token made the
    first time, without secret."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Hãy đặt tên cho mã, ví dụ «Điện thoại Samsung».")})
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError({"days": _("Thời hạn từ 1 đến %(n)s ngày.") % {"n": MAX_TOKEN_DAYS}})
    # Lock the user's row so two requests at once cannot both take the last free place, and so a
    # retry arriving while the first request is still running waits for it and then finds its token.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if submission_key is not None:
        earlier = ApiToken.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            if earlier.user_id != user.pk:
                raise ValidationError(_("Biểu mẫu không hợp lệ: hãy tải lại trang rồi tạo mã."))
            return earlier, None
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(_("Bạn đã có %(count)d mã truy cập đang dùng, là mức tối đa. "
                                "Hãy thu hồi một mã không còn dùng rồi tạo mã mới.") % {"count": MAX_ACTIVE_TOKENS})
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], key_hash=hash_secret(secret),
                                    prefix=secret[:PREFIX_LENGTH], submission_key=submission_key,
                                    expires_at=timezone.now() + timedelta(days=days))
    audit_record(actor=user, action="api_token.create", obj=token,
                 summary=_("Tạo mã truy cập API «%(name)s» (%(prefix)s…)") % {"name": token.name,
                                                                             "prefix": token.prefix},
                 data={"name": token.name, "prefix": token.prefix})
    return token, secret


@transaction.atomic
def token_revoke(*, user, token_id: int) -> ApiToken:
    """Revoke one of `user`'s own tokens (another user's answers 404). The row is kept; revoking
    again changes nothing, so a retried request does no harm."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="api_token.revoke", obj=token,
                     summary=_("Thu hồi mã truy cập API «%(name)s» (%(prefix)s…)") % {"name": token.name,
                                                                                     "prefix": token.prefix},
                     data={"name": token.name, "prefix": token.prefix})
    return token


# Machine clients (tocns.api.clients): made, rotated and revoked by the province admin.

def _client_secret() -> str:
    return "lgsp_" + secrets.token_urlsafe(32)


@transaction.atomic
def api_client_create(*, province, name: str, communes=(), groups=None, by=None, per_minute: int | None = None,
                      submission_key=None) -> tuple[ApiClient, str | None]:
    """Register a machine client over `province` (or only `communes` of it) for the endpoint
    `groups` (keys of tocns.api.clients.GROUPS; None: the default ones), with its own service user.
    Returns the client and its secret, shown once (None when a retried form finds the client made
    the first time)."""
    from .clients import DEFAULT_GROUPS, GROUPS

    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Hãy đặt tên cho hệ thống, ví dụ «Nền tảng LGSP của tỉnh».")})
    if submission_key is not None:
        earlier = ApiClient.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return earlier, None
    groups = list(DEFAULT_GROUPS if groups is None else groups)
    unknown = [g for g in groups if g not in GROUPS]
    if unknown or not groups:
        raise ValidationError({"groups": _("Hãy chọn ít nhất một nhóm API trong danh sách.")})
    communes = list(communes)
    if any(c.province_id != province.pk or c.commune_id != c.pk for c in communes):
        raise ValidationError({"communes": _("Chỉ chọn được các xã, phường của tỉnh.")})
    if per_minute is not None and not 1 <= per_minute <= 6000:
        raise ValidationError({"per_minute": _("Số yêu cầu mỗi phút từ 1 đến 6000.")})
    secret = _client_secret()
    user = get_user_model()(username=f"api-{uuid.uuid4().hex[:12]}", full_name=name[:200])
    user.set_unusable_password()
    user.save()
    client = ApiClient.objects.create(
        name=name[:100], province=province, groups=groups, user=user, key_hash=hash_secret(secret),
        prefix=secret[:PREFIX_LENGTH + 5][-PREFIX_LENGTH:], created_by=by, submission_key=submission_key,
        **({"per_minute": per_minute} if per_minute is not None else {}))
    client.communes.set(communes)
    audit_record(actor=by, action="api_client.create", obj=client, province_id=province.pk,
                 summary=_("Đăng ký hệ thống kết nối API «%(name)s» (%(prefix)s…)") % {"name": client.name,
                                                                                    "prefix": client.prefix},
                 data={"name": client.name, "groups": groups, "communes": [c.code for c in communes]})
    return client, secret


@transaction.atomic
def api_client_rotate(*, client, by=None) -> tuple[ApiClient, str]:
    """A new secret for `client` (shown once); the old one stops working at once."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        raise ValidationError(_("Hệ thống này đã bị thu hồi: hãy đăng ký mới."))
    secret = _client_secret()
    client.key_hash = hash_secret(secret)
    client.prefix = secret[:PREFIX_LENGTH + 5][-PREFIX_LENGTH:]
    client.rotated_at = timezone.now()
    client.save(update_fields=["key_hash", "prefix", "rotated_at"])
    audit_record(actor=by, action="api_client.rotate", obj=client, province_id=client.province_id,
                 summary=_("Đổi mã của hệ thống kết nối API «%(name)s» (%(prefix)s…)") % {"name": client.name,
                                                                                       "prefix": client.prefix})
    return client, secret


@transaction.atomic
def api_client_revoke(*, client, by=None) -> ApiClient:
    """Stop `client` at once; the row stays in the list. Revoking again changes nothing."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit_record(actor=by, action="api_client.revoke", obj=client, province_id=client.province_id,
                     summary=_("Thu hồi hệ thống kết nối API «%(name)s» (%(prefix)s…)") % {"name": client.name,
                                                                                         "prefix": client.prefix})
    return client
