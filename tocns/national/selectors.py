"""The country's figures for the ministry (the national role): a row per province, then a province's
communes, a commune's villages, one village, each as aggregates only (teams, members, reports sent
against owed, the national indicators' roll-up). No person's name, phone or record is read here.

A province's drill-down calls the reports selectors with the unit, as a province admin's pages do.
The country's table counts every province at once in a few grouped queries, by the same rules
(tests/national holds each row equal to the province's own roll-up and completeness); the
ministry's total is the sum of the provinces'."""

import operator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce

from django.db.models import Count, F, FilteredRelation, Q, Sum
from django.utils import timezone

from tocns.geo.models import COMMUNE_KINDS, VILLAGE_KINDS, AdminUnit
from tocns.reports.choices import Aggregation, Level, PeriodType
from tocns.reports.models import FormIndicator, Indicator, Report, ReportForm, ReportValue
from tocns.reports.periods import Period, parse_period, period_of
from tocns.reports.selectors import (
    COUNTED,
    TEAM_LEVELS,
    _latest_per_unit,
    expected_teams,
    rollup,
    rollup_indicators,
    team_forms,
    without_sensitive,
)
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Membership, Team


def _has_province(model) -> bool:
    """Whether the catalogue belongs to provinces yet (issue #18: a NULL province is national)."""
    return any(f.name == "province" for f in model._meta.get_fields())


def national_indicators(period: Period) -> list[Indicator]:
    """The indicators a national roll-up adds up: the roll-up's, of the national catalogue only (a
    province's own indicators mean nothing summed across provinces), never a sensitive one."""
    indicators = rollup_indicators(period)
    if _has_province(Indicator):
        indicators = [i for i in indicators if i.province_id is None]
    return without_sensitive(indicators)


def village_form(province: AdminUnit) -> ReportForm | None:
    """The monthly village team form whose completeness is counted (the national one when forms
    belong to provinces)."""
    forms = team_forms(Level.VILLAGE_TEAM).filter(period_type=PeriodType.MONTH)
    if _has_province(ReportForm):
        forms = forms.filter(Q(province__isnull=True) | Q(province=province)).order_by(
            F("province").asc(nulls_first=True), "code")  # the national form first, on every database
    return forms.first()


def period_from(raw: str) -> tuple[Period, str]:
    """The period asked for (a key such as 2026-10), or last month; with the reason a key was refused."""
    default = period_of(PeriodType.MONTH, timezone.localdate()).previous()
    if not raw:
        return default, ""
    try:
        return parse_period(raw), ""
    except ValueError as exc:
        return default, str(exc)


@dataclass
class Figures:
    """One unit's aggregate figures for a period. `expected` is None where completeness is not
    counted (a quarter or a year)."""

    unit: AdminUnit
    teams: int = 0
    members: int = 0
    expected: int | None = None
    submitted: int = 0
    on_time: int = 0
    values: dict = field(default_factory=dict)  # indicator code -> Decimal or None

    @property
    def share(self) -> int | None:
        """Completeness: monthly reports sent of those owed, in %."""
        if not self.expected:
            return None
        return round(100 * self.submitted / self.expected)


@dataclass
class Table:
    unit: AdminUnit | None  # None: the country
    period: Period
    indicators: list[Indicator]
    rows: list[Figures]
    total: Figures | None = None
    report_state: str = ""  # a village: its team's report for the period (on_time, late, missing, none)


def _ratios(values: dict, indicators: list[Indicator]) -> dict:
    """Shares are total over total (as reports.selectors computes a roll-up's), never an average."""
    for ratio in indicators:
        if ratio.aggregation != Aggregation.RATIO:
            continue
        part, whole = values.get(ratio.numerator.code), values.get(ratio.denominator.code)
        values[ratio.code] = (part * 100 / whole).quantize(Decimal("0.1")) if part is not None and whole else None
    return values


def _add(into: dict, values: dict, indicators: list[Indicator]) -> None:
    for indicator in indicators:
        if indicator.aggregation == Aggregation.RATIO or values.get(indicator.code) is None:
            continue
        into[indicator.code] = into.get(indicator.code, Decimal(0)) + values[indicator.code]


def _teams_and_members(group: str, where: Q) -> tuple[dict, dict]:
    """Established teams and distinct active members, per `group` ("province_id", "commune_id", "unit_id")."""
    teams = dict(Team.objects.filter(where, status=TeamStatus.ESTABLISHED).order_by().values(group)
                 .annotate(n=Count("pk")).values_list(group, "n"))
    members = dict(Membership.objects.active().filter(_prefixed(where, "team__")).exclude(
        team__status=TeamStatus.DISSOLVED).order_by().values(f"team__{group}")
        .annotate(n=Count("person", distinct=True)).values_list(f"team__{group}", "n"))
    return teams, members


def _prefixed(where: Q, prefix: str) -> Q:
    clone = Q()
    clone.connector, clone.negated = where.connector, where.negated
    clone.children = [_prefixed(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1]) for c in where.children]
    return clone


def completeness_by(form: ReportForm, period: Period, unit: AdminUnit, group: str) -> dict:
    """{commune or unit id: (owed, sent, on time)} for the form's period within `unit` (a province:
    group="commune_id"; a commune: group="unit_id"). Counted in the database, by the same rule as
    reports.selectors.completeness (teams owing it, their unit's report sent), whose totals it equals."""
    teams = expected_teams(form, period, unit).select_related(None).order_by()
    owed = dict(teams.values(group).annotate(n=Count("pk")).values_list(group, "n"))
    sent = {row[group]: (row["n"], row["on_time"]) for row in Report.objects.filter(
        form=form, period_key=period.key, submitted_at__isnull=False, unit_id__in=teams.values("unit_id"))
        .order_by().values(group).annotate(n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))}
    return {key: (n, *sent.get(key, (0, 0))) for key, n in owed.items()}


def _sum(rows: list[Figures], indicators: list[Indicator], period: Period) -> Figures:
    """The rows added up: counts summed, shares recomputed from the summed parts."""
    total = Figures(unit=None, expected=0 if period.kind == PeriodType.MONTH else None)
    for row in rows:
        total.teams += row.teams
        total.members += row.members
        if total.expected is not None and row.expected is not None:
            total.expected += row.expected
            total.submitted += row.submitted
            total.on_time += row.on_time
        _add(total.values, row.values, indicators)
    _ratios(total.values, indicators)
    for indicator in indicators:
        total.values.setdefault(indicator.code, None)
    return total


def country(period: Period) -> Table:
    """A row per province and their sum, in a few grouped queries for the whole country (not a
    roll-up and a completeness per province: 34 provinces made that ~350 queries). Each row equals
    the province's own roll-up total and completeness (tests/national holds them equal)."""
    indicators = national_indicators(period)
    provinces = list(AdminUnit.objects.active().provinces().order_by("code"))
    teams, members = _teams_and_members("province_id", Q(province__in=provinces))
    counted = _completeness_by_province(provinces, period) if period.kind == PeriodType.MONTH else {}
    values = _rollup_by_province(provinces, period, indicators)
    rows = []
    for province in provinces:
        row = Figures(unit=province, teams=teams.get(province.pk, 0), members=members.get(province.pk, 0),
                      values=values.get(province.pk) or {i.code: None for i in indicators})
        if province.pk in counted:
            row.expected, row.submitted, row.on_time = counted[province.pk]
        rows.append(row)
    return Table(unit=None, period=period, indicators=indicators, rows=rows, total=_sum(rows, indicators, period))


def _completeness_by_province(provinces: list[AdminUnit], period: Period) -> dict:
    """{province id: (owed, sent, on time)} of each province's village form (village_form), counted as
    reports.selectors.Completeness counts them (the teams that owe it, each with its unit's report of
    the period joined), in one grouped query per form (one: the national form)."""
    forms = list(team_forms(Level.VILLAGE_TEAM).filter(period_type=PeriodType.MONTH))
    by_form: dict = {}
    for province in provinces:  # village_form(province), chosen in Python from the one list
        mine = [f for f in forms if getattr(f, "province_id", None) in (None, province.pk)]
        mine.sort(key=lambda f: (getattr(f, "province_id", None) is not None, f.code))
        if mine:
            by_form.setdefault(mine[0], []).append(province.pk)
    out = {}
    for form, province_ids in by_form.items():
        submitted = Q(sent__submitted_at__isnull=False)
        rows = (_owing_teams(form, period, province_ids)
                .annotate(sent=FilteredRelation("unit__reports", condition=Q(
                    unit__reports__form=form, unit__reports__period_key=period.key)))
                .order_by().values("province_id")
                .annotate(n=Count("pk"), sent_n=Count("pk", filter=submitted),
                          on_time=Count("pk", filter=submitted & Q(sent__on_time=True))))
        out.update({row["province_id"]: (row["n"], row["sent_n"], row["on_time"]) for row in rows})
    for province in provinces:  # a province owing nothing: 0 of 0, as its completeness says
        if any(province.pk in ids for ids in by_form.values()):
            out.setdefault(province.pk, (0, 0, 0))
    return out


def _owing_teams(form: ReportForm, period: Period, province_ids: list[int]):
    """reports.selectors.expected_teams's rule (established by the period's end, not proposed, not
    dissolved before it began, a village team for a village form), for several provinces at once."""
    kinds = COMMUNE_KINDS if form.level == Level.COMMUNE_TEAM else VILLAGE_KINDS
    return (Team.objects.filter(province_id__in=province_ids, unit__kind__in=kinds, established_on__lte=period.end)
            .exclude(status=TeamStatus.PROPOSED)
            .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=period.start)))


def _entered_by_province(period: Period, province_ids: list[int]) -> dict:
    """{province id: ids of the indicators its roll-up totals}: those its team forms ask for (the
    national forms' and its own), alive in the period, as reports.selectors.rollup_indicators."""
    alive = Q(indicator__retired_on__isnull=True) | Q(indicator__retired_on__gt=period.start)
    links = FormIndicator.objects.filter(alive, form__in=team_forms(province=province_ids)).order_by()
    if _has_province(ReportForm):
        pairs = set(links.values_list("form__province_id", "indicator_id"))
    else:
        pairs = {(None, pk) for pk in links.values_list("indicator_id", flat=True)}
    national = {pk for owner, pk in pairs if owner is None}
    return {pk: national | {i for owner, i in pairs if owner == pk} for pk in province_ids}


def _rollup_by_province(provinces: list[AdminUnit], period: Period, indicators: list[Indicator]) -> dict:
    """{province id: {indicator code: total}} for the national indicators, equal to each province's
    rollup().total: the counted monthly team reports of the period (reports.selectors.COUNTED), of
    the province's active communes (a roll-up's rows), sums in one grouped query, stock figures
    ("latest") each unit's latest value as reports.selectors._grouped takes it."""
    province_ids = [p.pk for p in provinces]
    ratios = [i for i in indicators if i.aggregation == Aggregation.RATIO]
    entered = {i.pk: i for i in indicators if i.aggregation != Aggregation.RATIO}
    entered |= {part.pk: part for r in ratios for part in (r.numerator, r.denominator)}  # a share's two parts
    codes = {pk: i.code for pk, i in entered.items()}
    # the roll-up's reports (reports.selectors._team_reports_where); the forms by id, not by a join:
    # PostgreSQL then estimates the rows well enough to sum them in a hash (a sort spilled to disk)
    forms = list(ReportForm.objects.filter(level__in=TEAM_LEVELS, period_type=PeriodType.MONTH)
                 .values_list("pk", flat=True))
    reports = Q(province_id__in=province_ids, form_id__in=forms, status__in=COUNTED, period_key__in=period.month_keys)
    values = ReportValue.objects.filter(_prefixed(reports, "report__"), value__isnull=False).order_by()
    # A roll-up's rows are the province's active communes: a report of a commune merged away (or of
    # another province's) is in none. Such pairs are rare: found first, then left out of the sums.
    communes = dict(AdminUnit.objects.active().communes().filter(province_id__in=province_ids)
                    .values_list("pk", "province_id"))
    outside = [Q(report__province_id=province_id, report__commune_id=commune_id)
               for province_id, commune_id in Report.objects.filter(reports).order_by()
               .values_list("province_id", "commune_id").distinct() if communes.get(commune_id) != province_id]
    totals: dict = {}
    sums = [pk for pk, i in entered.items() if i.aggregation == Aggregation.SUM]
    summed = values.filter(indicator_id__in=sums)
    if outside:
        summed = summed.exclude(reduce(operator.or_, outside))
    for province_id, indicator_id, total in (summed.values("report__province_id", "indicator_id")
                                             .annotate(total=Sum("value"))
                                             .values_list("report__province_id", "indicator_id", "total")):
        totals.setdefault(province_id, {})[codes[indicator_id]] = total
    latest = [pk for pk, i in entered.items() if i.aggregation == Aggregation.LATEST]
    if latest:  # a row per unit and figure: stock figures are on the commune teams' form (one team a commune)
        rows = ((unit_id, (province_id, commune_id), codes[indicator_id], start, value)
                for unit_id, province_id, commune_id, indicator_id, start, value in values.filter(
                    indicator_id__in=latest).values_list("report__unit_id", "report__province_id",
                                                         "report__commune_id", "indicator_id",
                                                         "report__period_start", "value"))
        for (province_id, commune_id), found in _latest_per_unit(rows).items():
            if communes.get(commune_id) != province_id:
                continue
            into = totals.setdefault(province_id, {})
            for code, value in found.items():
                into[code] = into.get(code, Decimal(0)) + value
    allowed = _entered_by_province(period, province_ids)
    out = {}
    for province_id in province_ids:
        mine = {codes[pk] for pk in entered if pk in allowed[province_id]}
        found = {code: value for code, value in totals.get(province_id, {}).items() if code in mine}
        _ratios(found, ratios)
        out[province_id] = {i.code: found.get(i.code) for i in indicators}
    return out


def below(unit: AdminUnit, period: Period) -> Table:
    """A province's communes, or a commune's own team and its villages, or one village: the same
    aggregate figures, from the unit's roll-up (rows) and completeness (counted per child)."""
    indicators = national_indicators(period)
    commune_or_province = unit.commune if unit.is_village else unit
    result = rollup(unit=commune_or_province, period=period)
    group = "commune_id" if unit.is_province else "unit_id"
    teams, members = _teams_and_members(group, Q(province=unit) if unit.is_province else Q(commune=unit.commune))
    form = village_form(unit.province)
    counted = completeness_by(form, period, commune_or_province, group) if (
        form is not None and period.kind == PeriodType.MONTH) else None
    rows = []
    for child, values in result.rows:
        if unit.is_village and child.pk != unit.pk:
            continue
        row = Figures(unit=child, teams=teams.get(child.pk, 0), members=members.get(child.pk, 0),
                      values={i.code: values.get(i.code) for i in indicators})
        # a commune's own team owes another form (the commune team's), not counted here
        if counted is not None and not (unit.is_commune and child.pk == unit.pk):
            row.expected, row.submitted, row.on_time = counted.get(child.pk, (0, 0, 0))
        rows.append(row)
    table = Table(unit=unit, period=period, indicators=indicators, rows=rows, total=_sum(rows, indicators, period))
    if unit.is_village and rows:
        row = rows[0]
        table.report_state = ("none" if not row.expected else "missing" if not row.submitted
                              else "on_time" if row.on_time else "late")
    return table
