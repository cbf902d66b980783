"""Who sees which support requests, who may ask, and the province's counts.

A partner's users see the requests sent to their enterprise and the teams of the communes it
serves; the province admin sees the province's; the commune office its commune's; a team leader
his own and his team's. Anything else answers 404."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from tocns.accounts.models import Assignment, Role
from tocns.accounts.selectors import scope_for
from tocns.geo.models import AdminUnit
from tocns.teams.choices import MemberRole, TeamStatus
from tocns.teams.models import Membership, Team
from tocns.training.models import Partner
from tocns.training.selectors import partners_of

from .models import OPEN_STATUSES, SupportRequest, SupportStatus

OFFICE_ROLES = (Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN)


def requests_for_user(user) -> QuerySet:
    scope = scope_for(user)
    if not user.is_authenticated:
        return SupportRequest.objects.none()
    seen = Q(asked_by=user)
    if scope.province_ids or scope.commune_ids:
        seen |= Q(province_id__in=scope.province_ids) | Q(commune_id__in=scope.commune_ids)
    if scope.has_role(Role.TEAM_LEADER):
        seen |= Q(team__unit_id__in=_led_unit_ids(user))
    if scope.has_role(Role.PARTNER):
        seen |= Q(partner__in=partners_of(user))
    return SupportRequest.objects.filter(seen).select_related("partner", "unit", "commune", "team__unit")


def request_for_user_or_404(user, pk: int) -> SupportRequest:
    item = requests_for_user(user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def with_overdue_first(items: QuerySet) -> QuerySet:
    """Overdue ones first, then the other open ones by due date, then the rest newest first."""
    today = timezone.localdate()
    return items.annotate(rank=Case(
        When(status__in=OPEN_STATUSES, answer_due_on__lt=today, then=Value(0)),
        When(status__in=OPEN_STATUSES, then=Value(1)),
        When(status=SupportStatus.ANSWERED, then=Value(2)),
        default=Value(3), output_field=IntegerField())).order_by("rank", "answer_due_on", "-sent_at")


def overdue(items: QuerySet) -> QuerySet:
    return items.filter(status__in=OPEN_STATUSES, answer_due_on__lt=timezone.localdate())


def _led_unit_ids(user) -> list[int]:
    return list(Assignment.objects.active().filter(user=user, role=Role.TEAM_LEADER).values_list("unit_id", flat=True))


def asker_units(user) -> list[AdminUnit]:
    """Where the user may ask for support: a team leader for his team's unit (a commune team: the
    commune and its villages), the commune office for its commune and its villages."""
    scope = scope_for(user)
    communes = set()
    units = set()
    if scope.has_role(*OFFICE_ROLES):
        communes |= set(Assignment.objects.active().filter(user=user, role__in=OFFICE_ROLES)
                        .values_list("unit_id", flat=True))
    if scope.has_role(Role.TEAM_LEADER):
        led = Team.objects.filter(unit_id__in=_led_unit_ids(user)).exclude(status=TeamStatus.DISSOLVED)
        for team in led.select_related("unit"):
            if team.unit.is_commune:
                communes.add(team.unit_id)
            else:
                units.add(team.unit_id)
    return list(AdminUnit.objects.active().filter(Q(pk__in=units) | Q(pk__in=communes) | Q(commune_id__in=communes)
                                                  ).select_related("commune").order_by("commune__name_folded",
                                                                                       "kind", "name_folded"))


def asker_team(user, unit: AdminUnit) -> Team | None:
    """The team the leader asks for at this place (his village's, or his commune team), if any."""
    teams = Team.objects.filter(unit_id__in=_led_unit_ids(user)).exclude(status=TeamStatus.DISSOLVED)
    return teams.filter(unit=unit).first() or teams.filter(unit_id=unit.commune_id).first()


def can_ask_for(user, unit: AdminUnit) -> bool:
    return any(u.pk == unit.pk for u in asker_units(user))


def partners_serving(commune: AdminUnit) -> QuerySet:
    return Partner.objects.filter(communes=commune, province_id=commune.province_id).order_by("name")


def is_partner_user(user, item: SupportRequest) -> bool:
    return partners_of(user).filter(pk=item.partner_id).exists()


def can_close(user, item: SupportRequest) -> bool:
    """The asker closes (or reopens) it; so may the commune office of its commune, for the team."""
    if item.asked_by_id == user.pk:
        return True
    scope = scope_for(user)
    return scope.has_role(*OFFICE_ROLES) and item.commune_id in scope.commune_ids


def answered_for(user) -> QuerySet:
    """Answered requests waiting for this user to close or reopen: his own, and the commune's for
    the commune office."""
    scope = scope_for(user)
    condition = Q(asked_by=user)
    if scope.has_role(*OFFICE_ROLES):
        condition |= Q(commune_id__in=scope.commune_ids)
    return SupportRequest.objects.filter(condition, status=SupportStatus.ANSWERED).select_related("partner")


def partner_open(user) -> QuerySet:
    return with_overdue_first(SupportRequest.objects.filter(partner__in=partners_of(user), status__in=OPEN_STATUSES)
                              .select_related("unit", "partner"))


# The partner's view of the teams ----------------------------------------------------------------
def served_communes(user) -> QuerySet:
    return AdminUnit.objects.filter(partners__in=partners_of(user)).active().distinct().order_by("name_folded")


def served_commune_or_404(user, code: str) -> AdminUnit:
    commune = served_communes(user).filter(code=code).first()
    if commune is None:
        raise Http404
    return commune


@dataclass
class TeamRow:
    team: Team
    person_id: int | None = None
    leader_name: str = ""
    leader_phone: str = ""  # only when the leader chose to show it to the public


def teams_in(commune: AdminUnit) -> list[TeamRow]:
    """The commune's teams as a partner may see them: the unit, the status, the leader's name and his
    phone only if he made it public. Nothing else about anyone."""
    teams = list(Team.objects.filter(commune=commune).exclude(status=TeamStatus.DISSOLVED).select_related("unit")
                 .order_by("unit__kind", "unit__name_folded"))
    rows = {team.pk: TeamRow(team) for team in teams}
    leaders = Membership.objects.active().filter(team__in=teams, role=MemberRole.LEADER).select_related("person")
    for membership in leaders:
        row = rows[membership.team_id]
        row.person_id = membership.person_id
        row.leader_name = membership.person.full_name
        row.leader_phone = membership.person.phone_display if membership.person.phone_public else ""
    return list(rows.values())


# The province's counts ----------------------------------------------------------------------------
@dataclass
class Tally:
    label: str
    key: str = ""
    total: int = 0
    open: int = 0
    overdue: int = 0
    answered: int = 0
    answer_days: list = field(default_factory=list)

    @property
    def average_days(self) -> float | None:
        return round(sum(self.answer_days) / len(self.answer_days), 1) if self.answer_days else None


def tallies(items: QuerySet) -> tuple[list[Tally], list[Tally], Tally]:
    """Counts by partner and by commune: open, overdue, answered, and the average days to answer
    (from sending to the first answer), counted in Python so both databases agree."""
    today = timezone.localdate()
    by_partner: dict = {}
    by_commune: dict = {}
    whole = Tally("")
    rows = items.values_list("partner_id", "partner__name", "commune__code", "commune__name", "status",
                             "answer_due_on", "sent_at", "answered_at")
    for partner_id, partner_name, code, commune_name, status, due, sent_at, answered_at in rows.iterator():
        tallies_ = (by_partner.setdefault(partner_id, Tally(partner_name, str(partner_id))),
                    by_commune.setdefault(code, Tally(commune_name, code)), whole)
        for tally in tallies_:
            tally.total += 1
            if status in OPEN_STATUSES:
                tally.open += 1
                if due < today:
                    tally.overdue += 1
            if answered_at is not None:
                tally.answered += 1
                tally.answer_days.append((answered_at - sent_at).total_seconds() / 86400)
    order = lambda t: (-t.overdue, -t.open, t.label)  # noqa: E731
    return sorted(by_partner.values(), key=order), sorted(by_commune.values(), key=order), whole


def partners_for_admin(user) -> QuerySet:
    scope = scope_for(user)
    if not scope.has_role(Role.PROVINCE_ADMIN):
        return Partner.objects.none()
    return Partner.objects.filter(province_id__in=scope.province_ids).order_by("name")


def partner_for_admin_or_404(user, pk: int) -> Partner:
    partner = partners_for_admin(user).filter(pk=pk).first()
    if partner is None:
        raise Http404
    return partner


def communes_by_partner(partners) -> dict[int, list[str]]:
    names = defaultdict(list)
    for partner_id, name in Partner.communes.through.objects.filter(partner__in=partners).values_list(
            "partner_id", "adminunit__name").order_by("adminunit__name"):
        names[partner_id].append(name)
    return names
