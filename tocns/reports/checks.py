"""Checking entered values: the same rules run as the leader types (htmx), when the page shows a
saved draft, and on the server when it saves or sends. Each cell is checked on its own (a number,
its bounds, the unit's usual figure); what ties cells together is a validation rule (rules.py),
written by the province: ratios are figures, never a check."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .choices import ValueType
from .models import Indicator
from .rules import Violation, violations

# ReportValue.value holds 14 digits, two after the comma: anything bigger is a slip of the thumb.
LARGEST = Decimal("999999999999")


@dataclass
class Checked:
    value: Decimal | None = None
    error: str = ""
    warning: str = ""  # needs a comment before the report can be submitted


def format_number(number: Decimal) -> str:
    """Vietnamese style: 1.234 and 12,5."""
    if number == number.to_integral_value():
        return f"{number:,.0f}".replace(",", ".")
    text = f"{number:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.rstrip("0")  # 12,50 -> 12,5


def parse_number(raw, value_type: str) -> Decimal | None:
    """"1.234" and "1 234" are a thousand two hundred thirty-four; "12,5" is twelve and a half."""
    text = str(raw if raw is not None else "").strip().replace(" ", "").replace("\u00a0", "")
    if text == "":
        return None
    if value_type == ValueType.INTEGER:
        if text.count(".") and all(len(part) == 3 for part in text.split(".")[1:]):
            text = text.replace(".", "")
        if text.count(",") and all(len(part) == 3 for part in text.split(",")[1:]):
            text = text.replace(",", "")
        else:
            text = text.replace(",", ".")  # "2,5": a decimal, refused below as not whole
    else:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("Hãy nhập một số (ví dụ 12).")) from None
    if not number.is_finite():
        raise ValueError(_("Hãy nhập một số (ví dụ 12)."))
    if value_type == ValueType.INTEGER and number != number.to_integral_value():
        raise ValueError(_("Chỉ số này đếm số %(unit)s: hãy nhập số nguyên.") % {"unit": ""})
    return number


def check_value(indicator: Indicator, raw, *, usual: Decimal | None = None, comment: str = "") -> Checked:
    try:
        value = parse_number(raw, indicator.value_type)
    except ValueError as exc:
        message = str(exc)
        if indicator.value_type == ValueType.INTEGER and "số nguyên" in message:
            message = _("Chỉ số này đếm số %(unit)s: hãy nhập số nguyên.") % {"unit": indicator.unit_of_measure}
        return Checked(error=message)
    if value is None:
        return Checked()
    if abs(value) > LARGEST:
        return Checked(error=_("Số quá lớn: hãy kiểm tra lại."))
    if indicator.min_value is not None and value < indicator.min_value:
        if indicator.min_value == 0:
            return Checked(value, error=_("Số không được âm."))
        return Checked(value, error=_("Không được nhỏ hơn %(n)s.") % {"n": format_number(indicator.min_value)})
    top = indicator.max_value
    if indicator.value_type == ValueType.PERCENT and (top is None or top > 100):
        top = Decimal(100)
    if top is not None and value > top:
        if indicator.value_type == ValueType.PERCENT:
            return Checked(value, error=_("Tỷ lệ không được quá 100%."))
        return Checked(value, error=_("Không được lớn hơn %(n)s.") % {"n": format_number(top)})
    warning = ""
    if usual and usual > 0 and value > usual * indicator.outlier_factor and not comment.strip():
        warning = _("Cao gấp %(times)s lần mức thường của đơn vị (%(usual)s %(unit)s). Hãy ghi giải thích ngắn.") % {
            "times": format_number((value / usual).quantize(Decimal("0.1"))),
            "usual": format_number(usual.quantize(Decimal(1))), "unit": indicator.unit_of_measure}
    return Checked(value, warning=warning)


def check_cells(indicators, typed: dict, *, comments: dict | None = None,
                usual: dict | None = None) -> dict[str, Checked]:
    """Every cell of a report as typed ({code: text}), each checked on its own. A cell with an
    error keeps no value."""
    comments, usual = comments or {}, usual or {}
    checked = {indicator.code: check_value(indicator, typed.get(indicator.code, ""), usual=usual.get(indicator.pk),
                                           comment=comments.get(indicator.code, ""))
               for indicator in indicators}
    for result in checked.values():
        if result.error:
            result.value, result.warning = None, ""
    return checked


def broken_rules(compiled_rules, checked: dict[str, Checked]) -> list[Violation]:
    """The rules these cells break. A cell that is empty or in error has no value, so every rule
    naming it is skipped until it holds a number (empty is missing, never 0)."""
    return violations(compiled_rules, {code: result.value for code, result in checked.items()})


def rules_at(broken: list[Violation], code: str) -> list[Violation]:
    """The broken rules that name this cell: shown beside each cell they tie together."""
    return [violation for violation in broken if code in violation.codes]
