from django.db.models import Count, QuerySet

from tocns.accounts.models import Assignment, Role
from tocns.accounts.selectors import scope_for
from tocns.geo.models import AdminUnit

from .models import Activity, Service

RECENT_SERVICES = 6


def activities_for_user(user) -> QuerySet:
    return Activity.objects.filter(scope_for(user).q(unit="unit_id")).select_related("unit").prefetch_related(
        "services")


def log_units(user) -> QuerySet:
    """Where the user logs: their team's village (or the commune and its villages for a commune team)."""
    assigned = Assignment.objects.active().filter(user=user, role__in=[Role.TEAM_LEADER, Role.TEAM_MEMBER])
    units = AdminUnit.objects.active().filter(pk__in=assigned.values("unit_id"))
    communes = units.communes()
    return (units | AdminUnit.objects.active().villages().filter(commune__in=communes)).distinct().order_by(
        "kind", "name_folded")


def recent_services(user) -> list[Service]:
    """The services this user logged most lately, for one-tap buttons; the catalogue's first ones
    for someone who has logged nothing yet."""
    used = (Service.objects.filter(activities__recorded_by=user, is_active=True)
            .annotate(n=Count("activities")).order_by("-n", "order")[:RECENT_SERVICES])
    chosen = list(used)
    if len(chosen) < RECENT_SERVICES:
        chosen += list(Service.objects.filter(is_active=True).exclude(pk__in=[s.pk for s in chosen])
                       .order_by("order")[:RECENT_SERVICES - len(chosen)])
    return chosen
