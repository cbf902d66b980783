from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from tocns.accounts.access import access_for
from tocns.accounts.selectors import home_units, units_for_user
from tocns.coordination.selectors import home_groups
from tocns.fieldwork.selectors import my_month_entries, team_month_by_pillar
from tocns.notify.selectors import notifications_for_user
from tocns.portal.visitors import visitor_home
from tocns.reports.difficulty_selectors import answers_for_leader
from tocns.reports.selectors import month_report_cards, teams_led_by
from tocns.sectors.selectors import department_month, department_of
from tocns.support.selectors import partner_open
from tocns.teams.models import Person
from tocns.teams.selectors import teams_awaiting_decision, teams_awaiting_members_decision, teams_for_user
from tocns.teamtasks.selectors import tasks_for_home
from tocns.training.selectors import next_session_for, partner_courses_ahead, quizzes_to_take

from ..inbox import inbox_for


def home(request):
    """A signed-in user's home is today's work for his roles; a visitor's is the citizen portal.

    A team leader: the month's report as a card (and last month's while it is owed), big buttons to
    log and to report, what the team logged this month, what waits for him. A member: the log, his own
    entries this month, his next training. A commune office and chairman: what needs doing today and
    the decisions waiting for a signature. A partner: its courses and their next sessions."""
    if not request.user.is_authenticated:
        return visitor_home(request)
    user = request.user
    access = access_for(user)
    if access.national and access.scope.is_empty and len(access.scope.roles) == 1:
        return redirect("national:index")  # the ministry holds no unit: its home is the country's table
    today = timezone.localdate()
    scope = access.scope
    cards = month_report_cards(user, today=today) if access.team_leader else []
    on_cards = {card.report.pk for card in cards if card.report is not None}
    context = {
        "assignments": user.assignments.active().select_related("unit"),
        "report_cards": cards,
        # What needs them now: returned or due reports (unless a card above shows them), reviews, applications.
        "inbox": [item for item in inbox_for(user, with_due_reports=not access.team_leader)
                  if item.report_id not in on_cards],
        "my_teams": teams_for_user(user).filter(unit__in=home_units(user)),
        "notifications": notifications_for_user(user)[:5],
        "my_person": Person.objects.filter(user=user).first(),
        "month": today,
    }
    if access.team_leader:
        context["team_months"] = [(team, team_month_by_pillar(team, today)) for team in teams_led_by(user)]
    if access.field_log:
        if not access.team_leader:  # a leader sees the whole team's month above
            context["my_month"] = my_month_entries(user, today)
        context["next_session"] = next_session_for(user)
    if access.oversight:
        context["to_sign"] = teams_awaiting_decision(user)[:10]
        units = units_for_user(user)
        context["commune_count"] = units.communes().count() if scope.province_ids else None
        context["village_count"] = units.villages().count()
        context["home_units"] = home_units(user)
    if access.partner:
        context["partner_courses"] = partner_courses_ahead(user)
    if access.oversight:  # established teams whose member changes wait for a "kiện toàn" decision
        context["members_to_sign"] = teams_awaiting_members_decision(user)[:10]
    if access.team_leader:
        context["coordination_groups"] = home_groups(user)  # the commune group he is in, its Zalo link
    if access.department:
        department = department_of(user)
        context["sector_home"] = department and {"department": department, "month": department_month(department)}
    if access.partner:
        context.update(support_open=list(partner_open(user)[:5]), support_open_count=partner_open(user).count(),
                       support_today=today)
    if access.field_log:
        context["home_tasks"] = list(tasks_for_home(user)[:10])
        context["home_tasks_many_units"] = len({task.unit_id for task in context["home_tasks"]}) > 1
        context["difficulty_answers"] = list(answers_for_leader(user, today)[:5]) if access.team_leader else []
        context["quizzes_to_take"] = quizzes_to_take(user)
    return render(request, "dashboard/home.html", context)


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not (for the load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
