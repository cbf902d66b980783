"""Pages for a person's rights: the register of requests, one person's data and consents, the file
of everything held about them, and the anonymisation that erases them."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts.access import page_rule
from tocns.audit.services import record_read
from tocns.lib.forms import add_service_errors
from tocns.lib.http import XLSX, attachment

from . import selectors, services
from .forms import AnonymiseForm, CompleteForm, RefuseForm, RequestForm
from .models import Consent, RequestKind
from .person_file import person_file_xlsx


@login_required
@page_rule("privacy")
def request_list(request):
    requests = selectors.requests_for_user(request.user)
    show = request.GET.get("show", "open")
    shown = selectors.open_first(requests) if show == "open" else requests
    query = request.GET.get("q", "").strip()[:100]
    people = list(selectors.search_people(request.user, query)[:30]) if query else None
    return render(request, "privacy/request_list.html", {
        "page": Paginator(shown, 30).get_page(request.GET.get("page")), "show": show, "query": query,
        "people": people, "params": f"show={show}", "today": timezone.localdate()})


@login_required
@page_rule("privacy")
def person_detail(request, person_pk: int):
    person = selectors.person_for_office_or_404(request.user, person_pk)
    form = RequestForm(request.POST if request.method == "POST" else None, initial={"submission_key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registered = services.request_register(
                person=person, kind=data["kind"], purpose=data["purpose"], details=data["details"],
                received_on=data["received_on"], by=request.user, submission_key=data["submission_key"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi yêu cầu. Hạn xác nhận đã nhận: %(day)s.") % {
                "day": registered.acknowledge_by.strftime("%d/%m/%Y")})
            return redirect("privacy:request", pk=registered.pk)
    record_read(actor=request.user, action="person.view", obj=person,
                summary=_("Xem dữ liệu và sự đồng ý của %(name)s") % {"name": person.full_name})
    return render(request, "privacy/person.html", {
        "person": person, "form": form, "requests": person.rights_requests.order_by("-received_on", "-id"),
        "consents": Consent.objects.filter(person=person).select_related("given_by").order_by("-given_at"),
        "anonymised": person.full_name == services.ANONYMOUS_NAME})


@login_required
@page_rule("privacy")
def request_detail(request, pk: int):
    rights_request = selectors.request_for_user_or_404(request.user, pk)
    complete_form, refuse_form = CompleteForm(prefix="done"), RefuseForm(prefix="refuse")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                services.request_acknowledge(request=rights_request, by=request.user)
                messages.success(request, _("Đã xác nhận đã nhận yêu cầu."))
                return redirect("privacy:request", pk=pk)
            if action == "done":
                complete_form = CompleteForm(request.POST, prefix="done")
                if complete_form.is_valid():
                    services.request_complete(request=rights_request, by=request.user,
                                              answer=complete_form.cleaned_data["answer"])
                    messages.success(request, _("Đã hoàn thành yêu cầu."))
                    return redirect("privacy:request", pk=pk)
            if action == "refuse":
                refuse_form = RefuseForm(request.POST, prefix="refuse")
                if refuse_form.is_valid():
                    services.request_refuse(request=rights_request, by=request.user,
                                            reason=refuse_form.cleaned_data["reason"])
                    messages.success(request, _("Đã ghi việc từ chối và lý do."))
                    return redirect("privacy:request", pk=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            rights_request = selectors.request_for_user_or_404(request.user, pk)
    return render(request, "privacy/request.html", {
        "r": rights_request, "complete_form": complete_form, "refuse_form": refuse_form,
        "today": timezone.localdate(), "is_erasure": rights_request.kind == RequestKind.ERASURE,
        "is_access": rights_request.kind == RequestKind.ACCESS})


@login_required
@page_rule("privacy")
def person_file(request, person_pk: int):
    person = selectors.person_for_office_or_404(request.user, person_pk)
    content = person_file_xlsx(person)
    record_read(actor=request.user, action="person.export", obj=person,
                summary=_("Tải tệp toàn bộ dữ liệu của %(name)s") % {"name": person.full_name})
    return attachment(content, f"du-lieu-ca-nhan-{person.pk}-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


@login_required
@page_rule("privacy")
def anonymise(request, person_pk: int):
    person = selectors.person_for_office_or_404(request.user, person_pk)
    rights_request = None
    if request.GET.get("yeu_cau") or request.POST.get("yeu_cau"):
        rights_request = selectors.request_for_user_or_404(
            request.user, _int(request.GET.get("yeu_cau") or request.POST.get("yeu_cau")))
        if rights_request.person_id != person.pk or rights_request.kind != RequestKind.ERASURE:
            rights_request = None
    form = AnonymiseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_anonymise(person=person, by=request.user, request=rights_request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ẩn danh. Các lần tham gia tổ và số liệu vẫn giữ nguyên."))
            return redirect("privacy:person", person_pk=person.pk)
    return render(request, "privacy/anonymise.html", {
        "person": person, "form": form, "rights_request": rights_request,
        "memberships": person.memberships.count(), "has_user": person.user_id is not None,
        "done": person.full_name == services.ANONYMOUS_NAME})


def _int(raw) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0

