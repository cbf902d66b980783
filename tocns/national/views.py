"""The ministry's pages (/toan-quoc/): the country's table by province for a period, a province's
communes with its overview charts, a commune's villages, a village; and the country's table as Excel.
Only aggregates: every page is guarded by Access.national, and nothing here lists a person."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation

from tocns.accounts.access import page_rule
from tocns.dashboard.overview import bars, overview_of
from tocns.geo.models import AdminUnit
from tocns.lib.dbrouter import reads_from_replica
from tocns.lib.http import XLSX, attachment

from . import selectors
from .exports import country_xlsx


def _crumbs(unit: AdminUnit) -> list[AdminUnit]:
    """The units above, from the province down (each a link on the page)."""
    chain, current = [], unit.parent
    while current is not None:
        chain.insert(0, current)
        current = current.parent
    return chain


@login_required
@page_rule("national")
@reads_from_replica
def index(request):
    period, period_error = selectors.period_from(request.GET.get("period", ""))
    table = selectors.country(period)
    return render(request, "national/index.html", {"table": table, "period": period, "period_error": period_error})


@login_required
@page_rule("national")
@reads_from_replica
def unit(request, code: str):
    unit = get_object_or_404(AdminUnit.objects.active(), code=code)
    period, period_error = selectors.period_from(request.GET.get("period", ""))
    table = selectors.below(unit, period)
    overview = None
    if unit.is_province:
        # The province's overview charts, as its own admin sees them, less what could tell who is who:
        # no ethnic groups (a small commune's figures would), no list of members.
        overview = overview_of(unit)
        overview.by_ethnic_group, overview.team_members, overview.children = [], [], []
    return render(request, "national/unit.html", {
        "unit": unit, "table": table, "period": period, "period_error": period_error,
        "crumbs": _crumbs(unit), "o": overview,
        "months": bars([(month.strftime("%m/%Y"), n) for month, n, _people in overview.months]) if overview else [],
        "trained_share": round(100 * overview.trained / overview.members) if overview and overview.members else 0})


@login_required
@page_rule("national")
@reads_from_replica
def index_xlsx(request):
    period, _error = selectors.period_from(request.GET.get("period", ""))
    with translation.override("vi"):
        content = country_xlsx(selectors.country(period))
    return attachment(content, f"toan-quoc-{period.key}-{timezone.localdate():%Y%m%d}.xlsx", XLSX)

