"""Reports, their values, roll-ups and completeness in the JSON API (issue #16).

Every endpoint is the report pages' selectors and services seen as JSON: the same scope (another
commune's report answers 404), the same rule for sensitive indicators (`sees_sensitive*`), the same
roll-up and completeness selectors, and a save goes through `report_save` with the page's save key
(`client_id`), version check and rules. Codes everywhere; a figure not entered is null, never 0.

Errors: a period key that is not one (`2026-13`, `Q5`), a status that does not exist or a form
that does not report by that kind of period answer 422; a unit or form code that does not exist,
or a unit out of the caller's scope, answer 404 (the two look alike); both with `{"detail": "…"}`."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from tocns.accounts.access import access_for
from tocns.accounts.models import Assignment, Role
from tocns.accounts.selectors import unit_for_user_or_404
from tocns.geo.models import AdminUnit
from tocns.reports import selectors, services
from tocns.reports.catalogue_scope import provinces_of
from tocns.reports.choices import Aggregation, Level, PeriodType, ReportStatus
from tocns.reports.models import FormIndicator, Indicator, Report, ReportForm, ReportValue
from tocns.reports.narrative import visible
from tocns.reports.periods import Period, parse_period

from .paging import BoundedPagination
from .schemas_reports import (
    CompletenessFilter,
    CompletenessOut,
    FormOut,
    IndicatorOut,
    ReportDetailOut,
    ReportFilter,
    ReportOut,
    ReportSaveBody,
    RollupFilter,
    RollupOut,
    SaveConflict,
    SaveOut,
    SaveRefused,
    local,
)

router = Router(tags=["Báo cáo"])

# Who may know which indicators are sensitive: those who see such figures somewhere (the offices,
# and the leaders who enter them in their own report); members, partners and machine clients do not.
SEES_SENSITIVE_ROLES = (Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN, Role.TEAM_LEADER)


def _hidden_indicators(user) -> set[int]:
    """Held as a person's assignment, as `selectors.sees_sensitive*` judge it: a machine client's
    service user (whose scope is read-only, with no assignment) never sees them."""
    holds = Assignment.objects.active().filter(user=user, role__in=SEES_SENSITIVE_ROLES).exists()
    return set() if holds else selectors.sensitive_ids()


def _period(key: str) -> Period:
    try:
        return parse_period(key)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None


def _unit(user, code: str) -> AdminUnit:
    try:
        return unit_for_user_or_404(user, code=code)
    except Http404:
        raise HttpError(404, _("Không tìm thấy đơn vị mã «%(code)s» trong phạm vi của bạn.") % {"code": code}) from None


def _form(code: str, user) -> ReportForm:
    """A form by code in the user's catalogue (national and his provinces'); another province's is unknown."""
    form = ReportForm.objects.for_province(provinces_of(user)).filter(code=code).first()
    if form is None:
        raise HttpError(404, _("Không có mẫu báo cáo mã «%(code)s».") % {"code": code})
    return form


def _figure(value) -> float | None:
    return None if value is None else float(value)


# ---- the catalogue ------------------------------------------------------------------------------

def _indicator_out(indicator: Indicator) -> dict:
    return {"code": indicator.code, "name": indicator.name, "unit_of_measure": indicator.unit_of_measure,
            "pillar": indicator.pillar, "pillar_label": str(indicator.get_pillar_display()),
            "value_type": indicator.value_type, "aggregation": indicator.aggregation,
            "visibility": indicator.visibility,
            "numerator": indicator.numerator.code if indicator.numerator_id else None,
            "denominator": indicator.denominator.code if indicator.denominator_id else None,
            "retired_on": indicator.retired_on}


@router.get("/indicators", response=list[IndicatorOut])
@paginate(BoundedPagination)
def list_indicators(request):
    """The indicator catalogue in its order, retired ones too (with `retired_on`). Sensitive
    indicators, and the ratios built on them, only for those who see such figures (the commune
    office, the province admin and team leaders)."""
    hidden = _hidden_indicators(request.user)
    indicators = (Indicator.objects.for_province(provinces_of(request.user)).exclude(pk__in=hidden)
                  .select_related("numerator", "denominator").order_by("order", "code"))
    return [_indicator_out(indicator) for indicator in indicators]


@router.get("/forms", response=list[FormOut])
@paginate(BoundedPagination)
def list_forms(request, active: bool | None = None):
    """The report forms, each with its indicators in order under their section headings
    (`active=true`: only the forms in use)."""
    hidden = _hidden_indicators(request.user)
    forms = ReportForm.objects.for_province(provinces_of(request.user)).order_by(
        "level", "period_type", "code").prefetch_related(Prefetch(
        "lines", queryset=FormIndicator.objects.select_related("indicator").order_by("order", "id")))
    if active is not None:
        forms = forms.filter(is_active=active)
    return [{"code": form.code, "name": form.name, "version": form.version, "level": form.level,
             "period_type": form.period_type, "period_rule": form.period_rule, "due_day": form.due_day,
             "is_active": form.is_active,
             "lines": [{"order": n, "section": line.section, "indicator": line.indicator.code,
                        "name": line.indicator.name, "unit_of_measure": line.indicator.unit_of_measure}
                       for n, line in enumerate((line for line in form.lines.all()
                                                 if line.indicator_id not in hidden), start=1)]}
            for form in forms]


# ---- reports ------------------------------------------------------------------------------------

def _report_out(report: Report) -> dict:
    return {"id": report.pk, "unit_code": report.unit.code, "unit_name": report.unit.name,
            "commune_code": report.commune.code, "form": report.form.code, "period_key": report.period_key,
            "period_label": selectors.period_label(report), "due_on": report.due_on, "status": report.status,
            "status_label": str(report.get_status_display()), "submitted_at": report.submitted_at,
            "on_time": report.on_time,
            "accepted_at": report.reviewed_at if report.status == ReportStatus.ACCEPTED else None,
            "version": report.version}


@router.get("/reports", response=list[ReportOut])
@paginate(BoundedPagination)
def list_reports(request, filters: Query[ReportFilter]):
    """Reports in the caller's scope, newest period first. `unit`: that unit's and those of the
    units below it (a province's, a commune's and its villages'); `form`, `period`, `status`."""
    reports = selectors.reports_for_user(request.user).select_related("commune", "request")
    if filters.unit:
        unit = _unit(request.user, filters.unit)
        if unit.is_province:
            reports = reports.filter(province=unit)
        elif unit.is_commune:
            reports = reports.filter(commune=unit)
        else:
            reports = reports.filter(unit=unit)
    if filters.form:
        reports = reports.filter(form=_form(filters.form, request.user))
    if filters.period:
        reports = reports.filter(period_key=_period(filters.period).key)
    if filters.status:
        if filters.status not in ReportStatus.values:
            raise HttpError(422, _("Trạng thái là một trong: %(values)s.") % {"values": ", ".join(ReportStatus.values)})
        reports = reports.filter(status=filters.status)
    return reports.order_by("-period_start", "unit__code", "form__code", "pk")


@router.get("/reports/{report_id}", response=ReportDetailOut)
def get_report(request, report_id: int):
    """One report with its values in the form's order (null: not entered; 0 is a figure) and its
    texts. Sensitive lines are left out for those the report page hides them from (the team's
    members)."""
    report = selectors.report_for_user_or_404(request.user, report_id)
    hidden = set() if selectors.sees_sensitive_in_report(request.user, report) else selectors.sensitive_ids()
    stored = {v.indicator_id: v for v in report.values.all()}
    sections = dict(report.form.lines.values_list("indicator_id", "section"))
    values = []
    for indicator in services.form_indicators(report.form, report=report):
        if indicator.pk in hidden:
            continue
        row = stored.get(indicator.pk)
        values.append({"indicator": indicator.code, "name": indicator.name,
                       "unit_of_measure": indicator.unit_of_measure, "section": sections.get(indicator.pk, ""),
                       "value": _figure(row.value) if row else None, "typed": row.raw if row else "",
                       "comment": row.comment if row else ""})
    can_edit = selectors.can_edit(request.user, report) and services.entry_open(report)
    return _report_out(report) | {
        "submitted_by": report.submitted_by.full_name if report.submitted_by_id else "",
        "review_comment": report.review_comment, "can_edit": can_edit, "values": values,
        "results": report.results, "difficulties": report.difficulties, "proposals": report.proposals}


def _typed(value) -> str:
    """A JSON figure as the page would read it typed: 1234 → "1234", 12.5 → "12.5". A fraction of
    exactly three digits gets a fourth zero, so 1.234 stays one point two three four (typed, "1.234"
    is a thousand two hundred thirty-four, as on the page)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        if not number.is_finite():
            return repr(value)  # refused as not a number, beside its cell
        if number == number.to_integral_value():
            return str(int(number))
        text = format(number, "f")
        return text + "0" if len(text.split(".")[1]) == 3 else text
    return str(value)


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"report": [str(m) for m in exc.messages]}


def _codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


@router.post("/reports/{report_id}/save", response={200: SaveOut, 400: SaveRefused, 409: SaveConflict})
def save_report(request, report_id: int, payload: ReportSaveBody):
    """Save a report (a draft), or send it (`submit`), as the report page does, by whoever may type
    it in (the team's leader, the commune office). The same `client_id` again changes nothing and
    answers 200 with `duplicate`. A save made on an older `version` answers 409. Sending is refused
    (400) by a cell in error, an empty report, a broken blocking rule, and a broken warning rule
    without its reason in `reasons` (by rule id, listed in `warnings`)."""
    report = selectors.report_for_user_or_404(request.user, report_id)
    if not selectors.can_edit(request.user, report):
        raise Http404
    codes = {indicator.code for indicator in services.form_indicators(report.form, report=report)}
    unknown = {code: [_("Mẫu báo cáo này không có chỉ số mã «%(code)s».") % {"code": code}]
               for code in sorted(set(payload.values) - codes)}
    reasons, bad_reasons = {}, []
    for key, text in payload.reasons.items():
        if key.isdigit():
            reasons[int(key)] = text
        else:
            bad_reasons.append(_("«%(key)s» không phải mã quy tắc.") % {"key": key})
    if unknown or bad_reasons:
        return Status(400, {"detail": unknown | ({"reasons": bad_reasons} if bad_reasons else {})})
    values = {code: _typed(value) for code, value in payload.values.items()}
    duplicate = payload.client_id == report.last_save_key
    check = None
    try:
        if payload.submit:
            check = services.report_send_check(report=report, values=values, comments=payload.comments,
                                               version=payload.version, save_key=payload.client_id)
        saved = services.report_save(report=report, values=values, comments=payload.comments, texts=payload.texts,
                                     version=payload.version, save_key=payload.client_id, submit=payload.submit,
                                     reasons=reasons, by=request.user)
    except ValidationError as exc:
        if "stale" in _codes(exc):
            report.refresh_from_db()
            return Status(409, {"detail": {"version": [str(m) for m in exc.messages]}, "version": report.version,
                                "status": report.status})
        problems = services.reason_errors(check.warnings, reasons) if check is not None else {}
        warnings = [{"rule": violation.rule.pk, "message": violation.describe(),
                     "indicators": sorted(violation.codes), "reason_error": problems.get(violation.rule.pk, "")}
                    for violation in (check.warnings if check is not None else [])]
        return Status(400, {"detail": _messages(exc), "warnings": warnings})
    return Status(200, {"id": saved.pk, "version": saved.version, "status": saved.status,
                        "status_label": str(saved.get_status_display()), "duplicate": duplicate,
                        "to_fix": saved.values.exclude(raw="").count()})


# ---- roll-ups and completeness ------------------------------------------------------------------

def _oversight_unit(request, code: str) -> AdminUnit:
    """The roll-up and completeness pages' rule: those who oversee a commune or the province, about
    a commune or the province (a village has no such page)."""
    if not access_for(request.user).oversight:
        raise Http404
    unit = _unit(request.user, code)
    if unit.is_village:
        raise HttpError(404, _("Tổng hợp và tiến độ báo cáo có cho tỉnh và xã, phường; không có cho thôn."))
    return unit


def _reports_per_indicator(unit: AdminUnit, period: Period) -> dict[str, int]:
    """How many of the reports the roll-up sums gave a value for each indicator (same reports)."""
    reports = Report.objects.filter(selectors._team_reports_where(unit, period.month_keys, selectors.COUNTED))
    rows = (ReportValue.objects.filter(report__in=reports, value__isnull=False).values("indicator__code")
            .annotate(n=Count("report", distinct=True)))
    return {row["indicator__code"]: row["n"] for row in rows}


@router.get("/rollups", response=RollupOut)
def get_rollup(request, filters: Query[RollupFilter]):
    """The roll-up page's figures for a province or a commune and a period (a month, a quarter, a
    year): per indicator its total (null when no report gave a value) and how many reports gave it,
    and per child unit (a province's communes; a commune's own team and its villages). Sensitive
    indicators only for the commune office and the province admin, as in their exports."""
    unit = _oversight_unit(request, filters.unit)
    period = _period(filters.period)
    form = _form(filters.form, request.user) if filters.form else None
    rollup = visible(selectors.rollup(unit=unit, period=period),
                     include_sensitive=selectors.sees_sensitive(request.user, unit))
    indicators = rollup.indicators
    if form is not None:
        asked = set(form.lines.values_list("indicator_id", flat=True))
        indicators = [i for i in indicators if i.pk in asked or (i.aggregation == Aggregation.RATIO
                                                                   and i.numerator_id in asked)]
    codes = [i.code for i in indicators]
    counts = _reports_per_indicator(unit, period)
    return {
        "unit_code": unit.code, "unit_name": unit.name, "period_key": period.key, "period_label": period.label,
        "report_count": rollup.report_count, "as_of": local(rollup.as_of),
        "lines": [{"indicator": i.code, "name": i.name, "unit_of_measure": i.unit_of_measure,
                   "aggregation": i.aggregation, "total": _figure(rollup.total.get(i.code)),
                   "reports": None if i.aggregation == Aggregation.RATIO else counts.get(i.code, 0)}
                  for i in indicators],
        "children": [{"unit_code": child.code, "unit_name": child.name,
                      "values": {code: _figure(values.get(code)) for code in codes}}
                     for child, values in rollup.rows],
    }


def _counts(rows) -> dict:
    states = [row.state for row in rows]
    missing = states.count("missing")
    return {"expected": len(states), "submitted": len(states) - missing, "on_time": states.count("on_time"),
            "late": states.count("late"), "missing": missing}


@router.get("/completeness", response=list[CompletenessOut])
def get_completeness(request, filters: Query[CompletenessFilter]):
    """The completeness page's figures for a province or a commune and a period, one entry per form
    (or the one `form`): expected, submitted, on time, late and missing, in all and per child unit
    (a province's communes; a commune's own team and its villages). No names or phone numbers."""
    unit = _oversight_unit(request, filters.unit)
    period = _period(filters.period)
    if filters.form:
        form = _form(filters.form, request.user)
        if form.period_type != period.kind:
            raise HttpError(422, _("Mẫu «%(form)s» báo cáo theo kỳ «%(kind)s», không theo kỳ %(period)s.") % {
                "form": form.code, "kind": str(PeriodType(form.period_type).label).lower(), "period": period.key})
        forms = [form]
    else:
        forms = [form for form in ReportForm.objects.for_province(unit).filter(
                 is_active=True, period_type=period.kind).exclude(
            period_type=PeriodType.ONCE) if unit.is_province or form.level != Level.COMMUNE]
    results = []
    for form in forms:
        result = selectors.completeness(form=form, period=period, unit=unit)
        if unit.is_province:  # a province's communes: counted in the database, no row per team
            children = [(child, _totals(counts)) for child, counts in result.communes()]
        else:  # a commune's own team and its villages: a few dozen rows
            by_unit: dict[int, tuple[AdminUnit, list]] = {}
            for row in result.rows:
                by_unit.setdefault(row.unit.pk, (row.unit, []))[1].append(row)
            children = [(child, _counts(rows)) for child, rows in by_unit.values()]
        results.append({
            "form": form.code, "form_name": form.name, "period_key": period.key, "period_label": period.label,
            "as_of": local(result.as_of), **_totals(result.totals),
            "children": [{"unit_code": child.code, "unit_name": child.name, **counts} for child, counts in children]})
    return results


def _totals(counts: selectors.Counts) -> dict:
    return {"expected": counts.expected, "submitted": counts.submitted, "on_time": counts.on_time,
            "late": counts.late, "missing": counts.missing}

