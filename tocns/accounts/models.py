"""Users and the roles they hold over administrative units."""

import re

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocns.geo.models import AdminUnit
from tocns.lib.models import save_with_folded
from tocns.lib.phone import format_phone, normalize_phone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, username, password, **extra):
        if not username:
            raise ValueError("username is required")
        user = self.model(username=username.lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, username, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(username, password, **extra)

    def create_superuser(self, username, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        _("tên đăng nhập"), max_length=150, unique=True, validators=[UnicodeUsernameValidator()]
    )
    phone = models.CharField(_("số điện thoại"), max_length=15, unique=True, null=True, blank=True)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    full_name_folded = models.CharField(max_length=200, editable=False, db_index=True, default="")
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    is_staff = models.BooleanField(_("vào trang quản trị Django"), default=False)
    must_change_password = models.BooleanField(default=False)
    is_demo = models.BooleanField(_("tài khoản mẫu"), default=False)
    # Turned on by the user in his profile; the roles that need the API have it anyway (access.py).
    api_access = models.BooleanField(_("dùng mã truy cập API"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        ordering = ["full_name_folded", "id"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.username = self.username.lower()
        self.phone = normalize_phone(self.phone) if self.phone else None
        save_with_folded(self, super().save, args, kwargs, source="full_name", target="full_name_folded")

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        """The given name, the way people are greeted: "Ma Văn Tiến (VNPT)" is "Tiến"."""
        words = re.sub(r"\(.*?\)|\(.*$", " ", self.full_name).split()
        return words[-1] if words else self.username

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Quản trị cấp tỉnh (Sở KH&CN)")
    COMMUNE_CHAIRMAN = "commune_chairman", _("Chủ tịch UBND xã")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ phòng Văn hóa - Xã hội")
    TEAM_LEADER = "team_leader", _("Tổ trưởng")
    TEAM_MEMBER = "team_member", _("Thành viên tổ")
    PARTNER = "partner", _("Doanh nghiệp đối tác")
    # Plan III.3: a provincial department or sector (sở, ban, ngành) supporting the teams in its field.
    DEPARTMENT = "department", _("Sở, ban, ngành")
    # The village head (trưởng thôn), who may not lead the team; may approve a village application.
    VILLAGE_HEAD = "village_head", _("Trưởng thôn, tổ dân phố")
    # The ministry (Bộ Khoa học và Công nghệ): every province's figures, no person's data. Held on no
    # unit (Assignment.unit is NULL); granted by `manage.py create_national_user`, never by a province.
    NATIONAL = "national", _("Cấp trung ương (Bộ Khoa học và Công nghệ)")


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)


class Assignment(models.Model):
    """A role a user holds over one unit (the national role: over none, the whole country). Ending it
    keeps the row: the history stays."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="assignments",
                             verbose_name=_("đơn vị"), null=True, blank=True)
    started_at = models.DateTimeField(_("từ"), default=timezone.now)
    ended_at = models.DateTimeField(_("đến"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"], condition=models.Q(ended_at__isnull=True),
                name="accounts_one_active_assignment_per_role_unit",
            ),
            # The national role alone is held on no unit; every other role on one.
            models.CheckConstraint(
                condition=models.Q(role=Role.NATIONAL, unit__isnull=True)
                | (~models.Q(role=Role.NATIONAL) & models.Q(unit__isnull=False)),
                name="accounts_unit_null_only_for_national",
            ),
            # NULL units never collide in the constraint above: one active national role per user here.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(ended_at__isnull=True, role=Role.NATIONAL),
                name="accounts_one_active_national_assignment",
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_at"], name="accounts_assignment_user")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.area_name}"

    @property
    def area_name(self) -> str:
        """The unit's name, or "Toàn quốc" for the national role."""
        return self.unit.name if self.unit_id else str(_("Toàn quốc"))

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
