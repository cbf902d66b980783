"""The unit directory and the province admin's tools for villages: import, merge, split.

These pages live here rather than in `geo` because they need the user's scope from
`accounts`, and `geo` knows no other app."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.accounts.models import Role
from tocns.accounts.selectors import scope_for, search_units, unit_for_user_or_404, units_for_user
from tocns.geo import services
from tocns.geo.models import UnitChange, VillageImport
from tocns.lib.forms import add_service_errors
from tocns.teams.selectors import can_propose_team, live_team_for_unit

from ..forms import MergeForm, SplitForm, VillageFileForm


def _require_province_admin(request):
    if not scope_for(request.user).has_role(Role.PROVINCE_ADMIN):
        raise Http404


@login_required
def unit_list(request):
    """Communes for a province-wide user, villages for a commune-wide one."""
    scope = scope_for(request.user)
    query = request.GET.get("q", "").strip()
    level = "commune" if scope.province_ids else "village"
    units = search_units(request.user, query=query, level=level).order_by("name_folded")
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    template = "dashboard/unit_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"page": page, "query": query, "level": level})


@login_required
def unit_detail(request, code: str):
    unit = unit_for_user_or_404(request.user, code=code)
    query = request.GET.get("q", "").strip()
    children = search_units(request.user, query=query, parent=unit).order_by("name_folded")
    retired_children = unit.children.filter(retired_on__isnull=False).order_by("name_folded")
    changes = UnitChange.objects.filter(retired_units=unit) | UnitChange.objects.filter(successor_units=unit)
    if unit.is_commune:
        changes = changes | UnitChange.objects.filter(commune=unit)
    context = {
        "unit": unit,
        "page": Paginator(children, 100).get_page(request.GET.get("page")),
        "query": query,
        "retired_children": retired_children if scope_for(request.user).covers(unit) else [],
        "successors": unit.successors(),
        "predecessors": unit.predecessors(),
        "changes": changes.distinct().prefetch_related("retired_units", "successor_units")[:20],
        "can_edit": scope_for(request.user).has_role(Role.PROVINCE_ADMIN),
        "team": live_team_for_unit(request.user, unit),
        "can_propose": can_propose_team(request.user, unit),
        "parent_in_scope": unit.parent_id is not None and scope_for(request.user).covers(unit.parent),
    }
    template = "dashboard/unit_detail.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@login_required
def village_import(request):
    _require_province_admin(request)
    province = units_for_user(request.user).provinces().first()
    form = VillageFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.village_import_preview(province=province, data=upload.read(),
                                                    file_name=upload.name, user=request.user)
        except ValidationError as exc:
            form.add_error("file", exc.messages)  # every reading error is about the file
        else:
            return redirect("dashboard:village_import_preview", pk=batch.pk)
    recent = VillageImport.objects.filter(province=province).select_related("uploaded_by")[:10]
    return render(request, "dashboard/village_import.html", {"form": form, "recent": recent})


def _import_for_user(request, pk: int) -> VillageImport:
    _require_province_admin(request)
    batch = get_object_or_404(VillageImport, pk=pk)
    if not scope_for(request.user).covers(batch.province):
        raise Http404
    return batch


@login_required
def village_import_preview(request, pk: int):
    batch = _import_for_user(request, pk)
    return render(request, "dashboard/village_import_preview.html", {"batch": batch})


@login_required
@require_POST
def village_import_confirm(request, pk: int):
    batch = _import_for_user(request, pk)
    try:
        result = services.village_import_apply(village_import=batch,
                                               only_valid=request.POST.get("only_valid") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("dashboard:village_import_preview", pk=batch.pk)
    messages.success(request, _("Đã nhập: thêm %(created)s, cập nhật %(updated)s, không đổi "
                                "%(unchanged)s, bỏ qua %(skipped)s dòng lỗi.") % result.__dict__)
    return redirect("dashboard:village_import_preview", pk=batch.pk)


@login_required
def villages_merge(request, code: str):
    _require_province_admin(request)
    commune = unit_for_user_or_404(request.user, code=code)
    if not commune.is_commune:
        raise Http404
    villages = units_for_user(request.user).villages().filter(parent=commune)
    form = MergeForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = services.units_merge(
                units=list(data["units"]), survivor=data["survivor"], new_name=data["new_name"],
                new_kind=data["new_kind"], effective_date=data["effective_date"],
                decision_number=data["decision_number"], decision_date=data["decision_date"],
                note=data["note"], user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận sáp nhập theo quyết định %(n)s.")
                             % {"n": change.decision_number})
            return redirect("dashboard:unit_detail", code=change.successor_units.get().code)
    return render(request, "dashboard/village_change.html",
                  {"form": form, "unit": commune, "title": _("Sáp nhập thôn, tổ dân phố")})


@login_required
def village_split(request, code: str):
    _require_province_admin(request)
    village = unit_for_user_or_404(request.user, code=code)
    if not village.is_village:
        raise Http404
    form = SplitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = services.unit_split(
                unit=village, new_names=data["new_names"].splitlines(), new_kind=data["new_kind"],
                effective_date=data["effective_date"], decision_number=data["decision_number"],
                decision_date=data["decision_date"], note=data["note"], user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận chia tách theo quyết định %(n)s.")
                             % {"n": change.decision_number})
            return redirect("dashboard:unit_detail", code=village.parent.code)
    return render(request, "dashboard/village_change.html",
                  {"form": form, "unit": village, "title": _("Chia tách thôn, tổ dân phố")})
