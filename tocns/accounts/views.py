from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.geo.models import AdminUnit
from tocns.lib.forms import add_service_errors

from . import services
from .forms import PasswordChangeForm, SignInForm, UnitChoiceForm, UserCreateForm, UserEditForm
from .models import Assignment, Role
from .selectors import scope_for, units_for_user, user_for_admin_or_404, users_for_admin


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True


def locked_out(request, response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {
        "minutes": minutes, "by_address": getattr(request, "lockout_by_address", False),
    }, status=429)


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_change(user=request.user, old_password=form.cleaned_data["old_password"],
                                          new_password=form.cleaned_data["new_password"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Đã đổi mật khẩu."))
            return redirect("dashboard:home")
    return render(request, "accounts/password_change.html", {"form": form})


# ---- user management (province admin) ------------------------------------------------------

def _admin_only(request):
    scope = scope_for(request.user)
    if not scope.has_role(Role.PROVINCE_ADMIN):
        raise Http404
    return scope


def _admin_province(request) -> AdminUnit:
    return units_for_user(request.user).provinces().first()


def _unit_form_kwargs(request, data=None):
    province = _admin_province(request)
    communes = units_for_user(request.user).communes().filter(parent=province)
    commune_id = (data or {}).get("commune")
    villages = AdminUnit.objects.none()
    if commune_id and str(commune_id).isdigit():
        villages = units_for_user(request.user).villages().filter(parent_id=commune_id)
    return {"province": province, "communes": communes, "villages": villages}


@login_required
def user_list(request):
    _admin_only(request)
    query = request.GET.get("q", "").strip()
    users = users_for_admin(request.user, query=query).prefetch_related("assignments__unit")
    page = Paginator(users, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "query": query})


@login_required
def user_create(request):
    _admin_only(request)
    form = UserCreateForm(request.POST or None, **_unit_form_kwargs(request, request.POST))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.user_create(
                full_name=data["full_name"], phone=data["phone"], username=data["username"],
                email=data["email"], role=data["role"], unit=data["unit"], created_by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "accounts/temporary_password.html",
                          {"target": user, "password": password, "created": True})
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
def village_options(request):
    """The village <select> for the chosen commune (htmx fragment)."""
    _admin_only(request)
    prefix = request.GET.get("prefix") or None
    commune = request.GET.get(f"{prefix}-commune" if prefix else "commune")
    form = UnitChoiceForm(prefix=prefix, **_unit_form_kwargs(request, {"commune": commune}))
    return render(request, "accounts/_unit_fields.html#village-field", {"form": form})


@login_required
def user_detail(request, pk: int):
    _admin_only(request)
    target = user_for_admin_or_404(request.user, pk)
    edit_form = UserEditForm(request.POST if request.POST.get("action") == "edit" else None,
                             initial={"full_name": target.full_name, "phone": target.phone_display,
                                      "email": target.email})
    role_data = request.POST if request.POST.get("action") == "assign" else None
    role_form = UnitChoiceForm(role_data, prefix="a", **_unit_form_kwargs(
        request, {"commune": request.POST.get("a-commune")} if role_data else None))
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "edit" and edit_form.is_valid():
                services.user_update(user=target, by=request.user, **edit_form.cleaned_data)
                messages.success(request, _("Đã lưu thông tin."))
                return redirect("accounts:user_detail", pk=target.pk)
            if action == "assign" and role_form.is_valid():
                services.assignment_add(user=target, role=role_form.cleaned_data["role"],
                                        unit=role_form.cleaned_data["unit"], by=request.user)
                messages.success(request, _("Đã thêm vai trò."))
                return redirect("accounts:user_detail", pk=target.pk)
        except ValidationError as exc:
            add_service_errors(edit_form if action == "edit" else role_form, exc)
    assignments = target.assignments.select_related("unit", "created_by", "ended_by")
    return render(request, "accounts/user_detail.html", {
        "target": target, "edit_form": edit_form, "role_form": role_form, "assignments": assignments,
    })


@login_required
@require_POST
def assignment_end(request, pk: int, assignment_pk: int):
    _admin_only(request)
    target = user_for_admin_or_404(request.user, pk)
    assignment = get_object_or_404(Assignment, pk=assignment_pk, user=target)
    if not scope_for(request.user).covers(assignment.unit):
        raise Http404
    try:
        services.assignment_end(assignment=assignment, by=request.user)
        messages.success(request, _("Đã kết thúc vai trò (lịch sử vẫn được giữ)."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def password_reset(request, pk: int):
    _admin_only(request)
    target = user_for_admin_or_404(request.user, pk)
    password = services.user_password_reset(user=target, by=request.user)
    return render(request, "accounts/temporary_password.html", {"target": target, "password": password})


@login_required
@require_POST
def user_set_active(request, pk: int):
    _admin_only(request)
    target = user_for_admin_or_404(request.user, pk)
    try:
        services.user_set_active(user=target, active=request.POST.get("active") == "1", by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:user_detail", pk=target.pk)
