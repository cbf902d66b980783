"""API tokens: a member's key for the JSON API from a phone app or a script, beside the session.

Only a SHA-256 of the secret is stored, never the secret: it is shown once, when it is made.
Revoking keeps the row (with when), so the list and the audit log still tell what it was."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def default_token_expiry():
    from datetime import timedelta

    from django.utils import timezone
    return timezone.now() + timedelta(days=90)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Neither revoked nor expired."""
        from django.utils import timezone
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now()))


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("người dùng"))
    name = models.CharField(_("tên gợi nhớ"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("ký tự đầu"), max_length=8)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    # The create form's key: a retried POST finds the token made the first time (NULL before 0002).
    submission_key = models.UUIDField(unique=True, null=True, editable=False)
    # Chosen when made (90 days unless told); an expired token answers 401.
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True, default=default_token_expiry)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone
        return self.expires_at is not None and self.expires_at <= timezone.now()


class ApiClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiClient(models.Model):
    """A machine client of the provincial data-sharing gateway (LGSP) or operations centre: reads
    only (GET), only the endpoint groups chosen, over the whole province or the chosen communes.
    It acts as its own service user (no password, no page), which holds no assignment: its scope is
    built from this row (tocns.api.clients.scope_of). Only a SHA-256 of the secret is stored."""

    name = models.CharField(_("tên hệ thống"), max_length=100)
    province = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("tỉnh"))
    # Empty: the whole province.
    communes = models.ManyToManyField("geo.AdminUnit", blank=True, related_name="+", verbose_name=_("các xã"))
    groups = models.JSONField(_("nhóm API được dùng"), default=list)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client",
                                verbose_name=_("tài khoản dịch vụ"))
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("ký tự đầu"), max_length=8)
    per_minute = models.PositiveIntegerField(_("số yêu cầu tối đa mỗi phút"), default=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("người tạo"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("đổi mã lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    submission_key = models.UUIDField(unique=True, null=True, editable=False)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("hệ thống kết nối API")
        verbose_name_plural = _("hệ thống kết nối API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def group_names(self) -> list[str]:
        from .clients import GROUPS
        return [str(GROUPS[key][0]) for key in self.groups if key in GROUPS]


class ApiClientHit(models.Model):
    """One request of a machine client, kept a minute or two: the per-client rate limit is counted
    here, in the database, so every worker process sees the same count."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["client", "at"], name="api_hit_client_at")]

    def __str__(self) -> str:
        return f"{self.client_id} @ {self.at:%H:%M:%S}"
