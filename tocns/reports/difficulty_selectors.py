"""Reading difficulties and proposals: always through the user's scope (another commune's item is
404), by commune for the province, and what waits for whom."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tocns.accounts.models import Assignment, Role
from tocns.accounts.selectors import scope_for
from tocns.geo.models import AdminUnit

from .difficulty_models import OPEN_STATES, DifficultyItem, DifficultyLevel, DifficultyState

# A leader's home shows the answers of the last this many days.
ANSWERS_SHOWN_DAYS = 60


def items_for_user(user) -> QuerySet:
    return (DifficultyItem.objects.filter(scope_for(user).q(unit="unit_id"))
            .select_related("unit", "commune", "owner", "report", "report__form"))


def item_for_user_or_404(user, pk: int) -> DifficultyItem:
    item = items_for_user(user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def overdue(items: QuerySet, today=None) -> QuerySet:
    return items.filter(state__in=OPEN_STATES, due_on__lt=today or timezone.localdate())


def filtered(items: QuerySet, show: str, today=None) -> QuerySet:
    if show == "open":
        return items.filter(state__in=OPEN_STATES)
    if show == "overdue":
        return overdue(items, today)
    if show == "province":
        return items.filter(state__in=OPEN_STATES, owner_level=DifficultyLevel.PROVINCE)
    if show == "answered":
        return items.filter(state__in=[DifficultyState.ANSWERED, DifficultyState.CLOSED])
    return items


@dataclass
class CommuneCount:
    commune: AdminUnit
    open: int
    overdue: int
    province: int
    answered: int


def open_by_commune(user, today=None) -> list[CommuneCount]:
    """Per commune in scope that has any item: open, overdue, open at the province, answered."""
    today = today or timezone.localdate()
    rows = (items_for_user(user).order_by().values("commune_id").annotate(
        open=Count("id", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("id", filter=Q(state__in=OPEN_STATES, due_on__lt=today)),
        province=Count("id", filter=Q(state__in=OPEN_STATES, owner_level=DifficultyLevel.PROVINCE)),
        answered=Count("id", filter=Q(state__in=[DifficultyState.ANSWERED, DifficultyState.CLOSED]))))
    units = AdminUnit.objects.in_bulk([row["commune_id"] for row in rows])
    counts = [CommuneCount(units[row["commune_id"]], row["open"], row["overdue"], row["province"], row["answered"])
              for row in rows]
    return sorted(counts, key=lambda c: (-c.overdue, -c.open, c.commune.name_folded))


def answers_for_leader(user, today=None) -> QuerySet:
    """Answers to the difficulties of the teams this user leads, newest first (home page)."""
    today = today or timezone.localdate()
    units = Assignment.objects.active().filter(user=user, role=Role.TEAM_LEADER).values("unit_id")
    return (DifficultyItem.objects.filter(unit_id__in=units, answered_at__isnull=False,
                                          state__in=[DifficultyState.ANSWERED, DifficultyState.CLOSED],
                                          answered_at__date__gte=today - timedelta(days=ANSWERS_SHOWN_DAYS))
            .select_related("unit", "answered_by").order_by("-answered_at"))


def waiting_for_office(user) -> QuerySet:
    """New items this user's office should take up: the commune office's commune-level ones, and
    for the province admin those at the province level."""
    offices = Assignment.objects.active().filter(
        user=user, role__in=[Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN]).values("unit_id")
    provinces = Assignment.objects.active().filter(user=user, role=Role.PROVINCE_ADMIN).values("unit_id")
    return DifficultyItem.objects.filter(
        Q(commune_id__in=offices, owner_level=DifficultyLevel.COMMUNE)
        | Q(province_id__in=provinces, owner_level=DifficultyLevel.PROVINCE),
        state__in=[DifficultyState.OPEN, DifficultyState.ESCALATED]).select_related("unit").order_by("-created_at")
