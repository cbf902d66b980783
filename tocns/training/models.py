"""Training the teams (plan II.4, III.1, III.4): the province, with partner enterprises (VNPT,
Viettel, VNPost …), runs courses on the plan's topics; a course has sessions; teams and members
are invited; attendance is taken on the trainer's phone. Training is repeated until every team
is fluent, so what counts is who has been trained in each topic, and who never has."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit
from tocns.reports.models import CatalogueQuerySet, catalogue_constraints, province_field


class Topic(models.Model):
    """What a course teaches: the plan's topics (national, no province) and those a province adds."""

    code = models.SlugField(_("mã"), max_length=40)
    province = province_field()
    name = models.CharField(_("chủ đề"), max_length=200)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("chủ đề tập huấn")
        verbose_name_plural = _("chủ đề tập huấn")
        ordering = ["order", "code"]
        constraints = catalogue_constraints("training_topic")

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """An enterprise that trains teams; its users see and manage only its own courses."""

    name = models.CharField(_("tên doanh nghiệp"), max_length=200)
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="partners", blank=True,
                                   verbose_name=_("tài khoản của doanh nghiệp"))
    # The communes the enterprise serves (plan III.4, II.3): its support requests and the teams it
    # sees come from these; none means it serves no commune yet.
    communes = models.ManyToManyField(AdminUnit, related_name="partners", blank=True,
                                      verbose_name=_("các xã doanh nghiệp phục vụ"))
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("doanh nghiệp đối tác")
        verbose_name_plural = _("doanh nghiệp đối tác")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["province", "name"], name="training_partner_name_once")]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    title = models.CharField(_("tên khóa tập huấn"), max_length=200)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="courses", verbose_name=_("chủ đề"))
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="courses",
                                verbose_name=_("doanh nghiệp phối hợp"))
    description = models.TextField(_("nội dung"), blank=True)
    submission_key = models.UUIDField(unique=True)  # a retried "create" makes one course
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("khóa tập huấn")
        verbose_name_plural = _("khóa tập huấn")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("bắt đầu lúc"))
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    online_link = models.URLField(_("đường dẫn học trực tuyến"), blank=True)
    trainer_name = models.CharField(_("giảng viên"), max_length=200)
    submission_key = models.UUIDField(unique=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("buổi tập huấn")
        verbose_name_plural = _("buổi tập huấn")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.course} – {self.starts_at:%d/%m/%Y}"


class Invitation(models.Model):
    """A member invited to a course, with the team they were invited through."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="training_invitations")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "person"], name="training_invited_once")]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.person_id}"


class Attendance(models.Model):
    """Present or absent at one session, as the trainer marked it (changes keep who and when)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="attendance")
    present = models.BooleanField(_("có mặt"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="training_attendance_once")]
        indexes = [models.Index(fields=["person", "present"], name="training_attendance_person")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.person_id}:{'x' if self.present else '-'}"


# ---- Proficiency (plan III.1 ¶4): a short test after a course, certificates, imported completions ----


class Quiz(models.Model):
    """A course's short test: multiple-choice questions and a pass mark, written by whoever runs the
    course. How often a member may retry is data: `max_attempts` (0: no limit) and `retry_after_hours`."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="quiz")
    pass_mark = models.PositiveSmallIntegerField(_("điểm đạt (%)"), default=70)
    max_attempts = models.PositiveSmallIntegerField(_("số lần làm tối đa"), default=3,
                                                    help_text=_("0 là không giới hạn."))
    retry_after_hours = models.PositiveSmallIntegerField(_("làm lại sau (giờ)"), default=0)
    is_open = models.BooleanField(_("đang mở cho học viên"), default=False)
    version = models.PositiveIntegerField(default=1)  # two editors never silently overwrite each other
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bài kiểm tra")
        verbose_name_plural = _("bài kiểm tra")
        constraints = [models.CheckConstraint(condition=models.Q(pass_mark__gte=1, pass_mark__lte=100),
                                              name="training_quiz_pass_mark_percent")]

    def __str__(self) -> str:
        return str(self.course)


class Question(models.Model):
    """One multiple-choice question: 2–5 options, one or more correct (indexes into `options`).
    A question taken out is ended (`is_active`), so past attempts still read."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField(_("câu hỏi"))
    options = models.JSONField(default=list)
    correct = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    submission_key = models.UUIDField(unique=True, null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def several(self) -> bool:
        return len(self.correct) > 1


class Attempt(models.Model):
    """One submission of the test by a member, graded on the server; every attempt is kept."""

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="quiz_attempts")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)  # {question id: [option indexes]}
    correct = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField(_("điểm (%)"), default=0)
    passed = models.BooleanField(_("đạt"), default=False)
    quiz_version = models.PositiveIntegerField(default=1)
    submission_key = models.UUIDField(unique=True)  # a retried "submit" makes one attempt
    submitted_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["quiz", "person"], name="training_attempt_quiz_person")]

    def __str__(self) -> str:
        return f"{self.quiz_id}:{self.person_id}:{self.score}"


class Certificate(models.Model):
    """A "Giấy chứng nhận" for a member who passed a course's test, with a random verification
    code for the public page. Revoked, never deleted: the reason and who revoked it are kept."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="certificates")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, null=True, blank=True, related_name="certificate")
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()  # numbered per province and year: "Số: 07/GCN"
    code = models.CharField(_("mã xác minh"), max_length=16, unique=True)
    issuer = models.CharField(_("đơn vị cấp"), max_length=200)
    score = models.PositiveSmallIntegerField(_("điểm (%)"))
    issued_on = models.DateField(_("ngày cấp"))
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    revoke_reason = models.TextField(_("lý do thu hồi"), blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="training_certificate_once"),
            models.UniqueConstraint(fields=["province", "year", "serial"], name="training_certificate_number"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.serial:02d}/GCN"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class PlatformCourse(models.Model):
    """A course name as the "Bình dân học vụ số" platform exports it, and the topic it counts for;
    the province keeps this table."""

    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên khóa học trên nền tảng"), max_length=300)
    name_folded = models.CharField(max_length=300, editable=False)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("chủ đề"))

    class Meta:
        ordering = ["name_folded"]
        constraints = [models.UniqueConstraint(fields=["province", "name_folded"],
                                               name="training_platform_course_once")]

    def __str__(self) -> str:
        return self.name


class Completion(models.Model):
    """A course completed on the "Bình dân học vụ số" platform, imported from its CSV export; the
    same person, course and day again adds nothing."""

    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="completions")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    course_name = models.CharField(max_length=300)
    course_name_folded = models.CharField(max_length=300, editable=False)
    completed_on = models.DateField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["person", "course_name_folded", "completed_on"],
                                               name="training_completion_once")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.course_name}"


class Proficiency(models.Model):
    """Derived: a person is proficient in a topic while he holds a valid certificate of a course of
    that topic or an imported completion. Kept in step by the services (issue, revoke, import) so
    the overview counts proficient members per topic with one grouped query."""

    person = models.ForeignKey("teams.Person", on_delete=models.CASCADE, related_name="proficiencies")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    since = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "topic"], name="training_proficiency_once")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.topic_id}"
