from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from tocns.accounts.selectors import home_units, scope_for, units_for_user
from tocns.notify.selectors import notifications_for_user
from tocns.portal.visitors import visitor_home
from tocns.teams.models import Person
from tocns.teams.selectors import teams_for_user

from ..inbox import inbox_for


def home(request):
    """A signed-in user's home; a visitor's is the citizen portal."""
    if not request.user.is_authenticated:
        return visitor_home(request)
    scope = scope_for(request.user)
    units = units_for_user(request.user)
    context = {
        "assignments": request.user.assignments.active().select_related("unit"),
        "home_units": home_units(request.user),
        "commune_count": units.communes().count() if scope.province_ids else None,
        "village_count": units.villages().count(),
        # What needs them now comes first: returned or due reports, reviews, applications.
        "inbox": inbox_for(request.user),
        "my_teams": teams_for_user(request.user).filter(unit__in=home_units(request.user)),
        "notifications": notifications_for_user(request.user)[:5],
        "my_person": Person.objects.filter(user=request.user).first(),
    }
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
