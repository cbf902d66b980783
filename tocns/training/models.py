"""Training the teams (plan II.4, III.1, III.4): the province, with partner enterprises (VNPT,
Viettel, VNPost …), runs courses on the plan's topics; a course has sessions; teams and members
are invited; attendance is taken on the trainer's phone. Training is repeated until every team
is fluent, so what counts is who has been trained in each topic, and who never has."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit


class Topic(models.Model):
    """What a course teaches; the province adds topics over time."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("chủ đề"), max_length=200)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("chủ đề tập huấn")
        verbose_name_plural = _("chủ đề tập huấn")
        ordering = ["order", "code"]

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
