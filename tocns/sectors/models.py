"""Departments and sectors (sở, ban, ngành) at work for the teams (plan III.3): each department has
an organisation, like a partner enterprise, with its accounts and the communes it supports, and
records what it did for the teams (outreach to officials, support in a commune, materials,
training) with the same digital services and pillars as the teams' log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.fieldwork.models import Service, ServicePillar
from tocns.geo.models import AdminUnit
from tocns.lib.models import save_with_folded


class Department(models.Model):
    """A provincial department or sector; its users see its own activities and the aggregate
    figures of the communes it supports, never people's data."""

    name = models.CharField(_("tên sở, ban, ngành"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True, default="")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="departments", blank=True,
                                   verbose_name=_("tài khoản của sở, ban, ngành"))
    # The communes it supports, set by the province admin; none means province-wide work only.
    communes = models.ManyToManyField(AdminUnit, related_name="departments", blank=True,
                                      verbose_name=_("các xã, phường được hỗ trợ"))
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("sở, ban, ngành")
        verbose_name_plural = _("sở, ban, ngành")
        ordering = ["name_folded", "id"]
        constraints = [models.UniqueConstraint(fields=["province", "name"], name="sectors_department_name_once")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        save_with_folded(self, super().save, args, kwargs, source="name", target="name_folded")


class DepartmentActivityKind(models.TextChoices):
    OUTREACH = "outreach", _("Tuyên truyền cho cán bộ, công chức")
    COMMUNE_SUPPORT = "commune_support", _("Hỗ trợ tại xã, phường")
    MATERIALS = "materials", _("Tài liệu, hướng dẫn")
    TRAINING = "training", _("Tập huấn")
    OTHER = "other", _("Khác")


class DepartmentActivity(models.Model):
    """One thing a department did for the teams. Edits are guarded by `version`; nothing is deleted."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="activities",
                                   verbose_name=_("sở, ban, ngành"))
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    # One of the department's communes, or none for work across the province.
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("xã, phường"))
    kind = models.CharField(_("hình thức"), max_length=20, choices=DepartmentActivityKind.choices)
    date = models.DateField(_("ngày"))
    services = models.ManyToManyField(Service, related_name="department_activities", verbose_name=_("dịch vụ số"))
    description = models.TextField(_("nội dung"))
    people_reached = models.PositiveIntegerField(_("số người được tiếp cận"), default=0)
    # Materials handed out (PDF, Word, slides, a photo); served only through the scoped view.
    attachment = models.FileField(_("tệp tài liệu"), upload_to="so-nganh/%Y/%m/", blank=True)
    submission_key = models.UUIDField(unique=True)  # a retried "save" makes one activity
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)  # the edit page's guard against a silent overwrite
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("hoạt động của sở, ban, ngành")
        verbose_name_plural = _("hoạt động của sở, ban, ngành")
        ordering = ["-date", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["department", "date"], name="sectors_activity_department"),
                   models.Index(fields=["province", "date"], name="sectors_activity_province")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} – {self.department_id}"

    @property
    def pillars(self) -> list[str]:
        """The pillars of its services, in the catalogue's order (labels)."""
        present = {service.pillar for service in self.services.all()}
        return [label for value, label in ServicePillar.choices if value in present]

    @property
    def file_name(self) -> str:
        return self.attachment.name.rsplit("/", 1)[-1] if self.attachment else ""
