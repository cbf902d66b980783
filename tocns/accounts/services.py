"""State changes for users and their role assignments."""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.geo.models import AdminUnit
from tocns.lib.phone import normalize_phone
from tocns.lib.text import clean_spaces

from .models import Assignment, Role, User
from .selectors import scope_for

ROLE_LEVELS = {
    Role.PROVINCE_ADMIN: {"province"},
    Role.PARTNER: {"province"},
    Role.COMMUNE_CHAIRMAN: {"commune"},
    Role.COMMUNE_OFFICER: {"commune"},
    Role.TEAM_LEADER: {"commune", "village"},
    Role.TEAM_MEMBER: {"commune", "village"},
    Role.DEPARTMENT: {"province"},
    Role.VILLAGE_HEAD: {"village"},
}

# Easy to read aloud over the phone: no 0/O or 1/l/I.
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def make_temporary_password() -> str:
    return "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(10))


def _check_role_unit(role: str, unit: AdminUnit) -> None:
    if role not in ROLE_LEVELS:
        raise ValidationError({"role": _("Vai trò không hợp lệ.")})
    if unit.level not in ROLE_LEVELS[role] or not unit.is_active:
        raise ValidationError({"unit": _("Vai trò «%(role)s» không gắn được với %(unit)s.")
                               % {"role": Role(role).label, "unit": unit.name}})


def _check_admin_reach(by: User, unit: AdminUnit) -> None:
    scope = scope_for(by)
    if not (scope.has_role(Role.PROVINCE_ADMIN) and scope.covers(unit)):
        raise ValidationError({"unit": _("Đơn vị này nằm ngoài phạm vi bạn quản lý.")})


def _clean_identity(*, phone: str, username: str, exclude_pk=None) -> tuple[str | None, str]:
    errors = {}
    normalized = normalize_phone(phone) if phone else None
    if phone and not normalized:
        errors["phone"] = _("Số điện thoại không đúng: ghi 10 số, ví dụ 0912 345 678 hoặc +84912345678.")
    username = (username or normalized or "").strip().lower()
    if not username:
        errors["username"] = _("Cần số điện thoại hoặc tên đăng nhập.")
    others = User.objects.exclude(pk=exclude_pk)
    if normalized and others.filter(phone=normalized).exists():
        errors["phone"] = _("Số điện thoại này đã có tài khoản.")
    if username and others.filter(username=username).exists():
        errors["username"] = _("Tên đăng nhập này đã có người dùng.")
    if errors:
        raise ValidationError(errors)
    return normalized, username


@transaction.atomic
def user_create(*, full_name: str, phone: str = "", username: str = "", email: str = "",
                role: str, unit: AdminUnit, created_by: User) -> tuple[User, str]:
    """Create a user with a first role and a temporary password, shown once to the admin, that
    the user must replace at first sign-in."""
    full_name = clean_spaces(full_name)
    if not full_name:
        raise ValidationError({"full_name": _("Cần ghi họ và tên.")})
    _check_admin_reach(created_by, unit)
    _check_role_unit(role, unit)
    phone, username = _clean_identity(phone=phone, username=username)
    password = make_temporary_password()
    try:
        user = User.objects.create_user(username=username, password=password, full_name=full_name,
                                        phone=phone, email=email.strip(), must_change_password=True)
    except IntegrityError as exc:  # a double submit that raced the checks above
        raise ValidationError({"phone": _("Số điện thoại hoặc tên đăng nhập này đã có tài khoản.")}) from exc
    Assignment.objects.create(user=user, role=role, unit=unit, created_by=created_by)
    return user, password


@transaction.atomic
def user_update(*, user: User, full_name: str, phone: str, email: str, by: User) -> User:
    full_name = clean_spaces(full_name)
    if not full_name:
        raise ValidationError({"full_name": _("Cần ghi họ và tên.")})
    normalized, _username = _clean_identity(phone=phone, username=user.username, exclude_pk=user.pk)
    user.full_name, user.phone, user.email = full_name, normalized, email.strip()
    user.save(update_fields=["full_name", "phone", "email"])
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool, by: User) -> User:
    if user.pk == by.pk and not active:
        raise ValidationError(_("Không thể tự khóa tài khoản của mình."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_password_reset(*, user: User, by: User) -> str:
    """A new temporary password: the old one stops working and open sessions are signed out."""
    password = make_temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("Mật khẩu hiện tại không đúng.")})
    if old_password == new_password:
        raise ValidationError({"new_password": _("Mật khẩu mới phải khác mật khẩu cũ.")})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    return user


@transaction.atomic
def assignment_add(*, user: User, role: str, unit: AdminUnit, by: User) -> Assignment:
    _check_admin_reach(by, unit)
    _check_role_unit(role, unit)
    if Assignment.objects.active().filter(user=user, role=role, unit=unit).exists():
        raise ValidationError({"role": _("Người này đã có vai trò đó ở đơn vị này.")})
    return Assignment.objects.create(user=user, role=role, unit=unit, created_by=by)


@transaction.atomic
def assignment_end(*, assignment: Assignment, by: User) -> Assignment:
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.ended_at is not None:
        return locked  # already ended: a retried request changes nothing
    if locked.unit_id is None:  # the national role: ended from the Django admin, never by a province
        raise ValidationError(_("Đơn vị này nằm ngoài phạm vi bạn quản lý."))
    _check_admin_reach(by, locked.unit)
    if locked.user_id == by.pk and locked.role == Role.PROVINCE_ADMIN:
        raise ValidationError(_("Không thể tự bỏ quyền quản trị của mình."))
    locked.ended_at = timezone.now()
    locked.ended_by = by
    locked.save(update_fields=["ended_at", "ended_by"])
    return locked


@transaction.atomic
def province_admin_bootstrap(*, full_name: str, phone: str, province: AdminUnit) -> tuple[User, str]:
    """The first province admin of an installation, made from the command line (nobody is
    signed in yet to create them from the app)."""
    if not province.is_province:
        raise ValidationError({"province": _("Phải là một tỉnh, thành phố.")})
    full_name = clean_spaces(full_name)
    if not full_name:
        raise ValidationError({"full_name": _("Cần ghi họ và tên.")})
    phone, username = _clean_identity(phone=phone, username="")
    password = make_temporary_password()
    user = User.objects.create_user(username=username, password=password, full_name=full_name,
                                    phone=phone, must_change_password=True)
    Assignment.objects.create(user=user, role=Role.PROVINCE_ADMIN, unit=province)
    return user, password


@transaction.atomic
def national_user_create(*, full_name: str, phone: str = "", username: str = "",
                         email: str = "") -> tuple[User, str]:
    """A ministry account (the national role, on no unit), made from the command line: no province
    admin may grant it. Returns the user and a temporary password he must replace at first sign-in."""
    full_name = clean_spaces(full_name)
    if not full_name:
        raise ValidationError({"full_name": _("Cần ghi họ và tên.")})
    phone, username = _clean_identity(phone=phone, username=username)
    password = make_temporary_password()
    user = User.objects.create_user(username=username, password=password, full_name=full_name,
                                    phone=phone, email=email.strip(), must_change_password=True)
    Assignment.objects.create(user=user, role=Role.NATIONAL, unit=None)
    return user, password


@transaction.atomic
def user_set_api_access(*, user: User, enabled: bool) -> User:
    """The user's own choice to see the API token page (for software he runs himself)."""
    if user.api_access != enabled:
        user.api_access = enabled
        user.save(update_fields=["api_access"])
    return user


# ---- second factor (TOTP via django-otp, recovery codes as its static device) ------------------

RECOVERY_CODES = 10


def second_factor_required(user: User) -> bool:
    """The office roles must use a second factor; a demo account may be let off on a demo server."""
    from django.conf import settings

    if user.is_demo and settings.SECOND_FACTOR_DEMO_EXEMPT:
        return False
    return Assignment.objects.active().filter(
        user=user, role__in=settings.SECOND_FACTOR_REQUIRED_ROLES).exists()


def totp_device_pending(*, user: User):
    """The authenticator being set up: the user's unconfirmed TOTP device, made once and kept, so
    the secret shown stays the same when the page is opened again (or the form sent again)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=_("Ứng dụng xác thực"), confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, user: User, device, token: str) -> list[str]:
    """Turns the second factor on once the app shows a right code: the device is confirmed, any
    older authenticator removed, and new recovery codes made. Returns the codes (shown once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    token = "".join(str(token or "").split())
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        raise ValidationError({"token": _("Mã chưa đúng. Hãy nhập 6 số đang hiện trong ứng dụng.")})
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_new(user=user)


@transaction.atomic
def recovery_codes_new(*, user: User) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery",
                                                          defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def second_factor_check(*, user: User, token: str):
    """The device that takes this code (6 digits from the app, or a recovery code, spent), or None.
    django-otp slows down repeated failures on each device (its throttling)."""
    from django_otp import devices_for_user

    token = "".join(str(token or "").split()).lower()
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None
