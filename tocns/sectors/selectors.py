"""Read queries for departments and their activities. A department's user reaches his own
department's activities and the aggregate figures of the communes it supports; the province admin
reaches every department of his province. Anything else answers 404."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from tocns.accounts.access import access_for
from tocns.accounts.models import Assignment, Role
from tocns.dashboard.overview import children_of
from tocns.fieldwork.models import ActivityTally, ServicePillar
from tocns.geo.models import AdminUnit

from .models import Department, DepartmentActivity, DepartmentActivityKind


def _department_provinces(user):
    return Assignment.objects.active().filter(user=user, role=Role.DEPARTMENT, unit__retired_on__isnull=True)\
        .values("unit__province_id")


def department_of(user) -> Department | None:
    """The department this user acts for (he holds the role and the province admin linked him)."""
    if not user.is_authenticated or not access_for(user).department:
        return None
    return Department.objects.filter(users=user, province_id__in=_department_provinces(user)).first()


def activities_for_user(user) -> QuerySet:
    """His department's activities for a department user; every department's of the province for
    the province admin; nothing for anyone else."""
    access = access_for(user)
    condition = Q(pk__in=[])
    if access.province_admin:
        condition |= Q(province_id__in=access.scope.province_ids)
    department = department_of(user)
    if department is not None:
        condition |= Q(department=department)
    return DepartmentActivity.objects.filter(condition).select_related("department", "commune")


def activity_for_user_or_404(user, pk: int) -> DepartmentActivity:
    activity = activities_for_user(user).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def departments_for_admin(user) -> QuerySet:
    access = access_for(user)
    if not access.province_admin:
        return Department.objects.none()
    return Department.objects.filter(province_id__in=access.scope.province_ids)


def department_for_admin_or_404(user, pk: int) -> Department:
    department = departments_for_admin(user).filter(pk=pk).first()
    if department is None:
        raise Http404
    return department


def department_accounts(department: Department) -> QuerySet:
    """The accounts that may be linked to a department: those holding the department role in its province."""
    from tocns.accounts.models import User

    return User.objects.filter(pk__in=Assignment.objects.active().filter(
        role=Role.DEPARTMENT, unit__province_id=department.province_id).values("user_id")).order_by(
        "full_name_folded", "id")


def province_communes(province: AdminUnit) -> QuerySet:
    return AdminUnit.objects.filter(province=province).communes().active().order_by("name_folded")


# ---- the overview of the communes a department supports (aggregates only) ---------------------

def supported_communes_overview(department: Department, *, today: date | None = None) -> list[dict]:
    """Per supported commune: teams established, members, activities and people helped this month
    and last month, overall and by pillar, monthly reports sent over the last six months that have
    ended. Figures only, no names."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    previous = (month - timedelta(days=1)).replace(day=1)
    ids = set(department.communes.active().values_list("pk", flat=True))
    if not ids:
        return []
    province = AdminUnit.objects.get(pk=department.province_id)
    rows = [row for row in children_of(province, month) if row["unit"].pk in ids]
    tallies: dict = {}  # commune id -> {(pillar, month): (activities, people)}
    for row in ActivityTally.objects.filter(commune_id__in=ids, month__in=[month, previous]).values(
            "commune_id", "pillar", "month").annotate(n=Sum("activities"), p=Sum("people")):
        tallies.setdefault(row["commune_id"], {})[(row["pillar"], row["month"])] = (row["n"] or 0, row["p"] or 0)
    for row in rows:
        mine = tallies.get(row["unit"].pk, {})
        row["activities"], row["people"] = mine.get(("all", month), (0, 0))
        row["activities_before"], row["people_before"] = mine.get(("all", previous), (0, 0))
        row["by_pillar"] = [(label, *mine.get((value, month), (0, 0)), *mine.get((value, previous), (0, 0)))
                            for value, label in ServicePillar.choices]
    return rows


# ---- each department's part (the province admin) ----------------------------------------------

@dataclass
class DepartmentPart:
    department: Department
    activities: int = 0
    people: int = 0
    communes: set = field(default_factory=set)
    by_kind: dict = field(default_factory=dict)
    by_pillar: dict = field(default_factory=dict)  # pillar -> activities

    @property
    def communes_touched(self) -> int:
        return len(self.communes)

    def kind_counts(self) -> list[tuple[str, int]]:
        return [(label, self.by_kind.get(value, 0)) for value, label in DepartmentActivityKind.choices]

    def pillar_counts(self) -> list[tuple[str, int]]:
        return [(label, self.by_pillar.get(value, 0)) for value, label in ServicePillar.choices]


def department_parts(province: AdminUnit, *, start: date, end: date) -> list[DepartmentPart]:
    """Per department of the province, what it did between start and end (inclusive): activities by
    kind and by pillar (an activity with services of two pillars counts in both), people reached,
    communes touched."""
    parts = {d.pk: DepartmentPart(d) for d in Department.objects.filter(province=province)}
    activities = DepartmentActivity.objects.filter(province=province, date__gte=start, date__lte=end)
    for department_id, kind, people, commune_id in activities.values_list(
            "department_id", "kind", "people_reached", "commune_id"):
        part = parts[department_id]
        part.activities += 1
        part.people += people
        part.by_kind[kind] = part.by_kind.get(kind, 0) + 1
        if commune_id:
            part.communes.add(commune_id)
    through = DepartmentActivity.services.through
    triples = through.objects.filter(departmentactivity__in=activities).values_list(
        "departmentactivity_id", "departmentactivity__department_id", "service__pillar").distinct()
    for _activity_id, department_id, pillar in triples:
        parts[department_id].by_pillar[pillar] = parts[department_id].by_pillar.get(pillar, 0) + 1
    return sorted(parts.values(), key=lambda part: (-part.activities, part.department.name_folded))


def activities_between(queryset: QuerySet, *, start: date, end: date) -> QuerySet:
    return queryset.filter(date__gte=start, date__lte=end).prefetch_related("services")


def department_month(department: Department, *, today: date | None = None) -> dict:
    """What the department recorded this month, and its latest activities (for its users' home)."""
    today = today or timezone.localdate()
    month = department.activities.filter(date__gte=today.replace(day=1), date__lte=today)
    totals = month.aggregate(people=Sum("people_reached"))
    return {"count": month.count(), "people": totals["people"] or 0,
            "latest": department.activities.select_related("commune").prefetch_related("services")[:5]}
