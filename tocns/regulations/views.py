"""Pages for the model regulation (province admin) and each commune's adoption (commune office).
Views check scope and role, then call a service or a selector."""

import mimetypes
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.accounts.access import page_rule
from tocns.lib.forms import add_service_errors
from tocns.lib.http import DOCX, XLSX, attachment
from tocns.teams.selectors import commune_chairman_name

from . import selectors, services
from .articles import article_count, blocks
from .documents import adoption_decision
from .exports import commune_table_xlsx, state_labels
from .forms import AdoptionIssueForm, AdoptionTextForm, VersionForm
from .models import AdoptionStatus


def _posted(request):
    return request.POST if request.method == "POST" else None


def _serve(field, *, download_name: str):
    kind = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    response = FileResponse(field.open("rb"), content_type=kind)
    response["Content-Disposition"] = f'inline; filename="{download_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@page_rule("regulations")
def index(request):
    province = selectors.administered_province(request.user)
    if province is None:
        communes = list(selectors.communes_for(request.user)[:200])
        if len(communes) == 1:
            return redirect("regulations:commune", code=communes[0].code)
        return render(request, "regulations/communes.html", {"communes": communes})
    state = request.GET.get("tinh-trang", "")
    state = state if state in state_labels() else ""
    query = request.GET.get("q", "").strip()
    rows, counts = selectors.commune_table(province, state=state, query=query)
    return render(request, "regulations/province.html", {
        "province": province, "versions": selectors.versions_for(request.user).filter(province=province),
        "current": selectors.current_version(province), "rows": rows, "counts": counts, "state": state,
        "query": query, "labels": state_labels(), "total": sum(counts.values())})


@login_required
@page_rule("province_admin")
def table_export(request):
    province = selectors.administered_province(request.user)
    if province is None:
        raise Http404
    state = request.GET.get("tinh-trang", "")
    rows, _counts = selectors.commune_table(province, state=state if state in state_labels() else "",
                                            query=request.GET.get("q", "").strip())
    content = commune_table_xlsx(rows, province=province, current=selectors.current_version(province))
    return attachment(content, f"quy-che-cac-xa-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


# ---- the model ---------------------------------------------------------------------------------

@login_required
@page_rule("province_admin")
def version_create(request):
    province = selectors.administered_province(request.user)
    if province is None:
        raise Http404
    current = selectors.current_version(province)
    initial = {"title": current.title, "text": current.text} if current else {
        "title": _("Quy chế hoạt động của Tổ công nghệ số cộng đồng")}
    form = VersionForm(_posted(request), request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.version_publish(
                province=province, label=data["label"], title=data["title"], issued_on=data["issued_on"],
                text=data["text"], file=data["file"], submission_key=data["submission_key"] or uuid.uuid4(),
                by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ban hành quy chế mẫu phiên bản %(label)s.") % {"label": version.label})
            return redirect("regulations:version", pk=version.pk)
    return render(request, "regulations/version_form.html", {"form": form, "current": current})


@login_required
@page_rule("regulations")
def version_detail(request, pk: int):
    version = selectors.version_for_user_or_404(request.user, pk)
    current = selectors.current_version(version.province)
    return render(request, "regulations/version_detail.html", {
        "version": version, "is_current": current is not None and current.pk == version.pk, "current": current,
        "blocks": blocks(version.text), "articles": article_count(version.text),
        "can_edit": selectors.administered_province(request.user) == version.province})


@login_required
@page_rule("province_admin")
def version_edit(request, pk: int):
    version = selectors.version_for_user_or_404(request.user, pk)
    if selectors.administered_province(request.user) != version.province:
        raise Http404
    form, page_error = VersionForm(_posted(request), request.FILES or None, version=version), ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.version_update(version=version, title=data["title"], issued_on=data["issued_on"],
                                    text=data["text"], file=data["file"], was=data["was"], by=request.user)
        except ValidationError as exc:
            if getattr(exc, "code", "") == "stale":
                version.refresh_from_db()
                form, page_error = VersionForm(version=version), " ".join(exc.messages)
            else:
                add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu quy chế mẫu."))
            return redirect("regulations:version", pk=version.pk)
    return render(request, "regulations/version_form.html", {"form": form, "version": version,
                                                             "page_error": page_error})


@login_required
@page_rule("regulations")
def version_file(request, pk: int):
    version = selectors.version_for_user_or_404(request.user, pk)
    if not version.file:
        raise Http404
    ending = version.file.name[version.file.name.rfind("."):]
    return _serve(version.file, download_name=f"quy-che-mau-phien-ban-{version.pk}{ending}")


# ---- a commune ---------------------------------------------------------------------------------

@login_required
@page_rule("regulations")
def commune(request, code: str):
    unit = selectors.commune_for_user_or_404(request.user, code)
    current = selectors.current_version(unit.province)
    in_force = selectors.in_force(unit)
    return render(request, "regulations/commune.html", {
        "commune": unit, "current": current, "in_force": in_force, "draft": selectors.open_draft(unit),
        "history": selectors.commune_adoptions(unit), "can_change": selectors.can_change(request.user, unit),
        "submission_key": uuid.uuid4(),
        "behind": in_force is not None and current is not None and in_force.base_id != current.pk})


@login_required
@page_rule("regulations")
@require_POST
def adoption_start(request, code: str):
    unit = selectors.commune_for_user_or_404(request.user, code)
    if not selectors.can_change(request.user, unit):
        raise Http404
    base = selectors.versions_for(request.user).filter(province=unit.province, pk=request.POST.get("base") or 0).first()
    if base is None:
        messages.error(request, _("Chưa chọn bản mẫu để soạn theo."))
        return redirect("regulations:commune", code=unit.code)
    try:
        key = uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        key = uuid.uuid4()
    try:
        adoption = services.adoption_start(commune=unit, base=base, submission_key=key, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("regulations:commune", code=unit.code)
    return redirect("regulations:adoption", pk=adoption.pk)


@login_required
@page_rule("regulations")
def adoption(request, pk: int):
    item = selectors.adoption_for_user_or_404(request.user, pk)
    can_change = selectors.can_change(request.user, item.commune) and item.is_draft
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not can_change:
        raise Http404
    text_form = AdoptionTextForm(adoption=item)
    issue_form = AdoptionIssueForm(initial={"signer_name": commune_chairman_name(item.commune), "was": item.version})
    page_error = ""
    try:
        if action == "save":
            text_form = AdoptionTextForm(request.POST, adoption=item)
            if text_form.is_valid():
                data = text_form.cleaned_data
                services.adoption_update(adoption=item, title=data["title"], text=data["text"], was=data["was"],
                                         by=request.user)
                messages.success(request, _("Đã lưu nội dung quy chế."))
                return redirect("regulations:adoption", pk=item.pk)
        elif action == "issue":
            issue_form = AdoptionIssueForm(request.POST, request.FILES)
            if issue_form.is_valid():
                services.adoption_issue(adoption=item, by=request.user, **issue_form.cleaned_data)
                messages.success(request, _("Đã ghi quyết định ban hành quy chế."))
                return redirect("regulations:commune", code=item.commune.code)
        elif action == "withdraw":
            services.adoption_withdraw(adoption=item, was=int(request.POST.get("was") or 0) or None, by=request.user)
            messages.success(request, _("Đã bỏ bản đang soạn."))
            return redirect("regulations:commune", code=item.commune.code)
    except ValidationError as exc:
        if getattr(exc, "code", "") in ("stale", "closed"):
            item.refresh_from_db()
            text_form = AdoptionTextForm(adoption=item)
            issue_form = AdoptionIssueForm(initial={"signer_name": commune_chairman_name(item.commune),
                                                    "was": item.version})
            page_error = " ".join(exc.messages)
            can_change = can_change and item.is_draft
        else:
            add_service_errors(issue_form if action == "issue" else text_form, exc)
    return render(request, "regulations/adoption.html", {
        "adoption": item, "text_form": text_form, "issue_form": issue_form, "page_error": page_error,
        "can_change": can_change, "blocks": blocks(item.text), "articles": article_count(item.text),
        "current": selectors.current_version(item.province), "issued": item.status == AdoptionStatus.ISSUED})


@login_required
@page_rule("regulations")
def adoption_draft(request, pk: int):
    item = selectors.adoption_for_user_or_404(request.user, pk)
    if item.status == AdoptionStatus.WITHDRAWN:
        raise Http404
    prefix = "qd-quy-che" if item.status == AdoptionStatus.ISSUED else "du-thao-qd-quy-che"
    return attachment(adoption_decision(item), f"{prefix}-{item.commune.code}.docx", DOCX)


@login_required
@page_rule("regulations")
def adoption_file(request, pk: int):
    item = selectors.adoption_for_user_or_404(request.user, pk)
    if not item.signed_file:
        raise Http404
    ending = item.signed_file.name[item.signed_file.name.rfind("."):]
    return _serve(item.signed_file, download_name=f"qd-quy-che-{item.commune.code}{ending}")
