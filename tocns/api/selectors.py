"""Reading API tokens: a user's list, and the user a presented secret belongs to."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import ApiToken
from .services import hash_secret

# last_used_at is written at most this often per token, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def tokens_for_user(user) -> QuerySet[ApiToken]:
    """All of a user's tokens, active and revoked, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def user_for_token(secret: str):
    """The user a secret belongs to, or None if the token is unknown or revoked, or its user is
    locked or must first choose their own password (as a session would be stopped)."""
    if not secret:
        return None
    token = (ApiToken.objects.active().select_related("user")
             .filter(key_hash=hash_secret(secret), user__is_active=True).first())
    if token is None or token.user.must_change_password:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        # A plain UPDATE of one column: no read-modify-write race with a revoke.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def clients_for_admin(admin) -> QuerySet:
    """Machine clients of the provinces the admin reaches, active and revoked, newest first."""
    from tocns.accounts.selectors import scope_for

    from .models import ApiClient
    return (ApiClient.objects.filter(province_id__in=scope_for(admin).province_ids)
            .select_related("province").prefetch_related("communes").order_by("-created_at", "-id"))


def client_for_admin_or_404(admin, pk: int):
    from django.http import Http404

    client = clients_for_admin(admin).filter(pk=pk).first()
    if client is None:
        raise Http404
    return client


def communes_for_clients(admin) -> QuerySet:
    """The communes a client can be limited to: the active communes of the admin's provinces."""
    from tocns.accounts.selectors import scope_for
    from tocns.geo.models import AdminUnit
    return AdminUnit.objects.communes().active().filter(
        province_id__in=scope_for(admin).province_ids).order_by("name_folded", "code")


def province_of(admin):
    from django.http import Http404

    from tocns.accounts.selectors import scope_for
    from tocns.geo.models import AdminUnit
    province = AdminUnit.objects.filter(pk__in=scope_for(admin).province_ids).order_by("code").first()
    if province is None:
        raise Http404
    return province
