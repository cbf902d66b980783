"""Difficulties and proposals followed up (plan II.2.3): the rules that change an item.

Items are made when a report is **sent** (report_save with submit=True calls
`difficulty_items_sync`), not when it is accepted: a team's difficulty should reach the commune
office at once, whether or not anyone has reviewed its figures yet, and a report that stays
unreviewed for weeks must not hide a question. Sending again after a return makes no second item:
the item of each section is found by (report, section, position 1); while nobody has started on it
its text follows the new report's text, afterwards it stays as it was taken up.

Each change runs in one transaction, refuses an item changed since the page showed it (`version`),
keeps an event and an audit entry. Refusals are ValidationErrors with a Vietnamese message."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts.models import Assignment, Role
from tocns.audit.services import audit_record
from tocns.geo.models import AdminUnit
from tocns.notify.models import NoticeKind
from tocns.notify.services import notify

from .choices import Level
from .difficulty_models import (
    OPEN_STATES,
    DifficultyAction,
    DifficultyEvent,
    DifficultyItem,
    DifficultyLevel,
    DifficultyRules,
    DifficultySection,
    DifficultyState,
)

ANSWER_DAYS_MIN, ANSWER_DAYS_MAX = 1, 90
ANSWER_MAX = 4000
SECTIONS = ((DifficultySection.DIFFICULTY, "difficulties"), (DifficultySection.PROPOSAL, "proposals"))


def answer_days(province: AdminUnit) -> int:
    rules = DifficultyRules.objects.filter(province=province).first()
    return rules.answer_days if rules is not None else DifficultyRules._meta.get_field("answer_days").default


def _user(by):
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _event(item: DifficultyItem, action: str, by, note: str = "") -> None:
    DifficultyEvent.objects.create(item=item, action=action, by=_user(by), note=note)


def difficulty_items_sync(*, report, by=None) -> list[DifficultyItem]:
    """Called inside report_save's transaction when a report is sent: one item per non-empty
    section, made once. Returns the items made now."""
    made = []
    for section, field_name in SECTIONS:
        text = (getattr(report, field_name) or "").strip()
        existing = DifficultyItem.objects.select_for_update().filter(
            report=report, section=section, position=1).first()
        if existing is None:
            if not text:
                continue
            to_province = report.form.level == Level.COMMUNE  # a commune's own report asks the province
            item = DifficultyItem.objects.create(
                report=report, section=section, text=text, team=report.team, unit=report.unit,
                province=report.province, commune=report.commune,
                owner_level=DifficultyLevel.PROVINCE if to_province else DifficultyLevel.COMMUNE,
                due_on=timezone.localdate() + timedelta(days=answer_days(report.province)),
                is_demo=report.is_demo)
            _event(item, DifficultyAction.CREATED, by)
            made.append(item)
        elif text and text != existing.text and existing.state == DifficultyState.OPEN and existing.owner_id is None \
                and not DifficultyItem.objects.filter(report=report, section=section, position__gt=1).exists():
            existing.text, existing.version = text, existing.version + 1
            existing.save(update_fields=["text", "version", "updated_at"])
            _event(existing, DifficultyAction.UPDATED, by)
    return made


# ---- who may act on an item ---------------------------------------------------------------------

def _holds(user, roles, unit_id) -> bool:
    return bool(user and user.is_authenticated) and Assignment.objects.active().filter(
        user=user, role__in=roles, unit_id=unit_id).exists()


def is_commune_office(user, item: DifficultyItem) -> bool:
    return _holds(user, [Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN], item.commune_id)


def is_province_admin(user, item: DifficultyItem) -> bool:
    return _holds(user, [Role.PROVINCE_ADMIN], item.province_id)


def can_handle(user, item: DifficultyItem) -> bool:
    """The commune office handles its commune's items until it escalates one; the province admin
    handles the province's and may step in on any."""
    if is_province_admin(user, item):
        return True
    return item.owner_level == DifficultyLevel.COMMUNE and is_commune_office(user, item)


def _locked(item: DifficultyItem, version: int, by) -> DifficultyItem:
    item = DifficultyItem.objects.select_for_update().select_related("report", "unit").get(pk=item.pk)
    if not can_handle(by, item):
        raise ValidationError(_("Bạn không xử lý được mục này."), code="not_owner")
    if version != item.version:
        raise ValidationError(_("Mục này vừa được người khác cập nhật lúc %(at)s. Hãy tải lại trang để xem "
                                "rồi làm lại.") % {"at": timezone.localtime(item.updated_at).strftime("%H:%M")},
                              code="stale")
    return item


def _save(item: DifficultyItem, fields: list[str], action: str, by, note: str = "", summary: str = "") -> None:
    item.version += 1
    item.save(update_fields=[*fields, "version", "updated_at"])
    _event(item, action, by, note)
    audit_record(actor=by, action=f"difficulty.{action}", obj=item,
                 summary=summary or _("%(action)s: %(item)s") % {"action": DifficultyAction(action).label,
                                                                 "item": item.short_text})


@transaction.atomic
def difficulty_take(*, item: DifficultyItem, by, version: int) -> DifficultyItem:
    item = _locked(item, version, by)
    if item.state not in (DifficultyState.OPEN, DifficultyState.ESCALATED):
        raise ValidationError(_("Mục này đang được xử lý hoặc đã trả lời."), code="state")
    item.state, item.owner = DifficultyState.IN_PROGRESS, by
    _save(item, ["state", "owner"], DifficultyAction.TAKEN, by)
    return item


@transaction.atomic
def difficulty_escalate(*, item: DifficultyItem, by, version: int, note: str) -> DifficultyItem:
    """The commune office hands an item it cannot settle to the province (with why)."""
    item = _locked(item, version, by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Hãy ghi vì sao cần tỉnh giải quyết.")})
    if item.owner_level != DifficultyLevel.COMMUNE or not item.is_open:
        raise ValidationError(_("Chỉ chuyển lên tỉnh được mục cấp xã đang xử lý."), code="state")
    item.owner_level, item.state, item.owner = DifficultyLevel.PROVINCE, DifficultyState.ESCALATED, None
    item.due_on = timezone.localdate() + timedelta(days=answer_days(item.province))
    _save(item, ["owner_level", "state", "owner", "due_on"], DifficultyAction.ESCALATED, by, note)
    return item


@transaction.atomic
def difficulty_split(*, item: DifficultyItem, by, version: int, parts: list[str]) -> list[DifficultyItem]:
    """A text that holds several matters becomes several items: the first part stays in this item,
    each other part becomes a new item with the same owner level and deadline."""
    item = _locked(item, version, by)
    parts = [" ".join(part.split()) for part in parts if part and part.strip()]
    if len(parts) < 2:
        raise ValidationError({"parts": _("Hãy ghi ít nhất hai mục, mỗi mục một dòng.")})
    if item.state not in (DifficultyState.OPEN, DifficultyState.IN_PROGRESS, DifficultyState.ESCALATED):
        raise ValidationError(_("Mục đã trả lời thì không tách được."), code="state")
    last = DifficultyItem.objects.filter(report=item.report, section=item.section).order_by("-position").first()
    position = last.position
    made = []
    for part in parts[1:]:
        position += 1
        new = DifficultyItem.objects.create(
            report=item.report, section=item.section, position=position, text=part, team=item.team, unit=item.unit,
            province=item.province, commune=item.commune, owner_level=item.owner_level, state=item.state,
            owner=item.owner, due_on=item.due_on, is_demo=item.is_demo)
        _event(new, DifficultyAction.SPLIT, by, _("Tách từ mục: %(text)s") % {"text": item.short_text})
        made.append(new)
    old_text, item.text = item.text, parts[0]
    _save(item, ["text"], DifficultyAction.SPLIT, by, old_text,
          summary=_("Tách thành %(n)s mục: %(item)s") % {"n": len(parts), "item": item.short_text})
    return [item, *made]


@transaction.atomic
def difficulty_merge(*, item: DifficultyItem, by, version: int, others) -> DifficultyItem:
    """Items of one report that ask the same thing become one: their texts join this item's, and
    each merged item is closed with a note naming this one (kept, never deleted)."""
    item = _locked(item, version, by)
    if not item.is_open:
        raise ValidationError(_("Mục đã trả lời thì không gộp được."), code="state")
    ids = [int(pk) for pk in others if str(pk).isdigit()]
    merged = list(DifficultyItem.objects.select_for_update().filter(
        report=item.report, pk__in=ids, state__in=OPEN_STATES).exclude(pk=item.pk).order_by("section", "position"))
    if not merged:
        raise ValidationError({"merge": _("Hãy chọn ít nhất một mục đang xử lý để gộp vào mục này.")})
    if any(not can_handle(by, other) for other in merged):
        raise ValidationError(_("Có mục bạn không xử lý được."), code="not_owner")
    for other in merged:
        other.state = DifficultyState.CLOSED
        _save(other, ["state"], DifficultyAction.CLOSED, by,
              _("Gộp vào mục: %(item)s") % {"item": item.short_text})
    item.text = "\n".join([item.text, *(other.text for other in merged)])
    _save(item, ["text"], DifficultyAction.MERGED, by, _("Gộp thêm %(n)s mục") % {"n": len(merged)},
          summary=_("Gộp %(n)s mục vào: %(item)s") % {"n": len(merged), "item": item.short_text})
    return item


@transaction.atomic
def difficulty_answer(*, item: DifficultyItem, by, version: int, answer: str) -> DifficultyItem:
    """The owner answers; the team's leader (or the commune office that sent the report) is told."""
    item = _locked(item, version, by)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Hãy ghi nội dung trả lời.")})
    if len(answer) > ANSWER_MAX:
        raise ValidationError({"answer": _("Trả lời tối đa %(max)s ký tự.") % {"max": ANSWER_MAX}})
    if item.state == DifficultyState.CLOSED:
        raise ValidationError(_("Mục đã đóng."), code="state")
    item.answer, item.answered_by, item.answered_at = answer, by, timezone.now()
    item.state = DifficultyState.ANSWERED
    if item.owner_id is None:
        item.owner = by
    _save(item, ["answer", "answered_by", "answered_at", "state", "owner"], DifficultyAction.ANSWERED, by, answer)
    for recipient in answer_recipients(item):
        notify(kind=NoticeKind.DIFFICULTY_ANSWERED, recipient=recipient, about=item,
               key=f"difficulty-{item.pk}-answered-{item.version}-{recipient.pk}",
               params={"by": by.get_full_name() or by.username, "unit": item.unit.name, "item": item.short_text,
                       "answer": answer})
    return item


def answer_recipients(item: DifficultyItem) -> list:
    """The team's leaders today (the one who wrote the report may have handed over); for a
    commune's own report, whoever sent it."""
    from tocns.accounts.models import User

    if item.team_id is not None:
        leaders = list(User.objects.filter(
            is_active=True, pk__in=Assignment.objects.active().filter(
                role=Role.TEAM_LEADER, unit_id=item.unit_id).values("user_id")))
        if leaders:
            return leaders
    sender = item.report.submitted_by
    return [sender] if sender is not None and sender.is_active else []


@transaction.atomic
def difficulty_close(*, item: DifficultyItem, by, version: int, note: str = "") -> DifficultyItem:
    item = _locked(item, version, by)
    if item.state != DifficultyState.ANSWERED:
        raise ValidationError(_("Chỉ đóng được mục đã trả lời."), code="state")
    item.state = DifficultyState.CLOSED
    _save(item, ["state"], DifficultyAction.CLOSED, by, (note or "").strip())
    return item


@transaction.atomic
def difficulty_rules_update(*, province: AdminUnit, answer_days: int, was: int, by) -> DifficultyRules:
    """How many days an owner has to answer (items made from now on; earlier ones keep theirs).
    `was` is the number the page showed: another admin's change in between is not overwritten."""
    DifficultyRules.objects.get_or_create(province=province)
    rules = DifficultyRules.objects.select_for_update().get(province=province)
    if answer_days is None or not ANSWER_DAYS_MIN <= answer_days <= ANSWER_DAYS_MAX:
        raise ValidationError({"answer_days": [_("Số ngày từ %(low)s đến %(high)s.") % {
            "low": ANSWER_DAYS_MIN, "high": ANSWER_DAYS_MAX}]})
    if was != rules.answer_days:
        raise ValidationError({"answer_days": [ValidationError(
            _("Trong lúc bạn sửa, người khác đã đổi thành %(days)s ngày. Hãy xem lại; nếu vẫn muốn đổi, bấm Lưu "
              "lần nữa.") % {"days": rules.answer_days}, code="stale")]})
    if answer_days != rules.answer_days:
        old, rules.answer_days = rules.answer_days, answer_days
        rules.save(update_fields=["answer_days"])
        audit_record(actor=by, action="difficulty_rules.update", obj=rules, province_id=province.pk,
                     summary=_("Đổi hạn trả lời khó khăn, kiến nghị từ %(old)s thành %(new)s ngày") % {
                         "old": old, "new": answer_days}, data={"answer_days": [old, answer_days]})
    return rules
