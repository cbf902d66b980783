"""Support requests to partner enterprises: ask, follow, answer, close; the province's counts and
the communes each enterprise serves; the teams an enterprise may see."""

import base64
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tocns.accounts.access import access_for, page_rule
from tocns.audit.selectors import entries_for
from tocns.audit.services import record_read
from tocns.fieldwork.services import photo_bytes
from tocns.geo.models import AdminUnit
from tocns.lib.forms import add_service_errors
from tocns.lib.http import XLSX, attachment
from tocns.reports.settings_selectors import province_administered_by

from . import selectors, services
from .export import support_export_record, support_xlsx
from .forms import AnswerForm, CommunesForm, RequestForm, RulesForm
from .models import OPEN_STATUSES, SupportStatus

# The list's state filter: key → label. "open" and "overdue" group the states a user thinks of.
STATES = {"open": _lazy("Đang chờ doanh nghiệp"), "overdue": _lazy("Quá hạn"), **dict(SupportStatus.choices)}


def _filtered(request, items):
    state = request.GET.get("trang_thai", "")
    commune_code = request.GET.get("xa", "")
    if state == "open":
        items = items.filter(status__in=OPEN_STATUSES)
    elif state == "overdue":
        items = selectors.overdue(items)
    elif state in SupportStatus.values:
        items = items.filter(status=state)
    else:
        state = ""
    if commune_code:
        items = items.filter(commune__code=commune_code)
    partner_id = request.GET.get("doi_tac", "")
    if partner_id.isdigit():
        items = items.filter(partner_id=int(partner_id))
    return state, commune_code, items


@login_required
@page_rule("support")
def request_list(request):
    """Everyone's list, drawn from their scope: a partner's inbox, a leader's own requests, the
    commune's for its office, the province's for the admin. Overdue first."""
    access = access_for(request.user)
    visible = selectors.requests_for_user(request.user)
    communes = AdminUnit.objects.filter(pk__in=visible.values("commune_id")).order_by("name_folded")
    partners = selectors.Partner.objects.filter(pk__in=visible.values("partner_id")).order_by("name")
    state, commune_code, items = _filtered(request, visible)
    partner_id = request.GET.get("doi_tac", "")
    page = Paginator(selectors.with_overdue_first(items), 30).get_page(request.GET.get("page"))
    if access.partner:
        title = _("Đề nghị gửi đến doanh nghiệp")
    elif access.province_admin or access.scope.commune_ids:
        title = _("Đề nghị hỗ trợ gửi doanh nghiệp")
    else:
        title = _("Đề nghị hỗ trợ của tôi")
    return render(request, "support/list.html", {
        "title": title, "page": page, "states": STATES.items(), "state": state, "communes": communes,
        "commune_code": commune_code, "partners": partners, "partner_id": partner_id,
        "today": timezone.localdate(), "overdue_count": selectors.overdue(visible).count(),
        "params": f"trang_thai={state}&xa={commune_code}&doi_tac={partner_id if partner_id.isdigit() else ''}"})


def _photo_from(request, form) -> tuple[bytes | None, dict]:
    """The photo resized on the phone (support/photo.js), or the file itself without the script; both
    go through the field log's checks (type and 300 KB)."""
    errors: dict = {}
    raw = form.cleaned_data.get("photo_data") or None
    upload = request.FILES.get("photo")
    if raw is None and upload is not None:
        raw = f"data:{upload.content_type};base64,{base64.b64encode(upload.read()).decode()}"
    return photo_bytes(raw, errors), errors


@login_required
@page_rule("support_ask")
def request_ask(request):
    """Ask an enterprise that serves the commune. Phone first: a kind, a few words, Gửi."""
    units = selectors.asker_units(request.user)
    commune_ids = list(dict.fromkeys(u.commune_id for u in units))
    communes = list(AdminUnit.objects.filter(pk__in=commune_ids).order_by("name_folded"))
    chosen = request.GET.get("xa") or request.POST.get("xa")
    commune = next((c for c in communes if c.code == chosen), communes[0] if communes else None)
    here = [u for u in units if commune is not None and u.commune_id == commune.pk]
    partners = selectors.partners_serving(commune) if commune else selectors.Partner.objects.none()
    form = RequestForm(request.POST or None, request.FILES or None, units=here, partners=partners)
    if request.method == "POST" and commune is not None and form.is_valid():
        photo, errors = _photo_from(request, form)
        if errors:
            add_service_errors(form, ValidationError(errors))
        else:
            data = form.cleaned_data
            try:
                item = services.support_request_submit(
                    by=request.user, unit=data["unit"], partner=data["partner"], kind=data["kind"],
                    description=data["description"], wanted_by=data["wanted_by"], photo=photo,
                    submission_key=data["submission_key"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Đã gửi đề nghị %(code)s đến %(partner)s. Hạn trả lời %(day)s.") % {
                    "code": item.code, "partner": item.partner.name,
                    "day": item.answer_due_on.strftime("%d/%m/%Y")})
                return redirect("support:detail", pk=item.pk)
    return render(request, "support/ask.html", {
        "form": form, "commune": commune, "communes": communes if len(communes) > 1 else [],
        "has_partners": partners.exists()})


@login_required
def request_detail(request, pk: int):
    item = selectors.request_for_user_or_404(request.user, pk)
    is_partner = selectors.is_partner_user(request.user, item)
    can_close = selectors.can_close(request.user, item)
    answer_form = AnswerForm(initial={"version": item.version})
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("receive", "start", "answer") and not is_partner:
            raise Http404
        if action in ("close", "reopen") and not can_close:
            raise Http404
        version = request.POST.get("version")
        version = int(version) if version and version.isdigit() else None
        note = request.POST.get("note", "")
        try:
            if action == "receive":
                services.support_receive(item=item, by=request.user, version=version)
            elif action == "start":
                services.support_start(item=item, by=request.user, version=version, note=note)
            elif action == "answer":
                answer_form = AnswerForm(request.POST)
                if not answer_form.is_valid():
                    raise ValidationError({})
                services.support_answer(item=item, by=request.user, answer=answer_form.cleaned_data["answer"],
                                        version=answer_form.cleaned_data["version"])
            elif action == "close":
                services.support_close(item=item, by=request.user, version=version, note=note)
            elif action == "reopen":
                services.support_reopen(item=item, by=request.user, version=version, note=note)
            else:
                raise Http404
        except ValidationError as exc:
            if action == "answer" and hasattr(exc, "error_dict"):
                add_service_errors(answer_form, exc)  # shown next to the answer, what was typed kept
            else:
                # Another step came first (stale page, wrong step): say so above the current state.
                messages.error(request, " ".join(exc.messages))
                return redirect("support:detail", pk=item.pk)
        else:
            messages.success(request, _("Đã cập nhật: %(status)s.") % {
                "status": selectors.request_for_user_or_404(request.user, pk).get_status_display()})
            return redirect("support:detail", pk=item.pk)
        item = selectors.request_for_user_or_404(request.user, pk)
    return render(request, "support/detail.html", {
        "item": item, "is_partner": is_partner, "can_close": can_close, "answer_form": answer_form,
        "events": item.events.select_related("by"),
        "overdue": item.is_open and item.answer_due_on < timezone.localdate(),
        "open_statuses": OPEN_STATUSES})


@login_required
def request_photo(request, pk: int):
    """A request's photo, to those who may see the request."""
    item = selectors.request_for_user_or_404(request.user, pk)
    if not item.photo:
        raise Http404
    kind = mimetypes.guess_type(item.photo.name)[0] or "application/octet-stream"
    response = FileResponse(item.photo.open("rb"), content_type=kind)
    response["Cache-Control"] = "private, max-age=86400"
    return response


# The province ------------------------------------------------------------------------------------
def _province(request) -> AdminUnit:
    province = province_administered_by(request.user)
    if province is None:
        raise Http404
    return province


@login_required
@page_rule("province_admin")
def stats(request):
    province = _province(request)
    items = selectors.requests_for_user(request.user).filter(province=province)
    by_partner, by_commune, whole = selectors.tallies(items)
    return render(request, "support/stats.html", {
        "by_partner": by_partner, "by_commune": by_commune, "whole": whole, "as_of": timezone.now(),
        "answer_days": services.answer_working_days(province)})


@login_required
@page_rule("province_admin")
def export(request):
    """Every request of the province in Excel (as filtered on the list), recorded in the audit log."""
    province = _province(request)
    state, commune_code, items = _filtered(request, selectors.requests_for_user(request.user).filter(
        province=province))
    content, rows = support_xlsx(selectors.with_overdue_first(items).select_related("asked_by"),
                                 title=_("Đề nghị hỗ trợ gửi doanh nghiệp – %(unit)s") % {"unit": province.name})
    support_export_record(by=request.user, province=province, rows=rows, state=state, commune_code=commune_code)
    return attachment(content, f"de-nghi-ho-tro-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


@login_required
@page_rule("province_admin")
def rules(request):
    province = _province(request)
    current = services.answer_working_days(province)
    form = RulesForm(request.POST or None, initial={"answer_working_days": current, "was": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.support_rules_update(province=province, by=request.user, was=form.cleaned_data["was"],
                                          answer_working_days=form.cleaned_data["answer_working_days"])
        except ValidationError as exc:
            data = request.POST.copy()
            data["was"] = str(services.answer_working_days(province))
            form = RulesForm(data)
            form.is_valid()
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu: đề nghị gửi từ nay có %(days)s ngày làm việc để trả lời; đề nghị "
                                        "đã gửi giữ hạn cũ.") % {"days": form.cleaned_data["answer_working_days"]})
            return redirect("support:stats")
    rules_row = services.SupportRules.objects.filter(province=province).first()
    return render(request, "support/rules.html", {
        "form": form, "province": province,
        "entries": entries_for(rules_row)[:20] if rules_row is not None else []})


@login_required
@page_rule("province_admin")
def partner_list(request):
    partners = list(selectors.partners_for_admin(request.user))
    names = selectors.communes_by_partner(partners)
    return render(request, "support/partner_list.html", {
        "rows": [(partner, names.get(partner.pk, [])) for partner in partners]})


@login_required
@page_rule("province_admin")
def partner_communes(request, pk: int):
    partner = selectors.partner_for_admin_or_404(request.user, pk)
    current = sorted(partner.communes.values_list("pk", flat=True))
    form = CommunesForm(request.POST or None, province=partner.province, initial={
        "communes": current, "was": ",".join(str(i) for i in current)})
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_communes_set(partner=partner, communes=list(form.cleaned_data["communes"]),
                                          was=form.cleaned_data["was"], by=request.user)
        except ValidationError as exc:
            data = request.POST.copy()
            data["was"] = ",".join(str(i) for i in current)
            form = CommunesForm(data, province=partner.province)
            form.is_valid()
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu các xã %(partner)s phục vụ.") % {"partner": partner.name})
            return redirect("support:partners")
    return render(request, "support/partner_communes.html", {
        "partner": partner, "form": form, "entries": entries_for(partner)[:10]})


# The partner's view of the teams ----------------------------------------------------------------
@login_required
@page_rule("partner")
def served(request):
    communes = list(selectors.served_communes(request.user))
    return render(request, "support/served.html", {"communes": communes})


@login_required
@page_rule("partner")
def commune_teams(request, code: str):
    commune = selectors.served_commune_or_404(request.user, code)
    rows = selectors.teams_in(commune)
    record_read(actor=request.user, action="support.teams_read", obj=commune,
                summary=_("Doanh nghiệp xem danh sách tổ trưởng của %(commune)s") % {"commune": commune.name},
                people=[row.person_id for row in rows if row.person_id], province_id=commune.province_id,
                commune_id=commune.pk)
    return render(request, "support/teams.html", {"commune": commune, "rows": rows})
