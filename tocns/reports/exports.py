"""The roll-up as an Excel workbook: one sheet, one row per child unit, one column per indicator.

The header row holds only the codes, so the sheet stays narrow and formulas can refer to it; each
code's cell carries a comment with the indicator's full name and unit. A missing figure is an empty
cell, never 0 (the province must see who did not report), and every figure is a number, not text,
so the officer can add and filter in Excel. Shares are the percentage with one decimal (35.0, not
0.35), as the roll-up page shows them: total over total, never an average of the units' shares.

Indicators marked "Nhạy cảm" are left out of every export unless the exporter ticks "Kèm chỉ số
nhạy cảm"; only the commune's officer and chairman and the province admin may (selectors.
sees_sensitive), and such an export is written in the audit log with the indicators it carried."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tocns.audit.services import audit_record
from tocns.lib.sheets import workbook_bytes

from .choices import ValueType
from .models import Indicator
from .narrative import is_share, rollup_report_docx, visible, zalo_title
from .selectors import Completeness, Rollup, sees_sensitive, sensitive_ids

INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
COMMENT_WIDTH_PT, COMMENT_LINE_PT = 260, 15


def cell_number(indicator: Indicator, value: Decimal | None) -> int | float | None:
    """The figure as Excel should hold it: None stays empty, a count is an int, a share is the
    percentage rounded to one decimal."""
    if value is None:
        return None
    if is_share(indicator):
        return float(Decimal(value).quantize(Decimal("0.1")))
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def number_format(indicator: Indicator) -> str:
    if is_share(indicator):
        return SHARE_FORMAT
    return INTEGER_FORMAT if indicator.value_type == ValueType.INTEGER else DECIMAL_FORMAT


def header_comment(indicator: Indicator) -> str:
    return _("%(name)s\nĐơn vị tính: %(unit)s") % {"name": indicator.name, "unit": indicator.unit_of_measure}


def _display_width(number: int | float | None, fmt: str) -> int:
    """Characters Excel shows for a number in this format (with thousands separators)."""
    if number is None:
        return 0
    if fmt == SHARE_FORMAT:
        return len(f"{number:.1f}")
    if fmt == INTEGER_FORMAT:
        return len(f"{number:,.0f}")
    return len(f"{number:,.2f}")


def rollup_xlsx(rollup: Rollup, *, include_sensitive: bool = False) -> bytes:
    """The roll-up as an .xlsx file (see the module notes); sensitive columns only when included
    (rollup_xlsx_for checks who asks and audits it)."""
    with translation.override("vi"):
        return _rollup_xlsx(visible(rollup, include_sensitive=include_sensitive))


def sensitive_in(rollup: Rollup) -> list[Indicator]:
    """The roll-up's sensitive indicators (those "Kèm chỉ số nhạy cảm" would add)."""
    hidden = sensitive_ids()
    return [indicator for indicator in rollup.indicators if indicator.pk in hidden]


def may_include_sensitive(user, rollup: Rollup) -> bool:
    """Whether to offer the "Kèm chỉ số nhạy cảm" box to this user for this roll-up."""
    return sees_sensitive(user, rollup.unit)


def _sensitive_export(user, rollup: Rollup, include_sensitive: bool) -> list[Indicator]:
    """The sensitive indicators an export will carry: none unless ticked; ticked by someone who may
    not see them, the export is refused (PermissionDenied) and nothing is written."""
    if not include_sensitive:
        return []
    if not sees_sensitive(user, rollup.unit):
        raise PermissionDenied(_("Chỉ cán bộ xã, Chủ tịch UBND xã và quản trị cấp tỉnh được xuất kèm chỉ số "
                                 "nhạy cảm."))
    return sensitive_in(rollup)


def _record_sensitive_export(user, rollup: Rollup, indicators: list[Indicator], what: str) -> None:
    """The audit log's line: who took which sensitive figures out, of which unit and period."""
    codes = [indicator.code for indicator in indicators]
    with translation.override("vi"):
        summary = _("Xuất %(what)s %(unit)s %(period)s kèm chỉ số nhạy cảm: %(codes)s") % {
            "what": what, "unit": rollup.unit.name, "period": rollup.period.label,
            "codes": ", ".join(codes) or _("(không có chỉ số nhạy cảm trong kỳ)")}
        with transaction.atomic():
            audit_record(actor=user, action="reports.export_sensitive", obj=rollup.unit, summary=summary,
                         data={"file": str(what), "period": rollup.period.key, "sensitive": codes})


def rollup_xlsx_for(*, user, rollup: Rollup, include_sensitive: bool = False) -> bytes:
    """The Excel roll-up as `user` downloads it: with the sensitive columns only when the box was
    ticked by someone who may, and then audited (see the module notes)."""
    carried = _sensitive_export(user, rollup, include_sensitive)
    content = rollup_xlsx(rollup, include_sensitive=include_sensitive)
    if include_sensitive:
        _record_sensitive_export(user, rollup, carried, gettext_lazy("bảng tổng hợp Excel"))
    return content


def rollup_docx_for(*, user, rollup: Rollup, completeness: Completeness | None, texts=(),
                    narrative: str | None = None, include_sensitive: bool = False) -> bytes:
    """The Word report as `user` downloads it, on the same terms as rollup_xlsx_for."""
    carried = _sensitive_export(user, rollup, include_sensitive)
    content = rollup_report_docx(rollup, completeness, texts=texts, narrative=narrative,
                                 include_sensitive=include_sensitive)
    if include_sensitive:
        _record_sensitive_export(user, rollup, carried, gettext_lazy("báo cáo Word"))
    return content


def _rollup_xlsx(rollup: Rollup) -> bytes:
    indicators = list(rollup.indicators)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Tổng hợp %(period)s") % {"period": rollup.period.key}

    header = [_("Mã"), _("Đơn vị"), *[indicator.code for indicator in indicators]]
    sheet.append(header)
    for unit, values in rollup.rows:
        sheet.append([unit.code, unit.name, *[cell_number(i, values.get(i.code)) for i in indicators]])
    sheet.append([None, _("Tổng cộng"), *[cell_number(i, rollup.total.get(i.code)) for i in indicators]])
    last_row = sheet.max_row

    bold = Font(bold=True)
    for column, cell in enumerate(sheet[1], start=1):
        cell.font, cell.fill, cell.border = bold, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if column > 2:
            indicator = indicators[column - 3]
            text = header_comment(indicator)
            comment = Comment(text, _("Hệ thống Tổ CNSCĐ"))
            comment.width = COMMENT_WIDTH_PT
            comment.height = COMMENT_LINE_PT * (2 + len(indicator.name) // 40)
            cell.comment = comment
    for row in sheet.iter_rows(min_row=2, max_row=last_row):
        for column, cell in enumerate(row, start=1):
            cell.border = BORDER
            if column == 1:
                cell.number_format = "@"  # codes such as 02269 keep their leading zero
                cell.alignment = Alignment(horizontal="center")
            elif column > 2:
                cell.number_format = number_format(indicators[column - 3])
            if cell.row == last_row:
                cell.font, cell.fill = bold, TOTAL_FILL

    sheet.column_dimensions["A"].width = max([len(str(unit.code)) for unit, _v in rollup.rows] + [3]) + 3
    sheet.column_dimensions["B"].width = min(max([len(unit.name) for unit, _v in rollup.rows]
                                                 + [len(_("Tổng cộng")), 10]) + 3, 45)
    for offset, indicator in enumerate(indicators):
        column = offset + 3
        fmt = number_format(indicator)
        widest = max([_display_width(sheet.cell(row=r, column=column).value, fmt) for r in range(2, last_row + 1)]
                     + [len(indicator.code)])
        sheet.column_dimensions[get_column_letter(column)].width = max(widest + 3, 8)
    sheet.freeze_panes = "C2"  # the header row, and the code and name while scrolling right
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last_row - 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"

    properties = book.properties
    properties.title = zalo_title(rollup)
    properties.creator = _("Hệ thống Tổ CNSCĐ")
    properties.description = _("Số liệu tính đến %(at)s; %(count)s báo cáo đã gửi.") % {
        "at": timezone.localtime(rollup.as_of).strftime("%H:%M %d/%m/%Y"), "count": rollup.report_count}
    properties.language = "vi-VN"
    return workbook_bytes(book)


def rollup_filename(rollup: Rollup) -> str:
    """"tong-hop-08-2026-10.xlsx": the unit's code and the period's key."""
    return f"tong-hop-{rollup.unit.code}-{rollup.period.key.lower()}.xlsx"


__all__ = ["cell_number", "may_include_sensitive", "rollup_docx_for", "rollup_filename", "rollup_xlsx",
           "rollup_xlsx_for", "sensitive_in"]
