"""Difficulties and proposals followed up (plan II.2.3): each non-empty "khó khăn, vướng mắc" or
"đề xuất, kiến nghị" of a sent report becomes an item with an owner (the commune office, or the
province when escalated), a state, an answer and a deadline. Imported by models.py."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit


class DifficultySection(models.TextChoices):
    DIFFICULTY = "difficulty", _("Khó khăn, vướng mắc")
    PROPOSAL = "proposal", _("Đề xuất, kiến nghị")


class DifficultyLevel(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    PROVINCE = "province", _("Cấp tỉnh")


class DifficultyState(models.TextChoices):
    OPEN = "open", _("Mới nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    ESCALATED = "escalated", _("Đã chuyển lên tỉnh")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")


OPEN_STATES = (DifficultyState.OPEN, DifficultyState.IN_PROGRESS, DifficultyState.ESCALATED)


class DifficultyAction(models.TextChoices):
    CREATED = "created", _("Ghi nhận từ báo cáo")
    UPDATED = "updated", _("Sửa nội dung")
    TAKEN = "taken", _("Nhận xử lý")
    ESCALATED = "escalated", _("Chuyển lên tỉnh")
    SPLIT = "split", _("Tách thành nhiều mục")
    MERGED = "merged", _("Gộp mục")
    ANSWERED = "answered", _("Trả lời")
    CLOSED = "closed", _("Đóng")


class DifficultyRules(models.Model):
    """A province's settings for difficulties: how many days an owner has to answer."""

    province = models.OneToOneField(AdminUnit, on_delete=models.PROTECT, related_name="+")
    answer_days = models.PositiveSmallIntegerField(_("số ngày phải trả lời khó khăn, kiến nghị"), default=15)

    def __str__(self) -> str:
        return str(self.province)


class DifficultyItem(models.Model):
    # Part of the report's record, as its values and events are (reports themselves are never deleted).
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="difficulty_items")
    section = models.CharField(_("phần"), max_length=12, choices=DifficultySection.choices)
    # 1 for the item the report's text made; a split adds 2, 3…
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(_("nội dung"))
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    owner_level = models.CharField(_("cấp giải quyết"), max_length=10, choices=DifficultyLevel.choices,
                                   default=DifficultyLevel.COMMUNE)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("người xử lý"))
    state = models.CharField(_("trạng thái"), max_length=12, choices=DifficultyState.choices,
                             default=DifficultyState.OPEN)
    due_on = models.DateField(_("hạn trả lời"))
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("khó khăn, kiến nghị")
        verbose_name_plural = _("khó khăn, kiến nghị")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "section", "position"],
                                               name="reports_difficulty_once")]
        indexes = [models.Index(fields=["commune", "state"], name="reports_difficulty_commune"),
                   models.Index(fields=["province", "state"], name="reports_difficulty_province")]

    def __str__(self) -> str:
        return self.short_text

    @property
    def short_text(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class DifficultyEvent(models.Model):
    item = models.ForeignKey(DifficultyItem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=DifficultyAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.get_action_display()
