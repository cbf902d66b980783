"""The province's own data (geo.ProvinceProfile): how it is named, the plan its documents cite, its
portal links. The province admin edits his province's; another province's answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tocns.accounts.access import page_rule
from tocns.accounts.selectors import scope_for
from tocns.audit.models import AuditEntry
from tocns.geo import services
from tocns.geo.models import AdminUnit
from tocns.geo.selectors import plan_reference, province_phrase, province_profile
from tocns.lib.forms import add_service_errors

from ..forms import ProvinceProfileForm


def _province_or_404(user, code: str) -> AdminUnit:
    province = get_object_or_404(AdminUnit.objects.provinces(), code=code)
    if province.pk not in scope_for(user).province_ids:
        raise Http404
    return province


@login_required
@page_rule("province_admin")
def province_profile_mine(request):
    """The menu's link: the admin's own province (the first, should he hold two)."""
    province = AdminUnit.objects.provinces().filter(pk__in=scope_for(request.user).province_ids).order_by(
        "code").first()
    if province is None:
        raise Http404
    return redirect("dashboard:province_profile", code=province.code)


@login_required
@page_rule("province_admin")
def province_profile_edit(request, code: str):
    province = _province_or_404(request.user, code)
    profile = province_profile(province)
    form = ProvinceProfileForm(request.POST if request.method == "POST" else None,
                               initial=ProvinceProfileForm.initial_for(profile))
    if request.method == "POST" and form.is_valid():
        values, version = form.values()
        try:
            services.province_profile_change(province=province, values=values, version=version, by=request.user)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale":
                messages.error(request, " ".join(exc.messages))
                return redirect("dashboard:province_profile", code=code)
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin của %(province)s.") % {"province": province_phrase(province)})
            return redirect("dashboard:province_profile", code=code)
    changes = (AuditEntry.objects.filter(action="province_profile.change", object_type="geo.provinceprofile",
                                         object_id=profile.pk)
               .select_related("actor").order_by("-pk")[:50]) if profile.pk else []
    return render(request, "dashboard/province_profile.html", {
        "province": province, "form": form, "changes": changes, "citation": plan_reference(province)})
