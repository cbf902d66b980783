"""Sign-in with a phone number (any common Vietnamese format) or a username, and its lockout."""

from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Sum
from django.utils import timezone

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
    """The account a failed attempt counts against, whatever identifier was typed: the phone in any
    format and the username of one account are one key (its username). An identifier that names no
    account counts as typed, normalised, so guessing at it is limited too."""
    raw = (credentials or {}).get("username") or (request.POST.get("username") if request else "") or ""
    user = find_user(raw)
    if user is not None:
        return user.username
    return normalize_phone(raw) or raw.strip().lower()


def address_failures(ip_address: str | None) -> int:
    """Failed sign-ins from one address in the cool-off window, over every account typed."""
    if not ip_address:
        return 0
    since = timezone.now() - timedelta(seconds=settings.AXES_COOLOFF_TIME.total_seconds())
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start"))["total"]
    return total or 0


class LockoutBackend(AxesStandaloneBackend):
    """Axes's check per account, plus one per address: many accounts tried from one address (a
    guess of one common password over a list of phones) lock that address, whatever accounts."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and settings.AXES_ENABLED:
            ip_address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
            if address_failures(ip_address) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
                request.axes_locked_out = True
                request.lockout_by_address = True  # the page says why (locked_out view)
                raise AxesBackendPermissionDenied("too many failed sign-ins from this address")
        return super().authenticate(request, username=username, password=password, **kwargs)


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
