"""Read queries for teams, members and applications, always through the user's scope."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from tocns.accounts.models import Assignment, Role
from tocns.accounts.selectors import scope_for
from tocns.geo.models import COMMUNE_KINDS, VILLAGE_KINDS, AdminUnit

from .choices import ApplicationKind, ApplicationStatus, DecisionKind, MemberRole, TeamStatus, VillageApprover
from .models import Application, Decision, Membership, Person, Team, TeamRules

OPEN_STATUSES = (ApplicationStatus.PENDING, ApplicationStatus.INFO_REQUESTED)


def teams_for_user(user) -> QuerySet:
    return Team.objects.filter(scope_for(user).q(unit="unit_id")).select_related("unit", "commune")


def team_for_user_or_404(user, pk: int) -> Team:
    team = teams_for_user(user).filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def people_for_user(user) -> QuerySet:
    """People of the user's communes; a team leader sees the people of their own team."""
    scope = scope_for(user)
    condition = Q(pk__in=[])
    if scope.province_ids:
        condition |= Q(province_id__in=scope.province_ids)
    if scope.commune_ids:
        condition |= Q(commune_id__in=scope.commune_ids)
    if scope.unit_ids:
        condition |= Q(memberships__team__unit_id__in=scope.unit_ids)
    return Person.objects.filter(condition).distinct()


def person_for_user_or_404(user, pk: int) -> Person:
    person = people_for_user(user).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


# ---- who may do what ---------------------------------------------------------------------------

def can_manage_members(user, team: Team) -> bool:
    """Commune officers, the chairman and the province admin keep a team's list of members."""
    scope = scope_for(user)
    return (team.province_id in scope.province_ids and scope.has_role(Role.PROVINCE_ADMIN)) or (
        team.commune_id in scope.commune_ids and scope.has_role(Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER))


def can_issue_decisions(user, team_or_unit) -> bool:
    """Establishing and dissolving belong to the commune chairman (plan III.2) or the province admin."""
    unit_province = team_or_unit.province_id
    commune_id = team_or_unit.commune_id
    return _holds(user, Role.PROVINCE_ADMIN, unit_province) or _holds(user, Role.COMMUNE_CHAIRMAN, commune_id)


def village_approver(province_id) -> str:
    """Who decides a village team's applications in this province (its TeamRules; the leader by default)."""
    value = TeamRules.objects.filter(province_id=province_id).values_list("village_approver", flat=True).first()
    return value or VillageApprover.LEADER


def can_decide(user, team: Team) -> bool:
    """The approver (plan II.1.3): the commune chairman for a commune team; for a village team, the
    team's leader or the village head, as the province's rules say; the province admin for either."""
    if _holds(user, Role.PROVINCE_ADMIN, team.province_id):
        return True
    if team.unit.is_commune:
        return _holds(user, Role.COMMUNE_CHAIRMAN, team.commune_id)
    if village_approver(team.province_id) == VillageApprover.VILLAGE_HEAD:
        return _holds(user, Role.VILLAGE_HEAD, team.unit_id)
    return _holds(user, Role.TEAM_LEADER, team.unit_id)


def can_manage_member_decisions(user, team: Team) -> bool:
    """The "kiện toàn" decision: the commune office drafts and records it, the chairman signs it."""
    return can_manage_members(user, team) or can_issue_decisions(user, team)


def can_propose_team(user, unit: AdminUnit) -> bool:
    """Officers prepare a team; the chairman or the province admin establishes it."""
    if not unit.is_active or not (unit.is_commune or unit.is_village):
        return False
    scope = scope_for(user)
    return can_issue_decisions(user, unit) or (
        unit.commune_id in scope.commune_ids and scope.has_role(Role.COMMUNE_OFFICER))


def live_team_for_unit(user, unit: AdminUnit) -> Team | None:
    return teams_for_user(user).filter(unit=unit).exclude(status=TeamStatus.DISSOLVED).first()


def can_manage_person(user, person: Person) -> bool:
    scope = scope_for(user)
    return (person.province_id in scope.province_ids and scope.has_role(Role.PROVINCE_ADMIN)) or (
        person.commune_id in scope.commune_ids and scope.has_role(Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER))


def can_see_ethnic_group(user, person: Person) -> bool:
    """Ethnic group is sensitive (Law 91/2025/QH15): only the province admin and the officers of the
    person's commune see it."""
    return can_see_ethnic_group_in(user, person)


def can_see_ethnic_group_in(user, unit_bound) -> bool:
    scope = scope_for(user)
    return (unit_bound.province_id in scope.province_ids and scope.has_role(Role.PROVINCE_ADMIN)) or (
        unit_bound.commune_id in scope.commune_ids and scope.has_role(Role.COMMUNE_OFFICER))


def commune_chairman_name(commune: AdminUnit) -> str:
    """Who signs the commune's decisions, to pre-fill the signer."""
    assignment = Assignment.objects.active().filter(role=Role.COMMUNE_CHAIRMAN, unit=commune).select_related(
        "user").first()
    return assignment.user.get_full_name() if assignment else ""


def leads_team(user, team: Team) -> bool:
    """The team's leader (by role) or its leader or deputy (by an active membership)."""
    if not user.is_authenticated:
        return False
    return _holds(user, Role.TEAM_LEADER, team.unit_id) or team.memberships.active().filter(
        person__user=user, role__in=(MemberRole.LEADER, MemberRole.DEPUTY)).exists()


def can_see_roster(user, team: Team) -> bool:
    """Every member's phone and the roster export (.xlsx): the leader, the deputy, the commune's
    officers and chairman, the province admin. The export view and its link both ask this."""
    return can_manage_members(user, team) or leads_team(user, team)


def phone_visible_to(user, person: Person, *, sees_roster: bool) -> bool:
    """A teammate sees a phone only by its owner's choice (his page, /teams/me/phone/)."""
    return sees_roster or person.user_id == user.pk or person.phone_for_team


def can_record_paper_application(user, team: Team) -> bool:
    return can_manage_members(user, team) or can_decide(user, team)


def _holds(user, role: str, unit_id) -> bool:
    if not user.is_authenticated:
        return False
    return user.assignments.active().filter(role=role, unit_id=unit_id, unit__retired_on__isnull=True).exists()


# ---- teams and members -------------------------------------------------------------------------

def members_on(team: Team, day: date | None = None) -> QuerySet:
    """The team as it stood on a day (today when no day is given), leader first."""
    memberships = team.memberships.on(day) if day else team.memberships.active()
    order = {MemberRole.LEADER: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2, MemberRole.COLLABORATOR: 3}
    return sorted(memberships.select_related("person", "person__home_village", "decision"),
                  key=lambda m: (order[m.role], m.person.full_name_folded))


def team_history(team: Team) -> QuerySet:
    return team.memberships.select_related("person").order_by("-start_date", "-id")


# ---- applications ------------------------------------------------------------------------------

def applications_for_user(user) -> QuerySet:
    return Application.objects.filter(scope_for(user).q(unit="team__unit_id")).select_related("team__unit")


def application_for_user_or_404(user, pk: int) -> Application:
    application = applications_for_user(user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def applications_to_decide(user) -> QuerySet:
    """Open applications this user is the approver for."""
    scope = scope_for(user)
    condition = Q(pk__in=[])
    active = user.assignments.active().filter(unit__retired_on__isnull=True)
    if scope.has_role(Role.PROVINCE_ADMIN):
        condition |= Q(province_id__in=active.filter(role=Role.PROVINCE_ADMIN).values("unit_id"))
    if scope.has_role(Role.COMMUNE_CHAIRMAN):
        condition |= Q(team__unit_id__in=active.filter(role=Role.COMMUNE_CHAIRMAN).values("unit_id"))
    if scope.has_role(Role.TEAM_LEADER, Role.VILLAGE_HEAD):
        # Village teams only (a commune team's applications are the chairman's), and by the province's rule.
        by_head = TeamRules.objects.filter(village_approver=VillageApprover.VILLAGE_HEAD).values("province_id")
        village = Q(team__unit__kind__in=VILLAGE_KINDS)
        if scope.has_role(Role.TEAM_LEADER):
            condition |= village & Q(team__unit_id__in=active.filter(role=Role.TEAM_LEADER).values("unit_id")) & ~Q(
                province_id__in=by_head)
        if scope.has_role(Role.VILLAGE_HEAD):
            condition |= village & Q(team__unit_id__in=active.filter(role=Role.VILLAGE_HEAD).values("unit_id")) & Q(
                province_id__in=by_head)
    return Application.objects.filter(condition, status__in=OPEN_STATUSES).select_related("team__unit")


def application_by_tracking_code_or_404(code: str) -> Application:
    application = Application.objects.select_related("team__unit").filter(tracking_code=code).first()
    if application is None:
        raise Http404
    return application


def recent_applications_from(sender_hash: str, *, hours: int = 1) -> int:
    """How many applications one sender made lately (the public form's flood limit)."""
    since = timezone.now() - timedelta(hours=hours)
    return Application.objects.filter(sender_hash=sender_hash, submitted_at__gte=since).count()


def open_leave_request(membership: Membership) -> Application | None:
    return Application.objects.filter(membership=membership, kind=ApplicationKind.LEAVE,
                                      status__in=OPEN_STATUSES).first()


# ---- coverage ----------------------------------------------------------------------------------

@dataclass
class Coverage:
    units_without_team: QuerySet
    teams_without_leader: QuerySet
    teams_without_deputy: QuerySet
    teams_below_minimum: QuerySet
    teams_at_cap: QuerySet
    people_in_two_teams: QuerySet
    rules: TeamRules
    live_team_count: int
    unit_count: int


def coverage_by_commune(*, province: AdminUnit) -> list[dict]:
    """Per commune: villages, live teams and open applications, for the province's overview table."""
    communes = AdminUnit.objects.active().communes().filter(province=province).annotate(
        village_count=Count("children", filter=Q(children__retired_on__isnull=True), distinct=True),
    ).order_by("name_folded")
    live = Team.objects.filter(province=province).exclude(status=TeamStatus.DISSOLVED)
    team_counts = dict(live.values("commune").annotate(n=Count("id")).values_list("commune", "n"))
    established = dict(live.filter(status=TeamStatus.ESTABLISHED).values("commune").annotate(n=Count("id"))
                       .values_list("commune", "n"))
    return [{"commune": c, "units": c.village_count + 1, "teams": team_counts.get(c.pk, 0),
             "established": established.get(c.pk, 0)} for c in communes]


def coverage(*, province: AdminUnit, commune: AdminUnit | None = None) -> Coverage:
    """Where the province's (or one commune's) teams fall short of the plan. Each part is a lazy
    query; the page counts them and lists the one asked for."""
    rules, _created = TeamRules.objects.get_or_create(province=province)
    area = Q(commune=commune) if commune is not None else Q(province=province)
    live = Team.objects.filter(area).exclude(status=TeamStatus.DISSOLVED)
    active = Membership.objects.filter(end_date__isnull=True)
    teams = live.select_related("unit", "commune").annotate(
        member_count=Count("memberships", filter=Q(memberships__end_date__isnull=True)
                           & ~Q(memberships__role=MemberRole.COLLABORATOR)),
        has_leader=Exists(active.filter(team=OuterRef("pk"), role=MemberRole.LEADER)),
        has_deputy=Exists(active.filter(team=OuterRef("pk"), role=MemberRole.DEPUTY)),
    ).order_by("commune__name_folded", "unit__kind", "unit__name_folded")
    commune_kinds = Q(unit__kind__in=COMMUNE_KINDS)
    at_cap = (commune_kinds & Q(member_count__gte=rules.commune_team_cap)) | (
        ~commune_kinds & Q(member_count__gte=rules.village_team_cap))
    units = AdminUnit.objects.active().filter(area | (Q(pk=commune.pk) if commune is not None else Q(pk__in=[])))
    units = units.filter(Q(kind__in=COMMUNE_KINDS) | Q(kind__in=VILLAGE_KINDS))
    without = units.exclude(Exists(live.filter(unit=OuterRef("pk")))).select_related("commune").order_by(
        "commune__name_folded", "kind", "name_folded")
    in_area = active.filter(team__in=live)
    # Find the few people with two live memberships first, then describe only them.
    several = (active.exclude(team__status=TeamStatus.DISSOLVED).values("person_id")
               .annotate(n=Count("team_id", distinct=True)).filter(n__gt=1).values("person_id"))
    people = Person.objects.filter(pk__in=several).filter(pk__in=in_area.values("person_id")).annotate(
        team_count=Count("memberships", filter=Q(memberships__end_date__isnull=True)
                         & ~Q(memberships__team__status=TeamStatus.DISSOLVED), distinct=True),
    ).filter(team_count__gt=1).order_by("full_name_folded")
    return Coverage(
        units_without_team=without,
        teams_without_leader=teams.filter(has_leader=False),
        teams_without_deputy=teams.filter(has_deputy=False),
        teams_below_minimum=teams.filter(member_count__lt=rules.team_minimum),
        teams_at_cap=teams.filter(at_cap),
        people_in_two_teams=people,
        rules=rules,
        live_team_count=live.count(),
        unit_count=units.count(),
    )


def teams_awaiting_decision(user) -> QuerySet:
    """Proposed teams of the user's communes whose establishment decision is not signed yet: the
    chairman signs it, the VH-XH office prepares the draft."""
    communes = Assignment.objects.active().filter(
        user=user, role__in=[Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER]).values("unit_id")
    return Team.objects.filter(commune_id__in=communes, status=TeamStatus.PROPOSED).select_related(
        "unit").order_by("created_at")


# ---- member changes not yet covered by a decision ("kiện toàn", plan III.2) -------------------

@dataclass
class MemberChanges:
    """A team's changes since its last decision: who joined, who left, and (the same person in both)
    whose role changed. Collaborators are not members of the team's decision and are left out."""

    joins: list
    leaves: list

    @property
    def role_changes(self) -> list[tuple]:
        """(old membership, new membership) for a person who left one role for another."""
        joined = {m.person_id: m for m in self.joins}
        return [(m, joined[m.person_id]) for m in self.leaves if m.person_id in joined]

    @property
    def only_joins(self) -> list:
        left = {m.person_id for m in self.leaves}
        return [m for m in self.joins if m.person_id not in left]

    @property
    def only_leaves(self) -> list:
        joined = {m.person_id for m in self.joins}
        return [m for m in self.leaves if m.person_id not in joined]

    def __bool__(self) -> bool:
        return bool(self.joins or self.leaves)


def _established_at():
    """When the team's establishment decision was recorded (null for a team established without one)."""
    return Subquery(Decision.objects.filter(team=OuterRef("team_id"), kind=DecisionKind.ESTABLISH)
                    .order_by("-recorded_at").values("recorded_at")[:1])


def _uncovered(team_filter: Q) -> tuple[QuerySet, QuerySet]:
    """(joins, leaves) of established teams that no decision covers yet.

    A join: an active member (not a collaborator) on no decision, who started after the team was
    established (or was added after its decision was recorded). A leave: a member who served under a
    decision (or since before the establishment) and left on or after it, with no decision recording
    the leaving."""
    base = Membership.objects.filter(team_filter, team__status=TeamStatus.ESTABLISHED).exclude(
        role=MemberRole.COLLABORATOR).annotate(established_at=_established_at())
    joins = base.filter(Q(end_date__isnull=True, decision__isnull=True) & (
        Q(start_date__gt=F("team__established_on")) | Q(created_at__gt=F("established_at"))))
    leaves = base.filter(Q(end_date__isnull=False, end_decision__isnull=True, end_date__gte=F("team__established_on"))
                         & (Q(decision__isnull=False) | Q(start_date__lte=F("team__established_on"))))
    return joins, leaves


def member_changes(team: Team) -> MemberChanges:
    """The team's joins and leaves since its last decision, oldest first."""
    joins, leaves = _uncovered(Q(team=team))
    return MemberChanges(joins=list(joins.select_related("person").order_by("start_date", "id")),
                         leaves=list(leaves.select_related("person").order_by("end_date", "id")))


def teams_with_member_changes(teams: QuerySet) -> QuerySet:
    """Those of `teams` (established) with changes no decision covers yet."""
    joins, leaves = _uncovered(Q(team__in=teams))
    return teams.filter(Q(pk__in=joins.values("team_id")) | Q(pk__in=leaves.values("team_id")),
                        status=TeamStatus.ESTABLISHED)


def teams_awaiting_members_decision(user) -> QuerySet:
    """Established teams of the user's communes whose member changes wait for a "kiện toàn" decision."""
    communes = Assignment.objects.active().filter(
        user=user, role__in=[Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER]).values("unit_id")
    return teams_with_member_changes(Team.objects.filter(commune_id__in=communes)).select_related(
        "unit").order_by("unit__kind", "unit__name_folded")
