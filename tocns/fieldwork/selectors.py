from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tocns.accounts.models import Assignment, Role
from tocns.accounts.selectors import scope_for
from tocns.geo.models import AdminUnit

from .models import Activity, Feedback, FeedbackStatus, Service

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


def feedback_for_user(user) -> QuerySet:
    return Feedback.objects.filter(scope_for(user).q(unit="unit_id")).select_related("unit", "service")


def overdue_feedback(user) -> QuerySet:
    return feedback_for_user(user).filter(status__in=[FeedbackStatus.RECEIVED, FeedbackStatus.FORWARDED],
                                          answer_due_on__lt=timezone.localdate())


def feedback_totals(user) -> list[dict]:
    """Open and total feedback by service and by commune: where a digital service fails people."""
    qs = feedback_for_user(user)
    open_q = Q(status__in=[FeedbackStatus.RECEIVED, FeedbackStatus.FORWARDED])
    by_service = list(qs.values("service__name").annotate(total=Count("id"), open=Count("id", filter=open_q))
                      .order_by("-total"))
    by_commune = list(qs.values("commune__name").annotate(total=Count("id"), open=Count("id", filter=open_q))
                      .order_by("-total"))
    return [by_service, by_commune]


def can_handle_feedback(user, feedback: Feedback) -> bool:
    """The commune office (or the province) forwards, answers and closes."""
    scope = scope_for(user)
    return (feedback.commune_id in scope.commune_ids and scope.has_role(Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN)) \
        or (feedback.province_id in scope.province_ids and scope.has_role(Role.PROVINCE_ADMIN))


PUBLIC_FEEDBACK_PER_HOUR = 5


def feedback_flooding(sender_hash: str) -> bool:
    since = timezone.now() - timedelta(hours=1)
    return Feedback.objects.filter(sender_hash=sender_hash, received_at__gte=since).count() >= PUBLIC_FEEDBACK_PER_HOUR
