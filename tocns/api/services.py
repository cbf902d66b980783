"""Making and revoking API tokens. The secret leaves this module once, in token_create's answer;
only its SHA-256 is stored."""

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record

from .models import ApiToken

MAX_ACTIVE_TOKENS = 10
PREFIX_LENGTH = 8


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str, submission_key=None) -> tuple[ApiToken, str | None]:
    """A new token for `user`, and its secret (to show once; it cannot be found again). The same
    submission key again (a retried form) returns the token made the first time, without secret."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Hãy đặt tên cho mã, ví dụ «Điện thoại Samsung».")})
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
                                    prefix=secret[:PREFIX_LENGTH], submission_key=submission_key)
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
