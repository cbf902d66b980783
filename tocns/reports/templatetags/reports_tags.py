from django import template
from django.utils.html import escape
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
def rollup_rows(rows, indicators, period=None) -> str:
    """The roll-up table's body: a row per child unit, its name (a link to its own roll-up when
    `period` is given) and one cell per indicator as `value` writes it. Written in one pass rather
    than a template loop per cell: a province has about 124 communes × 35 indicators. A figure is
    digits, separators and "%" (format_number); names are escaped."""
    columns = [(indicator.code, indicator.aggregation == Aggregation.RATIO) for indicator in indicators]
    empty = '<td class="num"></td>'
    cells = {}  # the same figures come back often (0, 1, 2…): each cell written once
    key = escape(period.key) if period is not None else ""
    out = []
    for child, values in rows:
        name = f'<a href="?unit={escape(child.code)}&amp;period={key}">{escape(child.name)}</a>' \
            if period is not None else escape(child.name)
        line = [f"<tr><td>{name}</td>"]
        for code, ratio in columns:
            number = values.get(code)
            if number is None:
                line.append(empty)
                continue
            cell = cells.get((number, ratio))
            if cell is None:
                cell = cells[number, ratio] = f'<td class="num">{format_number(number)}{"%" if ratio else ""}</td>'
            line.append(cell)
        line.append("</tr>")
        out.append("".join(line))
    return mark_safe("\n".join(out))  # noqa: S308 - codes and names escaped above, figures are numbers
