from django import template
from django.utils.safestring import mark_safe

from ..checks import format_number
from ..choices import Aggregation

register = template.Library()


@register.simple_tag
def value(values: dict, indicator) -> str:
    """A figure in Vietnamese style; empty when missing (never shown as 0)."""
    number = values.get(indicator.code)
    if number is None:
        return ""
    text = format_number(number)
    return f"{text}%" if indicator.aggregation == Aggregation.RATIO else text


@register.simple_tag
def value_cells(values: dict, indicators) -> str:
    """A row's cells, one per indicator, as `value` writes each: one tag for the row rather than one
    per cell (a province's roll-up has about 124 communes × 35 indicators). Safe as it is: a figure
    is digits, separators and "%" (format_number), never text someone typed."""
    return mark_safe("".join(f'<td class="num">{value(values, indicator)}</td>'  # noqa: S308
                             for indicator in indicators))
