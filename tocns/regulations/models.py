"""Operating regulations (quy chế hoạt động, plan III.1 ¶3).

The province publishes a model regulation in versions (`RegulationVersion`: a newer one supersedes,
the older ones are kept). Each commune adopts it, adapted, by its chairman's decision
(`Adoption`): the office starts from a version, edits the articles, downloads the draft decision,
then records its number, date, signer and the signed scan, which closes it. Nothing is deleted: a
commune that adopts a newer version later gets a new Adoption beside the old one."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit


class RegulationVersion(models.Model):
    """One version of the province's model regulation: its text as articles, a file, or both."""

    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("phiên bản"), max_length=30,
                             help_text=_("Ví dụ: 1, 2, 2026-1. Mỗi phiên bản một số riêng."))
    title = models.CharField(_("tên quy chế mẫu"), max_length=300)
    issued_on = models.DateField(_("ngày ban hành"))
    text = models.TextField(_("nội dung (các điều)"), blank=True)
    file = models.FileField(_("tệp quy chế (Word hoặc PDF)"), upload_to="quy-che/mau/%Y/", blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    submission_key = models.UUIDField(unique=True)  # a retried "publish" makes one version
    version = models.PositiveIntegerField(default=1)  # edits made on an older one are refused
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("quy chế mẫu")
        verbose_name_plural = _("quy chế mẫu")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["province", "label"], name="regulations_version_label_once"),
        ]

    def __str__(self) -> str:
        return _("%(title)s (phiên bản %(label)s)") % {"title": self.title, "label": self.label}


class AdoptionStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    ISSUED = "issued", _("Đã ban hành")
    WITHDRAWN = "withdrawn", _("Đã bỏ")


class Adoption(models.Model):
    """A commune's adoption of the model, adapted: the draft, then the signed decision."""

    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    base = models.ForeignKey(RegulationVersion, on_delete=models.PROTECT, related_name="adoptions",
                             verbose_name=_("theo bản mẫu"))
    title = models.CharField(_("tên quy chế"), max_length=300)
    text = models.TextField(_("nội dung quy chế (các điều)"))
    status = models.CharField(_("trạng thái"), max_length=20, choices=AdoptionStatus.choices,
                              default=AdoptionStatus.DRAFT)
    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    signed_file = models.FileField(_("bản có chữ ký (PDF hoặc ảnh)"), upload_to="quy-che/xa/%Y/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    issued_at = models.DateTimeField(null=True, blank=True)
    submission_key = models.UUIDField(unique=True)  # a retried "adopt" makes one draft
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("quy chế của xã")
        verbose_name_plural = _("quy chế của xã")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["commune"], condition=models.Q(status="draft"),
                                    name="regulations_one_draft_per_commune"),
        ]
        indexes = [models.Index(fields=["commune", "status"], name="regulations_adoption_commune")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == AdoptionStatus.DRAFT
