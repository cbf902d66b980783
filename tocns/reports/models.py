"""Indicators, report forms, reports and targets (plan II.2.3, III.1, III.2).

Indicators and forms are data the province edits in the app. An empty value is missing, never
zero: ReportValue.value is NULL then, and roll-ups and completeness keep the difference."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit

from .choices import (
    Aggregation,
    Level,
    PeriodRule,
    PeriodType,
    Pillar,
    ReportAction,
    ReportStatus,
    RuleOperator,
    RuleStrength,
    UploadStatus,
    ValueType,
    Visibility,
)


def province_ids_of(province) -> list[int]:
    """The province ids a catalogue lookup is for: a unit (any level: its province), an id, several, or none."""
    if province is None:
        return []
    if isinstance(province, AdminUnit):
        return [province.province_id or province.pk]
    if isinstance(province, int | str):
        return [int(province)]
    return [pk for one in province for pk in province_ids_of(one)]


class CatalogueQuerySet(models.QuerySet):
    """A catalogue shared by the provinces of one install (as DHIS2 assigns data sets to org units):
    a row without a province is the national catalogue every province sees and a national roll-up
    adds up by code; a row with one is that province's own, seen by it alone."""

    def for_province(self, province):
        """National rows and the province's own (`province` a unit of any level, an id or several)."""
        return self.filter(Q(province__isnull=True) | Q(province_id__in=province_ids_of(province)))

    def national(self):
        return self.filter(province__isnull=True)


def catalogue_constraints(prefix: str) -> list:
    """A code is unique within its province, and once in the national catalogue (a province row may not
    reuse a national code either: the services refuse it, as no database constraint can say it)."""
    return [models.UniqueConstraint(fields=["province", "code"], name=f"{prefix}_code_per_province"),
            models.UniqueConstraint(fields=["code"], condition=Q(province__isnull=True),
                                    name=f"{prefix}_code_national")]


def province_field():
    return models.ForeignKey(AdminUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("của tỉnh (trống: danh mục chung)"))


class Indicator(models.Model):
    code = models.CharField(_("mã"), max_length=20, db_index=True)
    # NULL: the national catalogue; a province: that province's own indicator.
    province = province_field()
    name = models.CharField(_("tên chỉ số"), max_length=300)
    pillar = models.CharField(_("lĩnh vực"), max_length=20, choices=Pillar.choices)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=30)
    value_type = models.CharField(_("kiểu số"), max_length=10, choices=ValueType.choices, default=ValueType.INTEGER)
    aggregation = models.CharField(_("cách tổng hợp"), max_length=10, choices=Aggregation.choices,
                                   default=Aggregation.SUM)
    # A ratio is computed from two entered indicators, so a province's share is total over total.
    numerator = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("tử số"))
    denominator = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("mẫu số"))
    min_value = models.DecimalField(_("giá trị nhỏ nhất"), max_digits=14, decimal_places=2, null=True, blank=True,
                                    default=0)
    max_value = models.DecimalField(_("giá trị lớn nhất"), max_digits=14, decimal_places=2, null=True, blank=True)
    # Above this many times the unit's usual figure, the leader must add a short comment.
    outlier_factor = models.DecimalField(_("cảnh báo khi vượt (lần mức thường)"), max_digits=5, decimal_places=1,
                                         default=3)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    description = models.TextField(_("hướng dẫn ghi"), blank=True)
    retired_on = models.DateField(_("thôi dùng từ"), null=True, blank=True)
    visibility = models.CharField(_("phạm vi xem"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.NORMAL)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        ordering = ["order", "code"]
        constraints = [
            *catalogue_constraints("reports_indicator"),
            models.CheckConstraint(
                condition=~models.Q(aggregation=Aggregation.RATIO)
                | models.Q(numerator__isnull=False, denominator__isnull=False),
                name="reports_ratio_has_both_parts"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def is_computed(self) -> bool:
        return self.aggregation == Aggregation.RATIO


class ReportForm(models.Model):
    code = models.CharField(_("mã mẫu"), max_length=30, db_index=True)
    province = province_field()
    name = models.CharField(_("tên mẫu báo cáo"), max_length=300)
    level = models.CharField(_("cấp báo cáo"), max_length=20, choices=Level.choices)
    period_type = models.CharField(_("kỳ báo cáo"), max_length=10, choices=PeriodType.choices)
    period_rule = models.CharField(_("cách tính kỳ"), max_length=12, choices=PeriodRule.choices,
                                   default=PeriodRule.CALENDAR)
    # Due by the end of this day of the period's last month (capped at the month's last day):
    # 29 means "before the 30th", and February's report is due on its last day.
    due_day = models.PositiveSmallIntegerField(_("hạn nộp: ngày trong tháng"), default=29)
    close_after_days = models.PositiveSmallIntegerField(_("khóa nhập sau khi hết kỳ (ngày)"), null=True, blank=True)
    asks_results = models.BooleanField(_("có phần kết quả nổi bật"), default=True)
    asks_difficulties = models.BooleanField(_("có phần khó khăn, vướng mắc"), default=True)
    asks_proposals = models.BooleanField(_("có phần đề xuất, kiến nghị"), default=True)
    indicators = models.ManyToManyField(Indicator, through="FormIndicator", related_name="forms")
    is_active = models.BooleanField(_("đang dùng"), default=True)
    # Bumped by every change made on the settings pages: two admins editing one form do not
    # silently overwrite each other.
    version = models.PositiveIntegerField(default=1)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("mẫu báo cáo")
        verbose_name_plural = _("mẫu báo cáo")
        ordering = ["level", "period_type", "code"]
        constraints = catalogue_constraints("reports_form")

    def __str__(self) -> str:
        return self.name


class FormIndicator(models.Model):
    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)
    # The heading the line is shown under on the report page ("" keeps the pillar's heading).
    section = models.CharField(_("phần"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "indicator"], name="reports_form_indicator_once")]

    def __str__(self) -> str:
        return f"{self.form_id}:{self.indicator_id}"


class ReportRequest(models.Model):
    """An ad-hoc request: the province asks selected communes for a form by a date."""

    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="requests")
    title = models.CharField(_("nội dung yêu cầu"), max_length=300)
    period_start = models.DateField(_("số liệu từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    due_on = models.DateField(_("hạn gửi"))
    communes = models.ManyToManyField(AdminUnit, related_name="+", verbose_name=_("các xã được yêu cầu"))
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("yêu cầu báo cáo đột xuất")
        verbose_name_plural = _("yêu cầu báo cáo đột xuất")
        ordering = ["-due_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Report(models.Model):
    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="reports")
    # Team reports name the team; a commune's report to the province names only the commune.
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="reports")
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="reports")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(ReportRequest, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="reports")
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    # "2026-10", "2026-Q4", "2026" or "R<request id>": what roll-ups and completeness filter on.
    period_key = models.CharField(max_length=12, db_index=True)
    due_on = models.DateField(_("hạn gửi"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    # Decided by the server's clock at the first submission, then never changed.
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    on_time = models.BooleanField(_("đúng hạn"), null=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    results = models.TextField(_("kết quả nổi bật"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    # Raised on every save; a save carrying an older version is refused (two people editing).
    version = models.PositiveIntegerField(default=1)
    # The key of the last save applied: a retried request with the same key changes nothing.
    last_save_key = models.CharField(max_length=64, blank=True)
    reopened_until = models.DateTimeField(_("mở lại đến"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("ý kiến của cấp trên"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        ordering = ["-period_start", "unit__name_folded"]
        constraints = [
            # period_key rather than the start day: two ad-hoc requests may share a start day.
            models.UniqueConstraint(fields=["form", "unit", "period_key"], name="reports_one_report_per_period"),
        ]
        indexes = [
            models.Index(fields=["commune", "period_key", "status"], name="reports_commune_period"),
            models.Index(fields=["province", "period_key", "status"], name="reports_province_period"),
        ]

    def __str__(self) -> str:
        return f"{self.form.name} – {self.unit.name} – {self.period_start:%m/%Y}"


class ReportValue(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)  # NULL is missing
    # What a leader typed into a draft while it is not an acceptable number ("12a", "-3", a count
    # above its base): kept so the page shows it again beside its message, while `value` stays NULL
    # so that it never reaches a roll-up, completeness, an export or the Zalo text. Empty otherwise.
    raw = models.CharField(_("số đã gõ (chưa hợp lệ)"), max_length=100, blank=True, default="")
    comment = models.CharField(_("giải thích"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="reports_one_value_per_indicator")]
        indexes = [models.Index(fields=["indicator", "report"], name="reports_value_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator_id}={self.value if self.value is not None else self.raw}"


class ReportEvent(models.Model):
    """The report's history: every save, submission, return, acceptance and reopening."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=ReportAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.get_action_display()


class Target(models.Model):
    """A yearly target for an indicator and unit: the province sets communes', a commune splits to villages."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="targets")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("chỉ tiêu"), max_digits=14, decimal_places=2)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "year"], name="reports_one_target")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.unit_id} {self.year}: {self.value}"


class ReminderLog(models.Model):
    """One row per reminder sent, keyed so that a daily run never sends the same one twice."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class ValidationRule(models.Model):
    """A rule between indicators, as data (DHIS2's validation rule): `left` `operator` `right`
    (and `right_high` for "between"), expressions over indicator codes read by reports.rules.
    A "block" rule stops sending; a "warn" rule asks for a confirmation with a reason. Retiring
    stops the check on every report not yet sent; the row stays as the record."""

    name = models.CharField(_("tên quy tắc"), max_length=200)
    # NULL: a national rule (over national indicators); a province: that province's own rule.
    province = province_field()
    left = models.CharField(_("vế trái"), max_length=500)
    operator = models.CharField(_("phép so sánh"), max_length=8, choices=RuleOperator.choices)
    right = models.CharField(_("vế phải"), max_length=500)
    right_high = models.CharField(_("đến (với “trong khoảng”)"), max_length=500, blank=True)
    strength = models.CharField(_("mức"), max_length=6, choices=RuleStrength.choices, default=RuleStrength.BLOCK)
    message = models.CharField(_("thông báo khi sai"), max_length=300)
    # Only reports of this form; empty: every form that has all the rule's indicators.
    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, null=True, blank=True, related_name="rules",
                             verbose_name=_("chỉ áp dụng cho mẫu"))
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    retired_at = models.DateTimeField(_("thôi dùng lúc"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("quy tắc kiểm tra")
        verbose_name_plural = _("quy tắc kiểm tra")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def expression(self) -> str:
        if self.operator == RuleOperator.BETWEEN:
            return f"{self.right} ≤ {self.left} ≤ {self.right_high}"
        return f"{self.left} {self.get_operator_display()} {self.right}"


class RuleConfirmation(models.Model):
    """A warning rule the sender confirmed, with his reason and the figures he confirmed."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="rule_confirmations")
    rule = models.ForeignKey(ValidationRule, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("lý do"), max_length=300)
    left_value = models.DecimalField(max_digits=20, decimal_places=4)
    right_value = models.DecimalField(max_digits=20, decimal_places=4)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "rule"], name="reports_rule_confirmed_once")]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.rule_id}"


class ReportUpload(models.Model):
    """A commune's Excel sheet of its village teams' figures for one form and period: checked and
    kept here (every row's values and problems) until the officer confirms; then the reports are
    written. The file's hash makes a second upload of the same file change nothing."""

    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="+")
    period_key = models.CharField(max_length=12)
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("tên tệp"), max_length=200)
    file_hash = models.CharField(max_length=64)
    rows = models.JSONField(default=list)  # [{"row": n, "team": id, "values": {...}, "errors": [...]}]
    status = models.CharField(_("trạng thái"), max_length=10, choices=UploadStatus.choices,
                              default=UploadStatus.CHECKED)
    outcome = models.JSONField(default=dict, blank=True)  # written / skipped report ids, after confirming
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["commune", "form", "period_key"], name="reports_upload_commune")]

    def __str__(self) -> str:
        return self.file_name


# difficulties-tasks: the items followed up from reports' difficulties and proposals (issue #15).
from .difficulty_models import DifficultyEvent, DifficultyItem, DifficultyRules  # noqa: E402, F401
