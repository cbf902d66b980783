"""Changing what is reported: indicators, report forms, targets and ad-hoc requests (plan II.2.3, III.1).

Each function takes keyword arguments, runs in one transaction, records what it changed with
audit_record and refuses a change with a ValidationError in Vietnamese (keyed by field when one
field is at fault), writing nothing. Pages, the target import and commands only call these.

Values already reported are never touched: retiring an indicator or taking it off a form only
stops new reports from asking it."""

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts.models import Assignment, Role
from tocns.audit.services import audit_record
from tocns.geo.models import AdminUnit
from tocns.lib.sheets import is_blank, read_table, workbook_bytes
from tocns.lib.text import clean_spaces, fold
from tocns.notify.models import NoticeKind
from tocns.notify.services import notify

from .catalogue_scope import provinces_of
from .checks import format_number, parse_number
from .choices import Aggregation, Level, PeriodRule, PeriodType, Pillar, ValueType, Visibility
from .models import FormIndicator, Indicator, ReportForm, ReportRequest, ReportValue, Target

CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,19}$")
# What a report's history depends on: fixed once any value was reported.
LOCKED_WHEN_USED = ("code", "value_type", "aggregation", "numerator", "denominator")
INDICATOR_FIELDS = ("code", "name", "pillar", "unit_of_measure", "value_type", "aggregation", "numerator",
                    "denominator", "min_value", "max_value", "outlier_factor", "description", "visibility")
FORM_FIELDS = ("name", "due_day", "period_rule", "close_after_days", "asks_results", "asks_difficulties",
               "asks_proposals", "is_active")
UP, DOWN = "up", "down"


def _audit(by, action: str, obj, summary: str, data: dict | None = None, *, province_id=None, commune_id=None):
    """The catalogue belongs to no unit; its changes are logged under the province of whoever made them."""
    if province_id is None and getattr(by, "is_authenticated", False):
        province_id = (Assignment.objects.active().filter(user=by, role=Role.PROVINCE_ADMIN)
                       .values_list("unit__province_id", flat=True).first())
    return audit_record(actor=by, action=action, obj=obj, summary=summary, data=data or {},
                        province_id=province_id, commune_id=commune_id)


def _plain(value):
    """JSON-safe form of a field value for the audit log."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


# ---- indicators ----------------------------------------------------------------------------------

def indicator_in_use(indicator: Indicator) -> bool:
    """Whether any report holds a value for it (for a ratio: for either of its parts)."""
    ids = [indicator.pk]
    if indicator.aggregation == Aggregation.RATIO:
        ids += [indicator.numerator_id, indicator.denominator_id]
    return ReportValue.objects.filter(indicator_id__in=[i for i in ids if i]).exists()


def code_taken(queryset, code: str, province, exclude_pk=None, *, message: str) -> str | None:
    """Why a catalogue code cannot be used for a row of this province (None: a national row), or None
    when it can. `message` says it is taken in the same catalogue. A province row may not reuse a
    national code, nor a national row any province's: a code read for a unit always names one row."""
    rows = queryset.filter(code=code).exclude(pk=exclude_pk)
    clash = (rows if province is None else rows.for_province(province)).first()
    if clash is None:
        return None
    taken = message % {"code": code}
    if clash.province_id is None and province is not None:
        return f'{taken} {_("Mã này thuộc danh mục chung của cả nước: hãy chọn mã khác.")}'
    if clash.province_id is not None and province is None:
        return f'{taken} {_("Mã này là mã riêng của một tỉnh: hãy chọn mã khác.")}'
    return taken


def _ratios_built_on(indicator: Indicator):
    return Indicator.objects.filter(Q(numerator=indicator) | Q(denominator=indicator),
                                    aggregation=Aggregation.RATIO).exclude(pk=indicator.pk)


def _clean_indicator(data: dict, instance: Indicator | None, province=None) -> dict:
    """The indicator's fields as they will be saved; a ValidationError naming each field at fault."""
    errors: dict[str, str] = {}
    province = instance.province if instance is not None else province
    clean = {name: data.get(name, getattr(instance, name, None) if instance else None) for name in INDICATOR_FIELDS}
    code = (clean["code"] or "").strip().upper()
    clean["code"] = code
    if not code:
        errors["code"] = _("Hãy nhập mã chỉ số.")
    elif not CODE.match(code):
        errors["code"] = _("Mã viết bằng chữ cái không dấu, chữ số, dấu chấm hoặc gạch ngang, tối đa 20 ký tự "
                           "(ví dụ CQ05, HT06.SO).")
    elif taken := code_taken(Indicator.objects.all(), code, province, getattr(instance, "pk", None),
                             message=_("Đã có chỉ số mã %(code)s.")):
        errors["code"] = taken
    clean["name"] = clean_spaces(clean["name"])
    if not clean["name"]:
        errors["name"] = _("Hãy nhập tên chỉ số.")
    clean["unit_of_measure"] = clean_spaces(clean["unit_of_measure"])
    if clean["pillar"] not in Pillar.values:
        errors["pillar"] = _("Hãy chọn lĩnh vực.")
    if clean["aggregation"] not in Aggregation.values:
        errors["aggregation"] = _("Hãy chọn cách tổng hợp.")
    if clean["value_type"] not in ValueType.values:
        errors["value_type"] = _("Hãy chọn kiểu số.")
    clean["description"] = (clean["description"] or "").strip()
    # Left out (an older page, a command): the indicator keeps what it had.
    clean["visibility"] = clean["visibility"] or getattr(instance, "visibility", None) or Visibility.NORMAL
    if clean["visibility"] not in Visibility.values:
        errors["visibility"] = _("Hãy chọn Bình thường, Công khai hoặc Nhạy cảm.")

    if clean["aggregation"] == Aggregation.RATIO:
        clean["value_type"], clean["unit_of_measure"] = ValueType.PERCENT, "%"
        _check_ratio_parts(clean, instance, errors, province)
    else:
        for part in ("numerator", "denominator"):
            if clean[part] is not None:
                errors[part] = _("Chỉ chỉ số tỷ lệ mới có tử số, mẫu số: hãy để trống.")
        if not clean["unit_of_measure"]:
            errors["unit_of_measure"] = _("Hãy nhập đơn vị tính (người, hộ, hồ sơ…).")

    low, high = clean["min_value"], clean["max_value"]
    if low is not None and high is not None and low > high:
        errors["max_value"] = _("Giá trị lớn nhất phải không nhỏ hơn giá trị nhỏ nhất (%(low)s).") % {
            "low": format_number(low)}
    if clean["value_type"] == ValueType.PERCENT and high is not None and high > 100:
        errors["max_value"] = _("Tỷ lệ không quá 100%.")
    factor = clean["outlier_factor"]
    if factor is None:
        errors["outlier_factor"] = _("Hãy nhập hệ số cảnh báo (ví dụ 3).")
    elif not Decimal(1) <= factor <= Decimal(100):
        errors["outlier_factor"] = _("Hệ số cảnh báo từ 1 đến 100 (3 nghĩa là cảnh báo khi cao gấp 3 lần mức thường).")
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    return clean


def _check_ratio_parts(clean: dict, instance: Indicator | None, errors: dict, province=None) -> None:
    """A ratio is the count over its base, both entered in the same report so a share never passes 100%."""
    part, whole = clean["numerator"], clean["denominator"]
    visible = set(Indicator.objects.for_province(province).values_list("pk", flat=True))
    for name, other in (("numerator", part), ("denominator", whole)):
        if other is not None and (other.pk not in visible or (province is None and other.province_id)):
            errors[name] = _("Hãy chọn một chỉ số trong danh mục.")
    if errors:
        return
    if part is None:
        errors["numerator"] = _("Chỉ số tỷ lệ cần tử số (chỉ số đếm, ví dụ số người có VNeID).")
    if whole is None:
        errors["denominator"] = _("Chỉ số tỷ lệ cần mẫu số (chỉ số tổng, ví dụ số người trưởng thành).")
    if part is None or whole is None:
        return
    if part.pk == whole.pk:
        errors["denominator"] = _("Mẫu số phải khác tử số.")
        return
    for name, other in (("numerator", part), ("denominator", whole)):
        if instance is not None and other.pk == instance.pk:
            errors[name] = _("Chỉ số không thể là tử số hay mẫu số của chính nó.")
        elif other.aggregation == Aggregation.RATIO:
            errors[name] = _("“%(code)s” là chỉ số tỷ lệ; tử số và mẫu số phải là số nhập vào.") % {"code": other.code}
        elif other.retired_on is not None:
            errors[name] = _("“%(code)s” đã thôi dùng.") % {"code": other.code}
    if errors:
        return
    if instance is not None and _ratios_built_on(instance).exists():
        errors["aggregation"] = _("Chỉ số này đang là tử số hoặc mẫu số của chỉ số tỷ lệ khác, "
                                  "nên không thể là chỉ số tỷ lệ.")
        return
    forms_of_part = FormIndicator.objects.filter(indicator=part).values("form_id")
    if not FormIndicator.objects.filter(indicator=whole, form_id__in=forms_of_part).exists():
        errors["denominator"] = _("Tử số (%(part)s) và mẫu số (%(whole)s) phải cùng có trong một mẫu báo cáo, để tỷ lệ "
                                  "tính từ cùng một báo cáo. Hãy thêm cả hai vào mẫu trước.") % {
            "part": part.code, "whole": whole.code}


@transaction.atomic
def indicator_create(*, data: dict, by, province: AdminUnit | None = None) -> Indicator:
    """A new indicator of the province's own catalogue (province None: the national catalogue)."""
    clean = _clean_indicator(data, None, province)
    order = (Indicator.objects.for_province(province).aggregate(top=Max("order"))["top"] or 0) + 10
    indicator = Indicator.objects.create(order=order, province=province, **clean)
    _audit(by, "indicator.create", indicator, _("Thêm chỉ số %(indicator)s") % {"indicator": indicator},
           {name: _plain(value) for name, value in clean.items()})
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, data: dict, by) -> Indicator:
    """Change an indicator. Its code, kind of number, way of adding up and ratio parts are fixed once
    any report holds a value for it: past reports and roll-ups are read through them."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    clean = _clean_indicator(data, indicator)
    changed = {name: (getattr(indicator, name), value) for name, value in clean.items()
               if getattr(indicator, name) != value}
    locked = [name for name in LOCKED_WHEN_USED if name in changed]
    if locked and indicator_in_use(indicator):
        messages = {
            "code": _("Đã có báo cáo ghi số liệu cho chỉ số này: mã %(code)s được giữ nguyên.") % {
                "code": indicator.code},
        }
        raise ValidationError({name: [messages.get(name, _("Đã có báo cáo ghi số liệu cho chỉ số này: không đổi "
                                                           "được nữa."))] for name in locked}, code="in_use")
    if not changed:
        return indicator
    for name, (_old, new) in changed.items():
        setattr(indicator, name, new)
    indicator.save(update_fields=[name for name in changed])
    _audit(by, "indicator.update", indicator, _("Sửa chỉ số %(indicator)s") % {"indicator": indicator},
           {"changed": {name: [_plain(old), _plain(new)] for name, (old, new) in changed.items()}})
    return indicator


@transaction.atomic
def indicator_retire(*, indicator: Indicator, by, on: date | None = None) -> Indicator:
    """Stop asking an indicator in new reports. Its values, targets and form lines stay as history."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if indicator.retired_on is not None:
        raise ValidationError(_("Chỉ số %(code)s đã thôi dùng từ %(day)s.") % {
            "code": indicator.code, "day": indicator.retired_on.strftime("%d/%m/%Y")}, code="retired")
    live_ratio = _ratios_built_on(indicator).filter(retired_on__isnull=True).first()
    if live_ratio is not None:
        raise ValidationError(_("Chỉ số %(code)s đang dùng để tính tỷ lệ “%(ratio)s”: hãy thôi dùng chỉ số tỷ lệ "
                                "đó trước.") % {"code": indicator.code, "ratio": live_ratio}, code="part_of_ratio")
    indicator.retired_on = on or timezone.localdate()
    indicator.save(update_fields=["retired_on"])
    _audit(by, "indicator.retire", indicator, _("Thôi dùng chỉ số %(indicator)s từ %(day)s") % {
        "indicator": indicator, "day": indicator.retired_on.strftime("%d/%m/%Y")},
        {"retired_on": indicator.retired_on.isoformat()})
    return indicator


@transaction.atomic
def indicator_restore(*, indicator: Indicator, by) -> Indicator:
    """Ask a retired indicator again (a retirement made by mistake)."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if indicator.retired_on is None:
        return indicator
    if indicator.aggregation == Aggregation.RATIO and (
            indicator.numerator.retired_on is not None or indicator.denominator.retired_on is not None):
        raise ValidationError(_("Tử số hoặc mẫu số của chỉ số này đã thôi dùng: hãy dùng lại chúng trước."),
                              code="part_retired")
    was = indicator.retired_on
    indicator.retired_on = None
    indicator.save(update_fields=["retired_on"])
    _audit(by, "indicator.restore", indicator, _("Dùng lại chỉ số %(indicator)s") % {"indicator": indicator},
           {"retired_on": [was.isoformat(), None]})
    return indicator


def _swap_in(items: list, item, direction: str) -> bool:
    index = items.index(item)
    other = index - 1 if direction == UP else index + 1
    if direction not in (UP, DOWN) or not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    return True


@transaction.atomic
def indicator_move(*, indicator: Indicator, direction: str, by) -> bool:
    """Move an indicator one place up or down among the live indicators of its pillar (the order
    reports and roll-ups show). Returns False when it is already first or last."""
    # Only the rows of the indicator's own catalogue (national or the province's) change places:
    # a province reorders its rows without touching the national ones.
    everything = list(Indicator.objects.select_for_update().filter(province=indicator.province_id)
                      .order_by("order", "code"))
    indicator = next(i for i in everything if i.pk == indicator.pk)
    if indicator.retired_on is not None:
        return False
    group = [i for i in everything if i.pillar == indicator.pillar and i.retired_on is None]
    if not _swap_in(group, indicator, direction):
        return False
    # Put the swapped pair back into the sequence; the rows keep the places (order numbers) they
    # held among the other catalogue's rows, made strictly increasing.
    slots = iter(group)
    sequence = [next(slots) if i.pillar == indicator.pillar and i.retired_on is None else i for i in everything]
    places, last = [], 0
    for item in everything:
        last = max(item.order, last + 1)
        places.append(last)
    changed = []
    for place, item in zip(places, sequence, strict=True):
        if item.order != place:
            item.order = place
            changed.append(item)
    Indicator.objects.bulk_update(changed, ["order"])
    _audit(by, "indicator.move", indicator, _("Chuyển chỉ số %(indicator)s %(where)s") % {
        "indicator": indicator, "where": _("lên trên") if direction == UP else _("xuống dưới")},
        {"direction": direction})
    return True


# ---- report forms --------------------------------------------------------------------------------

@transaction.atomic
def form_update(*, form: ReportForm, data: dict, by) -> ReportForm:
    """Change a form's name, due day, period rule, closing, text sections or whether it is in use.
    Reports already opened keep their period and due date."""
    form = ReportForm.objects.select_for_update().get(pk=form.pk)
    clean = {name: data.get(name, getattr(form, name)) for name in FORM_FIELDS}
    errors = {}
    clean["name"] = clean_spaces(clean["name"])
    if not clean["name"]:
        errors["name"] = _("Hãy nhập tên mẫu báo cáo.")
    if clean["due_day"] is None or not 1 <= clean["due_day"] <= 31:
        errors["due_day"] = _("Ngày hạn nộp từ 1 đến 31 (tháng ngắn hơn thì lấy ngày cuối tháng).")
    if clean["period_rule"] not in PeriodRule.values:
        errors["period_rule"] = _("Hãy chọn cách tính kỳ.")
    elif clean["period_rule"] == PeriodRule.CUTOFF_15 and form.period_type != PeriodType.MONTH:
        errors["period_rule"] = _("Kỳ từ ngày 15 tháng trước chỉ dùng cho báo cáo tháng.")
    days = clean["close_after_days"]
    if days is not None and not 0 <= days <= 366:
        errors["close_after_days"] = _("Từ 0 đến 366 ngày; để trống nếu không khóa.")
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    changed = {name: (getattr(form, name), value) for name, value in clean.items() if getattr(form, name) != value}
    if not changed:
        return form
    for name, (_old, new) in changed.items():
        setattr(form, name, new)
    form.save(update_fields=list(changed))
    _audit(by, "report_form.update", form, _("Sửa mẫu báo cáo %(form)s") % {"form": form.name},
           {"changed": {name: [_plain(old), _plain(new)] for name, (old, new) in changed.items()}})
    return form


def _lines(form: ReportForm) -> list[FormIndicator]:
    return list(FormIndicator.objects.select_for_update().filter(form=form).select_related("indicator")
                .order_by("order", "id"))


@transaction.atomic
def form_indicator_add(*, form: ReportForm, indicator: Indicator, by) -> FormIndicator:
    form = ReportForm.objects.select_for_update().get(pk=form.pk)
    indicator = Indicator.objects.get(pk=indicator.pk)
    lines = _lines(form)
    if any(line.indicator_id == indicator.pk for line in lines):
        raise ValidationError({"indicator": [_("Mẫu đã có chỉ số %(code)s.") % {"code": indicator.code}]})
    if indicator.province_id is not None and indicator.province_id != form.province_id:
        # A national form asks national indicators; a province's form, national ones and its own.
        raise ValidationError({"indicator": [_("Chỉ số %(code)s không thuộc danh mục của mẫu này.") % {
            "code": indicator.code}]})
    if indicator.retired_on is not None:
        raise ValidationError({"indicator": [_("Chỉ số %(code)s đã thôi dùng.") % {"code": indicator.code}]})
    if indicator.aggregation == Aggregation.RATIO:
        raise ValidationError({"indicator": [_("“%(code)s” là tỷ lệ, được tính từ tử số và mẫu số: hãy thêm hai chỉ "
                                               "số đó vào mẫu.") % {"code": indicator.code}]})
    line = FormIndicator.objects.create(form=form, indicator=indicator,
                                        order=max((line.order for line in lines), default=-1) + 1)
    _audit(by, "report_form.add_indicator", form, _("Thêm chỉ số %(code)s vào mẫu %(form)s") % {
        "code": indicator.code, "form": form.name}, {"indicator": indicator.code})
    return line


@transaction.atomic
def form_indicator_remove(*, form: ReportForm, indicator: Indicator, by) -> None:
    """Stop asking an indicator in this form. Values already reported stay in their reports."""
    form = ReportForm.objects.select_for_update().get(pk=form.pk)
    deleted, _detail = FormIndicator.objects.filter(form=form, indicator=indicator).delete()
    if not deleted:
        raise ValidationError(_("Mẫu không có chỉ số %(code)s.") % {"code": indicator.code}, code="not_on_form")
    _audit(by, "report_form.remove_indicator", form, _("Bỏ chỉ số %(code)s khỏi mẫu %(form)s (số liệu đã báo cáo "
                                                       "vẫn giữ)") % {"code": indicator.code, "form": form.name},
           {"indicator": indicator.code})


@transaction.atomic
def form_indicator_move(*, form: ReportForm, indicator: Indicator, direction: str, by) -> bool:
    form = ReportForm.objects.select_for_update().get(pk=form.pk)
    lines = _lines(form)
    line = next((line for line in lines if line.indicator_id == indicator.pk), None)
    if line is None or not _swap_in(lines, line, direction):
        return False
    changed = []
    for position, item in enumerate(lines):
        if item.order != position:
            item.order = position
            changed.append(item)
    FormIndicator.objects.bulk_update(changed, ["order"])
    _audit(by, "report_form.move_indicator", form, _("Đổi thứ tự chỉ số %(code)s trong mẫu %(form)s") % {
        "code": indicator.code, "form": form.name}, {"indicator": indicator.code, "direction": direction})
    return True


# ---- targets -------------------------------------------------------------------------------------

def _holds(user, roles, unit) -> bool:
    return bool(unit) and Assignment.objects.active().filter(user=user, role__in=roles, unit=unit,
                                                             unit__retired_on__isnull=True).exists()


def can_set_target(user, unit: AdminUnit) -> bool:
    """The province gives communes their targets (plan III.1); a commune splits its own among its villages."""
    if user is None or not user.is_authenticated or unit.retired_on is not None:
        return False
    if unit.is_commune:
        return _holds(user, [Role.PROVINCE_ADMIN], unit.province)
    if unit.is_village:
        return _holds(user, [Role.PROVINCE_ADMIN], unit.province) or _holds(
            user, [Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN], unit.commune)
    return False


def year_bounds(today: date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return 2020, today.year + 5


def check_year(raw) -> int:
    low, high = year_bounds()
    try:
        year = int(str(raw).strip().split(".")[0])
    except ValueError:
        raise ValidationError(_("Năm viết bằng số, ví dụ %(year)s.") % {"year": high - 5}) from None
    if not low <= year <= high:
        raise ValidationError(_("Năm từ %(low)s đến %(high)s.") % {"low": low, "high": high})
    return year


def parse_target(indicator: Indicator, raw) -> Decimal | None:
    """A target as typed ("1.200", "85,5") or already a number; None when left empty."""
    whole = _("Chỉ tiêu của chỉ số này là số nguyên (%(unit)s).") % {"unit": indicator.unit_of_measure}
    if isinstance(raw, Decimal | int):
        value = Decimal(raw)
    else:
        try:
            value = parse_number(raw, indicator.value_type)
        except ValueError as exc:
            raise ValidationError(whole if "số nguyên" in str(exc) else str(exc)) from None
    if value is None:
        return None
    if value < 0:
        raise ValidationError(_("Chỉ tiêu không được âm."))
    if indicator.value_type == ValueType.PERCENT and value > 100:
        raise ValidationError(_("Tỷ lệ không được quá 100%."))
    if indicator.value_type == ValueType.INTEGER and value != value.to_integral_value():
        raise ValidationError(whole)
    if value >= Decimal("1e12"):
        raise ValidationError(_("Số quá lớn."))
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def targets_set(*, indicator: Indicator, year: int, values: dict, by) -> dict[str, int]:
    """Set one indicator's targets for a year for several units at once: {unit: value or None}.
    None removes a target. Every unit must be one the user may give targets to."""
    indicator = Indicator.objects.get(pk=indicator.pk)
    if indicator.retired_on is not None:
        raise ValidationError(_("Chỉ số %(code)s đã thôi dùng: không giao chỉ tiêu mới.") % {"code": indicator.code})
    year = check_year(year)
    errors = {}
    checked = {}
    for unit, raw in values.items():
        if not can_set_target(by, unit):
            errors[f"t_{unit.pk}"] = [_("%(unit)s không thuộc phạm vi bạn được giao chỉ tiêu.") % {"unit": unit.name}]
            continue
        try:
            checked[unit] = parse_target(indicator, raw)
        except ValidationError as exc:
            errors[f"t_{unit.pk}"] = exc.messages
    if errors:
        raise ValidationError(errors)
    existing = {t.unit_id: t for t in Target.objects.select_for_update().filter(
        indicator=indicator, year=year, unit__in=list(checked))}
    counts = {"created": 0, "updated": 0, "deleted": 0}
    changes = {}
    for unit, value in checked.items():
        target = existing.get(unit.pk)
        if value is None:
            if target is not None:
                target.delete()
                counts["deleted"] += 1
                changes[unit.code] = [str(target.value), None]
        elif target is None:
            Target.objects.create(indicator=indicator, unit=unit, province=unit.province, commune=unit.commune,
                                  year=year, value=value, set_by=by)
            counts["created"] += 1
            changes[unit.code] = [None, str(value)]
        elif target.value != value:
            changes[unit.code] = [str(target.value), str(value)]
            target.value, target.set_by = value, by
            target.save(update_fields=["value", "set_by", "updated_at"])
            counts["updated"] += 1
    if changes:
        first = next(iter(checked))
        commune_id = first.commune_id if first.is_village else None
        _audit(by, "targets.set", indicator, _("Giao chỉ tiêu %(code)s năm %(year)s cho %(n)s đơn vị") % {
            "code": indicator.code, "year": year, "n": len(changes)}, {"year": year, "changes": changes},
            province_id=first.province_id, commune_id=commune_id)
    return counts


# ---- target import -------------------------------------------------------------------------------

TARGET_COLUMNS = {"unit": "Mã đơn vị", "indicator": "Mã chỉ số", "year": "Năm", "value": "Chỉ tiêu"}
_TARGET_ALIASES = {
    "unit": {"ma don vi", "ma dv", "ma don vi hanh chinh", "ma xa", "ma thon"},
    "indicator": {"ma chi so", "chi so", "ma chi tieu"},
    "year": {"nam", "nam giao"},
    "value": {"chi tieu", "chi tieu giao", "so chi tieu", "gia tri"},
}
TARGET_IMPORT_MAX_ROWS = 5000


def _target_header(cells: list[str]) -> tuple[dict[str, int], list[str]]:
    found = {}
    for index, cell in enumerate(cells):
        name = fold(cell).strip(" :*")
        for key, aliases in _TARGET_ALIASES.items():
            if name in aliases and key not in found:
                found[key] = index
    missing = [TARGET_COLUMNS[key] for key in TARGET_COLUMNS if key not in found]
    return found, missing


def targets_import_check(*, data: bytes, file_name: str, by) -> tuple[list[dict], list[tuple[int, str]]]:
    """Check every row of a target file without writing anything.

    Columns: Mã đơn vị, Mã chỉ số, Năm, Chỉ tiêu (the header may sit under a title). Returns
    (rows, errors): rows are dicts with row (as Excel numbers it), unit, indicator, year, value;
    errors are (row number, Vietnamese message), row 0 meaning the whole file. A unit the importer
    may not give targets to is an error on its row, said the same way whether or not it exists."""
    try:
        table = read_table(data, file_name, max_rows=TARGET_IMPORT_MAX_ROWS)
    except ValidationError as exc:
        return [], [(0, message) for message in exc.messages]
    header_at, columns, missing = None, {}, []
    for index, cells in enumerate(table[:10]):
        if is_blank(cells):
            continue
        columns, missing = _target_header(cells)
        if not missing:
            header_at = index
            break
    if header_at is None:
        return [], [(0, _("Không thấy dòng tiêu đề có đủ các cột: %(columns)s.") % {
            "columns": ", ".join(TARGET_COLUMNS.values())})]
    raw_rows = []
    for index in range(header_at + 1, len(table)):
        cells = table[index]
        if is_blank(cells):
            continue
        raw_rows.append((index + 1, {key: (cells[col].strip() if col < len(cells) else "")
                                     for key, col in columns.items()}))
    if not raw_rows:
        return [], [(0, _("Tệp không có dòng chỉ tiêu nào dưới dòng tiêu đề."))]

    units = {u.code: u for u in AdminUnit.objects.filter(code__in={r["unit"] for _n, r in raw_rows})
             .select_related("province", "commune")}
    indicators = {i.code: i for i in Indicator.objects.for_province(provinces_of(by)).filter(
        code__in={r["indicator"].upper() for _n, r in raw_rows})}
    allowed = {}
    rows, errors, seen = [], [], {}
    for number, raw in raw_rows:
        messages = []
        unit = units.get(raw["unit"])
        if not raw["unit"]:
            messages.append(_("Thiếu mã đơn vị."))
        else:
            if unit is not None and unit.pk not in allowed:
                allowed[unit.pk] = can_set_target(by, unit)
            if unit is None or not allowed[unit.pk]:
                messages.append(_("Mã đơn vị %(code)s không thuộc địa bàn bạn được giao chỉ tiêu.") % {
                    "code": raw["unit"]})
                unit = None
        indicator = indicators.get(raw["indicator"].upper())
        if not raw["indicator"]:
            messages.append(_("Thiếu mã chỉ số."))
        elif indicator is None:
            messages.append(_("Không có chỉ số mã %(code)s.") % {"code": raw["indicator"]})
        elif indicator.retired_on is not None:
            messages.append(_("Chỉ số %(code)s đã thôi dùng.") % {"code": indicator.code})
            indicator = None
        year = None
        try:
            year = check_year(raw["year"]) if raw["year"] else None
            if year is None:
                messages.append(_("Thiếu năm."))
        except ValidationError as exc:
            messages.extend(exc.messages)
        value = None
        if indicator is not None:
            try:
                value = parse_target(indicator, raw["value"])
                if value is None:
                    messages.append(_("Thiếu chỉ tiêu."))
            except ValidationError as exc:
                messages.extend(f"{TARGET_COLUMNS['value']}: {m}" for m in exc.messages)
        if unit is not None and indicator is not None and year is not None:
            key = (unit.pk, indicator.pk, year)
            if key in seen:
                messages.append(_("Trùng với dòng %(row)s (cùng đơn vị, chỉ số và năm).") % {"row": seen[key]})
            else:
                seen[key] = number
        errors.extend((number, message) for message in messages)
        rows.append({"row": number, "unit": unit, "indicator": indicator, "year": year, "value": value,
                     "errors": messages})
    return rows, errors


def _line(row: int, message: str) -> str:
    return _("Dòng %(row)s: %(message)s") % {"row": row, "message": message} if row else message


@transaction.atomic
def targets_import_apply(*, data: bytes, file_name: str, by) -> dict[str, int]:
    """Write every target of the file, or none: the file is checked again and any error raises a
    ValidationError listing each "Dòng N: …". Importing the same file twice changes nothing more."""
    rows, errors = targets_import_check(data=data, file_name=file_name, by=by)
    if errors:
        raise ValidationError([_line(row, message) for row, message in errors], code="import_invalid")
    keys = {(row["unit"].pk, row["indicator"].pk, row["year"]) for row in rows}
    existing = {(t.unit_id, t.indicator_id, t.year): t for t in Target.objects.select_for_update().filter(
        unit_id__in={k[0] for k in keys}, indicator_id__in={k[1] for k in keys}, year__in={k[2] for k in keys})}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        unit, indicator, year, value = row["unit"], row["indicator"], row["year"], row["value"]
        target = existing.get((unit.pk, indicator.pk, year))
        if target is None:
            Target.objects.create(indicator=indicator, unit=unit, province=unit.province, commune=unit.commune,
                                  year=year, value=value, set_by=by)
            counts["created"] += 1
        elif target.value != value:
            target.value, target.set_by = value, by
            target.save(update_fields=["value", "set_by", "updated_at"])
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    first = rows[0]["unit"]
    _audit(by, "targets.import", first.province, _("Nhập %(n)s chỉ tiêu từ tệp %(file)s") % {
        "n": len(rows), "file": file_name}, {"file": file_name[:255], **counts}, province_id=first.province_id)
    return counts


def targets_template_xlsx(*, units, indicators) -> bytes:
    """The import template: the four columns, and two sheets listing the codes to use."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Chỉ tiêu")
    sheet.append(list(TARGET_COLUMNS.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (14, 14, 8, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    codes = book.create_sheet(_("Mã đơn vị"))
    codes.append([_("Mã đơn vị"), _("Tên đơn vị"), _("Thuộc")])
    for unit in units:
        codes.append([unit.code, unit.name, unit.commune.name if unit.is_village else unit.province.name])
    codes.column_dimensions["B"].width = codes.column_dimensions["C"].width = 30
    names = book.create_sheet(_("Mã chỉ số"))
    names.append([_("Mã chỉ số"), _("Tên chỉ số"), _("Đơn vị tính")])
    for indicator in indicators:
        names.append([indicator.code, indicator.name, indicator.unit_of_measure])
    names.column_dimensions["B"].width = 80
    return workbook_bytes(book)


# ---- ad-hoc requests -----------------------------------------------------------------------------

def once_forms(province=None):
    """Forms a commune of the province can be asked for on a date of the province's choosing."""
    return ReportForm.objects.for_province(province).filter(is_active=True, level=Level.COMMUNE,
                                                            period_type=PeriodType.ONCE)


@transaction.atomic
def request_create(*, province: AdminUnit, form: ReportForm, title: str, period_start: date, period_end: date,
                   due_on: date, communes, by) -> ReportRequest:
    """Ask selected communes of the province for a report by a date; their officers are told at once."""
    errors = {}
    title = clean_spaces(title)
    if not title:
        errors["title"] = _("Hãy ghi nội dung yêu cầu.")
    if not once_forms(province).filter(pk=form.pk).exists():
        errors["form"] = _("Hãy chọn một mẫu báo cáo đột xuất của UBND xã đang dùng.")
    if period_end < period_start:
        errors["period_end"] = _("Ngày kết thúc phải từ ngày bắt đầu trở đi.")
    if due_on < timezone.localdate():
        errors["due_on"] = _("Hạn gửi không được trước hôm nay.")
    elif due_on < period_end:
        errors["due_on"] = _("Hạn gửi phải sau khi hết kỳ số liệu (%(day)s).") % {
            "day": period_end.strftime("%d/%m/%Y")}
    communes = list(communes)
    if not communes:
        errors["communes"] = _("Hãy chọn ít nhất một xã, hoặc đánh dấu “Tất cả các xã”.")
    elif any(not c.is_commune or c.province_id != province.pk or c.retired_on is not None for c in communes):
        errors["communes"] = _("Chỉ chọn được các xã, phường đang hoạt động của tỉnh.")
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    request = ReportRequest.objects.create(form=form, title=title, period_start=period_start, period_end=period_end,
                                           due_on=due_on, province=province, created_by=by if getattr(
                                               by, "is_authenticated", False) else None)
    request.communes.set(communes)
    _audit(by, "report_request.create", request, _("Yêu cầu báo cáo đột xuất “%(title)s” gửi %(n)s xã, hạn "
                                                   "%(day)s") % {"title": title, "n": len(communes),
                                                                 "day": due_on.strftime("%d/%m/%Y")},
           {"form": form.code, "communes": [c.code for c in communes], "period": [period_start.isoformat(),
                                                                                period_end.isoformat()],
            "due_on": due_on.isoformat()}, province_id=province.pk)
    officers = Assignment.objects.active().filter(role=Role.COMMUNE_OFFICER, unit__in=communes,
                                                  user__is_active=True).select_related("user", "unit")
    for assignment in officers:
        notify(kind=NoticeKind.REPORT_REQUESTED, params={
            "unit": assignment.unit.name, "title": title, "start": period_start.strftime("%d/%m/%Y"),
            "end": period_end.strftime("%d/%m/%Y"), "due": due_on.strftime("%d/%m/%Y")},
            about=request, recipient=assignment.user, key=f"report_request:{request.pk}:{assignment.user_id}")
    return request
