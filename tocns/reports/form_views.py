"""The report form pages: the province admin lists, creates, copies, edits and retires forms.

Each view answers 404 to anyone but a province admin, then calls form_catalogue.py. A save made
from an outdated page is refused (the form's version moved on): the page comes back with what was
typed still in it, the message on top, and the newest changes from the log, so the admin decides
with both in front of him."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.audit.selectors import entries_for
from tocns.lib.forms import add_service_errors

from . import form_catalogue
from . import settings_selectors as reads
from .catalogue_scope import CatalogueOwner, catalogue_owner_or_404, row_or_404
from .form_forms import CopyForm, FormSettingsForm, LinesForm
from .models import FormIndicator, Indicator, Report, ReportForm


def _admin_or_404(request) -> CatalogueOwner:
    """The province admin (his province's forms and the national ones, read-only) or the national role."""
    return catalogue_owner_or_404(request.user)


def _form_or_404(owner: CatalogueOwner, pk: int, *, edit: bool = True) -> ReportForm:
    """A form the owner changes; another province's form, or a national one for a province admin, is 404."""
    return row_or_404(owner, ReportForm.objects.all(), edit=edit, pk=pk)


def _is_stale(exc: ValidationError) -> bool:
    return getattr(exc, "code", None) == "stale"


def _refused(form, exc: ValidationError, report_form: ReportForm) -> None:
    """Put the service's refusal beside its field. When the page was outdated, keep what was typed
    and carry the current version, so a second press saves it deliberately."""
    add_service_errors(form, exc)
    if _is_stale(exc):
        form.data = form.data.copy()
        form.data["version"] = str(ReportForm.objects.values_list("version", flat=True).get(pk=report_form.pk))


def _lines_form(report_form: ReportForm, data=None) -> LinesForm:
    """The lines form as drawn now, or, for a post, the rows the admin's page had (so a refused save
    shows every row he typed into, even one another admin has since taken off the form)."""
    lines = reads.form_lines(report_form)
    if data is not None:
        posted = [int(key[4:]) for key in data if key.startswith("pos_") and key[4:].isdigit()]
        current = {line.indicator_id: line for line in lines}
        indicators = Indicator.objects.for_province(report_form.province_id).in_bulk(posted)
        lines = [current.get(pk) or FormIndicator(form=report_form, indicator=indicators[pk])
                 for pk in posted if pk in indicators]
    addable = reads.indicators_to_add(report_form).exclude(pk__in=[line.indicator_id for line in lines])
    return LinesForm(data, lines=lines, addable=addable, version=report_form.version)


def _edit_page(request, report_form: ReportForm, *, form=None, lines_form=None, stale=False, owner=None):
    province = owner.province if owner else report_form.province_id
    # A province admin counts his province's reports, also on a national form every province sends.
    counted = Report.objects.filter(province=province) if province is not None else Report.objects.all()
    report_count = counted.filter(form=report_form).count()
    same_kind = ReportForm.objects.for_province(province).filter(is_active=True, level=report_form.level,
                                          period_type=report_form.period_type).exclude(pk=report_form.pk)
    return render(request, "reports/settings/form_edit.html", {
        "report_form": report_form,
        "form": form or FormSettingsForm(report_form=report_form, has_reports=report_count > 0),
        "lines_form": lines_form or _lines_form(report_form),
        "report_count": report_count, "side_by_side": list(same_kind.order_by("code")),
        "entries": list(entries_for(report_form)[:20]), "stale": stale,
        "read_only": owner is not None and not owner.may_edit(report_form)})


@login_required
def form_list(request):
    owner = _admin_or_404(request)
    forms = list(reads.forms_with_counts(owner.province))
    counted = Report.objects.filter(province=owner.province) if owner.province else Report.objects.all()
    reports = dict(counted.values_list("form_id").annotate(n=Count("id")).values_list("form_id", "n"))
    for f in forms:
        f.report_count = reports.get(f.pk, 0)
    active = [f for f in forms if f.is_active]
    kinds: dict = {}
    for f in active:
        kinds.setdefault((f.get_level_display(), f.get_period_type_display()), []).append(f)
    return render(request, "reports/settings/form_list.html", {
        "owner": owner, "active": active, "retired": [f for f in forms if not f.is_active],
        "side_by_side": [(level, period, group) for (level, period), group in kinds.items() if len(group) > 1]})


@login_required
def form_add(request):
    owner = _admin_or_404(request)
    form = FormSettingsForm(request.POST or None, province=owner.new_province)
    if request.method == "POST" and form.is_valid():
        try:
            created = form_catalogue.form_create(data={"code": form.cleaned_data["code"], **form.settings()},
                                                 by=request.user, province=owner.new_province)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo mẫu %(code)s. Hãy thêm các chỉ số rồi bấm “Dùng mẫu này”.") % {
                "code": created.code})
            return redirect("report_settings:form_edit", pk=created.pk)
    return render(request, "reports/settings/form_edit.html", {"report_form": None, "form": form})


@login_required
def form_copy(request, pk: int):
    owner = _admin_or_404(request)
    source = _form_or_404(owner, pk, edit=False)  # a national form is copied into the province's catalogue
    form = CopyForm(request.POST or None, province=owner.new_province, initial={
        "code": "", "name": _("%(name)s (bản sao)") % {"name": source.name}})
    if request.method == "POST" and form.is_valid():
        try:
            copy = form_catalogue.form_copy(form=source, data=form.cleaned_data, by=request.user,
                                            province=owner.new_province)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã sao chép thành mẫu %(code)s, chưa dùng: hãy xem lại rồi bấm “Dùng mẫu "
                                        "này”.") % {"code": copy.code})
            return redirect("report_settings:form_edit", pk=copy.pk)
    return render(request, "reports/settings/form_edit.html", {"report_form": None, "copy_of": source, "form": form,
                                                               "lines": reads.form_lines(source)})


@login_required
def form_edit(request, pk: int):
    owner = _admin_or_404(request)
    report_form = _form_or_404(owner, pk, edit=request.method == "POST")
    has_reports = form_catalogue.form_has_reports(report_form)
    form = FormSettingsForm(request.POST or None, report_form=report_form, has_reports=has_reports)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            form_catalogue.form_update(form=report_form, data=form.settings(), version=form.cleaned_data["version"],
                                       by=request.user)
        except ValidationError as exc:
            _refused(form, exc, report_form)
            stale = _is_stale(exc)
        else:
            messages.success(request, _("Đã lưu mẫu %(code)s.") % {"code": report_form.code})
            return redirect("report_settings:form_edit", pk=report_form.pk)
    report_form.refresh_from_db()
    return _edit_page(request, report_form, form=form, stale=stale, owner=owner)


@login_required
@require_POST
def form_lines(request, pk: int):
    """Save the form's list of indicators (places, sections, lines taken off, one added, one moved)."""
    owner = _admin_or_404(request)
    report_form = _form_or_404(owner, pk)
    lines_form = _lines_form(report_form, request.POST)
    stale = False
    if lines_form.is_valid():
        try:
            form_catalogue.form_lines_set(form=report_form, lines=lines_form.wanted(request.POST.get("move", "")),
                                          version=lines_form.cleaned_data["version"], by=request.user)
        except ValidationError as exc:
            _refused(lines_form, exc, report_form)  # "lines" names no field: its messages go on top
            stale = _is_stale(exc)
        else:
            if "move" not in request.POST:
                messages.success(request, _("Đã lưu các chỉ số của mẫu %(code)s.") % {"code": report_form.code})
            return redirect(f"{reverse('report_settings:form_edit', args=[report_form.pk])}#lines")
    report_form.refresh_from_db()
    return _edit_page(request, report_form, lines_form=lines_form, stale=stale, owner=owner)


@login_required
@require_POST
def form_state(request, pk: int):
    """Turn a form on (action=restore) or retire it (action=retire)."""
    report_form = _form_or_404(_admin_or_404(request), pk)
    version = request.POST.get("version", "")
    version = int(version) if version.isdigit() else None
    try:
        if request.POST.get("action") == "restore":
            form_catalogue.form_restore(form=report_form, version=version, by=request.user)
            messages.success(request, _("Mẫu %(code)s đang được dùng: các đơn vị được hỏi từ kỳ này.") % {
                "code": report_form.code})
        else:
            form_catalogue.form_retire(form=report_form, version=version, by=request.user)
            messages.success(request, _("Mẫu %(code)s đã thôi dùng: không lập báo cáo mới, không nhắc nữa; các báo "
                                        "cáo đã có vẫn giữ.") % {"code": report_form.code})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("report_settings:form_edit", pk=report_form.pk)
