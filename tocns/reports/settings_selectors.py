"""Reads for the catalogue, targets and ad-hoc request pages, and for the home inbox."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tocns.accounts.models import Assignment, Role
from tocns.geo.models import AdminUnit

from . import selectors
from .checks import format_number
from .choices import Aggregation, Pillar, ReportStatus
from .models import Indicator, Report, ReportForm, ReportRequest, Target
from .periods import Period, year_period

SUBMITTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
# An ad-hoc request stays in a commune's inbox this many days after its due date.
REQUEST_GRACE_DAYS = 30


def province_administered_by(user) -> AdminUnit | None:
    """The province whose catalogue, targets and requests this user manages, if any."""
    if not user.is_authenticated:
        return None
    unit_id = (Assignment.objects.active().filter(user=user, role=Role.PROVINCE_ADMIN, unit__retired_on__isnull=True)
               .values_list("unit__province_id", flat=True).first())
    return AdminUnit.objects.filter(pk=unit_id).first() if unit_id else None


def communes_split_by(user) -> QuerySet:
    """Communes whose targets this user splits among villages (commune office and chairman)."""
    ids = Assignment.objects.active().filter(
        user=user, role__in=[Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN]).values("unit_id")
    return AdminUnit.objects.active().communes().filter(pk__in=ids).order_by("name_folded")


def _number(value, indicator: Indicator | None = None) -> str:
    """A figure in Vietnamese style (1.234 and 12,5); empty when missing, never shown as 0."""
    if value is None:
        return ""
    text = format_number(value)
    return f"{text}%" if indicator is not None and indicator.aggregation == Aggregation.RATIO else text


# ---- catalogue -----------------------------------------------------------------------------------

def catalogue_by_pillar(province=None) -> list[tuple[str, str, list[Indicator]]]:
    """(pillar, label, live indicators in order) for each pillar that has any: the national ones and
    the province's own."""
    indicators = (Indicator.objects.for_province(province).filter(retired_on__isnull=True)
                  .select_related("numerator", "denominator")
                  .annotate(form_count=Count("forms", distinct=True)).order_by("order", "code"))
    groups: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        groups.setdefault(indicator.pillar, []).append(indicator)
    return [(value, label, groups[value]) for value, label in Pillar.choices if value in groups]


def retired_indicators(province=None) -> QuerySet:
    return Indicator.objects.for_province(province).filter(retired_on__isnull=False).order_by("-retired_on", "code")


def forms_with_counts(province=None) -> QuerySet:
    return ReportForm.objects.for_province(province).annotate(
        line_count=Count("lines", filter=Q(lines__indicator__retired_on__isnull=True), distinct=True))


def form_lines(form: ReportForm) -> list:
    return list(form.lines.select_related("indicator").order_by("order", "id"))


def indicators_to_add(form: ReportForm) -> QuerySet:
    """A national form asks national indicators only; a province's form, national and its own."""
    return (Indicator.objects.for_province(form.province_id).filter(retired_on__isnull=True)
            .exclude(aggregation=Aggregation.RATIO)
            .exclude(pk__in=form.lines.values("indicator_id")).order_by("order", "code"))


def target_indicators(province=None) -> QuerySet:
    return Indicator.objects.for_province(province).filter(retired_on__isnull=True).order_by("order", "code")


# ---- targets -------------------------------------------------------------------------------------

def targets_of(*, indicator: Indicator, year: int, units) -> dict[int, Decimal]:
    """{unit id: target} for these units."""
    return dict(Target.objects.filter(indicator=indicator, year=year, unit__in=units)
                .values_list("unit_id", "value"))


@dataclass
class SplitCheck:
    commune_target: Decimal | None
    villages_sum: Decimal | None
    comparable: bool  # a share's villages do not add up to the commune's

    @property
    def gap(self) -> Decimal | None:
        if not self.comparable or self.commune_target is None or self.villages_sum is None:
            return None
        return self.villages_sum - self.commune_target

    @property
    def differs(self) -> bool:
        return bool(self.gap)

    @property
    def commune_target_text(self) -> str:
        return _number(self.commune_target)

    @property
    def villages_sum_text(self) -> str:
        return _number(self.villages_sum)

    @property
    def gap_text(self) -> str:
        return _number(abs(self.gap)) if self.gap is not None else ""

    @property
    def above(self) -> bool:
        return bool(self.gap and self.gap > 0)


def village_split(*, indicator: Indicator, commune: AdminUnit, year: int) -> SplitCheck:
    """The commune's target against the sum of its villages' (a warning when they differ, never a block)."""
    commune_target = Target.objects.filter(indicator=indicator, unit=commune, year=year).values_list(
        "value", flat=True).first()
    values = list(Target.objects.filter(indicator=indicator, year=year, unit__commune=commune,
                                        unit__kind__in=("thon", "to_dan_pho"), unit__retired_on__isnull=True)
                  .values_list("value", flat=True))
    return SplitCheck(commune_target, sum(values, Decimal(0)) if values else None,
                      indicator.aggregation != Aggregation.RATIO)


@dataclass
class ProgressRow:
    indicator: Indicator
    target: Decimal | None
    done: Decimal | None
    from_children: bool = False  # the province's target as the sum of its communes'

    @property
    def share(self) -> Decimal | None:
        if self.done is None or not self.target:
            return None
        return (self.done * 100 / self.target).quantize(Decimal("0.1"))

    @property
    def target_text(self) -> str:
        return _number(self.target, self.indicator)

    @property
    def done_text(self) -> str:
        return _number(self.done, self.indicator)

    @property
    def share_text(self) -> str:
        """One decimal at most: 16,8% and 50%."""
        if self.share is None:
            return ""
        if self.share == self.share.to_integral_value():
            return f"{format_number(self.share)}%"
        return f"{self.share:.1f}%".replace(".", ",")

    @property
    def bar(self) -> int:
        """The share for a progress bar, 0–100."""
        return max(0, min(100, int(self.share))) if self.share is not None else 0


@dataclass
class Progress:
    unit: AdminUnit
    year: int
    rows: list[ProgressRow]
    children: list[tuple[AdminUnit, ProgressRow]]
    indicator: Indicator | None
    as_of: object

    @property
    def from_children(self) -> bool:
        return any(row.from_children for row in self.rows)


def progress(*, unit: AdminUnit, year: int, indicator: Indicator | None = None) -> Progress:
    """Year-to-date results against targets for a province or commune, from the submitted and accepted
    monthly team reports; with an indicator, the same for each commune (or village) below it.

    A province without a target of its own for an indicator is measured against the sum of its
    communes' targets. In a commune, the commune team's own results count in the commune's total."""
    period: Period = year_period(year)
    result = selectors.rollup(unit=unit, period=period)
    children = [child for child, _values in result.rows if child.pk != unit.pk]
    own = {t.indicator_id: t.value for t in Target.objects.filter(unit=unit, year=year)}
    below = Target.objects.filter(year=year, unit__in=children)
    by_child: dict[tuple[int, int], Decimal] = {(t.unit_id, t.indicator_id): t.value for t in below}
    summed: dict[int, Decimal] = {}
    if unit.is_province:
        for (_unit_id, indicator_id), value in by_child.items():
            summed[indicator_id] = summed.get(indicator_id, Decimal(0)) + value
    ids = set(own) | set(summed)
    indicators = Indicator.objects.filter(pk__in=ids).order_by("order", "code")
    rows = []
    for item in indicators:
        from_children = item.pk not in own and item.aggregation != Aggregation.RATIO
        if item.pk not in own and not from_children:
            continue
        target = own.get(item.pk, summed.get(item.pk))
        rows.append(ProgressRow(item, target, result.total.get(item.code), from_children))
    child_rows = []
    if indicator is not None:
        values = dict((child.pk, v) for child, v in result.rows)
        for child in children:
            child_rows.append((child, ProgressRow(indicator, by_child.get((child.pk, indicator.pk)),
                                                  values.get(child.pk, {}).get(indicator.code))))
    return Progress(unit=unit, year=year, rows=rows, children=child_rows, indicator=indicator,
                    as_of=result.as_of)


# ---- ad-hoc requests -----------------------------------------------------------------------------

def request_period(request: ReportRequest) -> Period:
    """The data period of an ad-hoc request, as services.report_open and completeness take it."""
    return Period(kind="once", year=request.period_start.year, number=1, start=request.period_start,
                  end=request.period_end)


def requests_for_province(province: AdminUnit) -> QuerySet:
    """The province's requests, newest due first, with how many communes were asked and have sent."""
    return (ReportRequest.objects.filter(province=province).select_related("form")
            .annotate(commune_count=Count("communes", distinct=True),
                      submitted_count=Count("reports", filter=Q(reports__status__in=SUBMITTED), distinct=True)))


def request_completeness(request: ReportRequest):
    return selectors.completeness(form=request.form, period=request_period(request), unit=request.province,
                                  request=request)


def requests_for_commune(commune: AdminUnit, *, today: date | None = None) -> QuerySet:
    """Ad-hoc requests a commune still owes: asked of it, due not more than REQUEST_GRACE_DAYS ago, and
    its report not yet sent (missing or a draft). A report sent back is left to `reports_returned_to`.
    Soonest due first; link each to `report_settings:request_detail`."""
    today = today or timezone.localdate()
    done = Report.objects.filter(unit=commune, request__isnull=False,
                                 status__in=(*SUBMITTED, ReportStatus.RETURNED)).values("request_id")
    return (ReportRequest.objects.filter(communes=commune, due_on__gte=today - timedelta(days=REQUEST_GRACE_DAYS),
                                         form__is_active=True)
            .exclude(pk__in=done).select_related("form").order_by("due_on", "pk"))


def request_for_user_or_404(user, pk: int) -> tuple[ReportRequest, AdminUnit | None]:
    """The request and, for a commune user, the commune of theirs it asks. The province's admin sees it
    whole (commune None); an officer of a commune that was not asked gets a 404."""
    request = ReportRequest.objects.select_related("form", "province").filter(pk=pk).first()
    if request is None:
        raise Http404
    province = province_administered_by(user)
    if province is not None and province.pk == request.province_id:
        return request, None
    commune = communes_split_by(user).filter(pk__in=request.communes.values("pk")).first()
    if commune is None:
        raise Http404
    return request, commune
