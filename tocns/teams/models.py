"""Teams, the people in them and the decisions behind them (plan section II.1).

History is never overwritten: leaving or changing role ends a Membership row (end_date) and may
start another; nothing is deleted."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit
from tocns.lib.models import save_with_folded
from tocns.lib.phone import format_phone

from .choices import (
    ETHNIC_GROUP_CHOICES,
    ApplicationChannel,
    ApplicationKind,
    ApplicationStatus,
    DecisionKind,
    Gender,
    MemberRole,
    Occupation,
    Position,
    TeamStatus,
    VillageApprover,
)


class TeamRules(models.Model):
    """A province's settings for team size (plan II.1.1, II.1.2, II.1.3)."""

    province = models.OneToOneField(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune_team_cap = models.PositiveSmallIntegerField(_("tối đa thành viên tổ cấp xã"), default=10)
    village_team_cap = models.PositiveSmallIntegerField(_("tối đa thành viên tổ thôn"), default=5)
    team_minimum = models.PositiveSmallIntegerField(_("số thành viên tối thiểu"), default=5)
    village_approver = models.CharField(_("người duyệt đơn của tổ thôn"), max_length=20,
                                        choices=VillageApprover.choices, default=VillageApprover.LEADER)
    # Raised on every change: a form opened before someone else's change is refused, not applied.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("quy định về tổ")
        verbose_name_plural = _("quy định về tổ")

    def __str__(self) -> str:
        return str(self.province)


class TeamRulesChange(models.Model):
    """One setting changed by the province admin: who, when, old value and new value. Never edited."""

    rules = models.ForeignKey(TeamRules, on_delete=models.PROTECT, related_name="changes")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("quy định"), max_length=40)
    old_value = models.CharField(_("giá trị cũ"), max_length=40)
    new_value = models.CharField(_("giá trị mới"), max_length=40)
    version = models.PositiveIntegerField(_("lần thay đổi"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thay đổi quy định về tổ")
        verbose_name_plural = _("thay đổi quy định về tổ")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"


class Decision(models.Model):
    """A commune chairman's decision: establishing, dissolving or changing a team's members."""

    kind = models.CharField(_("loại quyết định"), max_length=20, choices=DecisionKind.choices)
    number = models.CharField(_("số quyết định"), max_length=50)
    signed_on = models.DateField(_("ngày ký"))
    signer_name = models.CharField(_("người ký"), max_length=200)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    signed_file = models.FileField(_("bản có chữ ký (PDF hoặc ảnh)"), upload_to="decisions/%Y/", blank=True)
    team = models.ForeignKey("Team", on_delete=models.PROTECT, related_name="decisions")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định")
        verbose_name_plural = _("quyết định")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return self.number


SLUG_LETTERS = "abcdefghijkmnpqrstuvwxyz"  # no l or o: read aloud or copied from paper without doubt
SLUG_ALPHABET = SLUG_LETTERS + "23456789"  # no 0 or 1 either
SLUG_LENGTH = 10


def new_public_slug() -> str:
    """The address of a team's public pages: random, so /to/1/ … /to/300/ cannot be walked.
    It starts with a letter, so an old numeric address never names a team."""
    return secrets.choice(SLUG_LETTERS) + "".join(secrets.choice(SLUG_ALPHABET) for _ in range(SLUG_LENGTH - 1))


class Team(models.Model):
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="teams", verbose_name=_("đơn vị"))
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=20, choices=TeamStatus.choices,
                              default=TeamStatus.PROPOSED)
    zalo_group_url = models.URLField(_("nhóm Zalo của tổ"), blank=True)
    # The address of the team's public pages (/to/<slug>/), never the sequential id.
    public_slug = models.CharField(max_length=16, unique=True, default=new_public_slug, editable=False)
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tổ công nghệ số cộng đồng")
        verbose_name_plural = _("tổ công nghệ số cộng đồng")
        constraints = [
            # One team per commune and per village while it is not dissolved.
            models.UniqueConstraint(fields=["unit"], condition=~models.Q(status=TeamStatus.DISSOLVED),
                                    name="teams_one_live_team_per_unit"),
        ]
        indexes = [models.Index(fields=["commune", "status"], name="teams_team_commune_status")]

    def __str__(self) -> str:
        return _("Tổ CNSCĐ %(unit)s") % {"unit": self.unit.name}

    @property
    def is_commune_team(self) -> bool:
        return self.unit.is_commune


class Person(models.Model):
    """Someone who serves in a team. Optional link to a user account for those who sign in."""

    full_name = models.CharField(_("họ và tên"), max_length=200)
    full_name_folded = models.CharField(max_length=200, editable=False, db_index=True, default="")
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    # Sensitive personal data (Law 91/2025/QH15): optional, only with recorded consent.
    ethnic_group = models.CharField(_("dân tộc"), max_length=30, choices=ETHNIC_GROUP_CHOICES, blank=True)
    ethnic_group_consent_at = models.DateTimeField(null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, null=True, blank=True, unique=True)
    zalo_phone = models.CharField(_("số Zalo (nếu khác)"), max_length=15, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    occupation = models.CharField(_("thành phần"), max_length=20, choices=Occupation.choices,
                                  default=Occupation.RESIDENT)
    workplace = models.CharField(_("nơi công tác"), max_length=200, blank=True)
    position = models.CharField(_("chức vụ"), max_length=30, choices=Position.choices, blank=True,
                                help_text=_("Dùng để đối chiếu tổ trưởng, tổ phó với kế hoạch."))
    home_village = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("nơi ở (thôn)"))
    digital_skills = models.TextField(_("kỹ năng số"), blank=True)
    # The member's own choice: show their phone and Zalo on the public page of their team.
    phone_public = models.BooleanField(_("cho người dân thấy số điện thoại"), default=False)
    # His choice too: teammates see the phone; the leader, the deputy and the offices always do.
    # Showing it to citizens implies showing it to the team (see `phone_for_team`).
    phone_shared_with_team = models.BooleanField(_("cho các thành viên trong tổ thấy số điện thoại"),
                                                 default=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="person")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("người")
        verbose_name_plural = _("người")
        ordering = ["full_name_folded", "id"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        save_with_folded(self, super().save, args, kwargs, source="full_name", target="full_name_folded")

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    @property
    def phone_for_team(self) -> bool:
        """Whether a teammate (not the leader or deputy) may see the phone."""
        return self.phone_shared_with_team or self.phone_public


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(end_date__isnull=True)

    def on(self, day):
        """Memberships in force on a given day (for showing a team as it was)."""
        return self.filter(start_date__lte=day).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gt=day))

    def counted(self):
        """Those that count toward the size cap: collaborators do not."""
        return self.exclude(role=MemberRole.COLLABORATOR)


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=MemberRole.choices)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The decision that recorded the end (a "kiện toàn" or a dissolution); empty while none covers it.
    end_decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    end_reason = models.CharField(_("lý do kết thúc"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("thành viên tổ")
        verbose_name_plural = _("thành viên tổ")
        ordering = ["team", "role", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["team"], condition=models.Q(role=MemberRole.LEADER, end_date__isnull=True),
                                    name="teams_one_active_leader"),
            models.UniqueConstraint(fields=["team"], condition=models.Q(role=MemberRole.DEPUTY, end_date__isnull=True),
                                    name="teams_one_active_deputy"),
            models.UniqueConstraint(fields=["team", "person"], condition=models.Q(end_date__isnull=True),
                                    name="teams_one_active_membership_per_person"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="teams_membership_ends_after_start"),
        ]
        indexes = [models.Index(fields=["team", "end_date"], name="teams_membership_team_active")]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()}"


class Application(models.Model):
    """A request to join a team (one person, or a group list) or to leave it (plan II.1.3).

    Decided by the commune chairman for a commune team and by the village team's leader for a
    village team; the province admin may act for either."""

    kind = models.CharField(_("loại đơn"), max_length=10, choices=ApplicationKind.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="applications", verbose_name=_("tổ"))
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.PENDING)
    channel = models.CharField(_("hình thức"), max_length=10, choices=ApplicationChannel.choices)
    is_group = models.BooleanField(_("đơn danh sách tập thể"), default=False)
    # Who to answer: the applicant, or the person who sends a group list.
    contact_name = models.CharField(_("người gửi đơn"), max_length=200)
    contact_phone = models.CharField(_("số điện thoại liên hệ"), max_length=15)
    contact_email = models.EmailField(_("thư điện tử liên hệ"), blank=True)
    message = models.TextField(_("nguyện vọng, ghi chú"), blank=True)
    # For a leave request: the membership it ends.
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # A retried submission on a bad connection carries the same key and creates nothing new.
    submission_key = models.CharField(max_length=64, unique=True)
    # Public submissions are rate-limited per sender; only a hash of the address is kept.
    sender_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # The citizen follows their application at a private link without signing in.
    tracking_code = models.CharField(max_length=32, unique=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("ngày gửi"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("người quyết định"))
    decided_at = models.DateTimeField(_("ngày quyết định"), null=True, blank=True)
    answer = models.TextField(_("lý do hoặc nội dung cần bổ sung"), blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("đơn")
        verbose_name_plural = _("đơn")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["team", "status"], name="teams_application_team_status"),
                   models.Index(fields=["commune", "status"], name="teams_application_commune")]

    def __str__(self) -> str:
        return _("%(kind)s – %(name)s") % {"kind": self.get_kind_display(), "name": self.contact_name}

    @property
    def is_open(self) -> bool:
        return self.status in (ApplicationStatus.PENDING, ApplicationStatus.INFO_REQUESTED)


class ApplicationEntry(models.Model):
    """One person named on a join application; a group list has several."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="entries")
    full_name = models.CharField(_("họ và tên"), max_length=200)
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    ethnic_group = models.CharField(_("dân tộc"), max_length=30, choices=ETHNIC_GROUP_CHOICES, blank=True)
    ethnic_group_consent_at = models.DateTimeField(null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15)
    zalo_phone = models.CharField(_("số Zalo (nếu khác)"), max_length=15, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    occupation = models.CharField(_("thành phần"), max_length=20, choices=Occupation.choices,
                                  default=Occupation.RESIDENT)
    workplace = models.CharField(_("nơi công tác"), max_length=200, blank=True)
    home_village = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("nơi ở (thôn)"))
    digital_skills = models.TextField(_("kỹ năng số"), blank=True)
    # Filled on approval: who this entry became and the membership it started.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("người trong đơn")
        verbose_name_plural = _("người trong đơn")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return self.full_name
