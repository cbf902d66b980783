"""Whose catalogue a user reads and edits (indicators, forms, rules, services, topics, guides).

A catalogue row with no province is the national catalogue: every province reads it; only the
national role edits it. A row with a province is that province's own: its province admin edits it,
no other province sees it (404, as anything out of scope). Every catalogue page, the API and every
lookup that lists or picks rows for a user, a report or a unit go through `for_province`."""

from dataclasses import dataclass

from django.http import Http404

from tocns.accounts.access import access_for
from tocns.accounts.selectors import scope_for
from tocns.geo.models import AdminUnit

from .settings_selectors import province_administered_by


def edits_national_catalogue(user) -> bool:
    """The one rule for who edits the national catalogue: the national role (the ministry) and
    Django superusers."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or access_for(user).national)


def provinces_of(user) -> list[int]:
    """The provinces whose own catalogue rows a user reads: those his scope reaches (a province, or
    the province of a commune or unit he holds a role in; an API client's scope too). Empty (national
    rows only) for a user without one."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_tocns_catalogue_provinces", None)
    if cached is None:
        scope = scope_for(user)
        below = scope.commune_ids | scope.unit_ids
        cached = sorted(set(scope.province_ids) | (set(AdminUnit.objects.filter(pk__in=below).values_list(
            "province_id", flat=True)) if below else set()))
        user._tocns_catalogue_provinces = cached
    return cached


@dataclass(frozen=True)
class CatalogueOwner:
    """Who edits on the catalogue pages: a province admin (his province's rows) and/or the national
    role (the national rows)."""

    province: AdminUnit | None
    national: bool

    def rows(self, queryset):
        """The rows shown on the catalogue pages: national rows and the province's own."""
        return queryset.for_province(self.province)

    def may_edit(self, row) -> bool:
        if row.province_id is None:
            return self.national
        return self.province is not None and row.province_id == self.province.pk

    @property
    def new_province(self) -> AdminUnit | None:
        """The province a row created on these pages belongs to (None: national)."""
        return self.province


def catalogue_owner(user) -> CatalogueOwner | None:
    province = province_administered_by(user)
    national = edits_national_catalogue(user)
    if province is None and not national:
        return None
    return CatalogueOwner(province=province, national=national)


def catalogue_owner_or_404(user) -> CatalogueOwner:
    owner = catalogue_owner(user)
    if owner is None:
        raise Http404
    return owner


def row_or_404(owner: CatalogueOwner, queryset, *, edit: bool = False, **lookup):
    """One catalogue row the owner sees (another province's answers 404); with edit=True, one he may change."""
    row = owner.rows(queryset).filter(**lookup).first()
    if row is None or (edit and not owner.may_edit(row)):
        raise Http404
    return row
