from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts.models import Assignment, Role
from tocns.accounts.selectors import scope_for
from tocns.geo.models import AdminUnit
from tocns.reports.catalogue_scope import provinces_of
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Team

from .models import (
    Activity,
    Answer,
    Feedback,
    FeedbackStatus,
    QuestionKind,
    Service,
    ServicePillar,
    Survey,
    SurveyAssignment,
    SurveyStatus,
)

RECENT_SERVICES = 6
# "Lately" for the log page's look-ups (last place, services to offer first): a bounded date lets
# PostgreSQL read and lock only these months' partitions, not every month kept. Unbounded, each
# look-up locked every partition and its indexes; under submission day's load the shared lock
# table ran out ("out of shared memory", bench/load.py, issue #18).
RECENT_DAYS = 92


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


def last_entry(user) -> Activity | None:
    """The user's own latest entry of the last RECENT_DAYS (the log page starts at its place)."""
    since = timezone.localdate() - timedelta(days=RECENT_DAYS)
    return (Activity.objects.filter(scope_for(user).q(unit="unit_id"), recorded_by=user, date__gte=since)
            .select_related("unit").first())


def recent_services(user) -> list[Service]:
    """The services this user logged most in the last RECENT_DAYS, for one-tap buttons; the
    catalogue's first ones for someone who has logged nothing lately."""
    since = timezone.localdate() - timedelta(days=RECENT_DAYS)
    used = (Service.objects.for_province(provinces_of(user))
            .filter(activities__recorded_by=user, activities__date__gte=since, is_active=True)
            .annotate(n=Count("activities")).order_by("-n", "order")[:RECENT_SERVICES])
    chosen = list(used)
    if len(chosen) < RECENT_SERVICES:
        chosen += list(Service.objects.for_province(provinces_of(user)).filter(is_active=True)
                       .exclude(pk__in=[s.pk for s in chosen])
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


# Surveys


def survey_owners(user) -> list[AdminUnit]:
    """The units a user may build surveys for: the province for its admin, the commune for its
    officers and chairman."""
    scope = scope_for(user)
    owners = []
    if scope.has_role(Role.PROVINCE_ADMIN):
        owners += list(AdminUnit.objects.filter(pk__in=scope.province_ids))
    if scope.has_role(Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN):
        owners += list(AdminUnit.objects.active().filter(pk__in=scope.commune_ids).order_by("name_folded"))
    return owners


def surveys_for_user(user) -> QuerySet:
    """Surveys built for a unit the user covers, and those given to a team the user covers."""
    scope = scope_for(user)
    if scope.is_empty:
        return Survey.objects.none()
    built = Q(owner_id__in=scope.province_ids | scope.commune_ids) | Q(owner__province_id__in=scope.province_ids)
    given = Q(pk__in=SurveyAssignment.objects.filter(scope.q(unit="team__unit_id", province="team__province",
                                                             commune="team__commune")).values("survey_id"))
    return Survey.objects.filter(built | given).select_related("owner").distinct()


def survey_for_user_or_404(user, pk: int) -> Survey:
    survey = surveys_for_user(user).filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def can_edit_survey(user, survey: Survey) -> bool:
    return survey.owner_id in {owner.pk for owner in survey_owners(user)}


def teams_to_assign(survey: Survey) -> QuerySet:
    """The live teams of the survey's province or commune."""
    owner = survey.owner
    teams = Team.objects.exclude(status=TeamStatus.DISSOLVED).select_related("unit", "commune")
    if owner.is_province:
        return teams.filter(province=owner)
    return teams.filter(commune=owner)


def surveys_to_answer(user) -> list[dict]:
    """Open surveys given to the user's teams, with the deadline and how many answers the user
    has sent, nearest deadline first."""
    units = log_units(user)
    given = (SurveyAssignment.objects.filter(team__unit__in=units, survey__status=SurveyStatus.OPEN)
             .exclude(team__status=TeamStatus.DISSOLVED).select_related("survey", "team__unit")
             .order_by("deadline", "survey__title"))
    mine = dict(Answer.objects.filter(recorded_by=user).values("survey_id").annotate(n=Count("id"))
                .values_list("survey_id", "n"))
    rows: dict[int, dict] = {}
    for assignment in given:
        row = rows.setdefault(assignment.survey_id, {"survey": assignment.survey, "deadline": assignment.deadline,
                                                     "answered": mine.get(assignment.survey_id, 0), "units": []})
        row["deadline"] = min(row["deadline"], assignment.deadline)
        row["units"].append(assignment.team.unit)
    return list(rows.values())


def answer_units(user, survey: Survey) -> list[AdminUnit]:
    """Where the user may collect answers to this survey: their log units whose team has it."""
    from .services import team_for

    given = set(survey.assignments.values_list("team_id", flat=True))
    return [unit for unit in log_units(user) if (team := team_for(user, unit)) is not None and team.pk in given]


def answers_for_user(user, survey: Survey) -> QuerySet:
    return survey.answers.filter(scope_for(user).q(unit="unit_id")).select_related(
        "unit", "commune", "team__unit", "recorded_by")


def progress_by_commune(progress: list[dict]) -> list[dict]:
    """The teams' progress folded by commune, for a survey given to a whole province."""
    rows: dict[int, dict] = {}
    for line in progress:
        row = rows.setdefault(line["commune_id"], {"commune": line["commune"], "teams": 0, "answering": 0, "late": 0,
                                                   "answered": 0})
        row["teams"] += 1
        row["answering"] += bool(line["answered"])
        row["late"] += line["late"]
        row["answered"] += line["answered"]
    return list(rows.values())


def survey_progress(user, survey: Survey) -> list[dict]:
    """Each team given the survey that the user covers: its name and commune, deadline, answers
    so far, late or not. Plain values, not model objects: a province survey has thousands of teams."""
    counts = dict(answers_for_user(user, survey).values("team_id").annotate(n=Count("id")).values_list("team_id", "n"))
    today = timezone.localdate()
    scope = scope_for(user)
    rows = []
    for team_id, unit_name, commune_id, commune_name, deadline in (
            survey.assignments.filter(scope.q(unit="team__unit_id", province="team__province",
                                              commune="team__commune"))
            .order_by("team__commune__name_folded", "team__unit__kind", "team__unit__name_folded")
            .values_list("team_id", "team__unit__name", "team__commune_id", "team__commune__name", "deadline")):
        answered = counts.get(team_id, 0)
        rows.append({"team": _("Tổ CNSCĐ %(unit)s") % {"unit": unit_name}, "commune_id": commune_id,
                     "commune": commune_name, "deadline": deadline, "answered": answered,
                     "late": not answered and deadline < today})
    return rows


def survey_summary(questions, values: list[dict]) -> list[dict]:
    """What the answers (their `values`) say, question by question: for numbers how many, sum,
    mean, least and most; for choices how many chose each; for short texts how many answered."""
    summary = []
    for question in questions:
        key = str(question.pk)
        given = [v[key] for v in values if v.get(key) not in (None, "", [])]
        row = {"question": question, "answered": len(given), "total": len(values)}
        if question.kind == QuestionKind.NUMBER:
            numbers = [Decimal(v) for v in given]
            row.update(sum=sum(numbers, Decimal(0)), mean=(sum(numbers) / len(numbers)) if numbers else None,
                       least=min(numbers, default=None), most=max(numbers, default=None))
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            picked = [c for v in given for c in (v if isinstance(v, list) else [v])]
            row["choices"] = [{"choice": c, "count": picked.count(c),
                               "percent": round(100 * picked.count(c) / len(given), 1) if given else 0}
                              for c in question.choices]
        summary.append(row)
    return summary


def month_bounds(today):
    start = today.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


def team_month_by_pillar(team, today) -> dict:
    """What a team logged this month: activities and people helped in all, and people helped per
    pillar (an activity with services of two pillars counts in both, once in all). A team logs a few
    dozen activities a month, so the rows are summed here rather than in a grouped join."""
    start, end = month_bounds(today)
    rows = Activity.objects.filter(team=team, date__range=(start, end))
    people = dict(rows.values_list("pk", "people_count"))
    pillars = {key: 0 for key, _label in ServicePillar.choices}
    for pk, pillar in set(Activity.services.through.objects.filter(activity_id__in=list(people)).values_list(
            "activity_id", "service__pillar")):
        pillars[pillar] += people[pk]
    labels = dict(ServicePillar.choices)
    return {"activities": len(people), "people": sum(people.values()),
            "by_pillar": [(labels[key], n) for key, n in pillars.items()]}


def my_month_entries(user, today, *, limit: int = 5) -> dict:
    """The member's own entries this month: how many, people helped, and the latest few."""
    start, end = month_bounds(today)
    mine = Activity.objects.filter(recorded_by=user, date__range=(start, end))
    totals = mine.aggregate(n=Count("id"), people=Sum("people_count"))
    latest = list(mine.select_related("unit").prefetch_related("services").order_by("-date", "-made_at")[:limit])
    return {"count": totals["n"], "people": totals["people"] or 0, "latest": latest}
