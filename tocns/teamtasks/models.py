"""Tasks given to teams (plan II.2.2a): the commune office or the province gives a team something to
do by a date; the team reports it done with a note (and a photo); the giver accepts it or sends it back."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Đang làm")
    RETURNED = "returned", _("Trả lại, làm tiếp")
    DONE = "done", _("Tổ báo đã xong")
    ACCEPTED = "accepted", _("Đã nghiệm thu")
    CANCELLED = "cancelled", _("Đã hủy")


OPEN_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.RETURNED)


class GiverLevel(models.TextChoices):
    COMMUNE = "commune", _("UBND xã")
    PROVINCE = "province", _("Tỉnh")


class TaskAction(models.TextChoices):
    ASSIGNED = "assigned", _("Giao nhiệm vụ")
    EDITED = "edited", _("Sửa nội dung")
    DONE = "done", _("Báo đã xong")
    ACCEPTED = "accepted", _("Nghiệm thu")
    RETURNED = "returned", _("Trả lại")
    CANCELLED = "cancelled", _("Hủy")


class TeamTask(models.Model):
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("tổ"))
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("nhiệm vụ"), max_length=200)
    description = models.TextField(_("nội dung, cách làm"), blank=True)
    due_on = models.DateField(_("hạn hoàn thành"))
    target_text = models.CharField(_("hộ, người cần đến"), max_length=300, blank=True)
    target_count = models.PositiveIntegerField(_("số hộ, số người"), null=True, blank=True)
    service = models.ForeignKey("fieldwork.Service", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("dịch vụ số"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=TaskStatus.choices,
                              default=TaskStatus.ASSIGNED)
    given_level = models.CharField(_("cấp giao"), max_length=10, choices=GiverLevel.choices)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                 verbose_name=_("người giao"))
    # The key of the form that gave it: a retried POST (one team or several) makes nothing new.
    submission_key = models.CharField(max_length=64)
    done_note = models.TextField(_("tổ báo kết quả"), blank=True)
    done_photo = models.FileField(_("ảnh"), upload_to="nhiem-vu/%Y/%m/", blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    review_comment = models.TextField(_("ý kiến của người giao"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("nhiệm vụ của tổ")
        verbose_name_plural = _("nhiệm vụ của tổ")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["submission_key", "team"], name="teamtasks_given_once")]
        indexes = [models.Index(fields=["commune", "status", "due_on"], name="teamtasks_commune_status"),
                   models.Index(fields=["province", "status", "due_on"], name="teamtasks_province_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TaskEvent(models.Model):
    task = models.ForeignKey(TeamTask, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=TaskAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.get_action_display()
