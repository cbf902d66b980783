"""Pages of departments and sectors (sở, ban, ngành): a department's users record and list their
activities and see the figures of the communes they support; the province admin manages the
departments and sees each one's part over a period, with an Excel export."""

import mimetypes
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts.access import access_for, page_rule
from tocns.lib.forms import add_service_errors
from tocns.lib.http import XLSX, attachment
from tocns.reports.settings_selectors import province_administered_by

from . import selectors, services
from .exports import parts_workbook
from .forms import ActivityForm, DepartmentCommunesForm, DepartmentForm, DepartmentUsersForm, PeriodForm


def _own_department(request):
    department = selectors.department_of(request.user)
    if department is None:
        raise Http404
    return department


@login_required
@page_rule("department")
def activity_list(request):
    """The department's own activities, newest first; without a department linked yet, says so."""
    department = selectors.department_of(request.user)
    page = None
    if department is not None:
        page = Paginator(department.activities.select_related("commune").prefetch_related("services"), 30)\
            .get_page(request.GET.get("page"))
    return render(request, "sectors/activity_list.html", {
        "department": department, "page": page,
        "month": selectors.department_month(department) if department else None})


@login_required
@page_rule("department")
def activity_create(request):
    department = _own_department(request)
    form = ActivityForm(request.POST or None, request.FILES or None, communes=department.communes.active()
                        .order_by("name_folded"), province=department.province_id)
    if request.method == "POST" and form.is_valid():
        try:
            activity, _created = services.activity_record(
                by=request.user, department=department, data=form.activity_data(),
                submission_key=form.cleaned_data["submission_key"], attachment=form.cleaned_data.get("attachment"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi hoạt động ngày %(day)s: %(n)s người được tiếp cận.") % {
                "day": activity.date.strftime("%d/%m/%Y"), "n": activity.people_reached})
            return redirect("sectors:activities")
    return render(request, "sectors/activity_form.html", {"form": form, "department": department})


@login_required
def activity_detail(request, pk: int):
    activity = selectors.activity_for_user_or_404(request.user, pk)
    mine = selectors.department_of(request.user) == activity.department
    return render(request, "sectors/activity_detail.html", {
        "activity": activity, "can_edit": mine, "is_admin": access_for(request.user).province_admin})


@login_required
@page_rule("department")
def activity_edit(request, pk: int):
    department = _own_department(request)
    activity = selectors.activity_for_user_or_404(request.user, pk)
    if activity.department_id != department.pk:
        raise Http404
    initial = {"kind": activity.kind, "date": activity.date, "commune": activity.commune,
               "services": list(activity.services.all()), "description": activity.description,
               "people_reached": activity.people_reached, "was": activity.version,
               "submission_key": activity.submission_key}
    communes = department.communes.active().order_by("name_folded")
    form = ActivityForm(request.POST or None, request.FILES or None, communes=communes, initial=initial,
                        province=department.province_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(by=request.user, activity=activity, data=form.activity_data(),
                                     was=form.cleaned_data["was"], attachment=form.cleaned_data.get("attachment"))
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale":  # show the newest version, with the warning on top
                activity.refresh_from_db()
                initial.update({"kind": activity.kind, "date": activity.date, "commune": activity.commune,
                                "services": list(activity.services.all()), "description": activity.description,
                                "people_reached": activity.people_reached, "was": activity.version})
                form = ActivityForm(communes=communes, initial=initial, province=department.province_id)
                messages.error(request, " ".join(exc.messages))
            else:
                add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("sectors:activity", activity.pk)
    return render(request, "sectors/activity_form.html", {"form": form, "department": department,
                                                          "activity": activity})


@login_required
def activity_file(request, pk: int):
    """The activity's attached materials, to those who may see the activity."""
    activity = selectors.activity_for_user_or_404(request.user, pk)
    if not activity.attachment:
        raise Http404
    kind = mimetypes.guess_type(activity.attachment.name)[0] or "application/octet-stream"
    inline = kind in ("application/pdf", "image/jpeg", "image/png")
    response = FileResponse(activity.attachment.open("rb"), content_type=kind, as_attachment=not inline,
                            filename=activity.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@page_rule("department")
def communes_overview(request):
    """The communes the department supports: figures only (teams, members, activity, reports)."""
    department = selectors.department_of(request.user)
    rows = selectors.supported_communes_overview(department) if department else []
    month = timezone.localdate().replace(day=1)
    return render(request, "sectors/communes.html", {"department": department, "rows": rows, "month": month,
                                                     "previous": month - timedelta(days=1)})


# ---- the province admin ----------------------------------------------------------------------

def _province(request):
    province = province_administered_by(request.user)
    if province is None:
        raise Http404
    return province


def _period(request) -> tuple[PeriodForm, date, date]:
    """The period asked for; by default from the first day of the year to today."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    start, end = date(today.year, 1, 1), today
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data.get("tu") or start, form.cleaned_data.get("den") or end
    elif not form.is_bound:
        form = PeriodForm(initial={"tu": start, "den": end})
    return form, start, end


@login_required
@page_rule("province_admin")
def department_list(request):
    """Each department's part over a period, and adding a department."""
    province = _province(request)
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.department_add(by=request.user, province=province, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("sectors:department", department.pk)
    period_form, start, end = _period(request)
    return render(request, "sectors/department_list.html", {
        "form": form, "period_form": period_form, "start": start, "end": end,
        "parts": selectors.department_parts(province, start=start, end=end),
        "query": request.GET.urlencode()})


@login_required
@page_rule("province_admin")
def department_export(request):
    province = _province(request)
    _form, start, end = _period(request)
    content = parts_workbook(province, start=start, end=end, by=request.user)
    return attachment(content, f"so-nganh-{start:%Y%m%d}-{end:%Y%m%d}.xlsx", XLSX)


@login_required
@page_rule("province_admin")
def department_detail(request, pk: int):
    """One department: its activities over the period; its accounts and the communes it supports."""
    department = selectors.department_for_admin_or_404(request.user, pk)
    users_form = DepartmentUsersForm(prefix="users", accounts=selectors.department_accounts(department),
                                     initial={"users": department.users.all()})
    communes_form = DepartmentCommunesForm(prefix="communes", communes=selectors.province_communes(
        department.province), initial={"communes": department.communes.all()})
    action = request.POST.get("action")
    try:
        if action == "users":
            users_form = DepartmentUsersForm(request.POST, prefix="users",
                                             accounts=selectors.department_accounts(department))
            if users_form.is_valid():
                services.department_users_set(by=request.user, department=department,
                                              users=users_form.cleaned_data["users"])
                messages.success(request, _("Đã lưu tài khoản của %(name)s.") % {"name": department.name})
                return redirect("sectors:department", department.pk)
        elif action == "communes":
            communes_form = DepartmentCommunesForm(request.POST, prefix="communes",
                                                   communes=selectors.province_communes(department.province))
            if communes_form.is_valid():
                services.department_communes_set(by=request.user, department=department,
                                                 communes=communes_form.cleaned_data["communes"])
                messages.success(request, _("Đã lưu các xã, phường %(name)s hỗ trợ.") % {"name": department.name})
                return redirect("sectors:department", department.pk)
    except ValidationError as exc:
        add_service_errors(users_form if action == "users" else communes_form, exc)
    period_form, start, end = _period(request)
    activities = selectors.activities_between(department.activities.select_related("commune"), start=start, end=end)
    page = Paginator(activities, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "sectors/department_detail.html", {
        "department": department, "users_form": users_form, "communes_form": communes_form,
        "period_form": period_form, "start": start, "end": end, "page": page, "params": query.urlencode(),
        "communes": department.communes.order_by("name_folded")})
