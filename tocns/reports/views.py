"""Report pages: a leader fills in and sends the month's report on the phone; the commune office
reviews; everyone sees completeness and roll-ups for the units they cover."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.accounts.access import page_rule
from tocns.accounts.selectors import scope_for, unit_for_user_or_404, units_for_user
from tocns.lib.dbrouter import reads_from_replica
from tocns.lib.http import DOCX, XLSX, attachment
from tocns.teams.selectors import team_for_user_or_404

from . import selectors, services
from .checks import broken_rules, check_cells, check_value, rules_at
from .choices import Level, PeriodType, Pillar, ReportStatus
from .exports import may_include_sensitive, rollup_docx_for, rollup_filename, rollup_xlsx_for, sensitive_in
from .forms import NarrativeForm, ReopenForm, ReviewForm
from .models import Indicator, ReportForm, RuleConfirmation
from .narrative import draft_narrative, report_zalo_summary, zalo_summary
from .periods import parse_period, period_of
from .prefill import suggestions
from .rules import RuleSyntaxError, Violation, compile_rule, rules_for_form


@login_required
def report_list(request):
    """My teams' reports (leaders), my commune's (officers), or the communes' (province)."""
    reports = selectors.reports_for_user(request.user)
    status = request.GET.get("status", "")
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    page = Paginator(reports.order_by("-period_start", "unit__name_folded"), 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    current = []
    for team in selectors.teams_led_by(request.user):
        for form in selectors.forms_for_team(team):  # several forms may run side by side
            period = period_of(form.period_type, today, form.period_rule)
            report = team.reports.filter(form=form, period_start=period.start).first()
            current.append({"team": team, "form": form, "period": period, "report": report})
    for commune in selectors.communes_reporting_for(request.user):
        for form in ReportForm.objects.for_province(commune).filter(
                is_active=True, level=Level.COMMUNE, period_type__in=[PeriodType.QUARTER, PeriodType.YEAR]):
            period = period_of(form.period_type, today, form.period_rule)
            report = commune.reports.filter(form=form, period_start=period.start).first()
            current.append({"unit": commune, "form": form, "period": period, "report": report})
    return render(request, "reports/report_list.html", {
        "page": page, "current": current, "status": status, "statuses": ReportStatus.choices,
        "to_review": selectors.reports_to_review(request.user)[:20],
        "params": urlencode({"status": status}) if status else "",
    })


@login_required
@require_POST
def report_open(request):
    """Open (or create) the report a button names: a team's month, or a commune's quarter or year."""
    form = get_object_or_404(ReportForm, pk=request.POST.get("form"), is_active=True)
    try:
        period = parse_period(request.POST.get("period", ""), form.period_rule)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("reports:list")
    team = unit = None
    if form.level == Level.COMMUNE:
        unit = unit_for_user_or_404(request.user, code=request.POST.get("unit", ""))
    else:
        team = team_for_user_or_404(request.user, int(request.POST.get("team") or 0))
    try:
        report = services.report_open(form=form, period=period, team=team, unit=unit, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:list")
    if not (selectors.can_edit(request.user, report) or selectors.can_review(request.user, report)):
        raise Http404
    return redirect("reports:detail", pk=report.pk)


def _hidden_for(user, report) -> set[int]:
    """The sensitive indicators this viewer may not see in this report (a team member)."""
    return set() if selectors.sees_sensitive_in_report(user, report) else selectors.sensitive_ids()


def _lines(report, *, can_edit: bool, values=None, comments=None, hidden=frozenset()):
    """One row per indicator, under its form section's heading (or its pillar's, where the line has
    no section), in the form's order: what is in the cell, where the log's count comes from
    ("Theo nhật ký: 12 người"), and any message, checked as a send would check them, the broken
    rules beside every cell they tie."""
    stored = {v.indicator_id: v for v in report.values.all()}
    indicators = services.form_indicators(report.form, report=report)
    hidden_codes = {i.code for i in indicators if i.pk in hidden}
    found = suggestions(report) if report.team_id else {}
    cells, prefilled = {}, set()
    for indicator in indicators:
        code, row = indicator.code, stored.get(indicator.pk)
        if values is not None:  # what was just posted, as typed
            cells[code] = values.get(code, "")
        elif row is not None:  # saved before, even empty: the log never replaces it
            cells[code] = row.raw or (_plain(row.value) if row.value is not None else "")
        elif can_edit and code in found:  # never saved: the log's count, stored by the leader's save (prefill.py)
            cells[code] = _plain(found[code].value)
            prefilled.add(code)
        else:
            cells[code] = ""
    if comments is None:
        comments = {indicator.code: stored[indicator.pk].comment for indicator in indicators if indicator.pk in stored}
    checked = check_cells(indicators, cells, comments=comments, usual=services.usual_values(report))
    broken = [v for v in broken_rules(rules_for_form(report.form, report.province_id), checked)
              if not v.codes & hidden_codes]
    sections = dict(report.form.lines.values_list("indicator_id", "section"))
    labels = dict(Pillar.choices)
    groups: dict = {}
    for indicator in indicators:
        if indicator.pk in hidden:
            continue
        heading = sections.get(indicator.pk) or labels[indicator.pillar]
        groups.setdefault(heading, []).append(
            _line(indicator, cells[indicator.code], comments.get(indicator.code, ""), checked[indicator.code],
                  found.get(indicator.code), prefilled=indicator.code in prefilled,
                  rules=rules_at(broken, indicator.code)))
    return list(groups.items())


def _line(indicator, raw: str, comment: str, checked, suggestion, *, prefilled: bool = False,
          rules=()) -> dict:
    return {"indicator": indicator, "raw": raw, "comment": comment, "error": checked.error,
            "warning": checked.warning, "prefilled": prefilled, "rules": list(rules),
            "source": suggestion.line(indicator.unit_of_measure) if suggestion else "",
            "differs": bool(suggestion and str(raw).strip() and checked.value != suggestion.value)}


def _plain(value) -> str:
    return str(int(value)) if value == value.to_integral_value() else str(value).replace(".", ",")


SEND, CONFIRM = "submit", "confirm"


@login_required
def report_detail(request, pk: int):
    """The report's page. "Gửi báo cáo" (action=submit) sends at once when no cell is empty and no
    warning rule is broken; otherwise the page comes back naming the empty cells and the warnings,
    each with a field for its reason, and a "Vẫn gửi" button (action=confirm) that posts the same
    values, version and save key (so a retried confirmation sends once and a stale one is still
    refused) with the reasons. Nothing is written until the leader confirms."""
    report = selectors.report_for_user_or_404(request.user, pk)
    hidden = _hidden_for(request.user, report)
    can_edit = selectors.can_edit(request.user, report) and services.entry_open(report)
    can_review = selectors.can_review(request.user, report) and report.status == ReportStatus.SUBMITTED
    general_error, values, comments, asked, save_key = "", None, None, None, uuid.uuid4().hex
    if request.method == "POST":
        # Not `can_edit`: a retried send of a report that went out answers "sent", and a report
        # that closed meanwhile says so; the services decide both.
        if not selectors.can_edit(request.user, report):
            raise Http404
        codes = [i.code for i in services.form_indicators(report.form, report=report)]
        values = {code: request.POST.get(f"v_{code}", "") for code in codes}
        comments = {code: request.POST.get(f"c_{code}", "") for code in codes}
        texts = {name: request.POST.get(name, "") for name in services.TEXT_FIELDS}
        reasons = _posted_reasons(request.POST)
        action, posted_key = request.POST.get("action"), request.POST.get("save_key", "")
        sending = action in (SEND, CONFIRM)
        try:
            version = int(request.POST.get("version", "0"))
            if sending:
                check = services.report_send_check(report=report, values=values, comments=comments,
                                                   version=version, save_key=posted_key)
                problems = services.reason_errors(check.warnings, reasons) if action == CONFIRM else {}
                if problems or (action == SEND and check.asks):
                    asked = _asking(check, reasons, problems)
            if asked is None:
                saved = services.report_save(report=report, values=values, comments=comments, texts=texts,
                                             version=version, save_key=posted_key, submit=sending,
                                             reasons=reasons, by=request.user)
        except (ValidationError, ValueError) as exc:
            general_error, asked = _refusal(exc), None
        else:
            if asked is None:
                _tell_saved(request, saved)
                return redirect("reports:detail", pk=saved.pk)
            save_key = posted_key or save_key  # the confirmation posts the same key: sent once
        if can_edit:  # typed values stay in the form; a page that can no longer be typed in shows the stored ones
            for name, text in texts.items():
                setattr(report, name, text)
        else:
            values = comments = None
    context = {
        "report": report, "can_edit": can_edit, "can_review": can_review,
        "can_reopen": selectors.can_review(request.user, report) and not services.entry_open(report)
        and report.status not in services.SUBMITTED,
        "groups": _lines(report, can_edit=can_edit, values=values, comments=comments, hidden=hidden),
        "asked": asked, "confirmations": _confirmations(report, hidden), "general_error": general_error,
        "save_key": save_key, "period_label": _period_label(report), "events": selectors.history(report),
        "review_form": ReviewForm(), "reopen_form": ReopenForm(),
    }
    return render(request, "reports/report_detail.html", context)


def _posted_reasons(data) -> dict[int, str]:
    """The reasons typed in the confirmation, one field per warning rule: reason_<rule id>."""
    return {int(name.removeprefix("reason_")): text for name, text in data.items()
            if name.startswith("reason_") and name.removeprefix("reason_").isdigit()}


def _asking(check, reasons: dict, problems: dict) -> dict:
    """The confirmation the page shows before sending: empty cells, and each warning with its reason."""
    return {"empty": check.empty, "warnings": [
        {"rule": violation.rule, "text": violation.describe(), "reason": reasons.get(violation.rule.pk, ""),
         "error": problems.get(violation.rule.pk, ""), "cell": min(violation.codes)}
        for violation in check.warnings]}


def _confirmations(report, hidden=frozenset()) -> list[dict]:
    """The warnings confirmed at sending, with the figures and the sender's reason, for the leader
    and for the officer who reviews the report (not one that names a figure hidden from the viewer)."""
    hidden_codes = set(Indicator.objects.filter(pk__in=hidden).values_list("code", flat=True)) if hidden else set()
    shown = []
    for c in RuleConfirmation.objects.filter(report=report).select_related("rule", "by"):
        if hidden_codes and _rule_codes(c.rule) & hidden_codes:
            continue
        shown.append({"text": Violation(rule=c.rule, left=c.left_value, right=c.right_value, high=None,
                                        codes=frozenset()).describe(), "reason": c.reason, "by": c.by, "at": c.at})
    return shown


def _rule_codes(rule) -> set[str]:
    try:
        return set(compile_rule(rule).codes)
    except RuleSyntaxError:
        return set()


RULE_REFUSALS = ("rule_block", "rule_reason")


def _refusal(exc) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        broken = list(dict.fromkeys(error.message for errors in exc.error_dict.values() for error in errors
                                    if error.code in RULE_REFUSALS))
        if broken:  # the rules' own words, once each (the refusal names every cell a rule ties)
            return _("Báo cáo chưa được gửi: %(rules)s") % {"rules": " ".join(broken)}
        # Only sending checks cells strictly; a draft keeps them whatever they hold.
        return _("Báo cáo chưa được gửi: có %(n)s ô cần sửa hoặc cần giải thích. Bấm “Lưu nháp” để giữ lại "
                 "những gì đã nhập.") % {"n": len(exc.error_dict)}
    return " ".join(getattr(exc, "messages", [str(exc)])) if isinstance(exc, ValidationError) else _(
        "Trang đã cũ: hãy tải lại trang rồi lưu lại.")


def _tell_saved(request, report) -> None:
    if report.status in services.SUBMITTED:
        messages.success(request, _("Đã gửi báo cáo %(period)s.") % {"period": _period_label(report)})
        return
    to_fix = report.values.exclude(raw="").count()
    if to_fix:
        messages.warning(request, _("Đã lưu nháp. Còn %(n)s ô cần sửa trước khi gửi.") % {"n": to_fix})
    else:
        messages.success(request, _("Đã lưu nháp."))


def _period_label(report) -> str:
    if report.request_id:
        return report.request.title
    return parse_period(report.period_key).label


@login_required
@require_POST
def value_check(request, pk: int, code: str):
    """The same check as the server's, for one value as it is typed (htmx), and the rules that tie
    it to other cells, with what is typed in them now (the page posts the whole form): the broken
    rules' messages beside this cell, and beside each other cell they name (out-of-band swaps of
    their message areas only, so a cell being typed in is never replaced)."""
    report = selectors.report_for_user_or_404(request.user, pk)
    indicator = get_object_or_404(Indicator, code=code)
    if indicator.pk in _hidden_for(request.user, report):
        raise Http404  # its warning would show the usual figure
    usual = services.usual_values(report).get(indicator.pk)
    raw, comment = request.POST.get(f"v_{code}", ""), request.POST.get(f"c_{code}", "")
    checked = check_value(indicator, raw, usual=usual, comment=comment)
    indicators = services.form_indicators(report.form, report=report)
    cells = check_cells(indicators, {i.code: request.POST.get(f"v_{i.code}", "") for i in indicators})
    rules = rules_for_form(report.form, report.province_id)
    broken = broken_rules(rules, cells)  # all of them: a tied cell's area shows its other rules too
    tied = {other for rule in rules if code in rule.codes for other in rule.codes} - {code}
    others = [{"code": i.code, "rules": rules_at(broken, i.code)} for i in indicators
              if i.code in tied and f"v_{i.code}" in request.POST]
    suggestion = suggestions(report).get(code) if report.team_id else None
    line = _line(indicator, raw, comment, checked, suggestion, rules=rules_at(broken, code))
    return render(request, "reports/_cell_check.html", {"line": line, "others": others, "report": report,
                                                        "can_edit": True})


@login_required
@require_POST
def report_review(request, pk: int):
    report = selectors.report_for_user_or_404(request.user, pk)
    if not selectors.can_review(request.user, report):
        raise Http404
    comment, action = request.POST.get("comment", ""), request.POST.get("action")
    try:
        # Only a pressed button decides: a bare POST (a retried or forged request) accepts nothing.
        if action == "return":
            services.report_return(report=report, by=request.user, comment=comment)
            messages.success(request, _("Đã trả lại báo cáo để tổ sửa."))
        elif action == "accept":
            services.report_accept(report=report, by=request.user, comment=comment)
            messages.success(request, _("Đã tiếp nhận báo cáo."))
        else:
            raise ValidationError(_("Hãy chọn Tiếp nhận hoặc Trả lại để sửa."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_POST
def report_reopen(request, pk: int):
    report = selectors.report_for_user_or_404(request.user, pk)
    if not selectors.can_review(request.user, report):
        raise Http404
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.report_reopen(report=report, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã mở lại báo cáo %(days)s ngày.") % form.cleaned_data)
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("reports:detail", pk=report.pk)


@login_required
def report_zalo(request, pk: int):
    report = selectors.report_for_user_or_404(request.user, pk)
    return render(request, "reports/zalo.html", {"text": report_zalo_summary(report), "back": report})


# ---- completeness and roll-up --------------------------------------------------------------------

def _unit_and_period(request, *, default_kind=PeriodType.MONTH):
    """The unit (default: the user's widest) and the period (default: last month) a page is about."""
    scope = scope_for(request.user)
    code = request.GET.get("unit", "")
    if code:
        unit = unit_for_user_or_404(request.user, code=code)
    else:
        units = units_for_user(request.user)
        unit = units.provinces().first() if scope.province_ids else units.communes().filter(
            pk__in=scope.commune_ids).first()
    if unit is None or unit.is_village:
        raise Http404
    raw = request.GET.get("period", "")
    if raw:
        try:
            period = parse_period(raw)
        except ValueError as exc:
            return unit, period_of(default_kind, timezone.localdate()).previous(), str(exc)
    else:
        period = period_of(default_kind, timezone.localdate()).previous()
    return unit, period, ""


@login_required
@page_rule("oversight")
@reads_from_replica
def completeness(request):
    unit, period, period_error = _unit_and_period(request)
    forms = list(ReportForm.objects.for_province(unit).filter(is_active=True, period_type=period.kind).exclude(
        period_type=PeriodType.ONCE))
    results = [selectors.completeness(form=form, period=period, unit=unit) for form in forms
               if unit.is_province or form.level != Level.COMMUNE]
    # The counts come from the database; only the page of missing units shown is built row by row.
    for result in results:
        result.page = result.missing_page(request.GET.get("page"), MISSING_PER_PAGE)
    children = [(child, [result.by_commune.get(child.pk) for result in results])
                for child in _child_links(request.user, unit)]
    return render(request, "reports/completeness.html", {
        "unit": unit, "period": period, "period_error": period_error, "results": results, "children": children,
        "params": urlencode({"unit": unit.code, "period": period.key})})


MISSING_PER_PAGE = 50  # units not yet sent, per page of the completeness page


def _child_links(user, unit):
    return units_for_user(user).communes().order_by("name_folded") if unit.is_province else []


@login_required
@page_rule("oversight")
@reads_from_replica
def rollup(request):
    unit, period, period_error = _unit_and_period(request)
    result = selectors.rollup(unit=unit, period=period)
    fmt = request.GET.get("format", "")
    if fmt == "xlsx":
        content = rollup_xlsx_for(user=request.user, rollup=result,
                                  include_sensitive=request.GET.get("sensitive") == "1")
        return attachment(content, rollup_filename(result), XLSX)
    form_for_completeness = selectors.first_team_form(Level.VILLAGE_TEAM, unit.province_id)
    report_completeness = selectors.completeness(form=form_for_completeness, period=period, unit=unit) if (
        form_for_completeness and period.kind == PeriodType.MONTH) else None
    if fmt == "zalo":
        return render(request, "reports/zalo.html", {"text": zalo_summary(result, report_completeness),
                                                     "back_url": request.get_full_path().replace("format=zalo", "")})
    return render(request, "reports/rollup.html", {
        "rollup": result, "unit": unit, "period": period, "period_error": period_error,
        "completeness": report_completeness, "query": urlencode({"unit": unit.code, "period": period.key}),
        "pillars": dict(Pillar.choices),
        "offer_sensitive": bool(sensitive_in(result)) and may_include_sensitive(request.user, result)})


@login_required
@page_rule("oversight")
def rollup_document(request):
    """The Word report for the unit above (province → People's Committee; commune → province),
    drafted from the figures; the officer edits the text before downloading."""
    unit, period, _error = _unit_and_period(request)
    scope = scope_for(request.user)
    if not (unit.province_id in scope.province_ids or unit.commune_id in scope.commune_ids):
        raise Http404
    result = selectors.rollup(unit=unit, period=period)
    form = selectors.team_forms(Level.VILLAGE_TEAM, unit.province_id).first()
    # Completeness is counted per monthly report; a quarter's or year's document goes without it.
    report_completeness = selectors.completeness(form=form, period=period, unit=unit) if (
        form and period.kind == PeriodType.MONTH) else None
    narrative_form = NarrativeForm(request.POST or None,
                                   initial={"narrative": draft_narrative(result, report_completeness)})
    if request.method == "POST" and narrative_form.is_valid():
        texts = selectors.quoted_texts(unit=unit, period=period)
        content = rollup_docx_for(user=request.user, rollup=result, completeness=report_completeness, texts=texts,
                                  narrative=narrative_form.cleaned_data["narrative"] or None,
                                  include_sensitive=request.POST.get("sensitive") == "1")
        return attachment(content, f"bao-cao-{unit.code}-{period.key}.docx", DOCX)
    return render(request, "reports/rollup_document.html", {
        "unit": unit, "period": period, "form": narrative_form,
        "offer_sensitive": bool(sensitive_in(result)) and may_include_sensitive(request.user, result)})
