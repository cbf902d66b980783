"""Who sees which regulations, and the province's table of communes."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from tocns.accounts.models import Role
from tocns.accounts.selectors import scope_for
from tocns.geo.models import AdminUnit
from tocns.lib.text import fold

from .models import Adoption, AdoptionStatus, RegulationVersion

OFFICE_ROLES = (Role.PROVINCE_ADMIN, Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER)


def _office_q(user, *, province: str = "province", commune: str = "commune") -> Q:
    """Province admins reach their province, the commune chairman and office their commune; nobody else."""
    scope = scope_for(user)
    condition = Q(pk__in=[])
    if scope.province_ids:
        condition |= Q(**{f"{province}_id__in": scope.province_ids})
    if scope.commune_ids:
        condition |= Q(**{f"{commune}_id__in": scope.commune_ids})
    return condition


def provinces_for(user) -> QuerySet:
    """The provinces whose model the user reads: his province, or his commune's."""
    scope = scope_for(user)
    ids = set(scope.province_ids) | set(AdminUnit.objects.filter(pk__in=scope.commune_ids).values_list(
        "province_id", flat=True))
    return AdminUnit.objects.filter(pk__in=ids)


def administered_province(user) -> AdminUnit | None:
    """The province whose model this user publishes (a province admin), if any."""
    scope = scope_for(user)
    if not scope.has_role(Role.PROVINCE_ADMIN) or not scope.province_ids:
        return None
    return AdminUnit.objects.filter(pk__in=scope.province_ids).order_by("code").first()


def current_version(province: AdminUnit) -> RegulationVersion | None:
    return RegulationVersion.objects.filter(province=province).first()


def versions_for(user) -> QuerySet:
    return RegulationVersion.objects.filter(province__in=provinces_for(user))


def version_for_user_or_404(user, pk: int) -> RegulationVersion:
    version = versions_for(user).filter(pk=pk).first()
    if version is None:
        raise Http404
    return version


def communes_for(user) -> QuerySet:
    """Communes whose regulation the user sees (and, for the commune office, changes)."""
    return AdminUnit.objects.active().communes().filter(_office_q(user)).order_by("name_folded")


def commune_for_user_or_404(user, code: str) -> AdminUnit:
    commune = AdminUnit.objects.communes().filter(_office_q(user), code=code).first()
    if commune is None:
        raise Http404
    return commune


def can_change(user, commune: AdminUnit) -> bool:
    """The commune's chairman and VH-XH office adopt; the province admin reads."""
    scope = scope_for(user)
    return commune.pk in scope.commune_ids and scope.has_role(Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER)


def adoptions_for(user) -> QuerySet:
    return Adoption.objects.filter(_office_q(user)).select_related("commune", "base")


def adoption_for_user_or_404(user, pk: int) -> Adoption:
    adoption = adoptions_for(user).filter(pk=pk).first()
    if adoption is None:
        raise Http404
    return adoption


def commune_adoptions(commune: AdminUnit) -> QuerySet:
    return Adoption.objects.filter(commune=commune).select_related("base", "created_by")


def in_force(commune: AdminUnit) -> Adoption | None:
    """The commune's regulation in force: its latest issued adoption."""
    return (Adoption.objects.filter(commune=commune, status=AdoptionStatus.ISSUED)
            .select_related("base").order_by("-signed_on", "-id").first())


def open_draft(commune: AdminUnit) -> Adoption | None:
    return Adoption.objects.filter(commune=commune, status=AdoptionStatus.DRAFT).select_related("base").first()


# ---- the province's table ------------------------------------------------------------------------

STATE_NONE, STATE_OLDER, STATE_CURRENT = "none", "older", "current"


@dataclass
class CommuneRow:
    commune: AdminUnit
    adoption: Adoption | None  # in force
    draft: Adoption | None
    state: str  # none, older, current


def commune_table(province: AdminUnit, *, state: str = "", query: str = "") -> tuple[list[CommuneRow], dict]:
    """Every commune of the province with the version it adopted (none, an older one, the current one),
    filtered by state and name; with the count of each state before filtering. Three queries."""
    current = current_version(province)
    communes = AdminUnit.objects.active().communes().filter(province=province).order_by("name_folded")
    in_force_by, drafts = {}, {}
    for adoption in (Adoption.objects.filter(province=province, status__in=[AdoptionStatus.ISSUED,
                                                                             AdoptionStatus.DRAFT])
                     .select_related("base").order_by("signed_on", "id")):
        if adoption.status == AdoptionStatus.DRAFT:
            drafts[adoption.commune_id] = adoption
        else:
            in_force_by[adoption.commune_id] = adoption  # the latest signed wins
    rows, counts = [], {STATE_NONE: 0, STATE_OLDER: 0, STATE_CURRENT: 0}
    folded = fold(query) if query else ""
    for commune in communes:
        adoption = in_force_by.get(commune.pk)
        row_state = (STATE_NONE if adoption is None else
                     STATE_CURRENT if current is not None and adoption.base_id == current.pk else STATE_OLDER)
        counts[row_state] += 1
        if state and row_state != state:
            continue
        if folded and folded not in commune.name_folded and query.strip() != commune.code:
            continue
        rows.append(CommuneRow(commune, adoption, drafts.get(commune.pk), row_state))
    return rows, counts


def communes_without_regulation(user) -> list[AdminUnit]:
    """For the commune office's to-do: its communes with no regulation issued (a model exists)."""
    scope = scope_for(user)
    if not scope.commune_ids or not scope.has_role(Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER):
        return []
    communes = AdminUnit.objects.active().communes().filter(pk__in=scope.commune_ids)
    adopted = set(Adoption.objects.filter(commune__in=communes, status=AdoptionStatus.ISSUED)
                  .values_list("commune_id", flat=True))
    with_model = set(RegulationVersion.objects.filter(province__in=communes.values("province_id"))
                     .values_list("province_id", flat=True))
    return [c for c in communes.order_by("name_folded") if c.pk not in adopted and c.province_id in with_model]
