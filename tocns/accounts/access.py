"""Which pages a user may open: one rule per page, read both by the views that guard those pages
and by every menu entry, button, breadcrumb and cross-link that points at them. A link is drawn
only where its page answers, so nobody is shown a link that ends in "Không tìm thấy trang".

Rules here are about roles and scope only; whether one object is in a user's scope is still
decided by the selectors (`unit_for_user_or_404`, `report_for_user_or_404` …), which answer 404.
"""

from functools import cached_property, wraps

from django.http import Http404

from .models import Role
from .selectors import scope_for

# Roles that call the JSON API from other software as part of their job: the province's data
# office and the commune offices that feed their own sheets. Anyone else turns it on in his profile.
API_ROLES = (Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER)


class Access:
    """What one signed-in user may open, computed once per request from their scope."""

    def __init__(self, user):
        self.user = user
        self.scope = scope_for(user)

    @cached_property
    def field_log(self) -> bool:
        """The field log and surveys to answer: members and leaders of a team."""
        return self.scope.has_role(Role.TEAM_LEADER, Role.TEAM_MEMBER)

    @cached_property
    def team_leader(self) -> bool:
        return self.scope.has_role(Role.TEAM_LEADER)

    @cached_property
    def unit_data(self) -> bool:
        """Pages about units, teams, reports, feedback and surveys of the user's own area."""
        return not self.scope.is_empty

    @cached_property
    def oversight(self) -> bool:
        """Pages that compare the units below a commune or the province: report completeness,
        roll-ups, the teams' coverage review, indicators and targets."""
        return bool(self.scope.province_ids or self.scope.commune_ids)

    @cached_property
    def province_admin(self) -> bool:
        return self.scope.has_role(Role.PROVINCE_ADMIN)

    @cached_property
    def audit(self) -> bool:
        """The audit log: the province admin (the province) and the commune office (its commune)."""
        return self.scope.has_role(Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER)

    @cached_property
    def privacy(self) -> bool:
        """A person's rights (Law 91/2025): the register of requests, a person's data file, erasure.
        The province admin for the province's people, the commune office for its commune's."""
        return self.scope.has_role(Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER)

    @cached_property
    def partner(self) -> bool:
        return self.scope.has_role(Role.PARTNER)

    @cached_property
    def department(self) -> bool:
        """A provincial department or sector (plan III.3): its own activities and its communes' figures."""
        return self.scope.has_role(Role.DEPARTMENT)

    @cached_property
    def national(self) -> bool:
        """The ministry: every province's aggregate figures (tocns.national), never a person's data."""
        return self.scope.has_role(Role.NATIONAL)

    @cached_property
    def village_head(self) -> bool:
        return self.scope.has_role(Role.VILLAGE_HEAD)

    @cached_property
    def api_tokens(self) -> bool:
        return self.scope.has_role(*API_ROLES) or bool(getattr(self.user, "api_access", False))

    @cached_property
    def regulations(self) -> bool:
        """Operating regulations: the province admin (the model, every commune) and the commune
        chairman and office (their commune's adoption)."""
        return self.scope.has_role(Role.PROVINCE_ADMIN, Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER)

    @cached_property
    def coordination(self) -> bool:
        """The commune coordination group: its members who sign in (the commune's chairman and office,
        the province admin, the team leaders)."""
        return self.scope.has_role(Role.PROVINCE_ADMIN, Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER,
                                   Role.TEAM_LEADER)

    @cached_property
    def support(self) -> bool:
        """Support requests to partner enterprises (plan III.4): who asks (team leaders, the commune
        office), the partners who answer, the province that follows them."""
        return self.scope.has_role(Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN,
                                   Role.TEAM_LEADER, Role.PARTNER)

    @cached_property
    def support_ask(self) -> bool:
        return self.scope.has_role(Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN, Role.TEAM_LEADER)

    @cached_property
    def team_tasks(self) -> bool:
        """Tasks given to teams: the teams see theirs, the offices those of their area."""
        return not self.scope.is_empty

    @cached_property
    def task_giver(self) -> bool:
        """Giving teams tasks: the commune office (its teams) and the province admin (any team)."""
        return self.scope.has_role(Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN, Role.PROVINCE_ADMIN)

    @cached_property
    def village_figures(self) -> bool:
        """Villages' household and population figures (plan II.2.1): typed by the commune office for its
        villages, imported from Excel by it or by the province admin for the province."""
        return self.scope.has_role(Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER)

    @cached_property
    def proficiency_import(self) -> bool:
        """Importing completions from the "Bình dân học vụ số" platform: the province admin (the
        province's members) and the commune office (its commune's)."""
        return self.scope.has_role(Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER)

    def covers(self, unit) -> bool:
        """A link to a unit's pages (its overview, its detail) is shown only inside the scope."""
        return unit is not None and self.scope.covers(unit)


def access_for(user) -> Access:
    """Cached on the user object for the request, as the scope is."""
    cached = getattr(user, "_tocns_access", None)
    if cached is None:
        cached = Access(user)
        if user is not None and user.is_authenticated:
            user._tocns_access = cached
    return cached


def page_rule(rule: str):
    """Guard a view with one of Access's rules: 404 (never 403) when it does not hold, as for an
    object outside the scope. Use under @login_required."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not getattr(access_for(request.user), rule):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
