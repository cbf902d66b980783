"""Đề nghị hỗ trợ doanh nghiệp (issue #15, plan III.4 ¶2, II.3 ¶1).

A team (its leader) or a commune office asks a partner enterprise that serves the commune for
support (devices, SIM cards, coverage, a fault on a platform); the enterprise answers. Like citizen
feedback, each step is kept as an event (who, when, note) and an answer is due by a date the
province sets (a number of working days, `SupportRules`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit


class SupportKind(models.TextChoices):
    DEVICES = "devices", _("Thiết bị (điện thoại, máy tính…)")
    SIM = "sim", _("SIM điện thoại")
    COVERAGE = "coverage", _("Kết nối, sóng di động, Internet")
    PLATFORM = "platform", _("Lỗi trên nền tảng số")
    OTHER = "other", _("Khác")


class SupportStatus(models.TextChoices):
    SENT = "sent", _("Đã gửi")
    RECEIVED = "received", _("Doanh nghiệp đã nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    REOPENED = "reopened", _("Mở lại (chưa giải quyết xong)")
    CLOSED = "closed", _("Đã đóng")


# Waiting for the enterprise: these count as open, and as overdue after the due date.
OPEN_STATUSES = (SupportStatus.SENT, SupportStatus.RECEIVED, SupportStatus.IN_PROGRESS, SupportStatus.REOPENED)


class SupportRequest(models.Model):
    code = models.CharField(_("mã"), max_length=12, unique=True)  # read aloud on the phone
    kind = models.CharField(_("cần hỗ trợ về"), max_length=12, choices=SupportKind.choices)
    description = models.TextField(_("nội dung đề nghị"))
    partner = models.ForeignKey("training.Partner", on_delete=models.PROTECT, related_name="support_requests",
                                verbose_name=_("doanh nghiệp"))
    # Where: a village or the commune itself; province and commune stored for the scope.
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="support_requests",
                             verbose_name=_("nơi cần hỗ trợ"))
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    # The team that asked (its leader), or none when the commune office asked.
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("tổ đề nghị"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("người đề nghị"))
    # One photo (≤ 300 KB, checked as field log photos are); served only through the scoped view.
    photo = models.FileField(_("ảnh"), upload_to="ho-tro/%Y/%m/", blank=True)
    wanted_by = models.DateField(_("mong được hỗ trợ trước ngày"), null=True, blank=True)
    submission_key = models.CharField(max_length=64, unique=True)  # a retried "Gửi" stores one request
    status = models.CharField(_("trạng thái"), max_length=12, choices=SupportStatus.choices,
                              default=SupportStatus.SENT)
    sent_at = models.DateTimeField(_("gửi lúc"))
    answer_due_on = models.DateField(_("hạn trả lời"))
    answer = models.TextField(_("trả lời của doanh nghiệp"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    # Each step adds one: a page showing an older version cannot silently overwrite a newer step.
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("đề nghị hỗ trợ")
        verbose_name_plural = _("đề nghị hỗ trợ")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["partner", "status"], name="support_request_partner"),
                   models.Index(fields=["commune", "status"], name="support_request_commune")]

    def __str__(self) -> str:
        return f"{self.code} – {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def asker_label(self) -> str:
        return str(self.team) if self.team_id else _("UBND %(commune)s") % {"commune": self.commune.name}


class SupportEvent(models.Model):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=SupportStatus.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.get_status_display()


class SupportRules(models.Model):
    """A province's settings: how many working days an enterprise has to answer a request."""

    province = models.OneToOneField(AdminUnit, on_delete=models.PROTECT, related_name="+")
    answer_working_days = models.PositiveSmallIntegerField(_("số ngày làm việc để trả lời đề nghị"), default=5)

    def __str__(self) -> str:
        return str(self.province)
