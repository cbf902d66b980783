"""Pages for tasks given to teams (plan II.2.2a)."""

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

from tocns.accounts.access import page_rule
from tocns.accounts.selectors import units_for_user
from tocns.fieldwork.services import photo_bytes
from tocns.lib.forms import add_service_errors

from . import selectors, services
from .forms import TaskAssignForm, TaskDoneForm, TaskEditForm

SHOW = {"open": _lazy("Đang làm"), "overdue": _lazy("Quá hạn"), "done": _lazy("Chờ nghiệm thu"),
        "closed": _lazy("Đã kết thúc"), "all": _lazy("Tất cả")}


@login_required
@page_rule("team_tasks")
def task_list(request):
    show = request.GET.get("show", "open")
    show = show if show in SHOW else "all"
    tasks = selectors.tasks_for_user(request.user)
    commune = None
    if request.GET.get("xa"):
        commune = units_for_user(request.user).communes().filter(code=request.GET["xa"]).first()
        if commune is None:
            raise Http404
        tasks = tasks.filter(commune=commune)
    page = Paginator(selectors.filtered(tasks, show).order_by("due_on", "id"), 30).get_page(request.GET.get("page"))
    # The province picks a commune to look at; a commune office has only its own.
    communes = units_for_user(request.user).communes().filter(
        pk__in=selectors.tasks_for_user(request.user).values("commune_id"))
    return render(request, "teamtasks/list.html", {
        "communes": communes if communes.count() > 1 else [],
        "page": page, "show": show, "show_label": SHOW[show], "shows": SHOW, "commune": commune,
        "params": f"show={show}" + (f"&xa={commune.code}" if commune else ""), "today": timezone.localdate(),
        "overdue_count": selectors.overdue(tasks).count()})


@login_required
@page_rule("task_giver")
def task_assign(request):
    """Give one team, several, or all village teams of a commune a task. The province admin first
    picks the commune (?xa=); a commune office gives its own commune's teams."""
    communes = units_for_user(request.user).communes().filter(
        pk__in=selectors.teams_to_give(request.user).values("commune_id"))
    code = request.GET.get("xa") or request.POST.get("xa")
    commune = communes.filter(code=code).first() if code else (communes.first() if communes.count() == 1 else None)
    if code and commune is None:
        raise Http404
    if commune is None:
        return render(request, "teamtasks/assign_commune.html", {"communes": communes})
    teams = selectors.teams_to_give(request.user, commune)
    form = TaskAssignForm(request.POST or None, teams=teams, initial={"teams": request.GET.getlist("to")},
                          province=commune.province_id)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.task_assign(teams=form.chosen_teams(), data=form.cleaned_data, by=request.user,
                                        submission_key=form.cleaned_data["submission_key"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã giao nhiệm vụ cho %(n)s tổ; tổ trưởng được báo qua Zalo hoặc tin "
                                        "nhắn.") % {"n": len(made)})
            if len(made) == 1:
                return redirect("teamtasks:detail", pk=made[0].pk)
            return redirect("teamtasks:list")
    return render(request, "teamtasks/assign.html", {"form": form, "commune": commune,
                                                     "many_communes": communes.count() > 1})


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@login_required
@page_rule("team_tasks")
def task_detail(request, pk: int):
    task = selectors.task_for_user_or_404(request.user, pk)
    can_report = selectors.may_report(request.user, task) and task.is_open
    can_review = selectors.may_review(request.user, task)
    done_form = TaskDoneForm(initial={"version": task.version}) if can_report else None
    comment_error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "done" and can_report:
            done_form = TaskDoneForm(request.POST, request.FILES)
            if done_form.is_valid():
                errors = {}
                upload = done_form.cleaned_data.get("photo")
                # Made smaller on the phone (static/js/task_photo.js) it comes as a data URL; sent
                # without the script, as the file: the same checks either way.
                data_url = request.POST.get("photo_data", "")
                if upload is not None:
                    data_url = f"data:{upload.content_type};base64,{base64.b64encode(upload.read()).decode()}"
                photo = photo_bytes(data_url, errors) if data_url else None
                if errors:
                    done_form.add_error("photo", errors["photo"])
                else:
                    try:
                        services.task_report_done(task=task, note=done_form.cleaned_data["note"], photo=photo,
                                                  version=done_form.cleaned_data["version"], by=request.user)
                    except ValidationError as exc:
                        add_service_errors(done_form, exc)
                    else:
                        messages.success(request, _("Đã báo hoàn thành. Người giao sẽ xem và nghiệm thu."))
                        return redirect("teamtasks:detail", pk=task.pk)
        elif action in ("accept", "return", "cancel") and can_review:
            handler = {"accept": services.task_accept, "return": services.task_return,
                       "cancel": services.task_cancel}[action]
            try:
                handler(task=task, version=_version(request), by=request.user,
                        comment=request.POST.get("comment", ""))
            except ValidationError as exc:
                comment_error = " ".join(exc.messages)
            else:
                messages.success(request, _("Đã cập nhật."))
                return redirect("teamtasks:detail", pk=task.pk)
        else:
            raise Http404
        task = selectors.task_for_user_or_404(request.user, pk)
    return render(request, "teamtasks/detail.html", {
        "task": task, "can_report": can_report, "can_review": can_review, "done_form": done_form,
        "comment_error": comment_error, "typed_comment": request.POST.get("comment", ""),
        "overdue": task.is_open and task.due_on < timezone.localdate(),
        "events": task.events.select_related("by")})


@login_required
@page_rule("task_giver")
def task_edit(request, pk: int):
    task = selectors.task_for_user_or_404(request.user, pk)
    if not selectors.may_review(request.user, task) or not task.is_open:
        raise Http404
    initial = {name: getattr(task, name) for name in ("title", "description", "due_on", "target_text",
                                                      "target_count", "service")}
    form = TaskEditForm(request.POST or None, initial={**initial, "version": task.version}, province=task.province_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_edit(task=task, data=form.cleaned_data, version=form.cleaned_data["version"],
                               by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("teamtasks:detail", pk=task.pk)
    return render(request, "teamtasks/edit.html", {"form": form, "task": task})


@login_required
@page_rule("team_tasks")
def task_photo(request, pk: int):
    """The photo of a task reported done, to those whose scope covers the team."""
    task = selectors.task_for_user_or_404(request.user, pk)
    if not task.done_photo:
        raise Http404
    kind = mimetypes.guess_type(task.done_photo.name)[0] or "application/octet-stream"
    response = FileResponse(task.done_photo.open("rb"), content_type=kind)
    response["Cache-Control"] = "private, max-age=86400"
    return response
