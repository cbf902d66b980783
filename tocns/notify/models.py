"""The notification outbox: every notice the app owes someone, whatever carries it.

A row is written in the same transaction as the change it reports, with the worker's task beside
it. The worker carries it by Zalo, SMS or email (`delivery.py`); the row stays as the record of
what was said, and people with an account read theirs in the app whatever happened outside it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    DELIVERED = "delivered", _("Đã đến máy")
    FAILED = "failed", _("Gửi không được")
    FELL_BACK = "fell_back", _("Không gửi được qua kênh nào: chỉ trong ứng dụng")
    IN_APP = "in_app", _("Chỉ trong ứng dụng")


class NoticeKind(models.TextChoices):
    REPORT_DUE_5 = "report_due_5", _("Nhắc báo cáo, còn 5 ngày")
    REPORT_DUE_1 = "report_due_1", _("Nhắc báo cáo, còn 1 ngày")
    REPORT_OVERDUE = "report_overdue", _("Báo cáo quá hạn")
    REPORT_RETURNED = "report_returned", _("Báo cáo bị trả lại")
    REPORT_REQUESTED = "report_requested", _("Yêu cầu báo cáo đột xuất")
    APPLICATION_RECEIVED = "application_received", _("Đã nhận đơn")
    APPLICATION_DECIDED = "application_decided", _("Kết quả xét đơn")
    FEEDBACK_ANSWERED = "feedback_answered", _("Ý kiến đã được trả lời")
    TRAINING_INVITATION = "training_invitation", _("Mời tập huấn")
    CHANNEL_ALERT = "channel_alert", _("Cảnh báo kênh gửi")
    SUPPORT_REQUESTED = "support_requested", _("Đề nghị hỗ trợ gửi doanh nghiệp")
    SUPPORT_ANSWERED = "support_answered", _("Doanh nghiệp đã trả lời đề nghị hỗ trợ")
    TASK_ASSIGNED = "task_assigned", _("Nhiệm vụ mới giao cho tổ")
    DIFFICULTY_ANSWERED = "difficulty_answered", _("Khó khăn, kiến nghị đã được trả lời")
    GENERAL = "general", _("Thông báo khác")


class Channel(models.TextChoices):
    ZALO = "zalo", _("Zalo")
    SMS = "sms", _("Tin nhắn SMS")
    EMAIL = "email", _("Thư điện tử")


class Notification(models.Model):
    kind = models.CharField(_("loại thông báo"), max_length=24, choices=NoticeKind.choices, default="general")
    # Who and what it is for; the same key is never queued twice (a re-run, a retried request).
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="notifications")
    recipient_name = models.CharField(_("người nhận"), max_length=200, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    short_text = models.CharField(_("nội dung tin nhắn"), max_length=480, blank=True)
    params = models.JSONField(default=dict, blank=True)  # what the kind's templates were filled with
    # What it is about, as "<app.model>:<id>", so the object's page can list its messages.
    reference = models.CharField(max_length=80, blank=True, db_index=True)
    province = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    status = models.CharField(_("trạng thái gửi"), max_length=10, choices=DeliveryStatus.choices)
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notify_due")]

    def __str__(self) -> str:
        return self.subject


class AttemptOutcome(models.TextChoices):
    SENT = "sent", _("Đã gửi")
    RETRY = "retry", _("Lỗi tạm thời, sẽ gửi lại")
    FALLBACK = "fallback", _("Không nhận được qua kênh này, chuyển kênh khác")
    STOP_CHANNEL = "stop_channel", _("Hết hạn mức, kênh tạm dừng")
    CONFIG = "config", _("Lỗi cấu hình hoặc mẫu tin")
    INTERRUPTED = "interrupted", _("Máy gửi dừng giữa chừng, gửi lại với cùng mã")
    UNKNOWN = "unknown", _("Máy gửi dừng giữa chừng, không gửi lại để tránh trùng")
    RETIRED = "retired", _("Lỗi cũ, quản trị đã cho gửi lại")


class DeliveryAttempt(models.Model):
    """One call to one channel for one notice. An attempt without an outcome is in flight: the
    request id it carries is the one a resend must reuse, so the gateway drops the duplicate."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="delivery_attempts")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    request_id = models.CharField(max_length=64, db_index=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=AttemptOutcome.choices, blank=True)
    code = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=300, blank=True)
    provider_id = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["channel", "started_at"], name="notify_attempt_day")]

    def __str__(self) -> str:
        return f"{self.notification_id}:{self.channel}:{self.outcome or '…'}"


class ChannelState(models.Model):
    """A channel stopped for quota or balance (until `resume_at`, or until the admin resumes it),
    its last configuration error, and the quota the provider last reported."""

    channel = models.CharField(max_length=8, choices=Channel.choices, unique=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_code = models.CharField(max_length=40, blank=True)
    stopped_reason = models.CharField(max_length=300, blank=True)
    resume_at = models.DateTimeField(null=True, blank=True)
    config_error_at = models.DateTimeField(null=True, blank=True)
    config_error = models.CharField(max_length=300, blank=True)
    quota_remaining = models.IntegerField(null=True, blank=True)
    quota_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.channel


class ChannelChoice(models.TextChoices):
    AUTO = "auto", _("Tự động: Zalo, nếu không được thì SMS")
    ZALO = "zalo", _("Chỉ Zalo")
    SMS = "sms", _("Chỉ tin nhắn SMS")
    EMAIL = "email", _("Thư điện tử")
    APP = "app", _("Không nhắn tin: chỉ xem trong ứng dụng")


class NoticePreference(models.Model):
    """A person's choice of how notices reach them, keyed by phone number (accounts and citizens
    alike). Never edited: each change is a new row, the newest one counts, so the consent given
    or withdrawn stays on record with when, by whom and under which notice text."""

    phone = models.CharField(_("số điện thoại"), max_length=15, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    choice = models.CharField(_("nhận thông báo qua"), max_length=8, choices=ChannelChoice.choices)
    consent_text = models.CharField(max_length=20)  # the version of the consent text shown
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone}:{self.choice}"


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
