"""Giving teams tasks and following them to the end (plan II.2.2a).

Each function runs in one transaction and refuses with a Vietnamese ValidationError, writing
nothing. A retried "give" (same submission_key) makes nothing new, for one team or several; an
edit, a report or a review made on an older version than the stored one is refused."""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts.models import Assignment, Role
from tocns.audit.services import audit_record
from tocns.fieldwork.services import PHOTO_TYPES
from tocns.notify.models import NoticeKind
from tocns.notify.services import notify
from tocns.teams.choices import TeamStatus

from .models import GiverLevel, TaskAction, TaskEvent, TaskStatus, TeamTask
from .selectors import leaders_of, may_give, may_report, may_review

TITLE_MAX, NOTE_MAX = 200, 2000


def _clean(data: dict) -> tuple[dict, dict]:
    """The task's own fields, checked; (values, errors by field)."""
    errors = {}
    title = " ".join(str(data.get("title") or "").split())
    if not title:
        errors["title"] = _("Hãy ghi nhiệm vụ cần làm.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Tối đa %(max)s ký tự.") % {"max": TITLE_MAX}
    due_on = data.get("due_on")
    if due_on is None:
        errors["due_on"] = _("Hãy ghi hạn hoàn thành (dd/mm/yyyy).")
    elif due_on < timezone.localdate():
        errors["due_on"] = _("Hạn hoàn thành không được trước hôm nay.")
    count = data.get("target_count")
    if count is not None and count < 0:
        errors["target_count"] = _("Số hộ, số người không âm.")
    values = {"title": title, "description": str(data.get("description") or "").strip()[:NOTE_MAX],
              "due_on": due_on, "target_text": str(data.get("target_text") or "").strip()[:300],
              "target_count": count, "service": data.get("service")}
    return values, errors


def _audit(task: TeamTask, action: str, by, summary: str, data: dict | None = None) -> None:
    audit_record(actor=by, action=f"team_task.{action}", obj=task, summary=summary, data=data)


def _tell_leaders(task: TeamTask, by) -> None:
    for leader in leaders_of(task.team):
        notify(kind=NoticeKind.TASK_ASSIGNED, recipient=leader, about=task,
               key=f"task-{task.pk}-assigned-{leader.pk}",
               params={"by": by.get_full_name() or by.username, "team": str(task.team), "title": task.title,
                       "due": task.due_on.strftime("%d/%m/%Y"), "text": task.description})


@transaction.atomic
def task_assign(*, teams, data: dict, submission_key: str, by) -> list[TeamTask]:
    """One task per team, all in one go. The same submission_key again returns the tasks it made."""
    key = str(submission_key or "").strip()
    if not key:
        raise ValidationError(_("Biểu mẫu đã cũ: hãy tải lại trang rồi giao lại."), code="no_key")
    existing = list(TeamTask.objects.filter(submission_key=key).order_by("id"))
    if existing:
        return existing
    values, errors = _clean(data)
    teams = list(teams)
    if not teams:
        errors["teams"] = _("Hãy chọn ít nhất một tổ.")
    elif any(team.status != TeamStatus.ESTABLISHED or not may_give(by, team) for team in teams):
        errors["teams"] = _("Có tổ bạn không giao nhiệm vụ được (tổ ngoài địa bàn, chưa thành lập hoặc đã giải thể).")
    if errors:
        raise ValidationError(errors)
    made = []
    try:
        with transaction.atomic():
            for team in teams:
                level = (GiverLevel.COMMUNE if Assignment.objects.active().filter(
                    user=by, role__in=[Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN], unit_id=team.commune_id).exists()
                    else GiverLevel.PROVINCE)
                task = TeamTask.objects.create(team=team, unit=team.unit, province=team.province, commune=team.commune,
                                               given_level=level, given_by=by, submission_key=key, **values)
                TaskEvent.objects.create(task=task, action=TaskAction.ASSIGNED, by=by)
                made.append(task)
    except IntegrityError:  # the same form arrived twice at once
        return list(TeamTask.objects.filter(submission_key=key).order_by("id"))
    for task in made:
        _audit(task, "assign", by, _("Giao nhiệm vụ “%(title)s” cho %(team)s, hạn %(due)s") % {
            "title": task.title, "team": task.team, "due": task.due_on.strftime("%d/%m/%Y")},
            {"teams": len(made)})
        _tell_leaders(task, by)
    return made


def _locked(task: TeamTask, version: int) -> TeamTask:
    task = TeamTask.objects.select_for_update().select_related("team", "unit").get(pk=task.pk)
    if version != task.version:
        raise ValidationError(_("Nhiệm vụ vừa được người khác cập nhật lúc %(at)s. Hãy tải lại trang để xem rồi "
                                "làm lại.") % {"at": timezone.localtime(task.updated_at).strftime("%H:%M")},
                              code="stale")
    return task


def _save(task: TeamTask, fields: list[str], action: str, by, note: str = "") -> None:
    task.version += 1
    task.save(update_fields=[*fields, "version", "updated_at"])
    TaskEvent.objects.create(task=task, action=action, by=by, note=note)


@transaction.atomic
def task_edit(*, task: TeamTask, data: dict, version: int, by) -> TeamTask:
    task = _locked(task, version)
    if not may_review(by, task):
        raise ValidationError(_("Bạn không sửa được nhiệm vụ này."), code="not_giver")
    if not task.is_open:
        raise ValidationError(_("Chỉ sửa được nhiệm vụ đang làm."), code="state")
    values, errors = _clean(data)
    if errors:
        raise ValidationError(errors)
    changed = {name: [str(getattr(task, name) or ""), str(value or "")] for name, value in values.items()
               if getattr(task, name) != value}
    if not changed:
        return task
    for name, value in values.items():
        setattr(task, name, value)
    _save(task, list(values), TaskAction.EDITED, by, ", ".join(str(TeamTask._meta.get_field(n).verbose_name)
                                                               for n in changed))
    _audit(task, "edit", by, _("Sửa nhiệm vụ “%(title)s” của %(team)s") % {"title": task.title, "team": task.team},
           {"changed": changed})
    return task


@transaction.atomic
def task_report_done(*, task: TeamTask, note: str, photo: bytes | None, version: int, by) -> TeamTask:
    """The team's leader says it is done, with what was done (and a photo, already checked)."""
    task = _locked(task, version)
    if not may_report(by, task):
        raise ValidationError(_("Chỉ tổ trưởng của tổ báo hoàn thành được."), code="not_leader")
    if not task.is_open:
        raise ValidationError(_("Nhiệm vụ này không còn chờ báo kết quả."), code="state")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Hãy ghi ngắn gọn đã làm được gì.")})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Tối đa %(max)s ký tự.") % {"max": NOTE_MAX}})
    fields = ["done_note", "done_at", "done_by", "status"]
    if photo is not None:
        stamp = timezone.localdate()
        name = f"nhiem-vu/{stamp:%Y/%m}/{task.pk}-{uuid.uuid4().hex[:12]}{PHOTO_TYPES[photo[:3]]}"
        task.done_photo = default_storage.save(name, ContentFile(photo))
        fields.append("done_photo")
    task.done_note, task.done_at, task.done_by, task.status = note, timezone.now(), by, TaskStatus.DONE
    _save(task, fields, TaskAction.DONE, by, note)
    _audit(task, "done", by, _("%(team)s báo hoàn thành “%(title)s”") % {"team": task.team, "title": task.title},
           {"photo": photo is not None})
    return task


@transaction.atomic
def task_accept(*, task: TeamTask, version: int, by, comment: str = "") -> TeamTask:
    task = _locked(task, version)
    if not may_review(by, task):
        raise ValidationError(_("Bạn không nghiệm thu được nhiệm vụ này."), code="not_giver")
    if task.status != TaskStatus.DONE:
        raise ValidationError(_("Chỉ nghiệm thu được nhiệm vụ tổ đã báo xong."), code="state")
    task.status, task.review_comment, task.reviewed_at = TaskStatus.ACCEPTED, (comment or "").strip(), timezone.now()
    _save(task, ["status", "review_comment", "reviewed_at"], TaskAction.ACCEPTED, by, task.review_comment)
    _audit(task, "accept", by, _("Nghiệm thu nhiệm vụ “%(title)s” của %(team)s") % {
        "title": task.title, "team": task.team})
    return task


@transaction.atomic
def task_return(*, task: TeamTask, version: int, by, comment: str) -> TeamTask:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Hãy ghi cần làm thêm gì để tổ biết.")})
    task = _locked(task, version)
    if not may_review(by, task):
        raise ValidationError(_("Bạn không trả lại được nhiệm vụ này."), code="not_giver")
    if task.status != TaskStatus.DONE:
        raise ValidationError(_("Chỉ trả lại được nhiệm vụ tổ đã báo xong."), code="state")
    task.status, task.review_comment, task.reviewed_at = TaskStatus.RETURNED, comment, timezone.now()
    _save(task, ["status", "review_comment", "reviewed_at"], TaskAction.RETURNED, by, comment)
    _audit(task, "return", by, _("Trả lại nhiệm vụ “%(title)s” cho %(team)s") % {
        "title": task.title, "team": task.team}, {"comment": comment})
    return task


@transaction.atomic
def task_cancel(*, task: TeamTask, version: int, by, comment: str) -> TeamTask:
    """A task no longer needed ends as cancelled (kept, with why); it is never deleted."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Hãy ghi lý do hủy.")})
    task = _locked(task, version)
    if not may_review(by, task):
        raise ValidationError(_("Bạn không hủy được nhiệm vụ này."), code="not_giver")
    if task.status in (TaskStatus.ACCEPTED, TaskStatus.CANCELLED):
        raise ValidationError(_("Nhiệm vụ đã kết thúc."), code="state")
    task.status, task.review_comment = TaskStatus.CANCELLED, comment
    _save(task, ["status", "review_comment"], TaskAction.CANCELLED, by, comment)
    _audit(task, "cancel", by, _("Hủy nhiệm vụ “%(title)s” của %(team)s") % {"title": task.title, "team": task.team},
           {"comment": comment})
    return task
