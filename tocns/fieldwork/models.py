"""What team members did in the field (plan II.2): outreach and guidance, counted toward the
monthly report. Each activity carries an id made on the phone, so a retried upload stores it once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit
from tocns.lib.models import save_with_folded
from tocns.reports.models import CatalogueQuerySet, catalogue_constraints, province_field


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
    """A digital service people are helped with: the national catalogue (no province) and each
    province's own services."""

    code = models.SlugField(_("mã"), max_length=40)
    province = province_field()
    name = models.CharField(_("tên dịch vụ"), max_length=200)
    short_name = models.CharField(_("tên ngắn (nút bấm)"), max_length=40)
    pillar = models.CharField(_("lĩnh vực"), max_length=12, choices=ServicePillar.choices)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    indicators = models.ManyToManyField("reports.Indicator", through="ServiceIndicator", related_name="services")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)  # the edit page's guard against a silent overwrite

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("dịch vụ số")
        verbose_name_plural = _("dịch vụ số")
        ordering = ["pillar", "order", "code"]
        constraints = catalogue_constraints("fieldwork_service")

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
    # One photo, resized on the phone; at most 300 KB (services.MAX_PHOTO_BYTES). Served only
    # through the log's scoped view, never from a public address.
    photo = models.FileField(_("ảnh"), upload_to="nhat-ky/%Y/%m/", blank=True)
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


class FeedbackKind(models.TextChoices):
    OPINION = "opinion", _("Ý kiến")
    PETITION = "petition", _("Kiến nghị")
    COMPLAINT = "complaint", _("Phản ánh")


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    FORWARDED = "forwarded", _("Đã chuyển cơ quan giải quyết")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")


class FeedbackChannel(models.TextChoices):
    PUBLIC = "public", _("Người dân tự gửi")
    TEAM = "team", _("Tổ ghi nhận")


class Feedback(models.Model):
    """Citizen feedback about digital services (plan II.2.1, II.2.2 a): received, forwarded to an
    office of the commune or the province, answered by a deadline, closed. Each step is kept."""

    code = models.CharField(max_length=12, unique=True)  # the citizen follows it with this code
    kind = models.CharField(_("loại"), max_length=12, choices=FeedbackKind.choices, default=FeedbackKind.OPINION)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback",
                                verbose_name=_("dịch vụ"))
    content = models.TextField(_("nội dung"))
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="feedback",
                             verbose_name=_("thôn, tổ dân phố"))
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    # A citizen's name and phone only with consent, recorded with the notice's version.
    citizen_name = models.CharField(_("họ tên người phản ánh"), max_length=200, blank=True)
    citizen_phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_version = models.CharField(max_length=20, blank=True)
    channel = models.CharField(max_length=10, choices=FeedbackChannel.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    submission_key = models.CharField(max_length=64, unique=True)
    sender_hash = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=FeedbackStatus.choices,
                              default=FeedbackStatus.RECEIVED)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), auto_now_add=True)
    answer_due_on = models.DateField(_("hạn trả lời"))
    forwarded_to = models.CharField(_("chuyển đến"), max_length=200, blank=True)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("ý kiến, phản ánh")
        verbose_name_plural = _("ý kiến, phản ánh")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["commune", "status"], name="fieldwork_feedback_commune")]

    def __str__(self) -> str:
        return f"{self.code} – {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in (FeedbackStatus.RECEIVED, FeedbackStatus.FORWARDED)


class FeedbackEvent(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=FeedbackStatus.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.get_status_display()


class FieldworkRules(models.Model):
    """A province's settings for the field: how many days an office has to answer feedback."""

    province = models.OneToOneField(AdminUnit, on_delete=models.PROTECT, related_name="+")
    feedback_answer_days = models.PositiveSmallIntegerField(_("số ngày phải trả lời ý kiến"), default=15)

    def __str__(self) -> str:
        return str(self.province)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    OPEN = "open", _("Đang thu thập")
    CLOSED = "closed", _("Đã kết thúc")


class Survey(models.Model):
    """Questions the province or a commune puts to people through the teams (plan II.2)."""

    title = models.CharField(_("tên khảo sát"), max_length=200)
    description = models.TextField(_("mục đích, hướng dẫn"), blank=True)
    owner = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("đơn vị lập"))  # the province or a commune
    status = models.CharField(_("trạng thái"), max_length=8, choices=SurveyStatus.choices,
                              default=SurveyStatus.DRAFT)
    submission_key = models.UUIDField(unique=True)  # a retried "create" makes one survey
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("khảo sát")
        verbose_name_plural = _("khảo sát")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    NUMBER = "number", _("Số")
    SINGLE = "single", _("Chọn một")
    MULTIPLE = "multiple", _("Chọn nhiều")
    TEXT = "text", _("Trả lời ngắn")


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("câu hỏi"), max_length=300)
    kind = models.CharField(_("loại câu trả lời"), max_length=8, choices=QuestionKind.choices)
    choices = models.JSONField(_("các lựa chọn"), default=list, blank=True)  # texts, in order
    required = models.BooleanField(_("bắt buộc trả lời"), default=True)
    submission_key = models.UUIDField(unique=True)  # a retried "add" makes one question

    class Meta:
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class SurveyAssignment(models.Model):
    """A team asked to collect answers by a deadline."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="assignments")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="survey_assignments")
    deadline = models.DateField(_("hạn hoàn thành"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "team"], name="fieldwork_survey_team_once")]

    def __str__(self) -> str:
        return f"{self.survey_id}→{self.team_id}"


class Answer(models.Model):
    """One questionnaire filled in, on the phone: the values keyed by question id. Like an
    activity it carries an id made on the phone, so a retried upload stores it once."""

    client_id = models.UUIDField(unique=True)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="answers")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="survey_answers")
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="survey_answers",
                             verbose_name=_("thôn, xã"))
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    values = models.JSONField(default=dict)  # {"<question id>": number as text | choice | [choices] | text}
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(_("ghi trên điện thoại lúc"))
    received_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        ordering = ["made_at", "pk"]
        indexes = [models.Index(fields=["survey", "team"], name="fieldwork_answer_survey_team")]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.client_id}"


class Guide(models.Model):
    """A how-to for a platform the teams teach (install VNeID and activate level 2, submit a dossier
    online, open an e-wallet …): steps with pictures, files, links to the official platform. Read
    on the phone while helping someone, and by citizens on the public portal once published."""

    title = models.CharField(_("tiêu đề"), max_length=200)
    # NULL: a national guide every province reads; a province: written by that province for its own.
    province = province_field()
    title_folded = models.CharField(max_length=200, editable=False, db_index=True, default="")
    summary = models.TextField(_("tóm tắt"), blank=True)
    pillar = models.CharField(_("lĩnh vực"), max_length=12, choices=ServicePillar.choices)
    services = models.ManyToManyField(Service, related_name="guides", blank=True, verbose_name=_("dịch vụ"))
    official_url = models.URLField(_("trang chính thức của nền tảng"), blank=True)
    is_published = models.BooleanField(_("đã công bố"), default=False)
    submission_key = models.UUIDField(unique=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)  # the edit page's guard against a silent overwrite
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_demo = models.BooleanField(default=False)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("tài liệu hướng dẫn")
        verbose_name_plural = _("tài liệu hướng dẫn")
        ordering = ["pillar", "title_folded"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        save_with_folded(self, super().save, args, kwargs, source="title", target="title_folded")


class GuideStep(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("nội dung bước"))
    picture = models.FileField(_("hình minh họa"), upload_to="huong-dan/", blank=True)  # ≤ 300 KB, as photos
    submission_key = models.UUIDField(unique=True)

    class Meta:
        ordering = ["guide", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.guide_id}/{self.order}"


class GuideFile(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("tên tệp"), max_length=200)
    file = models.FileField(_("tệp"), upload_to="huong-dan/tep/")
    size = models.PositiveIntegerField(default=0)
    submission_key = models.UUIDField(unique=True)

    class Meta:
        ordering = ["guide", "name"]

    def __str__(self) -> str:
        return self.name


class ActivityTally(models.Model):
    """Activities and people helped, per unit, month and pillar: what the dashboards read instead
    of millions of activities. Recomputed from the activities after each write commits
    (services.tally_refresh), and rebuilt whole by `manage.py tally_activities`."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="+")
    province = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day
    # "all" counts every activity once; a pillar counts those with a service of that pillar (an
    # activity helping with VNeID and QR payment counts in both pillars, once in "all").
    pillar = models.CharField(max_length=12, choices=ServicePillar.choices + [("all", _("Tất cả"))])
    activities = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    # Households reached door to door (plan II.2.1), on the "all" rows only (0 on the pillar rows): each
    # door-to-door activity counts its households_count, or 1 when left blank (see fieldwork/households.py).
    households = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month", "pillar"], name="fieldwork_tally_once")]
        # Covering on PostgreSQL (index-only scans for the sums); a plain index elsewhere.
        indexes = [models.Index(fields=["province", "pillar", "month"], include=["activities", "people", "commune"],
                                name="fieldwork_tally_province_sums"),
                   models.Index(fields=["commune", "pillar", "month"], include=["activities", "people", "unit"],
                                name="fieldwork_tally_commune_sums")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%m/%Y} {self.pillar}: {self.activities}"
