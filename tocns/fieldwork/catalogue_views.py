"""The service catalogue pages, for the province admin (his province's services; the national ones
read-only) and the national role (everyone else: 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tocns.audit.selectors import entries_for
from tocns.lib.forms import add_service_errors
from tocns.reports.catalogue_scope import catalogue_owner_or_404, row_or_404

from . import catalogue
from .catalogue_forms import LinkForm, ServiceForm
from .models import Service


@login_required
def service_list(request):
    owner = catalogue_owner_or_404(request.user)
    return render(request, "fieldwork/service_list.html", {"pillars": catalogue.services_by_pillar(owner.province),
                                                           "owner": owner})


@login_required
def service_add(request):
    owner = catalogue_owner_or_404(request.user)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = catalogue.service_add(data=form.cleaned_data, by=request.user, province=owner.new_province)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm dịch vụ %(name)s. Hãy chọn các chỉ số nó được tính vào.") % {
                "name": service.name})
            return redirect("fieldwork:service_edit", service.pk)
    return render(request, "fieldwork/service_form.html", {"form": form, "service": None})


@login_required
def service_edit(request, pk: int):
    owner = catalogue_owner_or_404(request.user)
    service = row_or_404(owner, Service.objects.all(), pk=pk)
    read_only = not owner.may_edit(service)  # a national service: shown to a province admin, not changed
    if read_only and request.method == "POST":
        raise Http404
    form = ServiceForm(service=service, read_only=read_only)
    link_form = LinkForm(prefix="link", province=service.province_id)
    action = request.POST.get("action")
    page_error = ""
    try:
        if action == "save":
            form = ServiceForm(request.POST, service=service)
            if form.is_valid():
                catalogue.service_update(service=service, data=form.cleaned_data, was=form.cleaned_data["was"],
                                         by=request.user)
                messages.success(request, _("Đã lưu dịch vụ %(name)s.") % {"name": form.cleaned_data["name"]})
                return redirect("fieldwork:services")
        elif action == "link":
            link_form = LinkForm(request.POST, prefix="link", province=service.province_id)
            if link_form.is_valid():
                catalogue.service_link_indicator(service=service, indicator=link_form.cleaned_data["indicator"],
                                                 measure=link_form.cleaned_data["measure"], by=request.user)
                messages.success(request, _("Đã nối chỉ số. Báo cáo được điền sẵn theo cách mới từ nay."))
                return redirect("fieldwork:service_edit", service.pk)
        elif action == "unlink":
            catalogue.service_unlink_indicator(service=service, link_id=int(request.POST.get("link") or 0),
                                               by=request.user)
            messages.success(request, _("Đã bỏ chỉ số khỏi dịch vụ."))
            return redirect("fieldwork:service_edit", service.pk)
    except ValidationError as exc:
        if action == "save" and getattr(exc, "code", "") == "stale":
            service.refresh_from_db()
            form = ServiceForm(service=service)  # the newest values, to look at before editing again
            page_error = " ".join(exc.messages)
        else:
            add_service_errors(link_form if action == "link" else form, exc)
    return render(request, "fieldwork/service_form.html", {
        "form": form, "service": service, "link_form": link_form, "page_error": page_error, "read_only": read_only,
        "links": service.counts_toward.select_related("indicator").order_by("indicator__code"),
        "entries": entries_for(service)[:20]})
