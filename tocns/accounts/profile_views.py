"""The signed-in user's own page: who he is, his roles, his password, and the API token page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .access import API_ROLES, access_for


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    notice_form = _notice_form(request)
    if request.method == "POST" and "notice_choice" in request.POST:
        if notice_form["saved"]:
            messages.success(request, _("Đã lưu cách nhận thông báo."))
            return redirect("accounts:profile")
    elif request.method == "POST":
        enabled = request.POST.get("api_access") == "on"
        services.user_set_api_access(user=request.user, enabled=enabled)
        messages.success(request, _("Đã bật trang mã truy cập API.") if enabled else _("Đã tắt trang mã truy cập API."))
        return redirect("accounts:profile")
    from django_otp import user_has_device
    from django_otp.plugins.otp_static.models import StaticToken

    access = access_for(request.user)
    return render(request, "accounts/profile.html", {
        "second_factor_on": user_has_device(request.user, confirmed=True),
        "recovery_left": StaticToken.objects.filter(device__user=request.user, device__name="recovery").count(),
        "assignments": request.user.assignments.active().select_related("unit"),
        "api_by_role": access.scope.has_role(*API_ROLES),
        "notice": notice_form,
    })


def _notice_form(request) -> dict:
    """How notices reach this user: the current choice, its history, and on POST the new one
    (kept as typed, with the error beside it, when the consent box is missing)."""
    from django.core.exceptions import ValidationError

    from tocns.lib.phone import format_phone, normalize_phone
    from tocns.notify.delivery import current_choice
    from tocns.notify.models import ChannelChoice, NoticePreference
    from tocns.notify.services import phone_of, preference_set

    phone = phone_of(request.user)
    form = {"phone": format_phone(phone) if phone else "", "errors": {},
            # Email only for an account that has an address to send to.
            "choices": [c for c in ChannelChoice.choices if c[0] != ChannelChoice.EMAIL or request.user.email],
            "choice": current_choice(phone) if phone else "", "consent": False, "saved": False,
            "history": NoticePreference.objects.filter(phone=normalize_phone(phone)).select_related("recorded_by")[:5]
            if phone else []}
    latest = form["history"][0] if form["history"] else None
    # Ticked only when he ticked it himself before: a box ticked for him is no consent.
    form["consent"] = latest is not None and latest.choice != ChannelChoice.APP
    if request.method == "POST" and "notice_choice" in request.POST and phone:
        form["choice"] = request.POST.get("notice_choice", "")
        form["consent"] = request.POST.get("notice_consent") == "on"
        try:
            preference_set(phone=phone, choice=form["choice"], consent=form["consent"], by=request.user,
                           user=request.user)
            form["saved"] = True
        except ValidationError as exc:
            form["errors"] = exc.message_dict
    return form
