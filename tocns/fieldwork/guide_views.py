"""The guides library: public reading (no sign-in; drafts only for the province admin) and the
province admin's editing: the guide, its steps with pictures, its files."""

import mimetypes
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tocns.lib.forms import add_service_errors
from tocns.portal.selectors import province_choice
from tocns.reports.catalogue_scope import catalogue_owner, catalogue_owner_or_404, row_or_404

from . import guides
from .guide_forms import FileForm, GuideForm, StepForm
from .models import Guide, GuideFile, GuideStep, ServicePillar


def guide_list(request):
    query, pillar = request.GET.get("q", "").strip(), request.GET.get("linh-vuc", "")
    pillar = pillar if pillar in ServicePillar.values else ""
    # A visitor reads the national guides and those of the province he chose on the portal (the
    # install's own by default); a signed-in user, those of the provinces his roles reach.
    choice = None if request.user.is_authenticated else province_choice(request.GET.get("tinh"))
    found = guides.guides_for(request.user, query=query, pillar=pillar,
                              province=choice.chosen if choice and choice.chosen else None)
    params = urlencode({name: value for name, value in (("linh-vuc", pillar), ("tinh", choice.code if choice else ""))
                        if value})
    return render(request, "fieldwork/guide_list.html", {
        "page": Paginator(found, 30).get_page(request.GET.get("page")), "query": query, "pillar": pillar,
        "pillars": ServicePillar.choices, "can_write": catalogue_owner(request.user) is not None,
        "choice": choice, "params": params})


def _readable_or_404(request, pk: int) -> Guide:
    guide = guides.guides_for(request.user).filter(pk=pk).first()
    if guide is None:
        raise Http404
    return guide


def guide_detail(request, pk: int):
    guide = _readable_or_404(request, pk)
    return render(request, "fieldwork/guide_detail.html", {
        "guide": guide, "steps": guide.steps.all(), "files": guide.files.all(),
        "can_write": (owner := catalogue_owner(request.user)) is not None and owner.may_edit(guide)})


def _serve(field, *, cache_seconds: int):
    kind = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    response = FileResponse(field.open("rb"), content_type=kind)
    response["Cache-Control"] = f"public, max-age={cache_seconds}"
    return response


def step_picture(request, pk: int):
    step = get_object_or_404(GuideStep.objects.exclude(picture=""), pk=pk)
    _readable_or_404(request, step.guide_id)
    return _serve(step.picture, cache_seconds=7 * 86400)  # a step's picture never changes: a new step is added


def guide_file(request, pk: int):
    attached = get_object_or_404(GuideFile, pk=pk)
    _readable_or_404(request, attached.guide_id)
    response = _serve(attached.file, cache_seconds=86400)
    response["Content-Disposition"] = f'attachment; filename="{attached.file.name.rsplit("/", 1)[-1]}"'
    return response


@login_required
def guide_create(request):
    owner = catalogue_owner_or_404(request.user)
    form = GuideForm(request.POST or None, province=owner.new_province)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        guide = guides.guide_create(by=request.user, data=data, services=data["services"],
                                    submission_key=data["submission_key"] or uuid.uuid4(),
                                    province=owner.new_province)
        return redirect("guides:edit", guide.pk)
    return render(request, "fieldwork/guide_form.html", {"form": form})


@login_required
def guide_edit(request, pk: int):
    # Another province's guide, or a national one for a province admin: 404 (read it on its page).
    guide = row_or_404(catalogue_owner_or_404(request.user), Guide.objects.all(), edit=True, pk=pk)
    form, step_form, file_form = GuideForm(guide=guide), StepForm(prefix="step"), FileForm(prefix="file")
    action, page_error = request.POST.get("action"), ""
    try:
        if action == "save":
            form = GuideForm(request.POST, guide=guide)
            if form.is_valid():
                data = form.cleaned_data
                guides.guide_update(by=request.user, guide=guide, data=data, services=data["services"],
                                    was=data["was"])
                messages.success(request, _("Đã lưu hướng dẫn."))
                return redirect("guides:detail", guide.pk)
        elif action == "step":
            step_form = StepForm(request.POST, request.FILES, prefix="step")
            if step_form.is_valid():
                data = step_form.cleaned_data
                guides.step_add(by=request.user, guide=guide, text=data["text"], picture=data["picture"],
                                submission_key=data["submission_key"])
                return redirect("guides:edit", guide.pk)
        elif action == "step_remove":
            guides.step_remove(by=request.user, guide=guide, step_id=int(request.POST.get("step") or 0))
            return redirect("guides:edit", guide.pk)
        elif action == "file":
            file_form = FileForm(request.POST, request.FILES, prefix="file")
            if file_form.is_valid():
                guides.file_add(by=request.user, guide=guide, upload=file_form.cleaned_data["file"],
                                submission_key=file_form.cleaned_data["submission_key"])
                return redirect("guides:edit", guide.pk)
        elif action == "file_remove":
            guides.file_remove(by=request.user, guide=guide, file_id=int(request.POST.get("file") or 0))
            return redirect("guides:edit", guide.pk)
    except ValidationError as exc:
        if getattr(exc, "code", "") == "stale":
            guide.refresh_from_db()
            form, page_error = GuideForm(guide=guide), " ".join(exc.messages)
        else:
            add_service_errors({"step": step_form, "file": file_form}.get(action, form), exc)
    return render(request, "fieldwork/guide_edit.html", {
        "guide": guide, "form": form, "step_form": step_form, "file_form": file_form, "page_error": page_error,
        "steps": guide.steps.all(), "files": guide.files.all()})
