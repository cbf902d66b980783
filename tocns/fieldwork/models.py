"""What team members did in the field (plan II.2): outreach and guidance, counted toward the
monthly report. Each activity carries an id made on the phone, so a retried upload stores it once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit


class ServicePillar(models.TextChoices):
    GOVERNMENT = "government", _("Chính quyền số")
    ECONOMY = "economy", _("Kinh tế số")
    SOCIETY = "society", _("Xã hội số")


class ActivityKind(models.TextChoices):
    OUTREACH = "outreach", _("Tuyên truyền")
    GUIDANCE = "guidance", _("Hướng dẫn, cầm tay chỉ việc")
    CLASS = "class", _("Lớp học, tập huấn")


class Measure(models.TextChoices):
    PEOPLE = "people", _("số người")
    HOUSEHOLDS = "households", _("số hộ")
    ACTIVITIES = "activities", _("số lượt hoạt động")


class Service(models.Model):
    """A digital service people are helped with; the province edits the catalogue."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên dịch vụ"), max_length=200)
    short_name = models.CharField(_("tên ngắn (nút bấm)"), max_length=40)
    pillar = models.CharField(_("lĩnh vực"), max_length=12, choices=ServicePillar.choices)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    indicators = models.ManyToManyField("reports.Indicator", through="ServiceIndicator", related_name="services")

    class Meta:
        verbose_name = _("dịch vụ số")
        verbose_name_plural = _("dịch vụ số")
        ordering = ["pillar", "order", "code"]

    def __str__(self) -> str:
        return self.name


class ServiceIndicator(models.Model):
    """Helping someone with this service counts toward this indicator, by people or households."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="counts_toward")
    indicator = models.ForeignKey("reports.Indicator", on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=12, choices=Measure.choices, default=Measure.PEOPLE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "indicator"], name="fieldwork_service_indicator")]

    def __str__(self) -> str:
        return f"{self.service_id}→{self.indicator_id}"


class Activity(models.Model):
    client_id = models.UUIDField(unique=True)  # made on the phone: a retried upload stores one activity
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="activities")
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="activities",
                             verbose_name=_("thôn, xã"))
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("hình thức"), max_length=12, choices=ActivityKind.choices)
    door_to_door = models.BooleanField(_("đến từng hộ"), default=False)
    services = models.ManyToManyField(Service, related_name="activities", verbose_name=_("dịch vụ"))
    people_count = models.PositiveIntegerField(_("số người được hỗ trợ"))
    households_count = models.PositiveIntegerField(_("số hộ"), null=True, blank=True)
    women_count = models.PositiveIntegerField(_("trong đó nữ"), null=True, blank=True)
    elderly_count = models.PositiveIntegerField(_("trong đó người cao tuổi"), null=True, blank=True)
    minority_count = models.PositiveIntegerField(_("trong đó người dân tộc thiểu số"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(_("ghi trên điện thoại lúc"))  # kept as made, also when sent later
    received_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("hoạt động")
        verbose_name_plural = _("nhật ký hoạt động")
        ordering = ["-date", "-made_at"]
        indexes = [models.Index(fields=["team", "date"], name="fieldwork_activity_team_date"),
                   models.Index(fields=["commune", "date"], name="fieldwork_activity_commune")]
        constraints = [
            models.CheckConstraint(condition=models.Q(women_count__isnull=True)
                                   | models.Q(women_count__lte=models.F("people_count")),
                                   name="fieldwork_women_within_people"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} – {self.people_count}"
