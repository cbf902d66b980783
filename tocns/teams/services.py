"""State changes for teams, people, memberships, decisions and applications.

Each runs in one transaction and leaves an audit record; a refused change raises a
ValidationError with a Vietnamese message and writes nothing."""

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record
from tocns.geo.models import AdminUnit
from tocns.lib.phone import format_phone
from tocns.lib.text import fold
from tocns.notify.models import NoticeKind
from tocns.notify.services import notify

from .choices import (
    ApplicationChannel,
    ApplicationKind,
    ApplicationStatus,
    DecisionKind,
    MemberRole,
    Position,
    TeamStatus,
    VillageApprover,
)
from .models import Application, ApplicationEntry, Decision, Membership, Person, Team, TeamRules, TeamRulesChange

NULLABLE_FIELDS = ("birth_year", "home_village")
PERSON_FIELDS = ("full_name", "gender", "birth_year", "phone", "zalo_phone", "email", "occupation", "workplace",
                 "position", "home_village", "digital_skills", "ethnic_group")


def team_rules(province: AdminUnit) -> TeamRules:
    rules, _created = TeamRules.objects.get_or_create(province=province)
    return rules


def team_cap(team: Team) -> int:
    rules = team_rules(team.province)
    return rules.commune_team_cap if team.unit.is_commune else rules.village_team_cap


RULE_FIELDS = ("commune_team_cap", "village_team_cap", "team_minimum", "village_approver")
CAP_LIMIT = 50  # no team of the plan is near this; a typo (100, 500) is refused


@transaction.atomic
def team_rules_change(*, province: AdminUnit, values: dict, version: int, by) -> TeamRules:
    """The province admin changes the province's team settings. Each changed setting is kept as a
    TeamRulesChange (who, when, old -> new). A form opened before someone else's change carries the
    old `version` and is refused, so nobody overwrites a change he has not seen."""
    TeamRules.objects.get_or_create(province=province)
    rules = TeamRules.objects.select_for_update().get(province=province)
    if rules.version != version:
        last = rules.changes.select_related("changed_by").first()
        raise ValidationError(
            _("Quy định vừa được %(who)s thay đổi lúc %(at)s. Hãy xem các giá trị mới bên dưới rồi sửa lại nếu "
              "cần.") % {"who": last.changed_by.get_full_name() if last and last.changed_by else _("người khác"),
                          "at": timezone.localtime(last.changed_at).strftime("%H:%M %d/%m/%Y") if last else "—"},
            code="stale")
    errors = {}
    new = {name: values.get(name, getattr(rules, name)) for name in RULE_FIELDS}
    for name in ("commune_team_cap", "village_team_cap", "team_minimum"):
        if not isinstance(new[name], int) or not 1 <= new[name] <= CAP_LIMIT:
            errors[name] = _("Ghi một số từ 1 đến %(limit)s.") % {"limit": CAP_LIMIT}
    if not errors:
        smallest = min(new["commune_team_cap"], new["village_team_cap"])
        if new["team_minimum"] > smallest:
            errors["team_minimum"] = _("Số tối thiểu (%(minimum)s) không được lớn hơn số tối đa của tổ thôn hay tổ "
                                       "cấp xã (%(cap)s).") % {"minimum": new["team_minimum"], "cap": smallest}
    if new["village_approver"] not in VillageApprover.values:
        errors["village_approver"] = _("Hãy chọn người duyệt đơn trong danh sách.")
    if errors:
        raise ValidationError(errors)
    changed = [name for name in RULE_FIELDS if getattr(rules, name) != new[name]]
    if not changed:
        return rules
    rules.version += 1
    old = {name: getattr(rules, name) for name in changed}
    for name in changed:
        setattr(rules, name, new[name])
    rules.save(update_fields=[*changed, "version"])
    TeamRulesChange.objects.bulk_create([
        TeamRulesChange(rules=rules, province=province, field=name, old_value=str(old[name]),
                        new_value=str(new[name]), version=rules.version, changed_by=by) for name in changed])
    labels = {name: str(TeamRules._meta.get_field(name).verbose_name) for name in changed}
    audit_record(actor=by, action="team_rules.change", obj=rules, province_id=province.pk, commune_id=None,
                 summary=_("Đổi quy định về tổ: %(changes)s") % {"changes": "; ".join(
                     f"{labels[name]} {rule_value_display(name, old[name])} → {rule_value_display(name, new[name])}"
                     for name in changed)},
                 data={name: [str(old[name]), str(new[name])] for name in changed})
    return rules


def rule_value_display(field: str, value) -> str:
    """A setting's value as a person reads it ("Trưởng thôn, tổ trưởng tổ dân phố", "10")."""
    if field == "village_approver" and value in VillageApprover.values:
        return str(VillageApprover(value).label)
    return str(value)


@transaction.atomic
def team_propose(*, unit: AdminUnit, zalo_group_url: str = "", by=None) -> Team:
    if not (unit.is_commune or unit.is_village) or not unit.is_active:
        raise ValidationError({"unit": _("Chỉ lập tổ cho xã, phường hoặc thôn, tổ dân phố đang hoạt động.")})
    if Team.objects.filter(unit=unit).exclude(status=TeamStatus.DISSOLVED).exists():
        raise ValidationError({"unit": _("%(unit)s đã có tổ công nghệ số cộng đồng.") % {"unit": unit.name}})
    try:
        with transaction.atomic():
            team = Team.objects.create(unit=unit, province=unit.province, commune=unit.commune,
                                       zalo_group_url=zalo_group_url)
    except IntegrityError as exc:  # a second request raced this one
        raise ValidationError({"unit": _("%(unit)s đã có tổ công nghệ số cộng đồng.") % {"unit": unit.name}}) from exc
    audit_record(actor=by, action="team.propose", obj=team, summary=_("Đề xuất %(team)s") % {"team": team})
    return team


@transaction.atomic
def membership_start(*, team: Team, person: Person, role: str, start_date: date | None = None,
                     decision=None, by=None) -> Membership:
    """Add a person to a team in a role.

    The team row is locked first, so two approvals racing for the last seat are served one after
    the other and the second sees the team full. A full team raises a ValidationError with code
    "team_full", so the page can offer the collaborator group instead."""
    start_date = start_date or timezone.localdate()
    team = Team.objects.select_for_update().select_related("unit", "province").get(pk=team.pk)
    if team.status == TeamStatus.DISSOLVED:
        raise ValidationError(_("Tổ này đã giải thể: không thêm thành viên được."), code="team_dissolved")
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Vai trò không hợp lệ.")})
    active = team.memberships.active()
    if active.filter(person=person).exists():
        raise ValidationError(_("%(name)s đang là thành viên của tổ.") % {"name": person.full_name},
                              code="already_member")
    if role in (MemberRole.LEADER, MemberRole.DEPUTY) and active.filter(role=role).exists():
        raise ValidationError({"role": _("Tổ đã có %(role)s: hãy kết thúc vai trò của người cũ trước.")
                               % {"role": MemberRole(role).label.lower()}})
    if role != MemberRole.COLLABORATOR:
        cap = team_cap(team)
        if active.counted().count() >= cap:
            raise ValidationError(
                _("Tổ đã đủ %(cap)s thành viên. Có thể thêm vào nhóm cộng tác viên của tổ.") % {"cap": cap},
                code="team_full",
            )
    membership = Membership.objects.create(team=team, person=person, role=role, start_date=start_date,
                                           decision=decision, created_by=by)
    audit_record(actor=by, action="membership.start", obj=membership, province_id=team.province_id,
                 commune_id=team.commune_id,
                 summary=_("%(name)s vào %(team)s, vai trò %(role)s") % {
                     "name": person.full_name, "team": team, "role": membership.get_role_display().lower()},
                 data={"team": team.pk, "person": person.pk, "role": role, "start_date": start_date.isoformat()})
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, end_date: date | None = None, reason: str = "",
                   by=None) -> Membership:
    """End a membership; the row stays as history. Ending twice changes nothing."""
    locked = Membership.objects.select_for_update().select_related("team", "person").get(pk=membership.pk)
    if locked.end_date is not None:
        return locked
    end_date = end_date or timezone.localdate()
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": _("Ngày kết thúc không được sau hôm nay.")})
    if end_date < locked.start_date:
        raise ValidationError({"end_date": _("Ngày kết thúc không được trước ngày bắt đầu.")})
    locked.end_date, locked.end_reason = end_date, reason[:200]
    locked.save(update_fields=["end_date", "end_reason"])
    team = locked.team
    audit_record(actor=by, action="membership.end", obj=locked, province_id=team.province_id,
                 commune_id=team.commune_id,
                 summary=_("%(name)s thôi %(role)s %(team)s") % {
                     "name": locked.person.full_name, "role": locked.get_role_display().lower(), "team": team},
                 data={"end_date": end_date.isoformat(), "reason": reason[:200]})
    return locked


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, on: date | None = None, by=None) -> Membership:
    """A role change ends the old row and starts a new one, so the history shows both."""
    on = on or timezone.localdate()
    old = Membership.objects.select_for_update().get(pk=membership.pk)
    if old.end_date is not None:
        raise ValidationError(_("Vai trò này đã kết thúc."))
    if old.role == role:
        return old
    membership_end(membership=old, end_date=on, reason=_("Đổi vai trò"), by=by)
    # If the new role is refused, the exception leaves this atomic block and the end is undone.
    return membership_start(team=old.team, person=old.person, role=role, start_date=on, by=by)


# ---- people ------------------------------------------------------------------------------------

def person_find_by_phone(phone: str) -> Person | None:
    return Person.objects.filter(phone=phone).first() if phone else None


@transaction.atomic
def person_save(*, data: dict, commune: AdminUnit, person: Person | None = None, by=None) -> Person:
    """Create a person, or update one, from PersonForm's cleaned data.

    A phone number belongs to one person: a new person with a known number is refused with the
    name it belongs to, so the officer picks that person instead of creating a duplicate."""
    phone = data.get("phone") or None
    if phone:
        holder = Person.objects.filter(phone=phone).exclude(pk=getattr(person, "pk", None)).first()
        if holder is not None:
            raise ValidationError({"phone": _("Số %(phone)s đã có trong danh sách: %(name)s. Không tạo trùng người.")
                                   % {"phone": holder.phone_display, "name": holder.full_name}},
                                  code="duplicate_person")
    creating = person is None
    person = person or Person(province=commune.province, commune=commune)
    before = {name: str(getattr(person, name) or "") for name in PERSON_FIELDS} if not creating else {}
    for name in PERSON_FIELDS:
        if name in data:
            value = data[name]
            setattr(person, name, value if value is not None or name in NULLABLE_FIELDS else "")
    person.phone = phone
    if data.get("ethnic_group"):
        if person.ethnic_group_consent_at is None or before.get("ethnic_group") != data["ethnic_group"]:
            person.ethnic_group_consent_at = timezone.now()
    else:
        person.ethnic_group, person.ethnic_group_consent_at = "", None
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # the same number saved by someone else a moment ago
        raise ValidationError({"phone": _("Số điện thoại này vừa được dùng cho người khác.")},
                              code="duplicate_person") from exc
    changed = sorted(name for name in PERSON_FIELDS if not creating
                     and before.get(name) != str(getattr(person, name) or "") and name != "ethnic_group")
    audit_record(actor=by, action="person.create" if creating else "person.update", obj=person,
                 summary=(_("Thêm người: %(name)s") if creating else _("Sửa thông tin: %(name)s"))
                 % {"name": person.full_name}, data={"fields": changed})
    return person


@transaction.atomic
def member_add(*, team: Team, data: dict, role: str, existing: Person | None = None, start_date=None,
               by=None) -> Membership:
    """An officer adds someone directly: the person on file with that phone, or a new person."""
    if existing is not None and fold(existing.full_name) != fold(data["full_name"]):
        raise ValidationError({"phone": _("Số %(phone)s đã thuộc về %(holder)s, khác tên vừa nhập.") % {
            "phone": existing.phone_display, "holder": existing.full_name}}, code="phone_mismatch")
    person = existing or person_save(data=data, commune=team.commune, by=by)
    return membership_start(team=team, person=person, role=role, start_date=start_date, by=by)


@transaction.atomic
def team_set_zalo(*, team: Team, url: str, by=None) -> Team:
    team = Team.objects.select_for_update().get(pk=team.pk)
    team.zalo_group_url = url
    team.save(update_fields=["zalo_group_url", "updated_at"])
    audit_record(actor=by, action="team.zalo", obj=team, summary=_("Đổi nhóm Zalo của %(team)s") % {"team": team})
    return team


# ---- expected holders (warnings, not blocks) ---------------------------------------------------

def expected_position(team: Team, role: str) -> str | None:
    """The post the plan expects for a team's leader or deputy (II.1.1, II.1.2)."""
    if team.unit.is_commune:
        return {MemberRole.LEADER: Position.VHXH_LEADER, MemberRole.DEPUTY: Position.COMMUNE_YOUTH_SECRETARY}.get(role)
    return {MemberRole.LEADER: Position.VILLAGE_HEAD, MemberRole.DEPUTY: Position.VILLAGE_YOUTH_SECRETARY}.get(role)


def expected_holder_warning(team: Team, person: Person, role: str) -> str | None:
    expected = expected_position(team, role)
    if expected is None or person.position == expected:
        return None
    return _("Theo kế hoạch, %(role)s %(level)s thường là %(post)s; %(name)s không được ghi chức vụ này.") % {
        "role": MemberRole(role).label.lower(), "level": _("tổ cấp xã") if team.unit.is_commune else _("tổ thôn"),
        "post": Position(expected).label.lower(), "name": person.full_name}


def expected_holder_warnings(team: Team, *, memberships=None) -> list[str]:
    memberships = memberships if memberships is not None else team.memberships.active().select_related("person")
    warnings, held = [], {}
    for membership in memberships:
        if membership.role in (MemberRole.LEADER, MemberRole.DEPUTY):
            held[membership.role] = membership
    for role in (MemberRole.LEADER, MemberRole.DEPUTY):
        if role not in held:
            warnings.append(_("Tổ chưa có %(role)s.") % {"role": MemberRole(role).label.lower()})
        else:
            warning = expected_holder_warning(team, held[role].person, role)
            if warning:
                warnings.append(warning)
    return warnings


# ---- decisions ---------------------------------------------------------------------------------

def _decision_create(*, team: Team, kind: str, number: str, signed_on: date, signer_name: str,
                     signer_title: str = "", signed_file=None, by=None) -> Decision:
    if Decision.objects.filter(commune=team.commune, number__iexact=number,
                               signed_on__year=signed_on.year).exists():
        raise ValidationError({"number": _("Số quyết định %(number)s năm %(year)s đã được ghi cho xã này.")
                               % {"number": number, "year": signed_on.year}})
    decision = Decision(kind=kind, number=number, signed_on=signed_on, signer_name=signer_name,
                        signer_title=signer_title, team=team, province=team.province, commune=team.commune,
                        recorded_by=by)
    if signed_file:
        decision.signed_file = signed_file
    decision.save()
    return decision


@transaction.atomic
def team_establish(*, team: Team, number: str, signed_on: date, signer_name: str, signer_title: str = "",
                   signed_file=None, by=None) -> Decision:
    """Record the chairman's signed decision; the team becomes established from the signing date."""
    team = Team.objects.select_for_update().select_related("unit").get(pk=team.pk)
    if team.status != TeamStatus.PROPOSED:
        raise ValidationError(_("Chỉ tổ đang đề xuất mới ghi quyết định thành lập được (tổ này: %(status)s).")
                              % {"status": team.get_status_display().lower()}, code="not_proposed")
    decision = _decision_create(team=team, kind=DecisionKind.ESTABLISH, number=number, signed_on=signed_on,
                                signer_name=signer_name, signer_title=signer_title, signed_file=signed_file, by=by)
    team.status, team.established_on = TeamStatus.ESTABLISHED, signed_on
    team.save(update_fields=["status", "established_on", "updated_at"])
    # The members listed in the annex serve under this decision.
    team.memberships.active().filter(decision__isnull=True).update(decision=decision)
    audit_record(actor=by, action="team.establish", obj=team,
                 summary=_("Thành lập %(team)s theo Quyết định %(number)s") % {"team": team, "number": number},
                 data={"decision": decision.pk})
    return decision


@transaction.atomic
def team_dissolve(*, team: Team, number: str, signed_on: date, signer_name: str, signer_title: str = "",
                  signed_file=None, by=None) -> Decision:
    """Dissolve by decision: every active membership ends on the signing date; nothing is deleted."""
    team = Team.objects.select_for_update().select_related("unit").get(pk=team.pk)
    if team.status == TeamStatus.DISSOLVED:
        raise ValidationError(_("Tổ này đã giải thể."), code="team_dissolved")
    if team.established_on and signed_on < team.established_on:
        raise ValidationError({"signed_on": _("Ngày giải thể không được trước ngày thành lập.")})
    decision = _decision_create(team=team, kind=DecisionKind.DISSOLVE, number=number, signed_on=signed_on,
                                signer_name=signer_name, signer_title=signer_title, signed_file=signed_file, by=by)
    ending = list(team.memberships.active())
    for membership in ending:
        membership_end(membership=membership, end_date=max(signed_on, membership.start_date),
                       reason=_("Tổ giải thể"), by=by)
    # The ends the dissolution brings are recorded by it.
    Membership.objects.filter(pk__in=[m.pk for m in ending]).update(end_decision=decision)
    for application in team.applications.filter(status__in=[ApplicationStatus.PENDING,
                                                             ApplicationStatus.INFO_REQUESTED]):
        _application_close(application, status=ApplicationStatus.REJECTED, by=by,
                           answer=_("Tổ đã giải thể theo Quyết định %(number)s.") % {"number": number})
    team.status, team.dissolved_on = TeamStatus.DISSOLVED, signed_on
    team.save(update_fields=["status", "dissolved_on", "updated_at"])
    audit_record(actor=by, action="team.dissolve", obj=team,
                 summary=_("Giải thể %(team)s theo Quyết định %(number)s") % {"team": team, "number": number},
                 data={"decision": decision.pk})
    return decision


@transaction.atomic
def team_members_decision(*, team: Team, joins: list[int], leaves: list[int], number: str, signed_on: date,
                          signer_name: str, signer_title: str = "", signed_file=None, by=None) -> Decision:
    """Record the chairman's signed "kiện toàn" decision (plan III.2): it covers the members who joined
    (`joins`, membership ids) and those who left (`leaves`) since the last decision, as listed on the
    page the officer saw. If that list has changed meanwhile (another decision recorded, a member
    added or ended), nothing is written and the officer looks again."""
    from .selectors import member_changes

    team = Team.objects.select_for_update().select_related("unit").get(pk=team.pk)
    if team.status != TeamStatus.ESTABLISHED:
        raise ValidationError(_("Chỉ tổ đã thành lập mới có quyết định kiện toàn."), code="not_established")
    if not signed_file:
        raise ValidationError({"signed_file": _("Hãy đính kèm bản đã ký (PDF hoặc ảnh chụp).")})
    if team.established_on and signed_on < team.established_on:
        raise ValidationError({"signed_on": _("Ngày ký không được trước ngày thành lập tổ (%(day)s).") % {
            "day": team.established_on.strftime("%d/%m/%Y")}})
    changes = member_changes(team)
    joins, leaves = set(joins), set(leaves)
    if (not joins and not leaves) or joins != {m.pk for m in changes.joins} or leaves != {
            m.pk for m in changes.leaves}:
        raise ValidationError(_("Danh sách thay đổi thành viên đã khác so với lúc mở trang (vừa có người thêm, "
                                "cho thôi hoặc ghi quyết định khác). Hãy xem lại danh sách rồi ghi lại."),
                              code="changes_moved")
    decision = _decision_create(team=team, kind=DecisionKind.MEMBERS, number=number, signed_on=signed_on,
                                signer_name=signer_name, signer_title=signer_title, signed_file=signed_file, by=by)
    Membership.objects.filter(pk__in=joins, team=team).update(decision=decision)
    Membership.objects.filter(pk__in=leaves, team=team).update(end_decision=decision)
    audit_record(actor=by, action="team.members_decision", obj=team,
                 people=[m.person_id for m in (*changes.joins, *changes.leaves)],
                 summary=_("Kiện toàn %(team)s theo Quyết định %(number)s: %(joins)s người vào, %(leaves)s người "
                           "thôi") % {"team": team, "number": number, "joins": len(joins), "leaves": len(leaves)},
                 data={"decision": decision.pk, "joins": sorted(joins), "leaves": sorted(leaves)})
    return decision


@transaction.atomic
def decision_attach_file(*, decision: Decision, signed_file, by=None) -> Decision:
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    decision.signed_file = signed_file
    decision.save(update_fields=["signed_file"])
    audit_record(actor=by, action="decision.attach", obj=decision,
                 summary=_("Đính kèm bản ký Quyết định %(number)s") % {"number": decision.number})
    return decision


# ---- applications ------------------------------------------------------------------------------

def _open_team_or_error(team: Team) -> None:
    if team.status == TeamStatus.DISSOLVED:
        raise ValidationError(_("%(team)s đã giải thể: không nhận đơn.") % {"team": team}, code="team_dissolved")


def _entry_fields(entry: dict) -> dict:
    """PersonForm's cleaned data as ApplicationEntry fields (empty text stays "", not None)."""
    return {name: entry.get(name) if entry.get(name) is not None or name in NULLABLE_FIELDS else ""
            for name in PERSON_FIELDS if name != "position"}


@transaction.atomic
def application_submit_join(*, team: Team, entries: list[dict], contact_name: str, contact_phone: str,
                            contact_email: str = "", message: str = "", channel: str = ApplicationChannel.ONLINE,
                            submission_key: str, sender_hash: str = "", by=None) -> Application:
    """A join application for one person or a group list. The same submission key returns the
    application already stored, so a retried request never makes a second one."""
    existing = Application.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    team = Team.objects.select_related("unit").get(pk=team.pk)
    _open_team_or_error(team)
    if not entries:
        raise ValidationError(_("Đơn cần ít nhất một người."))
    phones = [entry["phone"] for entry in entries]
    for phone in phones:
        if phones.count(phone) > 1:
            raise ValidationError(_("Số điện thoại %(phone)s xuất hiện hai lần trong danh sách.") % {"phone": phone},
                                  code="duplicate_person")
    active_phones = set(team.memberships.active().filter(person__phone__in=phones)
                        .values_list("person__phone", flat=True))
    pending_phones = set(ApplicationEntry.objects.filter(
        application__team=team, application__kind=ApplicationKind.JOIN, phone__in=phones,
        application__status__in=[ApplicationStatus.PENDING, ApplicationStatus.INFO_REQUESTED],
    ).values_list("phone", flat=True))
    for entry in entries:
        who = {"name": entry["full_name"], "phone": format_phone(entry["phone"])}
        if entry["phone"] in active_phones:
            raise ValidationError(_("%(name)s (%(phone)s) đã là thành viên của tổ.") % who, code="already_member")
        if entry["phone"] in pending_phones:
            raise ValidationError(_("%(name)s (%(phone)s) đã có đơn đang chờ duyệt ở tổ này.") % who,
                                  code="already_pending")
    application = Application.objects.create(
        kind=ApplicationKind.JOIN, team=team, province=team.province, commune=team.commune, channel=channel,
        is_group=len(entries) > 1, contact_name=contact_name, contact_phone=contact_phone,
        contact_email=contact_email, message=message, submission_key=submission_key, sender_hash=sender_hash,
        tracking_code=secrets.token_urlsafe(12), submitted_by=by if getattr(by, "is_authenticated", False) else None,
    )
    now = timezone.now()
    for entry in entries:
        ApplicationEntry.objects.create(application=application, **_entry_fields(entry),
                                        ethnic_group_consent_at=now if entry.get("ethnic_group") else None)
    audit_record(actor=by, action="application.submit", obj=application,
                 summary=_("Đơn đăng ký tham gia %(team)s: %(count)s người") % {"team": team, "count": len(entries)})
    _tell_received(application)
    return application


@transaction.atomic
def application_submit_leave(*, membership: Membership, message: str = "", submission_key: str,
                             channel: str = ApplicationChannel.MEMBER, by=None) -> Application:
    existing = Application.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    membership = Membership.objects.select_related("team", "person").get(pk=membership.pk)
    if membership.end_date is not None:
        raise ValidationError(_("%(name)s đã thôi tham gia tổ.") % {"name": membership.person.full_name})
    if Application.objects.filter(membership=membership, kind=ApplicationKind.LEAVE,
                                  status__in=[ApplicationStatus.PENDING, ApplicationStatus.INFO_REQUESTED]).exists():
        raise ValidationError(_("Đã có đơn xin ra khỏi tổ đang chờ duyệt."), code="already_pending")
    team, person = membership.team, membership.person
    application = Application.objects.create(
        kind=ApplicationKind.LEAVE, team=team, province=team.province, commune=team.commune, channel=channel,
        contact_name=person.full_name, contact_phone=person.phone or "", contact_email=person.email,
        message=message, membership=membership, submission_key=submission_key,
        tracking_code=secrets.token_urlsafe(12), submitted_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit_record(actor=by, action="application.submit", obj=application,
                 summary=_("%(name)s xin ra khỏi %(team)s") % {"name": person.full_name, "team": team})
    _tell_received(application)
    return application


def _locked_open_application(application: Application) -> Application:
    application = Application.objects.select_for_update().select_related("team__unit").get(pk=application.pk)
    if not application.is_open:
        raise ValidationError(_("Đơn này đã được quyết định (%(status)s) lúc %(at)s; không quyết định lại.") % {
            "status": application.get_status_display().lower(),
            "at": timezone.localtime(application.decided_at).strftime("%H:%M %d/%m/%Y") if application.decided_at
            else "—"}, code="already_decided")
    return application


def _tell_applicant(application: Application, result: str, note: str, *,
                    kind: str = NoticeKind.APPLICATION_DECIDED) -> None:
    # A member who asked in the app reads the answer there too.
    recipient = application.submitted_by if application.channel == ApplicationChannel.MEMBER else None
    notify(kind=kind, params={"name": application.contact_name, "team": str(application.team), "result": result,
                              "note": note, "application": application.get_kind_display().lower(),
                              "code": application.tracking_code},
           about=application, recipient=recipient, name=application.contact_name,
           email=application.contact_email, phone=application.contact_phone,
           key=f"application:{application.pk}:{kind}:{application.status}")


def _tell_received(application: Application) -> None:
    _tell_applicant(application, "", "", kind=NoticeKind.APPLICATION_RECEIVED)


def _application_close(application: Application, *, status: str, by, answer: str = "") -> None:
    application.status, application.decided_by, application.decided_at = status, by, timezone.now()
    application.answer = answer
    application.save(update_fields=["status", "decided_by", "decided_at", "answer"])
    audit_record(actor=by, action=f"application.{status}", obj=application,
                 summary=_("%(status)s: %(application)s") % {"status": application.get_status_display(),
                                                              "application": application}, data={"answer": answer})
    if status == ApplicationStatus.REJECTED:
        _tell_applicant(application, _("Đơn của bạn chưa được chấp thuận"),
                        _("Đơn %(kind)s %(team)s chưa được chấp thuận. Lý do: %(answer)s") % {
                            "kind": application.get_kind_display().lower(), "team": application.team,
                            "answer": answer})


@transaction.atomic
def application_approve(*, application: Application, by, as_collaborators: bool = False,
                        on: date | None = None) -> Application:
    """Approve: each person on a join application starts a membership (a known phone number reuses the
    person already on file); a leave request ends its membership. All or nothing: if the team has no
    room and the approver did not choose the collaborator group, nothing is written."""
    application = _locked_open_application(application)
    team = application.team
    on = on or timezone.localdate()
    if application.kind == ApplicationKind.LEAVE:
        membership_end(membership=application.membership, end_date=max(on, application.membership.start_date),
                       reason=_("Xin ra khỏi tổ"), by=by)
        _application_close(application, status=ApplicationStatus.APPROVED, by=by)
        _tell_applicant(application, _("Đơn xin ra khỏi tổ đã được chấp thuận"),
                        _("Bạn đã thôi tham gia %(team)s từ ngày %(day)s. Cảm ơn bạn đã đóng góp.") % {
                            "team": team, "day": on.strftime("%d/%m/%Y")})
        return application
    _open_team_or_error(team)
    placed = []
    for entry in application.entries.select_related("home_village"):
        person = person_find_by_phone(entry.phone)
        if person is not None and fold(person.full_name) != fold(entry.full_name):
            raise ValidationError(_("Số %(phone)s đã thuộc về %(holder)s, khác tên trong đơn (%(name)s). "
                                    "Hãy hỏi lại người nộp đơn.") % {
                "phone": person.phone_display, "holder": person.full_name, "name": entry.full_name},
                code="phone_mismatch")
        if person is None:
            data = {name: getattr(entry, name) for name in PERSON_FIELDS if name != "position"}
            person = person_save(data=data, commune=team.commune, by=by)
        role = MemberRole.MEMBER
        try:
            with transaction.atomic():
                membership = membership_start(team=team, person=person, role=role, start_date=on, by=by)
        except ValidationError as exc:
            if exc.code != "team_full" or not as_collaborators:
                raise
            membership = membership_start(team=team, person=person, role=MemberRole.COLLABORATOR, start_date=on,
                                          by=by)
        entry.person, entry.membership = person, membership
        entry.save(update_fields=["person", "membership"])
        placed.append(membership)
    _application_close(application, status=ApplicationStatus.APPROVED, by=by)
    names = ", ".join(f"{m.person.full_name} ({m.get_role_display().lower()})" for m in placed)
    _tell_applicant(application, _("Đơn đăng ký tham gia đã được chấp thuận"),
                    _("Chào mừng bạn đến với %(team)s. Từ ngày %(day)s: %(names)s.") % {
                        "team": team, "day": on.strftime("%d/%m/%Y"), "names": names})
    return application


@transaction.atomic
def application_reject(*, application: Application, by, reason: str) -> Application:
    if not reason.strip():
        raise ValidationError({"answer": _("Hãy ghi lý do không chấp thuận để người nộp đơn biết.")})
    application = _locked_open_application(application)
    _application_close(application, status=ApplicationStatus.REJECTED, by=by, answer=reason.strip())
    return application


@transaction.atomic
def application_request_info(*, application: Application, by, question: str) -> Application:
    if not question.strip():
        raise ValidationError({"answer": _("Hãy ghi thông tin cần bổ sung.")})
    application = _locked_open_application(application)
    application.status, application.answer = ApplicationStatus.INFO_REQUESTED, question.strip()
    application.decided_by, application.decided_at = by, timezone.now()
    application.save(update_fields=["status", "answer", "decided_by", "decided_at"])
    audit_record(actor=by, action="application.info_requested", obj=application,
                 summary=_("Đề nghị bổ sung: %(application)s") % {"application": application},
                 data={"question": question.strip()})
    _tell_applicant(application, _("Đơn của bạn cần bổ sung thông tin"),
                    _("Về đơn %(kind)s %(team)s, xin bổ sung: %(question)s") % {
                        "kind": application.get_kind_display().lower(), "team": application.team,
                        "question": question.strip()})
    return application


@transaction.atomic
def application_reply(*, application: Application, reply: str) -> Application:
    """The applicant answers a request for information; the application waits for a decision again."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.INFO_REQUESTED:
        raise ValidationError(_("Đơn này không chờ bổ sung thông tin."))
    if not reply.strip():
        raise ValidationError({"reply": _("Hãy ghi nội dung bổ sung.")})
    stamp = timezone.localtime().strftime("%d/%m/%Y")
    application.message = f"{application.message}\n[{stamp}] {reply.strip()}".strip()
    application.status = ApplicationStatus.PENDING
    application.save(update_fields=["message", "status"])
    audit_record(actor=None, action="application.reply", obj=application,
                 summary=_("Người nộp đơn bổ sung thông tin: %(application)s") % {"application": application})
    return application


@transaction.atomic
def person_phone_sharing_set(*, person: Person, team: bool, public: bool, by) -> Person:
    """The member's own choice: who sees his phone besides the leader, the deputy and the offices.
    Showing it to citizens shows it to the team as well."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    team = team or public
    if (person.phone_shared_with_team, person.phone_public) != (team, public):
        person.phone_shared_with_team, person.phone_public = team, public
        person.save(update_fields=["phone_shared_with_team", "phone_public", "updated_at"])
        summary = (_("Công khai số điện thoại") if public else _("Cho các thành viên trong tổ thấy số điện thoại")
                   if team else _("Ẩn số điện thoại"))
        audit_record(actor=by, action="person.phone_sharing", obj=person, province_id=person.province_id,
                     commune_id=person.commune_id, summary=summary, data={"team": team, "public": public})
    return person


def person_phone_public_set(*, person: Person, public: bool, by) -> Person:
    """Show or hide the phone to citizens; hiding it from them keeps it shared with the team."""
    return person_phone_sharing_set(person=person, team=person.phone_shared_with_team or public, public=public,
                                    by=by)
