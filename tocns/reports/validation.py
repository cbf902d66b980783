"""Validation rules as data: the province admin adds, edits and retires them (services), and the
validation analysis lists every rule broken by the reports of a unit for a period (DHIS2's
"validation rule analysis"; selectors).

rule_save and rule_retire take keyword arguments, run in one transaction, record the change with
audit_record, and refuse with a ValidationError in Vietnamese keyed by the field at fault, writing
nothing. An edit carries the version the admin started from: an older one is refused, so two admins
never silently overwrite each other. Retiring sets retired_at and keeps the row: confirmations
given against the rule still point at it.

The analysis reads the reports in one query and their values in one more, and compiles each form's
rules once (rules.rules_for_form); it shows figures of the rule's indicators, sensitive ones
included, so it is open only to the roles that may see those (the `oversight` page rule)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts.models import Assignment, Role
from tocns.audit.services import audit_record
from tocns.geo.models import AdminUnit
from tocns.lib.text import clean_spaces

from .choices import Aggregation, ReportStatus, RuleOperator, RuleStrength
from .models import FormIndicator, Indicator, Report, ReportForm, ReportValue, RuleConfirmation, ValidationRule
from .periods import Period
from .rules import RuleSyntaxError, Violation, parse, rules_for_form, violations

RULE_FIELDS = ("name", "left", "operator", "right", "right_high", "strength", "message", "form")
SIDES = ("left", "right", "right_high")


# ---- services ------------------------------------------------------------------------------------

def _audit(by, action: str, rule: ValidationRule, summary: str, data: dict) -> None:
    """Rules belong to no unit; their changes are logged under the province of whoever made them."""
    province_id = None
    if getattr(by, "is_authenticated", False):
        province_id = (Assignment.objects.active().filter(user=by, role=Role.PROVINCE_ADMIN)
                       .values_list("unit__province_id", flat=True).first())
    audit_record(actor=by, action=action, obj=rule, summary=summary, data=data, province_id=province_id)


def _syntax_message(exc: RuleSyntaxError) -> str:
    # Some of the reader's messages already say where ("… ở vị trí 4."): say it once.
    if _("vị trí") in exc.message:
        return exc.message
    return _("%(message)s (ở vị trí %(pos)s)") % {"message": exc.message, "pos": exc.position + 1}


def _codes_list(codes) -> str:
    return ", ".join(sorted(codes))


def clean_rule(data: dict, province=None) -> dict:
    """The rule's fields as they will be saved, or a ValidationError naming each field at fault:
    both sides read by rules.parse, every code an entered (not computed) indicator of the rule's
    catalogue (`province`'s and the national one; None: national only), and with a form chosen, one
    of that catalogue and only that form's indicators."""
    errors: dict[str, str] = {}
    clean = {name: data.get(name) for name in RULE_FIELDS}
    for name in ("name", "message"):
        clean[name] = clean_spaces(clean[name] or "")
    if not clean["name"]:
        errors["name"] = _("Hãy đặt tên cho quy tắc.")
    if not clean["message"]:
        errors["message"] = _("Hãy viết thông báo tổ sẽ đọc khi số liệu sai quy tắc.")
    if clean["operator"] not in RuleOperator.values:
        errors["operator"] = _("Hãy chọn phép so sánh.")
    if clean["strength"] not in RuleStrength.values:
        errors["strength"] = _("Hãy chọn mức: chặn hoặc cảnh báo.")
    for name in SIDES:
        clean[name] = (clean[name] or "").strip()
    between = clean["operator"] == RuleOperator.BETWEEN
    if not between and clean["right_high"]:
        errors["right_high"] = _("Chỉ điền ô này khi chọn “trong khoảng”; hãy để trống.")

    parsed = {}
    for name in SIDES:
        if name == "right_high" and not between:
            continue
        if name == "right_high" and not clean[name]:
            errors[name] = _("Với “trong khoảng”, hãy nhập cả giới hạn trên.")
            continue
        try:
            parsed[name] = parse(clean[name])
        except RuleSyntaxError as exc:
            errors[name] = _syntax_message(exc)
        else:
            clean[name] = parsed[name].text

    named = set().union(*(expr.codes for expr in parsed.values())) if parsed else set()
    known = {i.code: i for i in Indicator.objects.for_province(province).filter(code__in=named)
             .only("code", "aggregation")}
    report_form = clean["form"]
    if report_form is not None and report_form.province_id not in (None, getattr(province, "pk", province)):
        errors["form"] = _("Hãy chọn mẫu trong danh sách.")
        report_form = None
    form_codes = None
    if report_form is not None:
        form_codes = set(FormIndicator.objects.filter(form=report_form).values_list("indicator__code", flat=True))
    for name, expr in parsed.items():
        unknown = expr.codes - set(known)
        computed = {code for code in expr.codes & set(known) if known[code].aggregation == Aggregation.RATIO}
        if unknown:
            errors[name] = _("Không có chỉ số mã %(codes)s.") % {"codes": _codes_list(unknown)}
        elif computed:
            errors[name] = _("%(codes)s là tỷ lệ tính ra, không do tổ nhập: quy tắc chỉ dùng chỉ số được nhập "
                             "(hãy viết bằng tử số và mẫu số của nó).") % {"codes": _codes_list(computed)}
        elif form_codes is not None and expr.codes - form_codes:
            errors[name] = _("Mẫu “%(form)s” không có chỉ số %(codes)s.") % {
                "form": report_form.name, "codes": _codes_list(expr.codes - form_codes)}
    if parsed and not named and not any(name in errors for name in SIDES):
        errors["left"] = _("Quy tắc phải có ít nhất một mã chỉ số (ví dụ HN + HCN).")
    if named and not errors and report_form is None and not _some_form_has(named, province):
        errors["form"] = _("Chưa mẫu báo cáo nào có đủ các chỉ số %(codes)s: quy tắc sẽ không được kiểm tra ở "
                           "đâu cả.") % {"codes": _codes_list(named)}
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    return clean


def _some_form_has(codes: set, province=None) -> bool:
    counts = defaultdict(int)
    for form_id in FormIndicator.objects.filter(
            indicator__code__in=codes, form__in=ReportForm.objects.for_province(province)).values_list(
            "form_id", flat=True):
        counts[form_id] += 1
    return any(count == len(codes) for count in counts.values())


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


@transaction.atomic
def rule_save(*, rule: ValidationRule | None = None, data: dict, version: int | None = None, by,
              province=None) -> ValidationRule:
    """Add a rule (rule=None) of `province` (None: national) or change one. `version` is the rule's
    version the admin's page showed; if someone saved since, nothing is written and the refusal says so."""
    if rule is not None:
        rule = ValidationRule.objects.select_for_update().get(pk=rule.pk)
        if rule.retired_at is not None:
            raise ValidationError(_("Quy tắc này đã thôi dùng: không sửa được."))
        if version != rule.version:
            raise ValidationError(
                _("Quy tắc vừa được người khác sửa lúc %(at)s nên chưa lưu những gì bạn gõ. Hãy xem bản hiện tại "
                  "ở trên, sửa lại nếu cần rồi bấm Lưu.") % {
                    "at": timezone.localtime(rule.updated_at).strftime("%H:%M %d/%m/%Y")},
                code="stale")
    if rule is not None:
        province = rule.province_id
    clean = clean_rule(data, province)
    if rule is None:
        order = (ValidationRule.objects.aggregate(top=Max("order"))["top"] or 0) + 1
        rule = ValidationRule.objects.create(**clean, order=order, province_id=getattr(province, "pk", province),
                                             created_by=by if by and by.pk else None)
        _audit(by, "validation_rule.create", rule, _("Thêm quy tắc kiểm tra “%(name)s”: %(rule)s") % {
            "name": rule.name, "rule": rule.expression},
            {name: _plain(value) for name, value in clean.items()})
        return rule
    changed = {name: (getattr(rule, name), value) for name, value in clean.items() if getattr(rule, name) != value}
    if not changed:
        return rule
    for name, (_old, new) in changed.items():
        setattr(rule, name, new)
    rule.version += 1
    rule.save(update_fields=[*changed, "version", "updated_at"])
    _audit(by, "validation_rule.update", rule, _("Sửa quy tắc kiểm tra “%(name)s”: %(rule)s") % {
        "name": rule.name, "rule": rule.expression},
        {"changed": {name: [_plain(old), _plain(new)] for name, (old, new) in changed.items()}})
    return rule


@transaction.atomic
def rule_retire(*, rule: ValidationRule, by) -> ValidationRule:
    """Stop checking the rule on every report not yet sent; the row stays as the record."""
    rule = ValidationRule.objects.select_for_update().get(pk=rule.pk)
    if rule.retired_at is not None:
        return rule
    rule.retired_at = timezone.now()
    rule.version += 1
    rule.save(update_fields=["retired_at", "version", "updated_at"])
    _audit(by, "validation_rule.retire", rule, _("Thôi dùng quy tắc kiểm tra “%(name)s”") % {"name": rule.name},
           {"expression": rule.expression})
    return rule


# ---- selectors -----------------------------------------------------------------------------------

def rules_listed(province=None):
    """Every rule for the settings page (national and the province's), in force first, in the order
    they are checked."""
    return ValidationRule.objects.for_province(province).select_related("form").order_by(
        F("retired_at").asc(nulls_first=True), "order", "id")


@dataclass(frozen=True)
class UnitRow:
    pk: int
    name: str
    code: str
    kind: str

    @property
    def is_commune(self) -> bool:
        return self.kind in COMMUNE_KINDS


@dataclass(frozen=True)
class ReportRow:
    """The few columns of a report the analysis shows: a province has thousands of reports a month,
    and whole Report objects (with their unit and commune) would cost more than the checks."""

    pk: int
    form_id: int
    status: str
    unit: UnitRow
    commune: UnitRow

    def get_status_display(self) -> str:
        return ReportStatus(self.status).label


@dataclass
class Finding:
    """One rule broken by one report."""

    report: ReportRow
    violation: Violation
    confirmation: RuleConfirmation | None = None

    @property
    def rule(self):
        return self.violation.rule


@dataclass
class Analysis:
    unit: AdminUnit
    period: Period
    form: ReportForm | None
    findings: list[Finding] = field(default_factory=list)
    reports_checked: int = 0
    rules_checked: int = 0

    @property
    def reports_with_findings(self) -> int:
        return len({f.report.pk for f in self.findings})

    @property
    def blocking(self) -> int:
        return sum(1 for f in self.findings if f.violation.blocks)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.blocking

    def by_rule(self) -> list[tuple[ValidationRule, int]]:
        counts: dict = {}
        for finding in self.findings:
            rule = finding.rule
            counts.setdefault(rule.pk, [rule, 0])[1] += 1
        return sorted(((rule, n) for rule, n in counts.values()), key=lambda pair: (pair[0].order, pair[0].pk))

    def by_commune(self) -> list[tuple[UnitRow, int]]:
        """(commune, findings) for a province's analysis, communes in name order."""
        counts: dict = {}
        for finding in self.findings:
            commune = finding.report.commune
            counts.setdefault(commune.pk, [commune, 0])[1] += 1
        return [(commune, n) for commune, n in counts.values()]

    @property
    def shown(self) -> list[Finding]:
        return self.findings[:SHOWN]


SHOWN = 100  # findings listed on the page; the rest are counted, and a commune's page lists its own
COMMUNE_KINDS = ("xa", "phuong", "dac_khu")
IDS_PER_QUERY = 20_000
REPORT_COLUMNS = ("pk", "form_id", "status", "unit_id", "unit__name", "unit__code", "unit__kind", "commune_id",
                  "commune__name", "commune__code", "commune__kind")


def analysis_forms(period: Period, province=None):
    """The forms a period's analysis can be about: active ones of the period's kind (national ones and
    the province's)."""
    return (ReportForm.objects.for_province(province).filter(is_active=True, period_type=period.kind)
            .order_by("level", "code"))


def _reports_of(unit: AdminUnit, period: Period, form: ReportForm | None, prefix: str = "") -> Q:
    """The analysed reports, as a filter on Report (prefix "") or on a model pointing at it ("report__")."""
    area = Q(**{f"{prefix}{'province' if unit.is_province else 'commune'}": unit})
    forms = Q(**{f"{prefix}form": form}) if form is not None else Q(
        **{f"{prefix}form__in": analysis_forms(period, unit.province_id)})
    return area & forms & Q(**{f"{prefix}period_key": period.key})


def _report_rows(where: Q) -> list[ReportRow]:
    rows, communes = [], {}
    for (pk, form_id, status, unit_id, unit_name, unit_code, unit_kind, commune_id, commune_name, commune_code,
         commune_kind) in (Report.objects.filter(where)
                           .order_by("commune__name_folded", "unit__name_folded", "pk").values_list(*REPORT_COLUMNS)):
        commune = communes.get(commune_id)
        if commune is None:
            commune = communes[commune_id] = UnitRow(commune_id, commune_name, commune_code, commune_kind)
        unit = commune if unit_id == commune_id else UnitRow(unit_id, unit_name, unit_code, unit_kind)
        rows.append(ReportRow(pk, form_id, status, unit, commune))
    return rows


def validation_analysis(*, unit: AdminUnit, period: Period, form: ReportForm | None = None) -> Analysis:
    """Every rule in force broken by the reports of the units under `unit` (a province or a commune)
    for `period`, for one form or every form of the period's kind. The caller has checked the user's
    scope covers `unit`."""
    result = Analysis(unit=unit, period=period, form=form)
    reports = _report_rows(_reports_of(unit, period, form))
    result.reports_checked = len(reports)
    if not reports:
        return result
    compiled = {one.pk: rules_for_form(one, unit.province_id)
                for one in ReportForm.objects.filter(pk__in={r.form_id for r in reports})}
    result.rules_checked = len({c.rule.pk for rules in compiled.values() for c in rules})
    if not result.rules_checked:
        return result

    # The values by the reports' ids: PostgreSQL then reads them through the report index, where a
    # join on the same filter made it scan every value of every month (375 ms against 100 ms for a
    # province's month in bench/rules.py). A province's month is a few thousand ids, one query;
    # the batches only keep far under SQLite's limit on parameters.
    values: dict[int, dict] = defaultdict(dict)
    codes = dict(Indicator.objects.values_list("pk", "code"))
    ids = [report.pk for report in reports]
    for start in range(0, len(ids), IDS_PER_QUERY):
        for report_id, indicator_id, value in ReportValue.objects.filter(
                report_id__in=ids[start:start + IDS_PER_QUERY], value__isnull=False).values_list(
                "report_id", "indicator_id", "value"):
            values[report_id][codes[indicator_id]] = value

    # A rule is skipped while one of its indicators is empty (rules.check): a set test first spares
    # evaluating it. The values hold only figures that are there, so the outcome is the same.
    prepared = {form_id: [(rule, rule.codes) for rule in rules] for form_id, rules in compiled.items()}
    for report in reports:
        entered = values.get(report.pk)
        if not entered:
            continue
        keys = set(entered)
        for violation in violations([rule for rule, needs in prepared[report.form_id] if needs <= keys], entered):
            result.findings.append(Finding(report, violation))

    if any(not f.violation.blocks for f in result.findings):
        confirmations = {(c.report_id, c.rule_id): c for c in RuleConfirmation.objects.filter(
            _reports_of(unit, period, form, "report__")).only("report_id", "rule_id", "reason", "at")}
        for finding in result.findings:
            finding.confirmation = confirmations.get((finding.report.pk, finding.rule.pk))
    return result

