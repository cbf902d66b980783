"""Report forms as data: the province admin creates, copies, edits and retires them (issue #14).

Each function takes keyword arguments, runs in one transaction, records what it changed with
audit_record and refuses a change with a ValidationError in Vietnamese (keyed by field when one
field is at fault), writing nothing. Every change checks the form's `version` the page was drawn
from and raises it by one, so two admins editing one form never silently overwrite each other: the
second save is refused with code "stale".

What reports depend on is kept: a form's code never changes after it is created; its level and
period type are fixed once a report exists; taking an indicator off a form leaves its values in the
reports that hold them; retiring a form stops new reports and reminders and keeps every report.
A new form and a copy start out of use, so leaders are asked nothing until the admin turns it on.
Several forms may be in use side by side at one team level, but never two asking the same
indicator: a team's monthly figures are added up across its forms, so it would count twice."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts.models import Assignment, Role
from tocns.audit.services import audit_record
from tocns.lib.text import clean_spaces

from .catalogue import code_taken
from .choices import Aggregation, Level, PeriodRule, PeriodType
from .models import FormIndicator, Indicator, Report, ReportForm, ReportRequest

FORM_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,29}$")
# What the settings page edits; `code` only on creation, `is_active` only through retire/restore.
SETTINGS = ("name", "level", "period_type", "period_rule", "due_day", "close_after_days", "asks_results",
            "asks_difficulties", "asks_proposals")
# What a report's period and addressee were built from: fixed once a report exists.
LOCKED_WITH_REPORTS = ("level", "period_type")
TEAM_LEVELS = (Level.VILLAGE_TEAM, Level.COMMUNE_TEAM)
SECTION_MAX = 200


def _audit(by, action: str, form: ReportForm, summary: str, data: dict):
    """Forms belong to no unit; a change is logged under the province of the admin who made it."""
    province_id = None
    if getattr(by, "is_authenticated", False):
        province_id = (Assignment.objects.active().filter(user=by, role=Role.PROVINCE_ADMIN)
                       .values_list("unit__province_id", flat=True).first())
    return audit_record(actor=by, action=action, obj=form, summary=summary, data=data, province_id=province_id)


def form_has_reports(form: ReportForm) -> bool:
    return Report.objects.filter(form=form).exists()


def _locked(form: ReportForm) -> ReportForm:
    return ReportForm.objects.select_for_update().get(pk=form.pk)


def _refuse_stale(form: ReportForm, version) -> None:
    if version is None or int(version) != form.version:
        raise ValidationError(_("Mẫu báo cáo này vừa được người khác sửa sau khi bạn mở trang, nên chưa lưu gì."),
                              code="stale")


def _asked_twice(form: ReportForm, indicator_ids, *, level=None, period_type=None) -> str | None:
    """Why these lines cannot be in use on this form: a team's monthly figures are added up across
    every form it sends (roll-ups, targets), so one indicator asked by two forms in use at the same
    team level would be counted twice. None when nothing is asked twice."""
    level, period_type = level or form.level, period_type or form.period_type
    if level not in TEAM_LEVELS:
        return None
    clash = FormIndicator.objects.filter(indicator_id__in=list(indicator_ids), form__is_active=True,
                                         form__level=level, form__period_type=period_type)
    if form.province_id is not None:  # a province's form sits beside the national forms and its own only
        clash = clash.filter(form__in=ReportForm.objects.for_province(form.province_id))
    clash = (clash.exclude(form=form).select_related("indicator", "form").order_by("order").first())
    if clash is None:
        return None
    return _("Chỉ số %(code)s đã có trong mẫu %(form)s đang dùng: mỗi tổ sẽ báo cáo nó hai lần và số tổng hợp "
             "bị cộng hai lần. Hãy bỏ chỉ số khỏi một trong hai mẫu, hoặc thôi dùng mẫu %(form)s.") % {
        "code": clash.indicator.code, "form": clash.form.code}


def _bump(form: ReportForm, fields) -> None:
    form.version += 1
    form.save(update_fields=[*fields, "version"])


def _clean_settings(data: dict, form: ReportForm | None) -> dict:
    """The settings as they will be saved; a ValidationError naming each field at fault."""
    clean = {name: data.get(name, getattr(form, name) if form else None) for name in SETTINGS}
    errors: dict[str, str] = {}
    clean["name"] = clean_spaces(clean["name"] or "")
    if not clean["name"]:
        errors["name"] = _("Hãy nhập tên mẫu báo cáo.")
    elif len(clean["name"]) > 300:
        errors["name"] = _("Tên mẫu tối đa 300 ký tự.")
    level, period_type = clean["level"], clean["period_type"]
    if level not in Level.values:
        errors["level"] = _("Hãy chọn cấp báo cáo.")
    if period_type not in PeriodType.values:
        errors["period_type"] = _("Hãy chọn kỳ báo cáo.")
    elif level in TEAM_LEVELS and period_type != PeriodType.MONTH:
        # The leader's pages and the reminders ask teams for monthly reports only (plan II.2.3).
        errors["period_type"] = _("Tổ báo cáo hằng tháng: mẫu của tổ phải là mẫu tháng.")
    elif level == Level.COMMUNE and period_type == PeriodType.MONTH:
        errors["period_type"] = _("Báo cáo của UBND xã là báo cáo quý, năm hoặc đột xuất.")
    if clean["period_rule"] not in PeriodRule.values:
        errors["period_rule"] = _("Hãy chọn cách tính kỳ.")
    elif clean["period_rule"] == PeriodRule.CUTOFF_15 and period_type != PeriodType.MONTH:
        errors["period_rule"] = _("Kỳ từ ngày 15 tháng trước chỉ dùng cho báo cáo tháng.")
    if clean["due_day"] is None or not 1 <= clean["due_day"] <= 31:
        errors["due_day"] = _("Ngày hạn nộp từ 1 đến 31 (tháng ngắn hơn thì lấy ngày cuối tháng).")
    days = clean["close_after_days"]
    if days is not None and not 0 <= days <= 366:
        errors["close_after_days"] = _("Từ 0 đến 366 ngày; để trống nếu không khóa.")
    for name in ("asks_results", "asks_difficulties", "asks_proposals"):
        clean[name] = bool(clean[name])
    if form is not None:
        moved = [name for name in LOCKED_WITH_REPORTS if clean[name] != getattr(form, name)]
        if moved and form_has_reports(form):
            for name in moved:
                errors[name] = _("Đã có báo cáo theo mẫu này: không đổi được nữa (báo cáo cũ được lập theo nó). "
                                 "Hãy sao chép thành mẫu mới nếu cần.")
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    return clean


def check_code(raw, province=None) -> str:
    """A new form's code, upper-cased; a ValidationError on `code` when it is malformed or taken."""
    code = (raw or "").strip().upper()
    if not code:
        raise ValidationError({"code": [_("Hãy nhập mã mẫu.")]})
    if not FORM_CODE.match(code):
        raise ValidationError({"code": [_("Mã viết bằng chữ cái không dấu, chữ số, dấu chấm hoặc gạch ngang, tối đa "
                                          "30 ký tự (ví dụ THANG-THON-2).")]})
    if taken := code_taken(ReportForm.objects.all(), code, province, message=_("Đã có mẫu báo cáo mã %(code)s.")):
        raise ValidationError({"code": [taken]})
    return code


def _settings_errors_with_code(data: dict, form: ReportForm | None, province=None) -> tuple[str, dict]:
    """Check the code and the settings together, so the page shows every mistake at once."""
    errors: dict = {}
    code = clean = None
    try:
        code = check_code(data.get("code"), province)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        clean = _clean_settings(data, form)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return code, clean


@transaction.atomic
def form_create(*, data: dict, by, province=None) -> ReportForm:
    """A new form, out of use and without indicators: the admin adds its lines, then turns it on.
    It belongs to the province (None: the national catalogue)."""
    code, clean = _settings_errors_with_code(data, None, province)
    form = ReportForm.objects.create(code=code, is_active=False, province=province, **clean)
    _audit(by, "report_form.create", form, _("Tạo mẫu báo cáo %(code)s – %(name)s") % {
        "code": code, "name": form.name}, {"code": code, **{name: value for name, value in clean.items()}})
    return form


@transaction.atomic
def form_copy(*, form: ReportForm, data: dict, by, province=None) -> ReportForm:
    """A new form with a new code (and name), the same settings, lines and sections; out of use until
    the admin turns it on, so teams are not asked the same figures twice by surprise. Validation
    rules tied to the source form are not copied: they name that form. The copy belongs to `province`
    (None: national; a national form may not be copied from a province's, whose lines it could not ask)."""
    source = ReportForm.objects.get(pk=form.pk)
    settings = {name: getattr(source, name) for name in SETTINGS}
    settings["name"] = data.get("name", settings["name"])
    code, clean = _settings_errors_with_code({**settings, "code": data.get("code")}, None, province)
    lines = list(FormIndicator.objects.filter(form=source).select_related("indicator").order_by("order", "id"))
    if any(line.indicator.province_id not in (None, getattr(province, "pk", province)) for line in lines):
        raise ValidationError({"code": [_("Mẫu này hỏi chỉ số riêng của tỉnh: không sao chép vào danh mục khác "
                                          "được.")]})
    copy = ReportForm.objects.create(code=code, is_active=False, province=province, **clean)
    FormIndicator.objects.bulk_create([FormIndicator(form=copy, indicator_id=line.indicator_id, order=position,
                                                     section=line.section) for position, line in enumerate(lines)])
    _audit(by, "report_form.copy", copy, _("Sao chép mẫu %(source)s thành %(code)s – %(name)s") % {
        "source": source.code, "code": code, "name": copy.name},
        {"source": source.code, "code": code, "name": copy.name, "lines": len(lines)})
    return copy


@transaction.atomic
def form_update(*, form: ReportForm, data: dict, version: int, by) -> ReportForm:
    """Change a form's name, level, period type, period rule, due day, closing and text sections.
    Reports already opened keep their period and due date."""
    form = _locked(form)
    _refuse_stale(form, version)
    clean = _clean_settings(data, form)
    changed = {name: (getattr(form, name), value) for name, value in clean.items() if getattr(form, name) != value}
    if not changed:
        return form
    if form.is_active and {"level", "period_type"} & set(changed):
        twice = _asked_twice(form, form.lines.values_list("indicator_id", flat=True), level=clean["level"],
                             period_type=clean["period_type"])
        if twice:
            raise ValidationError({"level": [twice]})
    for name, (_old, new) in changed.items():
        setattr(form, name, new)
    _bump(form, changed)
    _audit(by, "report_form.update", form, _("Sửa mẫu báo cáo %(code)s") % {"code": form.code},
           {"changed": {name: [old, new] for name, (old, new) in changed.items()}, "version": form.version})
    return form


def _clean_lines(form: ReportForm, lines, current: dict[int, FormIndicator]) -> list[tuple[Indicator, str]]:
    errors: list[str] = []
    seen: set[int] = set()
    out = []
    for indicator, section in lines:
        section = clean_spaces(section or "")
        if indicator.province_id is not None and indicator.province_id != form.province_id:
            # A national form asks national indicators; a province's form, national ones and its own.
            errors.append(_("Chỉ số %(code)s không thuộc danh mục của mẫu này.") % {"code": indicator.code})
            continue
        if indicator.pk in seen:
            errors.append(_("Chỉ số %(code)s có hai lần trong mẫu.") % {"code": indicator.code})
            continue
        seen.add(indicator.pk)
        if indicator.aggregation == Aggregation.RATIO:
            errors.append(_("“%(code)s” là tỷ lệ, được tính từ tử số và mẫu số: hãy đưa hai chỉ số đó vào mẫu.") % {
                "code": indicator.code})
        elif indicator.retired_on is not None and indicator.pk not in current:
            errors.append(_("Chỉ số %(code)s đã thôi dùng: không thêm vào mẫu được.") % {"code": indicator.code})
        if len(section) > SECTION_MAX:
            errors.append(_("Tên phần của %(code)s dài quá %(n)s ký tự.") % {"code": indicator.code, "n": SECTION_MAX})
        out.append((indicator, section))
    if form.is_active and not out:
        errors.append(_("Mẫu đang dùng phải hỏi ít nhất một chỉ số. Muốn ngừng hỏi, hãy thôi dùng mẫu."))
    twice = _asked_twice(form, [indicator.pk for indicator, _s in out if indicator.pk not in current]) if (
        form.is_active) else None
    if twice:
        errors.append(twice)
    if errors:
        raise ValidationError({"lines": errors})
    return out


def _line_words(lines) -> list[list[str]]:
    return [[code, section] for code, section in lines]


@transaction.atomic
def form_lines_set(*, form: ReportForm, lines, version: int, by) -> ReportForm:
    """Set which indicators a form asks, in this order, each under its section heading ("" keeps the
    pillar's heading): `lines` is [(indicator, section), …]. An indicator taken off stays in the
    reports that hold a value for it; one put back returns at its new place."""
    form = _locked(form)
    _refuse_stale(form, version)
    current = {line.indicator_id: line for line in FormIndicator.objects.select_for_update().filter(form=form)
               .select_related("indicator").order_by("order", "id")}
    wanted = _clean_lines(form, list(lines), current)
    before = [(line.indicator.code, line.section) for line in current.values()]
    after = [(indicator.code, section) for indicator, section in wanted]
    if before == after:
        return form
    keep = {indicator.pk for indicator, _section in wanted}
    removed = [line for pk, line in current.items() if pk not in keep]
    FormIndicator.objects.filter(pk__in=[line.pk for line in removed]).delete()
    changed, added = [], []
    for position, (indicator, section) in enumerate(wanted):
        line = current.get(indicator.pk)
        if line is None:
            added.append(FormIndicator(form=form, indicator=indicator, order=position, section=section))
        elif (line.order, line.section) != (position, section):
            line.order, line.section = position, section
            changed.append(line)
    FormIndicator.objects.bulk_update(changed, ["order", "section"])
    FormIndicator.objects.bulk_create(added)
    _bump(form, [])
    parts = []
    if added:
        parts.append(_("thêm %(codes)s") % {"codes": ", ".join(line.indicator.code for line in added)})
    if removed:
        parts.append(_("bỏ %(codes)s (số liệu đã báo cáo vẫn giữ)") % {
            "codes": ", ".join(line.indicator.code for line in removed)})
    if changed:
        parts.append(_("đổi thứ tự hoặc phần của %(n)s dòng") % {"n": len(changed)})
    _audit(by, "report_form.lines", form, _("Sửa các chỉ số của mẫu %(code)s: %(what)s") % {
        "code": form.code, "what": "; ".join(parts)},
        {"before": _line_words(before), "after": _line_words(after), "version": form.version})
    return form


@transaction.atomic
def form_retire(*, form: ReportForm, version: int, by) -> ReportForm:
    """Stop the form: no new report is opened for it and nobody is reminded of it. Every report
    already made, sent or not, stays as it is."""
    form = _locked(form)
    _refuse_stale(form, version)
    if not form.is_active:
        raise ValidationError(_("Mẫu %(code)s đã thôi dùng.") % {"code": form.code}, code="retired")
    waiting = ReportRequest.objects.filter(form=form, due_on__gte=timezone.localdate()).first()
    if waiting is not None:
        raise ValidationError(_("Mẫu đang được dùng cho yêu cầu đột xuất “%(title)s” (hạn %(day)s): hãy đợi hết hạn "
                                "yêu cầu rồi thôi dùng mẫu.") % {"title": waiting.title,
                                                                  "day": waiting.due_on.strftime("%d/%m/%Y")},
                              code="requested")
    form.is_active = False
    _bump(form, ["is_active"])
    _audit(by, "report_form.retire", form, _("Thôi dùng mẫu báo cáo %(code)s (các báo cáo đã có vẫn giữ)") % {
        "code": form.code}, {"is_active": [True, False], "version": form.version})
    return form


@transaction.atomic
def form_restore(*, form: ReportForm, version: int, by) -> ReportForm:
    """Turn a form on (a new form, a copy, or one retired by mistake): teams and communes of its
    level are asked for it from the current period, beside any other form in use."""
    form = _locked(form)
    _refuse_stale(form, version)
    if form.is_active:
        raise ValidationError(_("Mẫu %(code)s đang được dùng.") % {"code": form.code}, code="active")
    if not FormIndicator.objects.filter(form=form, indicator__retired_on__isnull=True).exists():
        raise ValidationError(_("Mẫu chưa hỏi chỉ số nào đang dùng: hãy thêm chỉ số trước khi dùng mẫu."),
                              code="empty")
    twice = _asked_twice(form, form.lines.values_list("indicator_id", flat=True))
    if twice:
        raise ValidationError(twice, code="asked_twice")
    form.is_active = True
    _bump(form, ["is_active"])
    _audit(by, "report_form.restore", form, _("Dùng mẫu báo cáo %(code)s") % {"code": form.code},
           {"is_active": [False, True], "version": form.version})
    return form
