"""The province admin's validation rule pages (list, add, edit, retire) under the report settings,
and the validation analysis page for officers: every rule broken by the reports of a unit for a
period, with a link to each report. Rules live in validation.py; these views check who may see
what (404 otherwise) and call it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.accounts.access import page_rule
from tocns.accounts.selectors import scope_for, unit_for_user_or_404, units_for_user
from tocns.audit.selectors import entries_for
from tocns.lib.forms import add_service_errors

from . import validation
from .catalogue_scope import catalogue_owner_or_404, row_or_404
from .choices import Level, PeriodType
from .models import ValidationRule
from .periods import parse_period, period_of
from .rule_forms import RuleForm


@login_required
def rule_list(request):
    owner = catalogue_owner_or_404(request.user)
    rules = list(validation.rules_listed(owner.province))
    return render(request, "reports/settings/rule_list.html", {"owner": owner,
        "active": [r for r in rules if r.retired_at is None], "retired": [r for r in rules if r.retired_at]})


@login_required
def rule_add(request):
    owner = catalogue_owner_or_404(request.user)
    form = RuleForm(request.POST or None, province=owner.new_province)
    if request.method == "POST" and form.is_valid():
        try:
            rule = validation.rule_save(data=form.data_for_service(), by=request.user, province=owner.new_province)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm quy tắc “%(name)s”.") % {"name": rule.name})
            return redirect("report_settings:rules")
    return render(request, "reports/settings/rule_form.html", {"form": form, "rule": None})


@login_required
def rule_edit(request, pk: int):
    owner = catalogue_owner_or_404(request.user)
    rule = row_or_404(owner, ValidationRule.objects.select_related("form"), pk=pk)
    read_only = not owner.may_edit(rule)  # a national rule: shown to a province admin, not changed
    if read_only and request.method == "POST":
        raise Http404
    form = RuleForm(request.POST or None, initial=RuleForm.initial_from(rule), province=rule.province_id)
    stale = False
    if request.method == "POST" and rule.retired_at is None and form.is_valid():
        try:
            validation.rule_save(rule=rule, data=form.data_for_service(), version=form.cleaned_data["version"],
                                 by=request.user)
        except ValidationError as exc:
            stale = getattr(exc, "code", None) == "stale"
            if stale:
                # What was typed stays; the form now carries the version just read, so a second
                # "Lưu", made knowing the rule changed, replaces it (never a silent overwrite).
                rule.refresh_from_db()
                data = request.POST.copy()
                data["version"] = str(rule.version)
                form = RuleForm(data, initial=RuleForm.initial_from(rule), province=rule.province_id)
                form.is_valid()
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu quy tắc “%(name)s”.") % {"name": form.cleaned_data["name"]})
            return redirect("report_settings:rules")
    return render(request, "reports/settings/rule_form.html", {
        "form": form, "rule": rule, "stale": stale, "entries": entries_for(rule)[:20], "read_only": read_only})


@login_required
@require_POST
def rule_retire(request, pk: int):
    rule = row_or_404(catalogue_owner_or_404(request.user), ValidationRule.objects.all(), edit=True, pk=pk)
    validation.rule_retire(rule=rule, by=request.user)
    messages.success(request, _("Quy tắc “%(name)s” đã thôi dùng: các báo cáo chưa gửi không bị kiểm tra theo "
                                "quy tắc này nữa.") % {"name": rule.name})
    return redirect("report_settings:rules")


# ---- validation analysis -------------------------------------------------------------------------

def _analysis_unit(request):
    """The unit asked for (a province or commune in the user's scope; 404 otherwise), by default
    the user's widest."""
    code = request.GET.get("unit", "")
    if code:
        unit = unit_for_user_or_404(request.user, code=code)
    else:
        scope = scope_for(request.user)
        units = units_for_user(request.user)
        unit = units.provinces().first() if scope.province_ids else units.communes().filter(
            pk__in=scope.commune_ids).order_by("name_folded").first()
    if unit is None or unit.is_village:
        raise Http404
    return unit


def _unit_choices(user, unit):
    """The units the picker offers: the province (for its admin) and the communes in scope."""
    units = units_for_user(user)
    return [*units.provinces().order_by("name_folded"), *units.communes().order_by("name_folded")]


@login_required
@page_rule("oversight")
def validation_analysis(request):
    unit = _analysis_unit(request)
    last_month = period_of(PeriodType.MONTH, timezone.localdate()).previous()
    period, period_error = last_month, ""
    if request.GET.get("period"):
        try:
            period = parse_period(request.GET["period"])
        except ValueError as exc:
            period_error = str(exc)
    forms = list(validation.analysis_forms(period, unit.province_id))
    chosen = None
    raw_form = request.GET.get("form")
    if raw_form is None:  # first visit: the village teams' form, the one most reports are of
        chosen = next((f for f in forms if f.level == Level.VILLAGE_TEAM), None)
    else:  # "" is every form of the period's kind; a form of another kind (the period changed) too
        chosen = next((f for f in forms if str(f.pk) == raw_form), None)
    result = validation.validation_analysis(unit=unit, period=period, form=chosen)
    return render(request, "reports/validation_analysis.html", {
        "unit": unit, "period": period, "period_error": period_error, "forms": forms, "chosen": chosen,
        "units": _unit_choices(request.user, unit), "result": result})
