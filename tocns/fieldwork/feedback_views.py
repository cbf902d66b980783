"""Feedback pages for the team and the commune office (the public ones are in tocns.portal)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts.views import add_service_errors

from . import feedback as rules
from . import selectors
from .feedback_forms import FeedbackForm
from .models import FeedbackChannel, FeedbackStatus


@login_required
def feedback_list(request):
    show = request.GET.get("show", "open")
    items = selectors.feedback_for_user(request.user)
    if show == "open":
        items = items.filter(status__in=[FeedbackStatus.RECEIVED, FeedbackStatus.FORWARDED])
    elif show == "overdue":
        items = selectors.overdue_feedback(request.user)
    page = Paginator(items.order_by("answer_due_on", "-received_at"), 30).get_page(request.GET.get("page"))
    return render(request, "fieldwork/feedback_list.html", {
        "page": page, "show": show, "overdue_count": selectors.overdue_feedback(request.user).count(),
        "today": timezone.localdate(), "params": f"show={show}",
        "can_record": bool(selectors.log_units(request.user)) or bool(_office_communes(request.user))})


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
        "overdue": feedback.is_open and feedback.answer_due_on < timezone.localdate()})


@login_required
def feedback_stats(request):
    by_service, by_commune = selectors.feedback_totals(request.user)
    return render(request, "fieldwork/feedback_stats.html", {"by_service": by_service, "by_commune": by_commune,
                                                             "as_of": timezone.now()})
