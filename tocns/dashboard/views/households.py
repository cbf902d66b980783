"""Villages' household and population figures (plan II.2.1): the commune office types them for its
villages on a phone, or imports them from Excel (as the province admin may, for the province).

Which villages a user may change is decided here from his assignments (the commune officer: the
villages of his commune; the province admin: those of the province) and handed to the geo
services; any other village answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tocns.accounts.access import page_rule
from tocns.accounts.models import Assignment, Role
from tocns.geo import figures as services
from tocns.geo.models import COMMUNE_KINDS, VILLAGE_KINDS, AdminUnit, VillageFigures
from tocns.lib.http import XLSX, attachment
from tocns.lib.sheets import workbook_bytes

from ..forms import VillageFileForm


def editable_villages(user):
    """The active villages whose figures this user may change (never more than his scope)."""
    condition = Q(pk__in=[])
    for role, province_id, commune_id in Assignment.objects.active().filter(
            user=user, role__in=(Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER), unit__retired_on__isnull=True
    ).values_list("role", "unit__province_id", "unit__commune_id"):
        if role == Role.PROVINCE_ADMIN:
            condition |= Q(province_id=province_id)
        elif commune_id is not None:
            condition |= Q(commune_id=commune_id)
    return AdminUnit.objects.active().filter(kind__in=VILLAGE_KINDS).filter(condition)


def _communes(user):
    return AdminUnit.objects.active().filter(kind__in=COMMUNE_KINDS, pk__in=editable_villages(user).values(
        "commune_id")).order_by("name_folded")


def _village_or_404(user, code: str) -> AdminUnit:
    village = editable_villages(user).filter(code=code).select_related("parent").first()
    if village is None:
        raise Http404
    return village


def _form_values(figures: VillageFigures | None) -> dict:
    if figures is None:
        return {"households": "", "population": "", "as_of": timezone.localdate().strftime("%d/%m/%Y"), "was": 0}
    return {"households": figures.households, "population": figures.population or "",
            "as_of": figures.as_of.strftime("%d/%m/%Y"), "was": figures.version}


@login_required
@page_rule("village_figures")
def households(request):
    """A commune's villages with their two figures, each editable; the province admin first picks a commune."""
    communes = _communes(request.user)
    code = request.GET.get("unit", "")
    if code:
        commune = communes.filter(code=code).first()
        if commune is None:
            raise Http404
    elif communes.count() == 1:
        commune = communes.first()
    else:
        rows = communes.annotate(
            villages=Count("children", filter=Q(children__retired_on__isnull=True,
                                               children__kind__in=VILLAGE_KINDS), distinct=True),
            with_figures=Count("children", filter=Q(children__retired_on__isnull=True,
                                                    children__figures__is_current=True), distinct=True))
        return render(request, "dashboard/households_communes.html", {"communes": rows})
    villages = list(editable_villages(request.user).filter(commune=commune).order_by("name_folded"))
    current = services.current_figures(AdminUnit.objects.filter(pk__in=[v.pk for v in villages]))
    rows = [{"village": v, "figures": current.get(v.pk), "values": _form_values(current.get(v.pk)), "errors": {}}
            for v in villages]
    return render(request, "dashboard/households.html", {
        "commune": commune, "rows": rows, "missing": sum(1 for r in rows if r["figures"] is None),
        "several": communes.count() > 1})


@login_required
@page_rule("village_figures")
def household_village(request, code: str):
    """One village's figures: the form (also posted from the commune's list) and their history."""
    village = _village_or_404(request.user, code)
    current = VillageFigures.objects.current().filter(village=village).first()
    values, errors, page_error = _form_values(current), {}, ""
    if request.method == "POST":
        posted = {name: request.POST.get(name, "").strip() for name in ("households", "population", "as_of")}
        try:
            was = int(request.POST.get("was", ""))
        except ValueError:
            was = None
        try:
            saved = services.village_figures_set(village=village, was=was, user=request.user,
                                                 allowed=editable_villages(request.user), **posted)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale" or not hasattr(exc, "error_dict"):
                page_error = " ".join(exc.messages)
                current = VillageFigures.objects.current().filter(village=village).first()
                values = _form_values(current)  # the newest figures, to look at before typing again
            else:
                errors = {name: " ".join(messages_) for name, messages_ in exc.message_dict.items()}
                values = {**posted, "was": was if was is not None else 0}  # what was typed stays
        else:
            if saved is None:
                messages.info(request, _("%(v)s: số liệu không thay đổi.") % {"v": village.name})
            else:
                messages.success(request, _("Đã lưu số liệu của %(v)s: %(h)s hộ.") % {
                    "v": village.name, "h": saved.households})
            return redirect(f"{reverse('dashboard:households')}?unit={village.commune.code}#v-{village.code}")
    return render(request, "dashboard/household_village.html", {
        "village": village, "row": {"village": village, "figures": current, "values": values, "errors": errors},
        "page_error": page_error, "history": services.figures_history(village)[:20]},
        status=400 if errors or page_error else 200)


def _province_of(user) -> AdminUnit:
    province_id = editable_villages(user).values_list("province_id", flat=True).first()
    if province_id is None:
        raise Http404
    return AdminUnit.objects.get(pk=province_id)


@login_required
@page_rule("village_figures")
def households_import(request):
    """An Excel file of villages' figures: every row checked, each problem named by its row number, then
    all rows written or none."""
    form = VillageFileForm(request.POST or None, request.FILES or None)
    form.fields["file"].label = _("Tệp số hộ, nhân khẩu (.xlsx hoặc .csv)")
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.village_figures_import(
                province=_province_of(request.user), allowed=editable_villages(request.user), data=upload.read(),
                file_name=upload.name, user=request.user)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            if not result.errors:
                messages.success(request, _("Đã nhập số liệu: %(c)s thôn thay đổi, %(u)s thôn không đổi.") % {
                    "c": result.changed, "u": result.unchanged})
                return redirect("dashboard:households")
    return render(request, "dashboard/households_import.html", {"form": form, "result": result},
                  status=400 if result is not None and result.errors else 200)


@login_required
@page_rule("village_figures")
def households_template(request):
    """The file to fill in: the user's villages (or one commune's) with the figures in force."""
    villages = editable_villages(request.user).select_related("parent").order_by("parent__name_folded", "name_folded")
    code = request.GET.get("unit", "")
    if code:
        villages = villages.filter(commune__code=code)
    current = services.current_figures(villages)
    with translation.override("vi"):
        book = Workbook()
        sheet = book.active
        sheet.title = _("Số hộ")
        sheet.append(services.TEMPLATE_HEADERS)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for village in villages:
            f = current.get(village.pk)
            sheet.append([village.code, village.name, village.parent.name if village.parent else "",
                          f.households if f else None, f.population if f else None,
                          f.as_of.strftime("%d/%m/%Y") if f else None])
        for column, width in zip("ABCDEF", (14, 30, 26, 10, 14, 22), strict=True):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"
        content = workbook_bytes(book)
    return attachment(content, f"so-ho-nhan-khau-{code or 'mau'}-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
