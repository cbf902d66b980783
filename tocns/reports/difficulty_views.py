"""Pages for difficulties and proposals followed up (plan II.2.3)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tocns.accounts.access import page_rule
from tocns.accounts.selectors import scope_for, units_for_user
from tocns.audit.selectors import entries_for
from tocns.audit.services import audit_record
from tocns.geo.models import AdminUnit
from tocns.lib.forms import add_service_errors
from tocns.lib.http import XLSX, attachment

from . import difficulties as rules
from . import difficulty_selectors as selectors
from .difficulty_export import difficulties_xlsx
from .difficulty_forms import DifficultyRulesForm
from .difficulty_models import DifficultyLevel, DifficultyRules, DifficultyState
from .settings_selectors import province_administered_by

SHOW = {"open": (_lazy("Đang xử lý"), "dang-xu-ly"), "overdue": (_lazy("Quá hạn"), "qua-han"),
        "province": (_lazy("Chờ tỉnh giải quyết"), "cap-tinh"), "answered": (_lazy("Đã trả lời"), "da-tra-loi"),
        "all": (_lazy("Tất cả"), "tat-ca")}


def _shown(request):
    """(filter, commune or None, items): always within the user's scope; `xa` narrows to one commune."""
    show = request.GET.get("show", "open")
    show = show if show in SHOW else "all"
    items = selectors.items_for_user(request.user)
    commune = None
    if request.GET.get("xa"):
        commune = units_for_user(request.user).communes().filter(code=request.GET["xa"]).first()
        if commune is None:
            raise Http404
        items = items.filter(commune=commune)
    return show, commune, selectors.filtered(items, show).order_by("due_on", "id")


@login_required
@page_rule("unit_data")
def difficulty_list(request):
    show, commune, items = _shown(request)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    params = f"show={show}" + (f"&xa={commune.code}" if commune else "")
    base = selectors.items_for_user(request.user)
    if commune is not None:
        base = base.filter(commune=commune)
    return render(request, "reports/difficulties/list.html", {
        "page": page, "show": show, "show_label": SHOW[show][0], "shows": SHOW, "commune": commune,
        "params": params, "today": timezone.localdate(), "overdue_count": selectors.overdue(base).count()})


@login_required
@page_rule("oversight")
def difficulty_by_commune(request):
    rows = selectors.open_by_commune(request.user)
    totals = {key: sum(getattr(row, key) for row in rows) for key in ("open", "overdue", "province", "answered")}
    return render(request, "reports/difficulties/by_commune.html", {"rows": rows, "totals": totals})


@login_required
@page_rule("oversight")
def difficulty_export(request):
    show, commune, items = _shown(request)
    scope = scope_for(request.user)
    unit = commune or AdminUnit.objects.get(pk=min(scope.province_ids or scope.commune_ids))
    title = _("Khó khăn, kiến nghị – %(unit)s (%(view)s)") % {"unit": unit.name, "view": SHOW[show][0]}
    content, rows = difficulties_xlsx(items.select_related("commune", "unit", "owner", "report"), title=title)
    audit_record(actor=request.user, action="difficulty.export", obj=unit, province_id=unit.province_id,
                 commune_id=unit.commune_id, is_read=True, data={"rows": rows, "show": show},
                 summary=_("Xuất Excel khó khăn, kiến nghị (%(view)s): %(rows)s dòng") % {
                     "view": SHOW[show][0], "rows": rows})
    stamp = timezone.localdate().strftime("%Y%m%d")
    return attachment(content, f"kho-khan-kien-nghi-{SHOW[show][1]}-{stamp}.xlsx", XLSX)


ACTIONS = {"take": rules.difficulty_take, "escalate": rules.difficulty_escalate, "answer": rules.difficulty_answer,
           "close": rules.difficulty_close, "split": rules.difficulty_split, "merge": rules.difficulty_merge}


@login_required
@page_rule("unit_data")
def difficulty_detail(request, pk: int):
    item = selectors.item_for_user_or_404(request.user, pk)
    can_handle = rules.can_handle(request.user, item)
    errors, typed = {}, {}
    if request.method == "POST":
        if not can_handle:
            raise Http404
        action = request.POST.get("action")
        if action not in ACTIONS:
            raise Http404
        typed = {key: request.POST.get(key, "") for key in ("note", "answer", "parts")}
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        kwargs = {"item": item, "by": request.user, "version": version}
        if action == "escalate":
            kwargs["note"] = typed["note"]
        elif action == "answer":
            kwargs["answer"] = typed["answer"]
        elif action == "close":
            kwargs["note"] = typed["note"]
        elif action == "split":
            kwargs["parts"] = typed["parts"].splitlines()
        elif action == "merge":
            kwargs["others"] = request.POST.getlist("others")
        try:
            ACTIONS[action](**kwargs)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                errors = {name: " ".join(messages_) for name, messages_ in exc.message_dict.items()}
            else:
                errors = {"general": " ".join(exc.messages)}
            item = selectors.item_for_user_or_404(request.user, pk)
        else:
            messages.success(request, _("Đã cập nhật."))
            return redirect("reports:difficulty", pk=item.pk)
    office = rules.is_commune_office(request.user, item)
    return render(request, "reports/difficulties/detail.html", {
        "item": item, "can_handle": can_handle, "errors": errors, "typed": typed,
        "can_escalate": can_handle and office and item.owner_level == DifficultyLevel.COMMUNE and item.is_open,
        "can_take": can_handle and item.state in (DifficultyState.OPEN, DifficultyState.ESCALATED),
        "overdue": item.is_open and item.due_on < timezone.localdate(),
        "siblings": item.report.difficulty_items.exclude(pk=item.pk).order_by("section", "position"),
        "events": item.events.select_related("by")})


@login_required
@page_rule("province_admin")
def difficulty_rules(request):
    province = province_administered_by(request.user)
    if province is None:
        raise Http404
    current = rules.answer_days(province)
    form = DifficultyRulesForm(request.POST or None, initial={"answer_days": current, "was": current})
    if request.method == "POST" and form.is_valid():
        try:
            saved = rules.difficulty_rules_update(province=province, by=request.user, was=form.cleaned_data["was"],
                                                  answer_days=form.cleaned_data["answer_days"])
        except ValidationError as exc:
            data = request.POST.copy()
            data["was"] = str(rules.answer_days(province))
            form = DifficultyRulesForm(data)
            form.is_valid()
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu: khó khăn, kiến nghị nhận từ nay có %(days)s ngày để trả lời.") % {
                "days": saved.answer_days})
            return redirect("reports:difficulty_rules")
    row = DifficultyRules.objects.filter(province=province).first()
    return render(request, "reports/difficulties/rules.html", {
        "form": form, "province": province, "entries": entries_for(row)[:20] if row is not None else []})
