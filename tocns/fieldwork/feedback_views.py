"""Feedback pages for the team and the commune office (the public ones are in tocns.portal)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tocns.accounts.selectors import scope_for
from tocns.audit.selectors import entries_for
from tocns.geo.models import AdminUnit
from tocns.lib.forms import add_service_errors
from tocns.lib.http import XLSX, attachment
from tocns.reports.settings_selectors import province_administered_by

from . import feedback as rules
from . import selectors
from .feedback_export import feedback_export_record, feedback_xlsx, shows_contact
from .feedback_forms import FeedbackForm, FieldworkRulesForm
from .models import FeedbackChannel, FeedbackStatus, FieldworkRules

# The list's filters: key → (label, part of the export's file name).
SHOW = {"open": (_lazy("Đang xử lý"), "dang-xu-ly"), "overdue": (_lazy("Quá hạn"), "qua-han"),
        "all": (_lazy("Tất cả"), "tat-ca")}


def _shown(request) -> tuple[str, QuerySet]:
    """The filter asked for (open by default, anything unknown means all) and the feedback it shows,
    always within the user's scope."""
    show = request.GET.get("show", "open")
    show = show if show in SHOW else "all"
    items = selectors.feedback_for_user(request.user)
    if show == "open":
        items = items.filter(status__in=[FeedbackStatus.RECEIVED, FeedbackStatus.FORWARDED])
    elif show == "overdue":
        items = selectors.overdue_feedback(request.user)
    return show, items.order_by("answer_due_on", "-received_at")


@login_required
def feedback_list(request):
    show, items = _shown(request)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "fieldwork/feedback_list.html", {
        "page": page, "show": show, "show_label": SHOW[show][0],
        "overdue_count": selectors.overdue_feedback(request.user).count(),
        "today": timezone.localdate(), "params": f"show={show}",
        "can_export": not scope_for(request.user).is_empty,
        "can_record": bool(selectors.log_units(request.user)) or bool(_office_communes(request.user))})


@login_required
def feedback_export(request):
    """The list as it is filtered, in Excel. Names and phones only when asked for (`ho_ten=1`), and then
    only of people who agreed; every export is recorded in the audit log."""
    scope = scope_for(request.user)
    if scope.is_empty:
        raise Http404
    # The widest unit the export covers: the audit entry is filed under it.
    unit = AdminUnit.objects.get(pk=min(scope.province_ids or scope.commune_ids or scope.unit_ids))
    show, items = _shown(request)
    with_contact = request.GET.get("ho_ten") == "1"
    label = SHOW[show][0]
    title = _("Ý kiến, phản ánh của người dân – %(unit)s (%(view)s)") % {"unit": unit.name, "view": label}
    content, rows, contact_rows = feedback_xlsx(items.select_related("commune"), with_contact=with_contact,
                                                scope=scope, title=title)
    feedback_export_record(by=request.user, unit=unit, show=show, label=label, rows=rows,
                           with_contact=with_contact, contact_rows=contact_rows)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return attachment(content, f"y-kien-{SHOW[show][1]}-{stamp}.xlsx", XLSX)


def _office_communes(user):
    from tocns.accounts.models import Role
    from tocns.accounts.selectors import scope_for, units_for_user

    scope = scope_for(user)
    if not scope.has_role(Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN):
        return []
    return list(units_for_user(user).communes().filter(pk__in=scope.commune_ids))


@login_required
def feedback_record(request):
    """A member or officer writes down what a citizen said."""
    units = list(selectors.log_units(request.user))
    communes = [u.commune for u in units] or _office_communes(request.user)
    if not communes:
        raise Http404
    commune = communes[0]
    form = FeedbackForm(request.POST or None, commune=commune, initial={"submission_key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback = rules.feedback_submit(
                unit=data["unit"], content=data["content"], kind=data["kind"], service=data["service"],
                citizen_name=data["citizen_name"], citizen_phone=data["citizen_phone"], consent=data["consent"],
                channel=FeedbackChannel.TEAM, submission_key=data["submission_key"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi ý kiến, mã %(code)s.") % {"code": feedback.code})
            return redirect("fieldwork:feedback", pk=feedback.pk)
    return render(request, "fieldwork/feedback_form.html", {"form": form, "commune": commune})


@login_required
def feedback_detail(request, pk: int):
    feedback = selectors.feedback_for_user(request.user).filter(pk=pk).first()
    if feedback is None:
        raise Http404
    can_handle = selectors.can_handle_feedback(request.user, feedback)
    if request.method == "POST":
        if not can_handle:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "forward":
                rules.feedback_forward(feedback=feedback, to=request.POST.get("to", ""), by=request.user)
            elif action == "answer":
                rules.feedback_answer(feedback=feedback, answer=request.POST.get("answer", ""), by=request.user)
            elif action == "close":
                rules.feedback_close(feedback=feedback, by=request.user, note=request.POST.get("note", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã cập nhật."))
        return redirect("fieldwork:feedback", pk=feedback.pk)
    return render(request, "fieldwork/feedback_detail.html", {
        "feedback": feedback, "can_handle": can_handle, "events": feedback.events.select_related("by"),
        "show_contact": bool(feedback.citizen_name or feedback.citizen_phone)
        and shows_contact(feedback, scope_for(request.user)),
        "overdue": feedback.is_open and feedback.answer_due_on < timezone.localdate()})


@login_required
def feedback_stats(request):
    by_service, by_commune = selectors.feedback_totals(request.user)
    province = province_administered_by(request.user)
    return render(request, "fieldwork/feedback_stats.html", {
        "by_service": by_service, "by_commune": by_commune, "as_of": timezone.now(),
        "answer_days": rules.answer_days(province) if province is not None else None})


@login_required
def feedback_rules(request):
    """The province admin sets how many days offices have to answer; everyone else gets a 404, as on
    the report settings pages."""
    province = province_administered_by(request.user)
    if province is None:
        raise Http404
    current = rules.answer_days(province)
    form = FieldworkRulesForm(request.POST or None, initial={"feedback_answer_days": current, "was": current})
    if request.method == "POST" and form.is_valid():
        try:
            saved = rules.fieldwork_rules_update(province=province, by=request.user, was=form.cleaned_data["was"],
                                                 feedback_answer_days=form.cleaned_data["feedback_answer_days"])
        except ValidationError as exc:
            # The page now holds the stored number, so saving again is a choice made knowing it.
            data = request.POST.copy()
            data["was"] = str(rules.answer_days(province))
            form = FieldworkRulesForm(data)
            form.is_valid()
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu: ý kiến nhận từ nay có %(days)s ngày để trả lời; ý kiến đã nhận "
                                        "giữ hạn cũ.") % {"days": saved.feedback_answer_days})
            return redirect("fieldwork:feedback_rules")
    rules_row = FieldworkRules.objects.filter(province=province).first()
    return render(request, "fieldwork/feedback_rules.html", {
        "form": form, "province": province, "current": current,
        "entries": entries_for(rules_row)[:20] if rules_row is not None else []})
