"""Pages where the province keeps the indicator catalogue, targets and ad-hoc requests, and where a
commune splits its targets among villages and answers requests (report forms: form_views.py).

Each view checks who may see it (404 otherwise, so nothing out of scope is revealed), then calls
catalogue.py or settings_selectors.py; the rules live there."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.accounts.selectors import unit_for_user_or_404
from tocns.audit.selectors import entries_for
from tocns.geo.models import AdminUnit
from tocns.lib.forms import add_service_errors
from tocns.lib.http import XLSX, attachment

from . import catalogue, services
from . import settings_selectors as reads
from .catalogue_scope import catalogue_owner, catalogue_owner_or_404, row_or_404
from .models import Indicator, ReportForm
from .settings_forms import (
    IndicatorForm,
    RequestForm,
    TargetChoiceForm,
    TargetImportForm,
    TargetsForm,
)


def _province_or_404(request) -> AdminUnit:
    """The province the signed-in province admin manages; everyone else gets a 404."""
    province = reads.province_administered_by(request.user)
    if province is None:
        raise Http404
    return province


def _commune_for_split_or_404(request, code: str) -> AdminUnit:
    commune = unit_for_user_or_404(request.user, code=code, retired_on__isnull=True)
    if not commune.is_commune:
        raise Http404
    province = reads.province_administered_by(request.user)
    if not ((province and province.pk == commune.province_id)
            or reads.communes_split_by(request.user).filter(pk=commune.pk).exists()):
        raise Http404
    return commune


def _year(raw, default=None) -> int:
    try:
        return catalogue.check_year(raw)
    except ValidationError:
        return default or timezone.localdate().year


@login_required
def index(request):
    province = reads.province_administered_by(request.user)
    communes = list(reads.communes_split_by(request.user))
    owner = catalogue_owner(request.user)
    if province is None and not communes and owner is None:
        raise Http404
    return render(request, "reports/settings/index.html", {
        "province": province, "communes": communes, "year": timezone.localdate().year, "owner": owner})


# ---- indicators ----------------------------------------------------------------------------------

@login_required
def indicator_list(request):
    owner = catalogue_owner_or_404(request.user)
    return render(request, "reports/settings/indicator_list.html", {
        "pillars": reads.catalogue_by_pillar(owner.province), "retired": reads.retired_indicators(owner.province),
        "owner": owner})


@login_required
def indicator_add(request):
    owner = catalogue_owner_or_404(request.user)
    form = IndicatorForm(request.POST or None, initial={"outlier_factor": 3, "min_value": 0},
                         province=owner.new_province)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = catalogue.indicator_create(data=form.cleaned_data, by=request.user,
                                                   province=owner.new_province)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm chỉ số %(indicator)s.") % {"indicator": indicator})
            return redirect("report_settings:indicators")
    return render(request, "reports/settings/indicator_form.html", {"form": form, "indicator": None})


@login_required
def indicator_edit(request, pk: int):
    owner = catalogue_owner_or_404(request.user)
    indicator = row_or_404(owner, Indicator.objects.all(), pk=pk)
    # A national row is shown to a province admin read-only ("Danh mục chung"); a change is refused.
    read_only = not owner.may_edit(indicator)
    if read_only and request.method == "POST":
        raise Http404
    locked = catalogue.indicator_in_use(indicator)
    form = IndicatorForm(request.POST or None, initial=IndicatorForm.initial_from(indicator), locked=locked,
                         instance=indicator, province=indicator.province_id, read_only=read_only)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue.indicator_update(indicator=indicator, data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu chỉ số %(code)s.") % {"code": form.cleaned_data["code"].upper()})
            return redirect("report_settings:indicators")
    return render(request, "reports/settings/indicator_form.html", {
        "form": form, "indicator": indicator, "locked": locked, "read_only": read_only,
        "forms_asking": owner.rows(ReportForm.objects.filter(lines__indicator=indicator)).order_by("code"),
        "entries": entries_for(indicator)[:20]})


@login_required
@require_POST
def indicator_retire(request, pk: int):
    indicator = row_or_404(catalogue_owner_or_404(request.user), Indicator.objects.all(), edit=True, pk=pk)
    try:
        if request.POST.get("action") == "restore":
            catalogue.indicator_restore(indicator=indicator, by=request.user)
            messages.success(request, _("Đã dùng lại chỉ số %(code)s.") % {"code": indicator.code})
        else:
            catalogue.indicator_retire(indicator=indicator, by=request.user)
            messages.success(request, _("Chỉ số %(code)s đã thôi dùng: báo cáo mới không hỏi nữa; số liệu đã báo "
                                        "cáo vẫn giữ.") % {"code": indicator.code})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("report_settings:indicators")


@login_required
@require_POST
def indicator_move(request, pk: int):
    owner = catalogue_owner_or_404(request.user)
    indicator = row_or_404(owner, Indicator.objects.all(), edit=True, pk=pk)
    catalogue.indicator_move(indicator=indicator, direction=request.POST.get("direction", ""), by=request.user)
    if request.htmx:
        return render(request, "reports/settings/indicator_list.html#catalogue",
                      {"pillars": reads.catalogue_by_pillar(owner.province), "moved": indicator.pk, "owner": owner})
    return redirect(f"{reverse('report_settings:indicators')}#i{indicator.pk}")


# ---- targets -------------------------------------------------------------------------------------

@login_required
def targets(request):
    """Choose an indicator and a year: the province gives communes their targets; a commune splits its own."""
    province = reads.province_administered_by(request.user)
    communes = list(reads.communes_split_by(request.user))
    if province is None and not communes:
        raise Http404
    year = _year(request.GET.get("year"))
    asked = "indicator" in request.GET
    choice = TargetChoiceForm(request.GET if asked else None,
                              queryset=reads.target_indicators(province or communes[0].province_id),
                              initial={"year": year})
    if asked and choice.is_valid():
        indicator, year = choice.cleaned_data["indicator"], choice.cleaned_data["year"]
        code = request.GET.get("commune", "")
        if code:
            return redirect("report_settings:targets_villages", indicator_pk=indicator.pk, year=year, code=code)
        if province is not None:
            return redirect("report_settings:targets_communes", indicator_pk=indicator.pk, year=year)
        return redirect("report_settings:targets_villages", indicator_pk=indicator.pk, year=year,
                        code=communes[0].code)
    return render(request, "reports/settings/targets.html", {
        "choice": choice, "province": province, "communes": communes, "year": year})


def _targets_page(request, *, indicator, year, units, title, back, extra=None):
    extra = extra or {}
    form = TargetsForm(request.POST or None, indicator=indicator, units=units,
                       current=reads.targets_of(indicator=indicator, year=year, units=units))
    if request.method == "POST" and form.is_valid():
        try:
            counts = catalogue.targets_set(indicator=indicator, year=year, values=form.values(), by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu chỉ tiêu: %(created)s mới, %(updated)s sửa, %(deleted)s bỏ.") % counts)
            return redirect(request.get_full_path())
    context = {"form": form, "indicator": indicator, "year": year, "title": title, "back": back, **extra}
    return render(request, "reports/settings/targets_units.html", context)


@login_required
def targets_communes(request, indicator_pk: int, year: int):
    province = _province_or_404(request)
    indicator = get_object_or_404(Indicator.objects.for_province(province), pk=indicator_pk)
    year = _year(year)
    units = AdminUnit.objects.active().communes().filter(province=province).order_by("name_folded")
    return _targets_page(request, indicator=indicator, year=year, units=units,
                         title=_("Chỉ tiêu giao cho các xã, phường"), back=reverse("report_settings:targets"),
                         extra={"province": province})


@login_required
def targets_villages(request, indicator_pk: int, year: int, code: str):
    commune = _commune_for_split_or_404(request, code)
    indicator = get_object_or_404(Indicator.objects.for_province(commune.province_id), pk=indicator_pk)
    year = _year(year)
    units = AdminUnit.objects.active().villages().filter(commune=commune).order_by("name_folded")
    return _targets_page(request, indicator=indicator, year=year, units=units,
                         title=_("Chia chỉ tiêu của %(unit)s cho các thôn, tổ dân phố") % {"unit": commune.name},
                         back=reverse("report_settings:targets"),
                         extra={"commune": commune,
                                "split": reads.village_split(indicator=indicator, commune=commune, year=year)})


def _target_units(user):
    """Units the user may give targets to, for the template's list of codes."""
    province = reads.province_administered_by(user)
    if province is not None:
        return (AdminUnit.objects.active().filter(province=province).exclude(kind="province")
                .select_related("province", "commune").order_by("kind", "commune__name_folded", "name_folded"))
    return (AdminUnit.objects.active().villages().filter(commune__in=reads.communes_split_by(user))
            .select_related("province", "commune").order_by("commune__name_folded", "name_folded"))


@login_required
def targets_import(request):
    if reads.province_administered_by(request.user) is None and not reads.communes_split_by(request.user).exists():
        raise Http404
    form = TargetImportForm(request.POST or None, request.FILES or None)
    errors, rows = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        rows, errors = catalogue.targets_import_check(data=data, file_name=upload.name, by=request.user)
        if not errors and request.POST.get("confirm") == "1":
            try:
                counts = catalogue.targets_import_apply(data=data, file_name=upload.name, by=request.user)
            except ValidationError as exc:
                errors = [(0, message) for message in exc.messages]
            else:
                messages.success(request, _("Đã nhập chỉ tiêu: %(created)s mới, %(updated)s sửa, %(unchanged)s "
                                            "không đổi.") % counts)
                return redirect("report_settings:targets")
    return render(request, "reports/settings/targets_import.html", {"form": form, "errors": errors, "rows": rows})


@login_required
def targets_template(request):
    units = _target_units(request.user)
    if reads.province_administered_by(request.user) is None and not reads.communes_split_by(request.user).exists():
        raise Http404
    province = reads.province_administered_by(request.user) or reads.communes_split_by(request.user).first()
    content = catalogue.targets_template_xlsx(units=units, indicators=reads.target_indicators(province))
    return attachment(content, "mau-chi-tieu.xlsx", XLSX)


@login_required
def progress(request):
    """Year-to-date results against targets, for the province or a commune, and for each unit below
    on one indicator."""
    code = request.GET.get("unit", "")
    if code:
        unit = unit_for_user_or_404(request.user, code=code)
    else:
        unit = reads.province_administered_by(request.user) or reads.communes_split_by(request.user).first()
    if unit is None or unit.is_village:
        raise Http404
    if not (reads.province_administered_by(request.user) or reads.communes_split_by(request.user).filter(
            pk=unit.commune_id).exists()):
        raise Http404
    year = _year(request.GET.get("year"))
    indicator = None
    if request.GET.get("indicator"):
        indicator = Indicator.objects.for_province(unit).filter(pk=request.GET["indicator"]).first() if request.GET[
            "indicator"].isdigit() else None
    result = reads.progress(unit=unit, year=year, indicator=indicator)
    ranked = request.GET.get("xep") == "ti-le"
    if ranked:  # the units below ranked on how far they are toward their target
        result.children.sort(key=lambda pair: (pair[1].share is None, -(pair[1].share or 0)))
    return render(request, "reports/settings/progress.html", {"ranked": ranked,
        "progress": result, "unit": unit, "year": year, "indicators": [row.indicator for row in result.rows],
        "query": urlencode({"unit": unit.code, "year": year})})


# ---- ad-hoc requests -----------------------------------------------------------------------------

@login_required
def request_list(request):
    province = _province_or_404(request)
    return render(request, "reports/settings/request_list.html", {
        "requests": reads.requests_for_province(province), "today": timezone.localdate()})


@login_required
def request_add(request):
    province = _province_or_404(request)
    initial = {"form": catalogue.once_forms(province).filter(code="DOT-XUAT-XA").first()}
    form = RequestForm(request.POST or None, province=province, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = catalogue.request_create(
                province=province, form=data["form"], title=data["title"], period_start=data["period_start"],
                period_end=data["period_end"], due_on=data["due_on"], communes=data["communes"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã gửi yêu cầu “%(title)s” đến %(n)s xã, phường.") % {
                "title": created.title, "n": len(data["communes"])})
            return redirect("report_settings:request_detail", pk=created.pk)
    return render(request, "reports/settings/request_form.html", {"form": form})


@login_required
def request_detail(request, pk: int):
    report_request, commune = reads.request_for_user_or_404(request.user, pk)
    context = {"req": report_request, "commune": commune, "today": timezone.localdate()}
    if commune is None:
        context["completeness"] = reads.request_completeness(report_request)
    else:
        context["report"] = report_request.reports.filter(unit=commune).first()
        context["can_open"] = report_request.period_start <= timezone.localdate()
    return render(request, "reports/settings/request_detail.html", context)


@login_required
@require_POST
def request_open(request, pk: int):
    """A commune office starts (or goes back to) its report for the request."""
    report_request, commune = reads.request_for_user_or_404(request.user, pk)
    if commune is None:
        raise Http404
    try:
        report = services.report_open(form=report_request.form, unit=commune,
                                      period=reads.request_period(report_request), request=report_request,
                                      by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("report_settings:request_detail", pk=report_request.pk)
    if report.request_id != report_request.pk:
        messages.error(request, _("Xã đã có báo cáo mẫu này cho cùng kỳ theo yêu cầu khác."))
        return redirect("report_settings:request_detail", pk=report_request.pk)
    return redirect("reports:detail", pk=report.pk)

