"""Opening, saving, submitting and reviewing reports. Each runs in one transaction; a refused
change raises a ValidationError with a Vietnamese message and writes nothing.

Validation rules (rules.py) never stop a draft from being saved as typed; at sending a broken
"block" rule refuses with its message, and each broken "warn" rule needs the sender's short reason,
kept as a RuleConfirmation written in the same transaction as the submission."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.geo.models import AdminUnit
from tocns.notify.models import NoticeKind
from tocns.notify.services import notify
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Team

from .checks import Checked, broken_rules, check_cells
from .choices import Level, PeriodType, ReportAction, ReportStatus
from .difficulties import difficulty_items_sync
from .models import Indicator, Report, ReportEvent, ReportForm, ReportValue, RuleConfirmation
from .periods import Period, closes_on, due_date
from .rules import Violation, rules_for_form

SUBMITTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
TEXT_FIELDS = ("results", "difficulties", "proposals")
REASON_LENGTH = 300  # RuleConfirmation.reason


def _team_served_during(team: Team, period: Period) -> bool:
    if team.status == TeamStatus.PROPOSED or team.established_on is None:
        return False
    return team.established_on <= period.end and (team.dissolved_on is None or team.dissolved_on >= period.start)


def _form_fits(form: ReportForm, *, team: Team | None, unit: AdminUnit) -> bool:
    if form.province_id is not None and form.province_id != unit.province_id:  # another province's own form
        return False
    if form.level == Level.COMMUNE:
        return team is None and unit.is_commune
    if team is None:
        return False
    return team.unit.is_commune if form.level == Level.COMMUNE_TEAM else team.unit.is_village


@transaction.atomic
def report_open(*, form: ReportForm, period: Period, team: Team | None = None, unit: AdminUnit | None = None,
                request=None, by=None) -> Report:
    """The report of a team (or a commune) for a period: the existing one, or a new draft.
    Opening twice returns the same report; a team's report exists only for a period it served in."""
    unit = team.unit if team is not None else unit
    if not _form_fits(form, team=team, unit=unit):
        raise ValidationError(_("Mẫu “%(form)s” không dành cho %(unit)s.") % {"form": form.name, "unit": unit.name})
    today = timezone.localdate()
    if period.start > today:
        raise ValidationError({"period": ValidationError(_("Kỳ %(period)s chưa bắt đầu: chưa báo cáo được.") % {
            "period": period.label}, code="future_period")})
    if team is not None and not _team_served_during(team, period):
        raise ValidationError({"period": ValidationError(
            _("%(team)s chưa được thành lập hoặc đã giải thể trong %(period)s.") % {
                "team": team, "period": period.label}, code="team_not_serving")})
    key = f"R{request.pk}" if request is not None else period.key
    existing = Report.objects.filter(form=form, unit=unit, period_key=key).first()
    if existing is not None:
        return existing
    if not form.is_active:  # a retired form keeps its reports but starts no new one
        raise ValidationError(_("Mẫu “%(form)s” đã thôi dùng: không lập báo cáo mới theo mẫu này.") % {
            "form": form.name}, code="form_retired")
    try:
        with transaction.atomic():
            report = Report.objects.create(
                form=form, team=team, unit=unit, province=unit.province, commune=unit.commune, request=request,
                period_start=period.start, period_end=period.end, period_key=key,
                due_on=request.due_on if request is not None else due_date(period, form.due_day))
    except IntegrityError:  # opened at the same moment by another request
        return Report.objects.get(form=form, unit=unit, period_key=key)
    ReportEvent.objects.create(report=report, action=ReportAction.CREATED, by=_user(by))
    if form.level == Level.COMMUNE:
        report_prefill_from_teams(report)
    # A team's report stores nothing from the field log here: the page puts the log's counts into
    # the cells the leader has not saved yet, and they are stored by his save (see prefill.py).
    return report


def _user(by):
    return by if by is not None and getattr(by, "is_authenticated", False) else None


USUAL_MIN_REPORTS = 3


def usual_values(report: Report) -> dict[int, Decimal]:
    """The unit's usual figure per indicator: the average of its last six submitted reports
    (none until it has sent three: one month is not a habit)."""
    earlier = list(Report.objects.filter(form=report.form, unit=report.unit, status__in=SUBMITTED,
                                         period_start__lt=report.period_start)
                   .order_by("-period_start").values_list("pk", flat=True)[:6])
    if len(earlier) < USUAL_MIN_REPORTS:
        return {}
    rows = (ReportValue.objects.filter(report_id__in=earlier, value__isnull=False)
            .values("indicator_id").annotate(avg=Avg("value")))
    return {row["indicator_id"]: Decimal(row["avg"]) for row in rows}


def entry_open(report: Report, now=None) -> bool:
    """Whether the team may still type into this report."""
    now = now or timezone.now()
    if report.reopened_until and report.reopened_until > now:
        return True
    if report.status == ReportStatus.RETURNED:
        return True
    if report.status != ReportStatus.DRAFT:
        return False
    period = Period(report.form.period_type, report.period_start.year, 1, report.period_start, report.period_end)
    closing = closes_on(period, report.form.close_after_days)
    return closing is None or timezone.localdate(now) <= closing


def form_indicators(form: ReportForm, *, report: Report | None = None) -> list[Indicator]:
    """The indicators a form asks for. A retired one drops out of new reports but stays on the
    reports that hold a value for it, so history stays visible where it was reported."""
    lines = form.lines.select_related("indicator")
    shown = Q(indicator__retired_on__isnull=True)
    if report is not None and report.pk:
        shown |= Q(indicator__in=report.values.filter(Q(value__isnull=False) | ~Q(raw="")).values("indicator_id"))
    return [line.indicator for line in lines.filter(shown)]


def _refuse_stale_or_closed(report: Report, version: int) -> None:
    if version != report.version:
        raise ValidationError(_("Báo cáo vừa được %(who)s sửa lúc %(at)s. Hãy tải lại trang để xem bản mới rồi "
                                "nhập lại phần của bạn.") % {
            "who": _("người khác"), "at": timezone.localtime(report.updated_at).strftime("%H:%M")}, code="stale")
    if not entry_open(report):
        if report.status in SUBMITTED:
            raise ValidationError(_("Báo cáo đã gửi, không sửa được nữa."), code="not_editable")
        raise ValidationError(_("Đã hết thời hạn nhập báo cáo này. Hãy đề nghị cán bộ xã mở lại."), code="closed")


@dataclass
class SendCheck:
    """What sending would ask the leader to confirm: the cells going out empty, and the broken
    warning rules (each needs a reason)."""

    empty: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def asks(self) -> bool:
        return bool(self.empty or self.warnings)


def _checked_for_sending(report: Report, indicators, values: dict,
                         comments: dict) -> tuple[dict[str, Checked], list[Violation]]:
    """What sending asks beyond a draft: no cell in error, every unusual figure explained, at
    least one figure (a report of empty cells says nothing; 0 is a figure, empty is not), and no
    broken "block" rule. Returns the cells and the broken "warn" rules."""
    checked = check_cells(indicators, values, comments=comments, usual=usual_values(report))
    errors = {code: [result.error or result.warning] for code, result in checked.items()
              if result.error or result.warning}
    if errors:
        raise ValidationError(errors)
    if all(result.value is None for result in checked.values()):
        raise ValidationError(_("Báo cáo chưa có số liệu nào nên chưa gửi được. Hãy nhập ít nhất một ô "
                                "(ghi 0 nếu trong kỳ không có)."), code="empty")
    broken = broken_rules(rules_for_form(report.form, report.province_id), checked)
    blocking = [violation for violation in broken if violation.blocks]
    if blocking:
        raise _rule_refusal(blocking, "rule_block")
    return checked, [violation for violation in broken if not violation.blocks]


def _rule_refusal(broken: list[Violation], code: str, texts: dict | None = None) -> ValidationError:
    """A refusal naming each cell the rules tie, so the page and the phone's queue show the
    message beside every one of them."""
    errors: dict[str, list] = {}
    for violation in broken:
        text = (texts or {}).get(violation.rule.pk) or violation.describe()
        for indicator_code in sorted(violation.codes):
            errors.setdefault(indicator_code, []).append(ValidationError(text, code=code))
    return ValidationError(errors)


def reason_errors(warnings: list[Violation], reasons: dict) -> dict[int, str]:
    """{rule id: what is wrong with its reason} for the warnings the leader confirms by sending."""
    problems = {}
    for violation in warnings:
        reason = str(reasons.get(violation.rule.pk) or "").strip()
        if not reason:
            problems[violation.rule.pk] = _("Hãy ghi lý do ngắn vì sao số liệu vẫn đúng (bắt buộc).")
        elif len(reason) > REASON_LENGTH:
            problems[violation.rule.pk] = _("Lý do tối đa %(max)s ký tự (đang có %(n)s).") % {
                "max": REASON_LENGTH, "n": len(reason)}
    return problems


def report_send_check(*, report: Report, values: dict, comments: dict | None = None, version: int,
                      save_key: str) -> SendCheck:
    """What the page asks once before sending as typed: the cells that would go out empty, and
    the broken warning rules. Raises what report_save(submit=True) would refuse; writes nothing.
    A save key already applied asks nothing: that send is done."""
    report = Report.objects.select_related("form").get(pk=report.pk)
    if save_key and save_key == report.last_save_key:
        return SendCheck()
    _refuse_stale_or_closed(report, version)
    indicators = form_indicators(report.form, report=report)
    checked, warnings = _checked_for_sending(report, indicators, values, comments or {})
    return SendCheck(empty=[indicator for indicator in indicators if checked[indicator.code].value is None],
                     warnings=warnings)


def _four_places(number: Decimal) -> Decimal:
    return number.quantize(Decimal("0.0001"))


def _confirm_warnings(report: Report, warnings: list[Violation], reasons: dict, by) -> None:
    """One confirmation per warning rule broken at this sending; a confirmation of an earlier
    sending whose rule now holds goes, so the page shows only what was confirmed for these figures."""
    report.rule_confirmations.exclude(rule_id__in=[violation.rule.pk for violation in warnings]).delete()
    now = timezone.now()
    for violation in warnings:
        RuleConfirmation.objects.update_or_create(report=report, rule=violation.rule, defaults={
            "reason": str(reasons[violation.rule.pk]).strip(), "left_value": _four_places(violation.left),
            "right_value": _four_places(violation.right), "by": by, "at": now})


@transaction.atomic
def report_save(*, report: Report, values: dict, comments: dict | None = None, texts: dict | None = None,
                version: int, save_key: str, submit: bool = False, reasons: dict | None = None,
                by=None) -> Report:
    """Save the draft (and submit it when asked).

    `values` maps indicator codes to what was typed. A draft keeps every cell, wrong ones too: a
    wrong cell keeps its text in `raw` and no value, so only sending is refused until it is mended.
    A retried request (same save_key) changes nothing; a save made on an older version than the
    stored one is refused, never lost silently.

    A broken rule never stops a draft. Sending is refused by a broken "block" rule, and by a
    broken "warn" rule without its reason in `reasons` ({rule id: text}); with the reasons, each
    warning is kept as a RuleConfirmation in this transaction (a retried send writes none again)."""
    report = Report.objects.select_for_update().select_related("form").get(pk=report.pk)
    if save_key and save_key == report.last_save_key:
        return report
    _refuse_stale_or_closed(report, version)
    comments = comments or {}
    indicators = form_indicators(report.form, report=report)
    warnings, reasons = [], reasons or {}
    if submit:
        checked, warnings = _checked_for_sending(report, indicators, values, comments)
        problems = reason_errors(warnings, reasons)
        if problems:
            unconfirmed = [violation for violation in warnings if violation.rule.pk in problems]
            raise _rule_refusal(unconfirmed, "rule_reason", texts={
                violation.rule.pk: _("%(rule)s Hãy xác nhận kèm lý do trước khi gửi.") % {
                    "rule": violation.describe()} for violation in unconfirmed})
        if warnings and _user(by) is None:
            raise ValidationError(_("Cảnh báo chỉ được xác nhận bởi người gửi đã đăng nhập."), code="no_sender")
    else:
        checked = check_cells(indicators, values, comments=comments)
    existing = {v.indicator_id: v for v in report.values.all()}
    for indicator in indicators:
        result = checked[indicator.code]
        raw = str(values.get(indicator.code) or "").strip()[:100] if result.error else ""
        value, comment = result.value, comments.get(indicator.code, "")[:300]
        row = existing.get(indicator.pk)
        if row is None:
            ReportValue.objects.create(report=report, indicator=indicator, value=value, raw=raw, comment=comment)
        elif (row.value, row.raw, row.comment) != (value, raw, comment):
            row.value, row.raw, row.comment = value, raw, comment
            row.save(update_fields=["value", "raw", "comment"])
    for name in TEXT_FIELDS:
        if texts and name in texts:
            setattr(report, name, texts[name].strip())
    report.version += 1
    report.last_save_key = save_key
    action = ReportAction.SAVED
    if submit:
        now = timezone.now()
        if report.on_time is None:  # decided at the first submission, never changed afterwards
            report.on_time = timezone.localdate(now) <= report.due_on
            report.submitted_at = now
        report.status, report.submitted_by = ReportStatus.SUBMITTED, _user(by)
        report.reopened_until = None
        action = ReportAction.SUBMITTED
    report.save()
    if submit:
        _confirm_warnings(report, warnings, reasons, _user(by))
    ReportEvent.objects.create(report=report, action=action, by=_user(by))
    if submit:  # difficulties-tasks: each difficulty and proposal sent becomes an item followed up
        difficulty_items_sync(report=report, by=_user(by))
    return report


def _review_target(report: Report) -> Report:
    report = Report.objects.select_for_update().select_related("form", "unit").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Chỉ xem xét được báo cáo đã gửi (báo cáo này: %(status)s).") % {
            "status": report.get_status_display().lower()}, code="not_submitted")
    return report


@transaction.atomic
def report_return(*, report: Report, by, comment: str) -> Report:
    if not comment.strip():
        raise ValidationError({"comment": _("Hãy ghi cần sửa gì để tổ biết.")})
    report = _review_target(report)
    report.status, report.reviewed_by, report.reviewed_at = ReportStatus.RETURNED, by, timezone.now()
    report.review_comment = comment.strip()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"])
    ReportEvent.objects.create(report=report, action=ReportAction.RETURNED, by=by, comment=comment.strip())
    if report.submitted_by_id:
        notify(kind=NoticeKind.REPORT_RETURNED, params={
            "unit": report.unit.name, "report": report.period_start.strftime("%m/%Y"), "comment": comment.strip()},
            about=report, recipient=report.submitted_by)
    return report


@transaction.atomic
def report_accept(*, report: Report, by, comment: str = "") -> Report:
    report = _review_target(report)
    report.status, report.reviewed_by, report.reviewed_at = ReportStatus.ACCEPTED, by, timezone.now()
    report.review_comment = comment.strip()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"])
    ReportEvent.objects.create(report=report, action=ReportAction.ACCEPTED, by=by, comment=comment.strip())
    return report


@transaction.atomic
def report_reopen(*, report: Report, by, days: int, reason: str) -> Report:
    """The level above lets a team type into a closed report again, for a few days (recorded)."""
    if not 1 <= days <= 30:
        raise ValidationError({"days": _("Mở lại từ 1 đến 30 ngày.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại.")})
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status in SUBMITTED:
        raise ValidationError(_("Báo cáo đã gửi; nếu cần sửa, hãy trả lại báo cáo."), code="submitted")
    report.reopened_until = timezone.now() + timedelta(days=days)
    report.save(update_fields=["reopened_until", "updated_at"])
    ReportEvent.objects.create(report=report, action=ReportAction.REOPENED, by=by,
                               comment=_("%(days)s ngày: %(reason)s") % {"days": days, "reason": reason.strip()})
    return report


def report_prefill_from_teams(report: Report) -> None:
    """A commune's report starts from the accepted reports of its teams for the same months."""
    from .selectors import rollup_values

    if report.form.period_type == PeriodType.ONCE:
        months = None
    else:
        from .periods import parse_period

        months = parse_period(report.period_key).month_keys
    totals = rollup_values(unit=report.commune, month_keys=months, statuses=(ReportStatus.ACCEPTED,),
                           start=report.period_start, end=report.period_end)
    for indicator in form_indicators(report.form, report=report):
        value = totals.get(indicator.code)
        ReportValue.objects.update_or_create(report=report, indicator=indicator, defaults={"value": value})
