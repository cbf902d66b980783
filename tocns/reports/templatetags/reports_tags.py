from django import template

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
