"""Households reached (plan II.2.1: the aim is every household), against the villages' figures.

How a household reached is counted: every activity marked "đến từng hộ" (door_to_door) counts the
households it wrote down (households_count), or 1 when that was left blank. The log holds no
household identity, so the same household visited twice is counted twice: a village's share is
therefore capped at 100%, and the raw count is shown next to it.

The sums come from the monthly tallies (ActivityTally.households, kept in step with the log by
tallies.py), so the province's figure is one grouped query over a few thousand rows per month,
not a scan of millions of activities.

A village without figures (no số hộ yet) has no share: it is not counted as 0%, and its visits
are left out of the share of its commune and the province (they are still in the raw count). So
are visits logged at the commune level (the commune team, not one village)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.geo.models import COMMUNE_KINDS, VILLAGE_KINDS, AdminUnit, VillageFigures

from .models import ActivityTally

ALL = "all"


@dataclass
class HouseholdShare:
    """Households reached in an area (a village, a commune, the province)."""

    villages: int = 0  # active villages in the area
    with_figures: int = 0  # of which have figures
    households: int = 0  # households of the villages with figures
    population: int = 0
    as_of: date | None = None  # the oldest figures counted (a village: its own)
    # Counted toward the share: each village with figures at most its households.
    reached_year: int = 0
    reached_total: int = 0
    # Raw: every household visit logged in the area, villages without figures and the commune level included.
    visits_year: int = 0
    visits_total: int = 0

    @property
    def has_figures(self) -> bool:
        return self.with_figures > 0

    @property
    def missing(self) -> int:
        return self.villages - self.with_figures

    def _share(self, reached: int) -> int | None:
        if not self.households:
            return None
        return min(100, round(100 * reached / self.households))

    @property
    def share_year(self) -> int | None:
        return self._share(self.reached_year)

    @property
    def share_total(self) -> int | None:
        return self._share(self.reached_total)


def _area(unit: AdminUnit) -> Q:
    if unit.is_province:
        return Q(province=unit)
    if unit.is_commune:
        return Q(commune=unit)
    return Q(unit=unit)


def visits_by_unit(unit: AdminUnit, *, year_start: date) -> dict[int, tuple[int, int]]:
    """{unit id: (visits since year_start, visits since the start)} over the unit's area."""
    rows = (ActivityTally.objects.filter(_area(unit), pillar=ALL, households__gt=0).values("unit_id")
            .annotate(total=Sum("households"), year=Sum("households", filter=Q(month__gte=year_start)))
            .order_by())
    return {row["unit_id"]: (row["year"] or 0, row["total"] or 0) for row in rows}


def household_shares(unit: AdminUnit, *, today: date | None = None) -> tuple[HouseholdShare, dict[int, HouseholdShare]]:
    """(the unit's figure, {child id: its figure}): the children are the communes of a province or
    the villages of a commune (none for a village). "This year" is since 1 January."""
    today = today or timezone.localdate()
    visits = visits_by_unit(unit, year_start=date(today.year, 1, 1))
    if unit.is_village:
        villages = [(unit.pk, unit.commune_id)]
    else:
        villages = list(AdminUnit.objects.active().filter(kind__in=VILLAGE_KINDS).filter(
            Q(province=unit) if unit.is_province else Q(commune=unit)).values_list("pk", "commune_id"))
    figures = {f["village_id"]: f for f in VillageFigures.objects.current().filter(
        Q(village=unit) if unit.is_village else Q(province=unit) if unit.is_province else Q(commune=unit))
        .values("village_id", "households", "population", "as_of")}
    total = HouseholdShare()
    children: dict[int, HouseholdShare] = {}
    for village_id, commune_id in villages:
        child = children.setdefault(commune_id if unit.is_province else village_id, HouseholdShare())
        year, overall = visits.get(village_id, (0, 0))
        figure = figures.get(village_id)
        for share in (total, child):
            share.villages += 1
            share.visits_year += year
            share.visits_total += overall
            if figure is not None:
                share.with_figures += 1
                share.households += figure["households"]
                share.population += figure["population"] or 0
                share.reached_year += min(year, figure["households"])
                share.reached_total += min(overall, figure["households"])
                share.as_of = min(share.as_of or figure["as_of"], figure["as_of"])
    # Visits logged at the commune level (not one village): in the raw count only.
    if not unit.is_village:
        others = set(visits) - {village_id for village_id, _commune in villages}
        for commune_id in AdminUnit.objects.filter(pk__in=others, kind__in=COMMUNE_KINDS).values_list("pk", flat=True):
            year, overall = visits[commune_id]
            shares = [total]
            if unit.is_province:
                shares.append(children.setdefault(commune_id, HouseholdShare()))
            for share in shares:
                share.visits_year += year
                share.visits_total += overall
    return total, ({} if unit.is_village else children)


# ---- the overview's Excel file: the unit's lines and the columns of the units below ----
def household_rows(share) -> list[tuple]:
    """(label, value) lines for the overview sheet; a unit without figures says so."""
    if share is None:
        return []
    if not share.has_figures:
        return [(_("Hộ được đến (tỷ lệ)"), _("chưa có số hộ")),
                (_("Lượt hộ đã đến từ khi bắt đầu"), share.visits_total)]
    return [(_("Số hộ (các thôn đã có số liệu)"), share.households),
            (_("Thôn đã có số hộ"), f"{share.with_figures}/{share.villages}"),
            (_("Hộ được đến năm nay"), share.reached_year),
            (_("Tỷ lệ hộ được đến năm nay (%)"), share.share_year),
            (_("Hộ được đến từ khi bắt đầu"), share.reached_total),
            (_("Tỷ lệ hộ được đến từ khi bắt đầu (%)"), share.share_total),
            (_("Lượt hộ đã đến năm nay (chưa trừ trùng)"), share.visits_year),
            (_("Lượt hộ đã đến từ khi bắt đầu (chưa trừ trùng)"), share.visits_total)]


def household_headers() -> list[str]:
    return [_("Số hộ"), _("Hộ được đến năm nay"), _("Tỷ lệ hộ được đến năm nay (%)"),
            _("Tỷ lệ hộ được đến từ khi bắt đầu (%)")]


def household_cells(share) -> list:
    if share is None or not share.has_figures:
        return [_("chưa có số hộ"), share.visits_year if share else 0, None, None]
    return [share.households, share.reached_year, share.share_year, share.share_total]
