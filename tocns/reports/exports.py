"""The roll-up as an Excel workbook: one sheet, one row per child unit, one column per indicator.

A title row names the table, the unit and the period, the next says when it was made and how many
reports it sums; then two header rows, the indicator's name with its unit, and below it the code
(the filter sits on the codes; the code's cell also carries the name in a comment). The panes are
frozen below the headers and right of the code and name, which print on every page
(tocns.lib.workbook.finish_table). A missing figure is an empty cell, never 0 (the province must see
who did not report), and every figure is a number with a thousands format, not text, so the officer
can add and filter in Excel. Shares are the percentage with one decimal (35.0, not 0.35, shown
35,0%), as the roll-up page shows them: total over total, never an average of the units' shares.

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
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tocns.audit.services import audit_record
from tocns.lib.sheets import workbook_bytes
from tocns.lib.workbook import BORDER, HEADER_FILL, SHARE_FORMAT, finish_table, made_at_text, write_title  # noqa: F401  (BORDER, HEADER_FILL: survey_export)

from .choices import Aggregation, ValueType, Visibility
from .models import Indicator
from .narrative import is_share, rollup_report_docx, visible, zalo_title
from .selectors import Completeness, Rollup, sees_sensitive

INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
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


def header_name(indicator: Indicator) -> str:
    """"Số người cài VNeID (người)": the indicator's name and unit, as the header shows it."""
    if is_share(indicator):
        return f"{indicator.name} (%)"
    return f"{indicator.name} ({indicator.unit_of_measure})" if indicator.unit_of_measure else indicator.name


def header_comment(indicator: Indicator) -> str:
    return _("%(name)s\nĐơn vị tính: %(unit)s") % {"name": indicator.name, "unit": indicator.unit_of_measure}


def rollup_xlsx(rollup: Rollup, *, include_sensitive: bool = False) -> bytes:
    """The roll-up as an .xlsx file (see the module notes); sensitive columns only when included
    (rollup_xlsx_for checks who asks and audits it)."""
    with translation.override("vi"):
        return _rollup_xlsx(visible(rollup, include_sensitive=include_sensitive))


def sensitive_in(rollup: Rollup) -> list[Indicator]:
    """The roll-up's sensitive indicators (those "Kèm chỉ số nhạy cảm" would add): the rule of
    `sensitive_ids`, read from the roll-up's own indicators (a ratio carries its two parts)."""
    def marked(indicator) -> bool:
        return indicator.visibility == Visibility.SENSITIVE

    return [indicator for indicator in rollup.indicators if marked(indicator) or (
        indicator.aggregation == Aggregation.RATIO and (marked(indicator.numerator) or marked(indicator.denominator)))]


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
    columns = 2 + len(indicators)
    header_row = write_title(
        sheet, what=_("Bảng tổng hợp số liệu Tổ công nghệ số cộng đồng"), unit=rollup.unit.name,
        period=rollup.period.label,
        note=_("Số liệu tính đến %(at)s; %(count)s báo cáo đã gửi.") % {
            "at": made_at_text(rollup.as_of), "count": rollup.report_count})
    # two header rows: the indicator's name and unit, then its code (formulas and filters use the code)
    sheet.append([_("Mã"), _("Đơn vị"), *[header_name(indicator) for indicator in indicators]])
    sheet.append([None, None, *[indicator.code for indicator in indicators]])
    sheet.merge_cells(start_row=header_row, end_row=header_row + 1, start_column=1, end_column=1)
    sheet.merge_cells(start_row=header_row, end_row=header_row + 1, start_column=2, end_column=2)
    first_row = header_row + 2
    for unit, values in rollup.rows:
        sheet.append([unit.code, unit.name, *[cell_number(i, values.get(i.code)) for i in indicators]])
    sheet.append([None, _("Tổng cộng"), *[cell_number(i, rollup.total.get(i.code)) for i in indicators]])
    last_row = sheet.max_row

    for offset, indicator in enumerate(indicators):
        cell = sheet.cell(row=header_row + 1, column=offset + 3)
        comment = Comment(header_comment(indicator), _("Hệ thống Tổ CNSCĐ"))
        comment.width = COMMENT_WIDTH_PT
        comment.height = COMMENT_LINE_PT * (2 + len(indicator.name) // 40)
        cell.comment = comment
        for row in range(first_row, last_row + 1):
            sheet.cell(row=row, column=offset + 3).number_format = number_format(indicator)
    finish_table(sheet, header_row=header_row, header_rows=2, key_columns=2, text_columns={1},
                 share_columns={offset + 3 for offset, i in enumerate(indicators) if is_share(i)}, filter=False)
    sheet.auto_filter.ref = f"A{header_row + 1}:{get_column_letter(columns)}{last_row - 1}"
    bold = Font(bold=True)
    for cell in sheet[last_row]:
        cell.font, cell.fill = bold, TOTAL_FILL
    for row in range(first_row, last_row + 1):
        sheet.cell(row=row, column=1).number_format = "@"  # codes such as 02269 keep their leading zero
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center")

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
