"""State changes for teams and memberships. Each runs in one transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.geo.models import AdminUnit

from .choices import MemberRole, TeamStatus
from .models import Membership, Person, Team, TeamRules


def team_rules(province: AdminUnit) -> TeamRules:
    rules, _created = TeamRules.objects.get_or_create(province=province)
    return rules


def team_cap(team: Team) -> int:
    rules = team_rules(team.province)
    return rules.commune_team_cap if team.unit.is_commune else rules.village_team_cap


@transaction.atomic
def team_propose(*, unit: AdminUnit, zalo_group_url: str = "") -> Team:
    if not (unit.is_commune or unit.is_village) or not unit.is_active:
        raise ValidationError({"unit": _("Chỉ lập tổ cho xã, phường hoặc thôn, tổ dân phố đang hoạt động.")})
    if Team.objects.filter(unit=unit).exclude(status=TeamStatus.DISSOLVED).exists():
        raise ValidationError({"unit": _("%(unit)s đã có tổ công nghệ số cộng đồng.") % {"unit": unit.name}})
    try:
        with transaction.atomic():
            return Team.objects.create(unit=unit, province=unit.province, commune=unit.commune,
                                       zalo_group_url=zalo_group_url)
    except IntegrityError as exc:  # a second request raced this one
        raise ValidationError({"unit": _("%(unit)s đã có tổ công nghệ số cộng đồng.") % {"unit": unit.name}}) from exc


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
    return Membership.objects.create(team=team, person=person, role=role, start_date=start_date,
                                     decision=decision, created_by=by)


@transaction.atomic
def membership_end(*, membership: Membership, end_date: date | None = None, reason: str = "") -> Membership:
    """End a membership; the row stays as history. Ending twice changes nothing."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.end_date is not None:
        return locked
    end_date = end_date or timezone.localdate()
    if end_date < locked.start_date:
        raise ValidationError({"end_date": _("Ngày kết thúc không được trước ngày bắt đầu.")})
    locked.end_date, locked.end_reason = end_date, reason[:200]
    locked.save(update_fields=["end_date", "end_reason"])
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
    membership_end(membership=old, end_date=on, reason=_("Đổi vai trò"))
    # If the new role is refused, the exception leaves this atomic block and the end is undone.
    return membership_start(team=old.team, person=old.person, role=role, start_date=on, by=by)
