"""Who can see what: the units each user's roles cover, and queries filtered to them.

Every list, page, export and API call that touches unit-bound data filters through a Scope.
Out-of-scope objects answer 404, never 403, so their existence is not revealed.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from tocns.geo.models import AdminUnit
from tocns.lib.text import fold

from .models import Assignment, Role, User

# How far each role reaches from the unit it is assigned to.
PROVINCE_WIDE = {Role.PROVINCE_ADMIN}
COMMUNE_WIDE = {Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER}
UNIT_ONLY = {Role.TEAM_LEADER, Role.TEAM_MEMBER, Role.VILLAGE_HEAD}
# Partners reach the trainings they run, not units' data; departments (sở, ban, ngành) reach the
# aggregate figures of the communes they support (tocns.sectors), not units' data either. The national
# role (the ministry) holds no unit and reaches no unit's data: only the aggregate pages of
# tocns.national, for every province (Access.national).


@dataclass(frozen=True)
class Scope:
    province_ids: frozenset = field(default_factory=frozenset)
    commune_ids: frozenset = field(default_factory=frozenset)
    unit_ids: frozenset = field(default_factory=frozenset)
    roles: frozenset = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.province_ids or self.commune_ids or self.unit_ids)

    def q(self, *, province: str = "province", commune: str = "commune", unit: str = "id") -> Q:
        """A filter for any model that stores its unit's province and commune."""
        if self.is_empty:
            return Q(pk__in=[])
        condition = Q()
        if self.province_ids:
            condition |= Q(**{f"{province}_id__in": self.province_ids})
        if self.commune_ids:
            condition |= Q(**{f"{commune}_id__in": self.commune_ids})
        if self.unit_ids:
            condition |= Q(**{f"{unit}__in": self.unit_ids})
        return condition

    def covers(self, unit: AdminUnit) -> bool:
        return (
            unit.province_id in self.province_ids
            or unit.commune_id in self.commune_ids
            or unit.pk in self.unit_ids
        )

    def has_role(self, *roles) -> bool:
        return bool(self.roles.intersection(roles))


def scope_for(user) -> Scope:
    """The scope of a user's active assignments (cached on the user object for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_tocns_scope", None)
    if cached is not None:
        return cached
    provinces, communes, units, roles = set(), set(), set(), set()
    for role, unit_id, province_id, commune_id in Assignment.objects.active().filter(
        user=user, unit__retired_on__isnull=True
    ).values_list("role", "unit_id", "unit__province_id", "unit__commune_id"):
        roles.add(role)
        if role in PROVINCE_WIDE:
            provinces.add(province_id)
        elif role in COMMUNE_WIDE:
            communes.add(commune_id)
        elif role in UNIT_ONLY:
            units.add(unit_id)
    scope = Scope(frozenset(provinces), frozenset(communes), frozenset(units), frozenset(roles))
    user._tocns_scope = scope
    return scope


def units_for_user(user, *, include_retired: bool = False) -> QuerySet:
    qs = AdminUnit.objects.filter(scope_for(user).q())
    return qs if include_retired else qs.active()


def unit_for_user_or_404(user, **lookup) -> AdminUnit:
    unit = units_for_user(user, include_retired=True).filter(**lookup).first()
    if unit is None:
        raise Http404
    return unit


def home_units(user) -> QuerySet:
    """The units a user's roles are attached to, widest first: where their home page starts."""
    ids = Assignment.objects.active().filter(user=user).values("unit_id")
    return AdminUnit.objects.filter(id__in=ids, retired_on__isnull=True).order_by("kind", "name_folded")


def search_units(user, *, query: str = "", parent: AdminUnit | None = None, level: str = "") -> QuerySet:
    qs = units_for_user(user)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if level == "commune":
        qs = qs.communes()
    elif level == "village":
        qs = qs.villages()
    if query:
        qs = qs.filter(Q(name_folded__contains=fold(query)) | Q(code=query.strip()))
    return qs.select_related("parent").annotate(
        village_count=Count("children", filter=Q(children__retired_on__isnull=True))
    )


def users_for_admin(admin, *, query: str = "") -> QuerySet:
    """Users who hold any assignment inside the admin's scope (ended ones included)."""
    scope = scope_for(admin)
    unit_ids = AdminUnit.objects.filter(scope.q()).values("id")
    # A national account is never a province's to manage (nor to reset its password).
    qs = User.objects.filter(assignments__unit_id__in=unit_ids).exclude(
        pk__in=Assignment.objects.filter(role=Role.NATIONAL).values("user_id")).distinct()
    if query:
        folded = fold(query)
        qs = qs.filter(Q(full_name_folded__contains=folded) | Q(phone__contains=query.replace(" ", ""))
                       | Q(username__contains=query.strip().lower()))
    return qs


def user_for_admin_or_404(admin, pk: int) -> User:
    user = users_for_admin(admin).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user
