"""Reading team tasks: always through the user's scope (another commune's or team's task is 404)."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tocns.accounts.models import Assignment, Role, User
from tocns.accounts.selectors import scope_for
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Team

from .models import OPEN_STATUSES, TaskStatus, TeamTask

OFFICE_ROLES = (Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN)


def tasks_for_user(user) -> QuerySet:
    return (TeamTask.objects.filter(scope_for(user).q(unit="unit_id"))
            .select_related("team", "unit", "commune", "given_by", "service"))


def task_for_user_or_404(user, pk: int) -> TeamTask:
    task = tasks_for_user(user).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def overdue(tasks: QuerySet, today=None) -> QuerySet:
    return tasks.filter(status__in=OPEN_STATUSES, due_on__lt=today or timezone.localdate())


def filtered(tasks: QuerySet, show: str, today=None) -> QuerySet:
    if show == "open":
        return tasks.filter(status__in=OPEN_STATUSES)
    if show == "overdue":
        return overdue(tasks, today)
    if show == "done":
        return tasks.filter(status=TaskStatus.DONE)
    if show == "closed":
        return tasks.filter(status__in=[TaskStatus.ACCEPTED, TaskStatus.CANCELLED])
    return tasks


def _holds(user, roles, unit_id) -> bool:
    return bool(user and user.is_authenticated) and Assignment.objects.active().filter(
        user=user, role__in=roles, unit_id=unit_id).exists()


def may_give(user, team: Team) -> bool:
    """The commune office gives its commune's teams tasks; the province admin any team of the province."""
    return _holds(user, OFFICE_ROLES, team.commune_id) or _holds(user, [Role.PROVINCE_ADMIN], team.province_id)


def may_review(user, task: TeamTask) -> bool:
    """Whoever may give this team a task accepts, returns, edits or cancels it."""
    return may_give(user, task.team)


def may_report(user, task: TeamTask) -> bool:
    """The team's leader reports it done."""
    return _holds(user, [Role.TEAM_LEADER], task.unit_id)


def leaders_of(team: Team) -> list[User]:
    return list(User.objects.filter(is_active=True, pk__in=Assignment.objects.active().filter(
        role=Role.TEAM_LEADER, unit_id=team.unit_id).values("user_id")))


def teams_to_give(user, commune=None) -> QuerySet:
    """The serving teams this user may give tasks to, within one commune when named."""
    offices = Assignment.objects.active().filter(user=user, role__in=OFFICE_ROLES).values("unit_id")
    provinces = Assignment.objects.active().filter(user=user, role=Role.PROVINCE_ADMIN).values("unit_id")
    teams = Team.objects.filter(Q(commune_id__in=offices) | Q(province_id__in=provinces),
                                status=TeamStatus.ESTABLISHED)
    if commune is not None:
        teams = teams.filter(commune=commune)
    return teams.select_related("unit").order_by("unit__kind", "unit__name_folded")


def tasks_for_home(user) -> QuerySet:
    """The tasks of the teams a leader or member serves in: open ones and those reported lately."""
    units = Assignment.objects.active().filter(
        user=user, role__in=[Role.TEAM_LEADER, Role.TEAM_MEMBER]).values("unit_id")
    since = timezone.now() - timedelta(days=14)
    return (TeamTask.objects.filter(Q(status__in=OPEN_STATUSES) | Q(status=TaskStatus.DONE)
                                    | Q(status=TaskStatus.ACCEPTED, reviewed_at__gte=since), unit_id__in=units)
            .select_related("unit").order_by("due_on", "id"))


def given_waiting(user) -> QuerySet:
    """Tasks reported done that this user (as an office) should accept or send back."""
    offices = Assignment.objects.active().filter(user=user, role__in=OFFICE_ROLES).values("unit_id")
    provinces = Assignment.objects.active().filter(user=user, role=Role.PROVINCE_ADMIN).values("unit_id")
    return TeamTask.objects.filter(Q(commune_id__in=offices) | Q(province_id__in=provinces, given_level="province"),
                                   status=TaskStatus.DONE).order_by("done_at")


def overdue_for_office(user, today=None) -> QuerySet:
    offices = Assignment.objects.active().filter(user=user, role__in=OFFICE_ROLES).values("unit_id")
    return overdue(TeamTask.objects.filter(commune_id__in=offices), today)
