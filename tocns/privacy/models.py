"""A person's rights over their data (Personal Data Protection Law 91/2025/QH15, Decree 356/2025):
the requests they make and the consents they give, one row per purpose with the notice's version.

This app sits above teams: it reads and anonymises teams' people, teams never imports it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Xem, nhận bản dữ liệu của mình")
    CORRECTION = "correction", _("Sửa dữ liệu")
    ERASURE = "erasure", _("Xoá dữ liệu (ẩn danh)")
    WITHDRAWAL = "withdrawal", _("Rút lại sự đồng ý")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Đã nhận, chưa xác nhận")
    ACKNOWLEDGED = "acknowledged", _("Đã xác nhận, đang xử lý")
    DONE = "done", _("Đã hoàn thành")
    REFUSED = "refused", _("Từ chối")


OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.ACKNOWLEDGED)


class ConsentPurpose(models.TextChoices):
    ETHNIC_GROUP = "ethnic_group", _("Ghi dân tộc (dữ liệu nhạy cảm)")
    PHONE_TEAM = "phone_team", _("Cho các thành viên trong tổ thấy số điện thoại")
    PHONE_PUBLIC = "phone_public", _("Cho người dân thấy số điện thoại trên trang của tổ")


class RightsRequest(models.Model):
    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="rights_requests",
                               verbose_name=_("người yêu cầu"))
    kind = models.CharField(_("loại yêu cầu"), max_length=12, choices=RequestKind.choices)
    # For a withdrawal: the consent it withdraws.
    purpose = models.CharField(_("sự đồng ý muốn rút"), max_length=20, choices=ConsentPurpose.choices, blank=True)
    details = models.TextField(_("nội dung yêu cầu"), blank=True)
    received_on = models.DateField(_("ngày nhận"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("người nhận"))
    received_at = models.DateTimeField(auto_now_add=True)
    # Two working days after it was received (Saturdays and Sundays skipped).
    acknowledge_by = models.DateField(_("hạn xác nhận"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.RECEIVED)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    answer = models.TextField(_("kết quả hoặc lý do từ chối"), blank=True)
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    # A retried submission on a bad connection carries the same key and registers nothing twice.
    submission_key = models.UUIDField(unique=True)

    class Meta:
        verbose_name = _("yêu cầu về dữ liệu cá nhân")
        verbose_name_plural = _("yêu cầu về dữ liệu cá nhân")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["commune", "status"], name="privacy_request_commune")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.person}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Consent(models.Model):
    """One consent of one person for one purpose, under the notice text of `notice_version`.
    Withdrawing sets `withdrawn_at`; giving it again is a new row."""

    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("mục đích"), max_length=20, choices=ConsentPurpose.choices)
    notice_version = models.CharField(_("phiên bản thông báo"), max_length=20)
    given_at = models.DateTimeField(_("đồng ý lúc"))
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("người ghi nhận"))
    withdrawn_at = models.DateTimeField(_("rút lại lúc"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        verbose_name = _("sự đồng ý")
        verbose_name_plural = _("sự đồng ý")
        ordering = ["person", "purpose", "-given_at"]
        constraints = [models.UniqueConstraint(fields=["person", "purpose"],
                                               condition=models.Q(withdrawn_at__isnull=True),
                                               name="privacy_one_live_consent_per_purpose")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.purpose}:{self.notice_version}"
