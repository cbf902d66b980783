"""Pages of the second factor: set up the authenticator app, type its code after the password.

The rules live in services.py; the middleware (SecondFactorMiddleware) sends a signed-in user who
has an authenticator, or whose role needs one, here before any other page."""

from io import BytesIO

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import services
from .forms import SecondFactorForm

SESSION_KEY = "second_factor"  # "required", "device" or "none": decided at sign-in


def second_factor_state(user) -> str:
    from django_otp import user_has_device

    if user_has_device(user, confirmed=True):
        return "device"
    return "required" if services.second_factor_required(user) else "none"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return ""


def qr_svg(text: str) -> str:
    """The QR code as inline SVG (no image host, no script)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(text, image_factory=SvgPathImage, box_size=8, border=2)
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg"):]


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Turn on the second factor: the secret as text and as a QR code, then one code from the app."""
    from base64 import b32encode

    # A verified user may move to a new phone; one with an authenticator must first type its code.
    if not request.user.is_verified() and request.session.get(SESSION_KEY) == "device":
        return redirect("accounts:second_factor")
    device = services.totp_device_pending(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_confirm(user=request.user, device=device, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", exc.message_dict.get("token"))
        else:
            django_otp.login(request, device)
            request.session[SESSION_KEY] = "device"
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request),
                                                                     "first": True})
    secret = b32encode(device.bin_key).decode()
    return render(request, "accounts/second_factor_setup.html", {
        "form": form, "secret": _grouped(secret), "qr": qr_svg(device.config_url),
        "required": request.session.get(SESSION_KEY) == "required", "next": _next(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """After the password: 6 digits from the app, or one recovery code."""
    if request.user.is_verified():
        return redirect(_next(request) or "dashboard:home")
    if request.session.get(SESSION_KEY) != "device":
        return redirect("accounts:second_factor_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_check(user=request.user, token=form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trong ứng dụng."))
        else:
            django_otp.login(request, device)
            if device.persistent_id.startswith("otp_static"):
                left = device.token_set.count()
                messages.warning(request, _("Bạn đã dùng một mã dự phòng, còn %(n)s mã.") % {"n": left})
            return redirect(_next(request) or "dashboard:home")
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
@require_http_methods(["POST"])
def recovery_codes(request):
    """New recovery codes (the old ones stop working), shown once."""
    if not request.user.is_verified():
        return redirect("accounts:second_factor")
    codes = services.recovery_codes_new(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": ""})
