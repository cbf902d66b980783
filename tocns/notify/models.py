"""The notification outbox: every message the app owes someone, whatever carries it.

A row is written in the same transaction as the change it reports. Channels deliver from here:
email now (when an address is known); SMS and Zalo later. The row stays as the record of what
was said; people with an account read theirs in the app, citizens on their application's page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    IN_APP = "in_app", _("Chỉ hiển thị trong ứng dụng")
    PENDING = "pending", _("Chờ gửi thư")
    SENT = "sent", _("Đã gửi thư")
    FAILED = "failed", _("Gửi thư lỗi")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="notifications")
    recipient_name = models.CharField(_("người nhận"), max_length=200, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    # What it is about, as "<app.model>:<id>", so the object's page can list its messages.
    reference = models.CharField(max_length=80, blank=True, db_index=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    status = models.CharField(_("trạng thái gửi"), max_length=10, choices=DeliveryStatus.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="notify_notification_status")]

    def __str__(self) -> str:
        return self.subject


class ZaloToken(models.Model):
    """The Zalo OA's current tokens: one row. The refresh token is single-use and rotated at each
    refresh, so it is kept here (not in the environment) and changed under a row lock."""

    key = models.CharField(max_length=20, unique=True, default="oa")
    access_token = models.TextField(blank=True)
    refresh_token = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the ZALO_REFRESH_TOKEN this row was seeded from: a new one put in the environment
    # (after a lost or refused token) replaces the stored one once, an unchanged one never does.
    seed = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("khoá truy cập Zalo")
        verbose_name_plural = _("khoá truy cập Zalo")

    def __str__(self) -> str:
        return self.key
