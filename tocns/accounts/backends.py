"""Sign-in with a phone number (any common Vietnamese format) or a username."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from tocns.lib.phone import normalize_phone


def find_user(identifier: str | None):
    if not identifier:
        return None
    User = get_user_model()
    phone = normalize_phone(identifier)
    if phone:
        user = User.objects.filter(phone=phone).first()
        if user is not None:
            return user
    return User.objects.filter(username=identifier.strip().lower()).first()


def axes_username(request, credentials) -> str:
    """The account a failed attempt counts against: 0912 345 678 and +84912345678 are one."""
    raw = (credentials or {}).get("username") or (request.POST.get("username") if request else "") or ""
    return normalize_phone(raw) or raw.strip().lower()


class PhoneOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Spend the same time as a real check, so timing does not reveal who has an account.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
