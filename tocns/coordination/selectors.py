"""Which communes' coordination group a user sees: the province admin every commune of the province,
the commune chairman and office their commune, a team leader the commune of his team (he is in the
group). Everyone else, and any other commune, gets 404."""

from django.db.models import Q, QuerySet
from django.http import Http404

from tocns.accounts.models import Assignment, Role
from tocns.accounts.selectors import scope_for
from tocns.geo.models import AdminUnit

from .models import CoordinationGroup, RosterSnapshot


def communes_for(user) -> QuerySet:
    scope = scope_for(user)
    condition = Q(pk__in=[])
    if scope.province_ids:
        condition |= Q(province_id__in=scope.province_ids)
    if scope.commune_ids:
        condition |= Q(pk__in=scope.commune_ids)
    if scope.has_role(Role.TEAM_LEADER):
        led = Assignment.objects.active().filter(user=user, role=Role.TEAM_LEADER,
                                                 unit__retired_on__isnull=True).values("unit__commune_id")
        condition |= Q(pk__in=led)
    return AdminUnit.objects.active().communes().filter(condition).order_by("name_folded")


def commune_for_user_or_404(user, code: str) -> AdminUnit:
    commune = communes_for(user).filter(code=code).first()
    if commune is None:
        raise Http404
    return commune


def can_edit(user, commune: AdminUnit) -> bool:
    """The commune office (VH-XH) and chairman keep the group's Zalo link and say it is up to date."""
    scope = scope_for(user)
    return commune.pk in scope.commune_ids and scope.has_role(Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER)


def group_of(commune: AdminUnit) -> CoordinationGroup | None:
    return CoordinationGroup.objects.filter(commune=commune).first()


def latest_snapshot(group: CoordinationGroup | None) -> RosterSnapshot | None:
    if group is None:
        return None
    return group.snapshots.select_related("taken_by").first()


def groups_by_commune(communes) -> dict:
    """For the list of communes: each one's group (Zalo link) and last snapshot date, two queries."""
    groups = {g.commune_id: g for g in CoordinationGroup.objects.filter(commune__in=communes)}
    last = {}
    for snapshot in RosterSnapshot.objects.filter(commune__in=communes).order_by("taken_at").only(
            "commune_id", "taken_at"):
        last[snapshot.commune_id] = snapshot.taken_at
    return {"groups": groups, "last": last}


def home_groups(user) -> list[tuple[AdminUnit, CoordinationGroup | None]]:
    """For a team leader's home page: the group of his commune (he is in it), with its Zalo link."""
    scope = scope_for(user)
    if not scope.has_role(Role.TEAM_LEADER):
        return []
    communes = list(communes_for(user).filter(
        pk__in=Assignment.objects.active().filter(user=user, role=Role.TEAM_LEADER).values("unit__commune_id"))[:2])
    groups = {g.commune_id: g for g in CoordinationGroup.objects.filter(commune__in=communes)}
    return [(commune, groups.get(commune.pk)) for commune in communes]
