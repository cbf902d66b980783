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
    if request.method == "POST":
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
    })
