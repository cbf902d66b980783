"""Read queries for reports: scope and permissions, completeness and roll-ups."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import Count, FilteredRelation, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from tocns.accounts.models import Assignment, Role
from tocns.accounts.selectors import scope_for
from tocns.geo.models import COMMUNE_KINDS, VILLAGE_KINDS, AdminUnit
from tocns.teams.choices import MemberRole, TeamStatus
from tocns.teams.models import Membership, Team

from .choices import Aggregation, Level, PeriodType, ReportStatus, Visibility
from .models import FormIndicator, Indicator, Report, ReportForm, ReportValue, province_ids_of
from .periods import Period, parse_period

COUNTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
TEAM_LEVELS = (Level.VILLAGE_TEAM, Level.COMMUNE_TEAM)


def period_label(report: Report) -> str:
    """How people name a report's period: "tháng 10/2026", "quý IV/2026", or an ad-hoc request's title."""
    if report.request_id:
        return report.request.title
    return parse_period(report.period_key).label


def reports_for_user(user) -> QuerySet:
    return Report.objects.filter(scope_for(user).q(unit="unit_id")).select_related("form", "unit", "team")


def report_for_user_or_404(user, pk: int) -> Report:
    report = reports_for_user(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def _holds(user, roles, unit_ids) -> bool:
    return user.is_authenticated and Assignment.objects.active().filter(
        user=user, role__in=roles, unit_id__in=[u for u in unit_ids if u]).exists()


def can_edit(user, report: Report) -> bool:
    """The team's leader fills in a team report; the commune office may type it in for them
    (reports still arrive by Zalo); a commune's report is the commune office's."""
    if report.form.level in TEAM_LEVELS and _holds(user, [Role.TEAM_LEADER], [report.unit_id]):
        return True
    return _holds(user, [Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN], [report.commune_id]) or _holds(
        user, [Role.PROVINCE_ADMIN], [report.province_id])


def can_review(user, report: Report) -> bool:
    """Team reports are reviewed by the commune office; a commune's reports by the province."""
    if report.form.level in TEAM_LEVELS and _holds(user, [Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN],
                                                   [report.commune_id]):
        return True
    return _holds(user, [Role.PROVINCE_ADMIN], [report.province_id])


def team_forms(level: str | None = None, province=None) -> QuerySet:
    qs = ReportForm.objects.for_province(province).filter(is_active=True, level__in=TEAM_LEVELS,
                                                          period_type=PeriodType.MONTH)
    return qs.filter(level=level) if level else qs


def first_team_form(level: str, province_id: int | None) -> ReportForm | None:
    """`team_forms(level, province_id).first()` written out, for the roll-up page (the ORM spent five
    times the query composing it)."""
    db = router.db_for_read(ReportForm)
    ops = connections[db].ops
    found = list(ReportForm.objects.using(db).raw(
        f"SELECT * FROM {ops.quote_name(ReportForm._meta.db_table)} WHERE is_active AND level = %s"
        " AND period_type = %s AND (province_id IS NULL OR province_id = %s) ORDER BY level, period_type, code",
        [level, PeriodType.MONTH, province_id or 0]))
    return found[0] if found else None


def form_for_team(team: Team) -> ReportForm | None:
    return team_forms(Level.COMMUNE_TEAM if team.unit.is_commune else Level.VILLAGE_TEAM, team.unit.province_id).first()


def forms_for_team(team: Team) -> list[ReportForm]:
    """Every monthly form in use for the team's level: a province may run several side by side."""
    return list(team_forms(Level.COMMUNE_TEAM if team.unit.is_commune else Level.VILLAGE_TEAM, team.unit.province_id))


def teams_led_by(user) -> QuerySet:
    units = Assignment.objects.active().filter(user=user, role=Role.TEAM_LEADER).values("unit_id")
    return Team.objects.filter(unit_id__in=units).exclude(status=TeamStatus.DISSOLVED).select_related("unit")


def communes_reporting_for(user) -> QuerySet:
    """Communes whose own reports to the province this user prepares (VH-XH officer, chairman)."""
    units = Assignment.objects.active().filter(
        user=user, role__in=[Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN]).values("unit_id")
    return AdminUnit.objects.active().communes().filter(pk__in=units).order_by("name_folded")


def history(report: Report) -> QuerySet:
    return report.events.select_related("by")


# ---- who sees sensitive indicators -------------------------------------------------------------

def sensitive_ids() -> set[int]:
    """Indicators marked "Nhạy cảm", and the ratios built on one (a share and its other part give
    the sensitive count away)."""
    marked = set(Indicator.objects.filter(visibility=Visibility.SENSITIVE).values_list("pk", flat=True))
    if not marked:
        return marked
    return marked | set(Indicator.objects.filter(Q(numerator_id__in=marked) | Q(denominator_id__in=marked),
                                                 aggregation=Aggregation.RATIO).values_list("pk", flat=True))


def without_sensitive(indicators) -> list[Indicator]:
    """The indicators that anyone who sees the figures may see."""
    hidden = sensitive_ids()
    return [indicator for indicator in indicators if indicator.pk not in hidden]


def sees_sensitive(user, unit: AdminUnit) -> bool:
    """The commune's officer and chairman and the province admin see a unit's sensitive figures
    (and may export them); team leaders and members see them only in the leader's own report."""
    if unit is None:
        return False
    return _holds(user, [Role.PROVINCE_ADMIN], [unit.province_id]) or (
        unit.commune_id is not None and _holds(user, [Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN],
                                               [unit.commune_id]))


def sees_sensitive_in_report(user, report: Report) -> bool:
    """A report's sensitive lines: the commune office and province admin, and the leader of the team
    whose report it is (who enters them). Never the team's members."""
    if sees_sensitive(user, report.unit):
        return True
    return report.form.level in TEAM_LEVELS and _holds(user, [Role.TEAM_LEADER], [report.unit_id])


# ---- completeness ------------------------------------------------------------------------------

@dataclass
class Expected:
    """One unit that owes the report: the unit (name, kind and its commune loaded), the team's id,
    the report's few columns when there is one, and the leader to call."""

    unit: AdminUnit
    team_id: int | None
    report: Report | None
    leader_name: str = ""
    leader_phone: str = ""

    @property
    def state(self) -> str:
        if self.report is None or self.report.submitted_at is None:
            return "missing"
        return "on_time" if self.report.on_time else "late"


@dataclass(frozen=True)
class Counts:
    """How many owed the report, and how they stand (one commune's, or the whole unit's)."""

    expected: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def missing(self) -> int:
        return self.expected - self.submitted

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.expected + other.expected, self.on_time + other.on_time, self.late + other.late)


class Completeness:
    """Who owed a form for a period and how each stands. The counts (in all and per commune) come
    from one grouped query; the rows (a unit, its report and its leader) are built only when read,
    and the page builds only the missing rows it shows (`missing_page`): a province has about 3,600
    teams, and a row per team cost eight times the query."""

    def __init__(self, *, form: ReportForm, period: Period, unit: AdminUnit, request=None, as_of=None):
        self.form, self.period, self.unit, self.request = form, period, unit, request
        self.as_of = as_of or timezone.now()
        self.key = f"R{request.pk}" if request is not None else period.key

    # -- counts, in the database

    def _owing(self) -> QuerySet:
        """The teams (or communes) that owe the report, each with its report of the period joined
        (as `sent`, null when there is none), in the page's order."""
        if self.form.level in TEAM_LEVELS:
            return (expected_teams(self.form, self.period, self.unit).select_related(None)
                    .annotate(sent=FilteredRelation("unit__reports", condition=Q(
                        unit__reports__form=self.form, unit__reports__period_key=self.key)))
                    .order_by("commune__name_folded", "unit__name_folded", "pk"))
        chosen = AdminUnit.objects.active().communes().filter(_area(self.unit))
        if self.request is not None:
            chosen = chosen.filter(pk__in=self.request.communes.values("pk"))
        return chosen.annotate(sent=FilteredRelation("reports", condition=Q(
            reports__form=self.form, reports__period_key=self.key))).order_by("name_folded", "pk")

    @cached_property
    def by_commune(self) -> dict[int, Counts]:
        """{commune id: Counts}, for the communes that owe anything."""
        if self.form.level in TEAM_LEVELS:
            return {commune_id: Counts(n, on_time, late) for commune_id, n, on_time, late in self._team_counts()}
        submitted = Q(sent__submitted_at__isnull=False)
        rows = self._owing().order_by().values("commune_id").annotate(
            n=Count("pk"), on_time=Count("pk", filter=submitted & Q(sent__on_time=True)),
            late=Count("pk", filter=submitted & (Q(sent__on_time=False) | Q(sent__on_time__isnull=True))))
        return {row["commune_id"]: Counts(row["n"], row["on_time"], row["late"]) for row in rows}

    def _team_counts(self) -> list[tuple[int, int, int, int]]:
        """(commune id, owed, on time, late) of the teams that owe a team form: `_owing` written out,
        as the ORM spent on composing it a quarter of the query's time on the roll-up page. The
        rows come from `_owing` itself; tests hold the two to the same numbers."""
        ops = connections[router.db_for_read(Team)].ops
        teams, units, reports = (ops.quote_name(model._meta.db_table) for model in (Team, AdminUnit, Report))
        kinds = COMMUNE_KINDS if self.form.level == Level.COMMUNE_TEAM else VILLAGE_KINDS
        area = "t.province_id" if self.unit.is_province else "t.commune_id"
        sent = "r.submitted_at IS NOT NULL"
        sql = (f"SELECT t.commune_id, COUNT(*), SUM(CASE WHEN {sent} AND r.on_time THEN 1 ELSE 0 END),"
               f" SUM(CASE WHEN {sent} AND (r.on_time IS NULL OR NOT r.on_time) THEN 1 ELSE 0 END)"
               f" FROM {teams} t JOIN {units} u ON u.id = t.unit_id"
               f" LEFT JOIN {reports} r ON r.unit_id = t.unit_id AND r.form_id = %s AND r.period_key = %s"
               f" WHERE {area} = %s AND u.kind IN ({', '.join(['%s'] * len(kinds))})"
               " AND t.established_on <= %s AND t.status <> %s AND (t.dissolved_on IS NULL OR t.dissolved_on >= %s)"
               " GROUP BY t.commune_id")
        params = [self.form.pk, self.key, self.unit.pk if self.unit.is_province else self.unit.commune_id, *kinds,
                  ops.adapt_datefield_value(self.period.end), TeamStatus.PROPOSED,
                  ops.adapt_datefield_value(self.period.start)]
        with connections[router.db_for_read(Team)].cursor() as cursor:
            cursor.execute(sql, params)
            return [(commune_id, int(n), int(on_time or 0), int(late or 0))
                    for commune_id, n, on_time, late in cursor.fetchall()]

    @cached_property
    def totals(self) -> Counts:
        return sum(self.by_commune.values(), Counts())

    @cached_property
    def returned(self) -> int:
        """Reports sent and then returned to the team (sent, but neither submitted nor accepted now):
        from the rows when they are built, else counted in the database."""
        if "rows" in self.__dict__:
            return sum(1 for row in self.rows if row.state != "missing" and row.report.status not in COUNTED)
        return self._owing().order_by().filter(sent__submitted_at__isnull=False).exclude(
            sent__status__in=COUNTED).count()

    def count(self, state: str) -> int:
        return {"on_time": self.totals.on_time, "late": self.totals.late, "missing": self.totals.missing}[state]

    @property
    def expected(self) -> int:
        return self.totals.expected

    @property
    def submitted(self) -> int:
        return self.totals.submitted

    @property
    def on_time(self) -> int:
        return self.totals.on_time

    @property
    def late(self) -> int:
        return self.totals.late

    @property
    def missing(self) -> int:
        return self.totals.missing

    def communes(self) -> list[tuple[AdminUnit, Counts]]:
        """(commune, its counts) in name order, for the communes that owe anything."""
        found = AdminUnit.objects.filter(pk__in=list(self.by_commune)).only(*UNIT_COLUMNS).order_by("name_folded")
        return [(commune, self.by_commune[commune.pk]) for commune in found]

    # -- rows, built for what is read

    @cached_property
    def rows(self) -> list[Expected]:
        """Every unit that owes the report, in order (exports, the Word report, reminders)."""
        return self._rows(self._owing())

    @cached_property
    def missing_rows(self) -> list[Expected]:
        return self._rows(self._owing_missing())

    def _owing_missing(self) -> QuerySet:
        return self._owing().filter(Q(sent__isnull=True) | Q(sent__submitted_at__isnull=True))

    def missing_page(self, number, per_page: int = 50):
        """One page of the missing rows (a Paginator's page): only its rows are built."""
        return Paginator(_LazyRows(self, self._owing_missing(), self.missing), per_page).get_page(number)

    def _rows(self, owing: QuerySet) -> list[Expected]:
        if self.form.level not in TEAM_LEVELS:
            found = list(owing.only(*UNIT_COLUMNS))
            reports = self._reports([commune.pk for commune in found])
            for commune in found:
                commune.commune = commune
            return [Expected(commune, None, reports.get(commune.pk)) for commune in found]
        teams = list(owing.values_list("pk", "unit_id"))
        unit_ids = [unit_id for _pk, unit_id in teams]
        units = {u.pk: u for u in AdminUnit.objects.filter(pk__in=unit_ids).only(*UNIT_COLUMNS)}
        communes = {c.pk: c for c in AdminUnit.objects.filter(
            pk__in={u.commune_id for u in units.values()}).only(*UNIT_COLUMNS)}
        reports = self._reports(unit_ids)
        leaders = {team_id: (name, phone) for team_id, name, phone in Membership.objects.active().filter(
            team_id__in=[pk for pk, _unit in teams], role=MemberRole.LEADER).values_list(
            "team_id", "person__full_name", "person__phone")}
        rows = []
        for team_id, unit_id in teams:
            member = units[unit_id]
            member.commune = communes.get(member.commune_id, member)  # cached: no query per row
            name, phone = leaders.get(team_id, ("", ""))
            rows.append(Expected(member, team_id, reports.get(unit_id), name, phone or ""))
        return rows

    def _reports(self, unit_ids) -> dict[int, Report]:
        return {r.unit_id: r for r in Report.objects.filter(
            unit_id__in=unit_ids, form=self.form, period_key=self.key).order_by().only(
            "pk", "unit_id", "status", "submitted_at", "on_time")}  # order_by(): no join for the default order


class _LazyRows:
    """A sequence of rows for the Paginator that builds only the slice it is asked for."""

    def __init__(self, completeness: Completeness, owing: QuerySet, length: int):
        self.completeness, self.owing, self.length = completeness, owing, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.completeness._rows(self.owing[index])
        return self.completeness._rows(self.owing[index:index + 1])[0]


def _area(unit: AdminUnit) -> Q:
    return Q(province=unit) if unit.is_province else Q(commune=unit.commune)


def expected_teams(form: ReportForm, period: Period, unit: AdminUnit) -> QuerySet:
    """Teams that owe this form for the period: established by its end, not dissolved before it began."""
    kinds = Q(unit__kind__in=("xa", "phuong", "dac_khu")) if form.level == Level.COMMUNE_TEAM else Q(
        unit__kind__in=("thon", "to_dan_pho"))
    return (Team.objects.filter(_area(unit), kinds, established_on__lte=period.end)
            .exclude(status=TeamStatus.PROPOSED)
            .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=period.start))
            .select_related("unit", "commune"))


UNIT_COLUMNS = ("pk", "code", "name", "name_folded", "kind", "province_id", "commune_id", "parent_id")


def completeness(*, form: ReportForm, period: Period, unit: AdminUnit, request=None) -> Completeness:
    """Who owed this form for the period and how each stands: the counts come from the database
    when first read, the rows when first read (see Completeness)."""
    return Completeness(form=form, period=period, unit=unit, request=request)


# ---- roll-up -----------------------------------------------------------------------------------

def _latest_per_unit(rows) -> dict:
    """For stock figures: each reporting unit's value from its latest period, then summed."""
    latest = {}
    for unit_id, group, code, period_start, value in rows:
        key = (unit_id, code)
        if key not in latest or period_start > latest[key][1]:
            latest[key] = (group, period_start, value)
    totals = {}
    for (_unit_id, code), (group, _start, value) in latest.items():
        totals.setdefault(group, {}).setdefault(code, Decimal(0))
        totals[group][code] += value
    return totals


def _grouped(*, where: Q, group_by: str, only=None) -> dict:
    """{group id: {indicator code: value}} for entered indicators; ratios are added afterwards.
    `where` filters reports and is applied through a join (not a subquery), and indicators are
    chosen by id, so PostgreSQL can use the (indicator, report) index. `only`: these indicator ids."""
    catalogue = Indicator.objects.all() if only is None else Indicator.objects.filter(pk__in=only)
    catalogue = list(catalogue.values_list("pk", "code", "aggregation"))
    codes = {pk: code for pk, code, _kind in catalogue}
    by_kind = {kind: [pk for pk, _code, aggregation in catalogue if aggregation == kind]
               for kind in (Aggregation.SUM, Aggregation.LATEST)}
    values = ReportValue.objects.filter(_prefixed(where, "report__"), value__isnull=False)
    out: dict = {}
    sums = (values.filter(indicator_id__in=by_kind[Aggregation.SUM]).values(f"report__{group_by}", "indicator_id")
            .annotate(total=Sum("value")).values_list(f"report__{group_by}", "indicator_id", "total"))
    for group, indicator_id, total in sums:
        out.setdefault(group, {})[codes[indicator_id]] = total
    latest_rows = ((unit_id, group, codes[indicator_id], start, value) for unit_id, group, indicator_id, start, value
                   in values.filter(indicator_id__in=by_kind[Aggregation.LATEST]).values_list(
                       "report__unit_id", f"report__{group_by}", "indicator_id", "report__period_start", "value"))
    for group, found in _latest_per_unit(latest_rows).items():
        out.setdefault(group, {}).update(found)
    return out


def _coded(sums, indicators: list[Indicator] | None = None) -> dict:
    """{group: {code: total}} from (group, indicator id, total) rows of entered indicators; a ratio is
    computed from its parts afterwards, never summed. The codes come from `indicators` (a roll-up's,
    with its ratios' parts) when given, else from the catalogue."""
    if indicators is not None:
        entered = {part for i in indicators if i.aggregation == Aggregation.RATIO
                   for part in (i.numerator, i.denominator)}
        catalogue = {i.pk: i.code for i in (*indicators, *entered) if i.aggregation != Aggregation.RATIO}
    else:
        catalogue = {pk: code for pk, code in Indicator.objects.filter(
            aggregation__in=(Aggregation.SUM, Aggregation.LATEST)).values_list("pk", "code")}
    out: dict = {}
    for group, indicator_id, total in sums:
        code = catalogue.get(indicator_id)
        if code is not None:
            out.setdefault(group, {})[code] = total
    return out


def _one_month_grouped(*, where: Q, group_by: str) -> dict:
    """`_grouped` in one statement, for one month's reports where no unit sent two: each unit then
    has one value per indicator, so a stock figure's "latest" is that value and its total is the sum,
    like any other entered indicator's."""
    return _coded(ReportValue.objects.filter(_prefixed(where, "report__"), value__isnull=False)
                  .values(f"report__{group_by}", "indicator_id").annotate(total=Sum("value"))
                  .values_list(f"report__{group_by}", "indicator_id", "total"))


def _counted_reports_sql(unit: AdminUnit, month_key: str, group_by: str, db: str) -> tuple[str, list]:
    """(id, group, form id, form level) of the unit's counted team reports of one month: what
    `_team_reports_where` selects, written out for the one-month roll-up (composing it through the
    ORM cost about 2 ms, a tenth of the statement it feeds)."""
    ops = connections[db].ops
    reports, forms = ops.quote_name(Report._meta.db_table), ops.quote_name(ReportForm._meta.db_table)
    area = "province_id" if unit.is_province else "commune_id"
    return (f"SELECT r.id, r.{group_by}, r.form_id, f.level FROM {reports} r JOIN {forms} f ON f.id = r.form_id"
            f" WHERE r.{area} = %s AND f.level IN (%s, %s) AND r.status IN (%s, %s) AND f.period_type = %s"
            " AND r.period_key = %s",
            [unit.pk if unit.is_province else unit.commune_id, *TEAM_LEVELS, *COUNTED, PeriodType.MONTH, month_key])


def _forms_and_sums(reports: QuerySet, group_by: str, one_month: bool,
                    counted_sql: tuple[str, list] | None = None) -> tuple[list, list | None]:
    """The counted reports per (form level, form): [(level, form id, n)], and on PostgreSQL for one
    month, in the same statement (the reports read once), the sums per group and indicator:
    [(group, indicator id, total)]; None when they are still to be read. `counted_sql`: the counted
    reports' statement (`_counted_reports_sql`) when the caller has it written out."""
    reports = reports.order_by()
    db = connections[reports.db]  # the replica when the view reads from it
    if not one_month or db.vendor != "postgresql":
        return list(reports.values("form__level", "form_id").annotate(n=Count("pk")).values_list(
            "form__level", "form_id", "n")), None
    sql, params = counted_sql or reports.values_list("pk", group_by, "form_id", "form__level").query.sql_with_params()
    with db.cursor() as cursor:
        cursor.execute(f"""WITH r (id, grp, form_id, level) AS ({sql})
            SELECT r.grp, v.indicator_id, sum(v.value), NULL FROM r JOIN {ReportValue._meta.db_table} v
              ON v.report_id = r.id WHERE v.value IS NOT NULL GROUP BY r.grp, v.indicator_id
            UNION ALL SELECT NULL, r.form_id, count(*), r.level FROM r GROUP BY r.form_id, r.level""", params)
        rows = cursor.fetchall()
    return ([(level, form_id, int(n)) for _g, form_id, n, level in rows if level is not None],
            [(group, indicator_id, total) for group, indicator_id, total, level in rows if level is None])


def _prefixed(q: Q, prefix: str) -> Q:
    """The same filter, with every field seen from a related model ("report__…")."""
    clone = Q()
    clone.connector, clone.negated = q.connector, q.negated
    clone.children = [_prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])
                      for child in q.children]
    return clone


def _ratio_parts(ratios: list[Indicator]) -> list[tuple[str, str, str]]:
    """(ratio code, numerator code, denominator code) of each ratio: read once for a table's rows."""
    return [(ratio.code, ratio.numerator.code, ratio.denominator.code) for ratio in ratios]


def _with_ratios(values: dict, ratios) -> dict:
    """Each ratio computed from its parts (a share in %, one decimal), never summed. `ratios`: the
    indicators, or their `_ratio_parts`."""
    parts = ratios if ratios and isinstance(ratios[0], tuple) else _ratio_parts(ratios)
    tenth = Decimal("0.1")
    for code, numerator, denominator in parts:
        part, whole = values.get(numerator), values.get(denominator)
        values[code] = (part * 100 / whole).quantize(tenth) if part is not None and whole else None
    return values


def _team_reports_where(unit: AdminUnit, month_keys, statuses, start: date | None = None,
                        end: date | None = None) -> Q:
    where = _area(unit) & Q(form__level__in=TEAM_LEVELS, status__in=statuses, form__period_type=PeriodType.MONTH)
    if month_keys is not None:
        return where & Q(period_key__in=month_keys)
    return where & Q(period_start__gte=start, period_end__lte=end)


def _team_reports(unit: AdminUnit, month_keys, statuses, start: date | None = None,
                  end: date | None = None) -> QuerySet:
    return Report.objects.filter(_team_reports_where(unit, month_keys, statuses, start, end))


def rollup_values(*, unit: AdminUnit, month_keys, statuses=COUNTED, start=None, end=None) -> dict:
    """One unit's totals over the given months (used to pre-fill a commune's report)."""
    where = _team_reports_where(unit, month_keys, statuses, start, end)
    totals = _grouped(where=where, group_by="province_id").get(unit.province_id, {})
    return _with_ratios(totals, list(Indicator.objects.filter(aggregation=Aggregation.RATIO)
                                     .select_related("numerator", "denominator")))


@dataclass
class Rollup:
    unit: AdminUnit
    period: Period
    indicators: list[Indicator]
    rows: list[tuple[AdminUnit, dict]]
    total: dict
    report_count: int
    as_of: object
    # The counted reports by form level (village team, commune team): the Word report says why its
    # count differs from the number of village teams' reports sent.
    level_counts: dict = field(default_factory=dict)


def rollup_indicators(period: Period | None = None, province=None) -> list[Indicator]:
    """Every indicator the team forms ask for, in catalogue order, with the ratios built on them;
    for a past period, also those retired since."""
    # One statement, written out: the indicators the live monthly team forms (`team_forms`) ask,
    # national or the province's, and the ratios built on them. The ORM took three times the
    # statement's own time to compose it, on the busiest page of the province.
    db = router.db_for_read(Indicator)
    ops = connections[db].ops
    indicators, lines, forms = (ops.quote_name(model._meta.db_table)
                                for model in (Indicator, FormIndicator, ReportForm))
    since = ops.adapt_datefield_value(period.start) if period is not None else None
    provinces = province_ids_of(province) or [0]  # none: the national forms only
    among = ", ".join(["%s"] * len(provinces))
    alive = "(i.retired_on IS NULL OR i.retired_on > %s)"
    entered = (f"SELECT i.id FROM {indicators} i JOIN {lines} l ON l.indicator_id = i.id"
               f" JOIN {forms} f ON f.id = l.form_id WHERE {alive} AND f.is_active AND f.level IN (%s, %s)"
               f" AND f.period_type = %s AND (f.province_id IS NULL OR f.province_id IN ({among}))")
    entered_params = [since, *TEAM_LEVELS, PeriodType.MONTH, *provinces]
    found = list(Indicator.objects.using(db).raw(
        f"SELECT i.* FROM {indicators} i WHERE i.id IN ({entered}) OR ({alive} AND i.aggregation = %s"
        f" AND i.numerator_id IN ({entered})) ORDER BY i.{ops.quote_name('order')}, i.code",
        [*entered_params, since, Aggregation.RATIO, *entered_params]))
    # A ratio's parts are (nearly always) in the list: attached from it rather than joined twice.
    by_pk = {indicator.pk: indicator for indicator in found}
    ratios = [indicator for indicator in found if indicator.aggregation == Aggregation.RATIO]
    missing = {part for ratio in ratios for part in (ratio.numerator_id, ratio.denominator_id)} - by_pk.keys()
    if missing:
        by_pk.update(Indicator.objects.in_bulk(missing))
    for ratio in ratios:
        ratio.numerator, ratio.denominator = by_pk[ratio.numerator_id], by_pk[ratio.denominator_id]
    return found


def _live_communes(province: AdminUnit) -> list[AdminUnit]:
    """The province's communes in use, by name, with the columns a table shows (written out: the
    ORM's composing cost more than the query on the roll-up page)."""
    ops = connections[router.db_for_read(AdminUnit)].ops
    columns = ", ".join(ops.quote_name(AdminUnit._meta.get_field(name).column) for name in UNIT_COLUMNS if name != "pk")
    kinds = ", ".join(["%s"] * len(COMMUNE_KINDS))
    return list(AdminUnit.objects.raw(
        f"SELECT id, {columns} FROM {ops.quote_name(AdminUnit._meta.db_table)} WHERE retired_on IS NULL"
        f" AND kind IN ({kinds}) AND province_id = %s ORDER BY name_folded", [*COMMUNE_KINDS, province.pk]))


def rollup(*, unit: AdminUnit, period: Period) -> Rollup:
    """Every indicator for a unit's children (a province's communes, a commune's own team and its
    villages), from the submitted and accepted monthly team reports of the period."""
    indicators = rollup_indicators(period, unit.province_id)
    ratios = [i for i in indicators if i.aggregation == Aggregation.RATIO]
    where = _team_reports_where(unit, period.month_keys, COUNTED)
    reports = Report.objects.filter(where)
    group_by = "commune_id" if unit.is_province else "unit_id"
    one_month = len(period.month_keys) == 1
    counted_sql = _counted_reports_sql(unit, period.month_keys[0], group_by, reports.db) if one_month else None
    forms, sums = _forms_and_sums(reports, group_by, one_month, counted_sql)
    level_counts, forms_by_level = {}, {}
    for level, _form, n in forms:
        level_counts[level] = level_counts.get(level, 0) + n
        forms_by_level[level] = forms_by_level.get(level, 0) + 1
    # One report per form, unit and month; a village's and a commune's teams send different forms.
    # Two forms of one level in the month may mean a unit sent twice: the "latest" rule then chooses.
    twice = any(n > 1 for n in forms_by_level.values())
    if unit.is_province:
        children = _live_communes(unit)
    else:
        commune = unit.commune
        children = [commune, *AdminUnit.objects.active().villages().filter(commune=commune).only(*UNIT_COLUMNS)
                    .order_by("name_folded")]
    if not level_counts:
        grouped = {}
    elif one_month and not twice:
        grouped = _coded(sums, indicators) if sums is not None else _one_month_grouped(where=where, group_by=group_by)
    else:
        grouped = _grouped(where=where, group_by=group_by)
    parts = _ratio_parts(ratios)
    rows = [(child, _with_ratios(dict(grouped.get(child.pk, {})), parts)) for child in children]
    total = {i.code: None for i in indicators if i.aggregation != Aggregation.RATIO}
    for _child, values in rows:  # one pass over the rows: a province has 124 communes × 35 indicators
        for code, value in values.items():
            if value is not None and code in total:
                total[code] = value if total[code] is None else total[code] + value
    return Rollup(unit=unit, period=period, indicators=indicators, rows=rows, total=_with_ratios(total, parts),
                  report_count=sum(level_counts.values()), as_of=timezone.now(), level_counts=level_counts)


# ---- public figures (citizen portal) ------------------------------------------------------------

@dataclass
class PublicFigures:
    """The latest month's totals of the indicators marked "Công khai": the unit's (a commune's or
    the province's) and, beside a commune's, the province's for the same month."""

    unit: AdminUnit
    period: Period
    rows: list[tuple[Indicator, Decimal | None, Decimal | None]]  # indicator, unit total, province total

    @property
    def with_province(self) -> bool:
        return not self.unit.is_province


def public_indicators(province=None) -> list[Indicator]:
    """Live indicators marked "Công khai", never one that is (or is built on) a sensitive one."""
    hidden = sensitive_ids()
    return [i for i in Indicator.objects.for_province(province).filter(visibility=Visibility.PUBLIC,
                                                                       retired_on__isnull=True)
            .exclude(pk__in=hidden).select_related("numerator", "denominator").order_by("order", "code")]


def _public_totals(unit: AdminUnit, key: str, indicators: list[Indicator], needed: set[int]) -> dict:
    where = _team_reports_where(unit, [key], COUNTED)
    group = unit.province_id if unit.is_province else unit.commune_id
    totals = _grouped(where=where, group_by="province_id" if unit.is_province else "commune_id",
                      only=needed).get(group, {})
    return _with_ratios(totals, [i for i in indicators if i.aggregation == Aggregation.RATIO])


def public_figures(unit: AdminUnit) -> PublicFigures | None:
    """The public indicators' totals for a commune or the province, from the submitted and accepted
    monthly team reports of the latest ended month that has any of them; None when there is nothing
    to show. A handful of queries, whatever the number of teams: the home page is public."""
    indicators = public_indicators(unit.province_id)
    if not indicators:
        return None
    needed = {i.pk for i in indicators if i.aggregation != Aggregation.RATIO}
    needed |= {part for i in indicators if i.aggregation == Aggregation.RATIO
               for part in (i.numerator_id, i.denominator_id)}
    # A month still running has only the teams that sent early: its totals would look like a fall.
    key = (Report.objects.filter(_area(unit), form__level__in=TEAM_LEVELS, form__period_type=PeriodType.MONTH,
                                 status__in=COUNTED, period_end__lt=timezone.localdate())
           .filter(values__indicator_id__in=needed, values__value__isnull=False)
           .order_by("-period_start").values_list("period_key", flat=True).first())
    if key is None:
        return None
    own = _public_totals(unit, key, indicators, needed)
    province = {} if unit.is_province else _public_totals(unit.province, key, indicators, needed)
    rows = [(i, own.get(i.code), province.get(i.code)) for i in indicators]
    if all(value is None and whole is None for _i, value, whole in rows):
        return None
    return PublicFigures(unit=unit, period=parse_period(key), rows=rows)


def targets_progress(*, unit: AdminUnit, year: int) -> list[dict]:
    """Year-to-date results against the unit's targets."""
    from .models import Target
    from .periods import year_period

    targets = Target.objects.filter(unit=unit, year=year).select_related("indicator")
    if not targets:
        return []
    done = rollup_values(unit=unit, month_keys=year_period(year).month_keys) if unit.is_province else _unit_totals(
        unit, year_period(year).month_keys)
    rows = []
    for target in targets.order_by("indicator__order"):
        value = done.get(target.indicator.code)
        share = (value * 100 / target.value).quantize(Decimal("0.1")) if value is not None and target.value else None
        rows.append({"indicator": target.indicator, "target": target.value, "done": value, "share": share})
    return rows


def _unit_totals(unit: AdminUnit, month_keys) -> dict:
    where = _team_reports_where(unit, month_keys, COUNTED)
    if unit.is_village:
        where &= Q(unit=unit)
    totals = _grouped(where=where, group_by="commune_id").get(unit.commune_id, {})
    return _with_ratios(totals, list(Indicator.objects.filter(aggregation=Aggregation.RATIO)
                                     .select_related("numerator", "denominator")))


# ---- what needs the user now -------------------------------------------------------------------

DUE_SOON_DAYS = 5


def reports_returned_to(user) -> QuerySet:
    """Returned reports the user should correct: their teams' (leaders) or their commune's (officers)."""
    led = Assignment.objects.active().filter(user=user, role=Role.TEAM_LEADER).values("unit_id")
    offices = Assignment.objects.active().filter(
        user=user, role__in=[Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN]).values("unit_id")
    return Report.objects.filter(
        Q(unit_id__in=led, form__level__in=TEAM_LEVELS) | Q(unit_id__in=offices, form__level=Level.COMMUNE),
        status=ReportStatus.RETURNED).select_related("form", "unit")


def reports_to_review(user) -> QuerySet:
    """Submitted reports waiting for this user's decision."""
    offices = Assignment.objects.active().filter(
        user=user, role__in=[Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN]).values("unit_id")
    provinces = Assignment.objects.active().filter(user=user, role=Role.PROVINCE_ADMIN).values("unit_id")
    return Report.objects.filter(
        Q(commune_id__in=offices, form__level__in=TEAM_LEVELS) | Q(province_id__in=provinces,
                                                                   form__level=Level.COMMUNE),
        status=ReportStatus.SUBMITTED).select_related("form", "unit").order_by("submitted_at")


@dataclass
class DueReport:
    team: Team
    form: ReportForm
    period: Period
    due_on: date
    report: Report | None

    @property
    def days_left(self) -> int:
        return (self.due_on - timezone.localdate()).days


def reports_due_for(user, *, within_days: int = DUE_SOON_DAYS) -> list[DueReport]:
    """This month's reports of the user's teams that are not sent yet and are due within a few days."""
    from .periods import due_date, period_of

    today = timezone.localdate()
    due = []
    for team in teams_led_by(user):
        for form in forms_for_team(team):
            period = period_of(form.period_type, today, form.period_rule)
            if team.established_on is None or team.established_on > period.end:
                continue
            report = Report.objects.filter(form=form, unit=team.unit, period_start=period.start).first()
            if report is not None and report.submitted_at is not None:
                continue
            due_on = due_date(period, form.due_day)
            if 0 <= (due_on - today).days <= within_days:
                due.append(DueReport(team, form, period, due_on, report))
    return due


@dataclass
class MonthCard:
    """A team's monthly report as its leader's home shows it: this month's always, last month's
    while it is missing or returned and can still be typed in."""

    team: Team
    form: ReportForm
    period: Period
    due_on: date
    report: Report | None
    today: date
    several_forms: bool = False  # the team owes more than one form this month: the card names its form

    @property
    def sent(self) -> bool:
        return self.report is not None and self.report.status in COUNTED

    @property
    def returned(self) -> bool:
        return self.report is not None and self.report.status == ReportStatus.RETURNED

    @property
    def days_left(self) -> int:
        return (self.due_on - self.today).days

    @property
    def overdue_days(self) -> int:
        """Days past the due date while not sent (a returned report is owed again)."""
        return 0 if self.sent else max(0, (self.today - self.due_on).days)


def month_report_cards(user, *, today: date | None = None) -> list[MonthCard]:
    """The month's report of each team the user leads (of each form in use for it), and last month's
    while it is still owed. A few queries per team and form (a leader has one team, rarely two)."""
    from .periods import closes_on, due_date, period_of

    today = today or timezone.localdate()
    cards = []
    for team in teams_led_by(user):
        if team.established_on is None:
            continue
        forms = forms_for_team(team)
        for form in forms:
            this = period_of(form.period_type, today, form.period_rule)
            reports = {r.period_start: r for r in Report.objects.filter(
                form=form, unit=team.unit, period_start__in=[this.start, this.previous().start])}
            for period in (this, this.previous()):
                if team.established_on > period.end:
                    continue
                report = reports.get(period.start)
                card = MonthCard(team, form, period, due_date(period, form.due_day), report, today,
                                 several_forms=len(forms) > 1)
                if period is not this:
                    closing = closes_on(period, form.close_after_days)
                    still_open = closing is None or today <= closing or (
                        report is not None and report.reopened_until and report.reopened_until > timezone.now())
                    if card.sent or not (still_open or card.returned):
                        continue
                cards.append(card)
    return cards


class Quoted(tuple):
    """(unit name, difficulties, proposals), with where it comes from: the commune (its pk, name and
    kind) so the Word report can spread its quotes over communes."""

    __slots__ = ()

    def __new__(cls, name, difficulties, proposals, commune_id=None, commune_name="", commune_kind=""):
        return super().__new__(cls, (name, difficulties, proposals, commune_id, commune_name, commune_kind))


def quoted_texts(*, unit: AdminUnit, period: Period, limit: int | None = None) -> list[Quoted]:
    """Every (unit name, difficulties, proposals, commune …) of the period's counted team reports, for
    the Word report, which chooses what to quote (narrative._chosen_quotes) and counts the rest."""
    reports = _team_reports(unit, period.month_keys, COUNTED).exclude(difficulties="", proposals="").order_by(
        "commune__name_folded", "unit__name_folded", "period_key").values_list(
        "unit__name", "unit__kind", "commune_id", "commune__name", "commune__kind", "difficulties", "proposals")
    if limit is not None:
        reports = reports[:limit]
    # In a province's report a village's name alone is ambiguous ("Tổ dân phố số 1"): name its commune.
    return [Quoted(f"{name} ({commune})" if unit.is_province and kind not in COMMUNE_KINDS else name,
                   difficulties, proposals, commune_id, commune, commune_kind)
            for name, kind, commune_id, commune, commune_kind, difficulties, proposals in reports]
