"""The country's table as an .xlsx file, dressed by the shared helper (tocns.lib.workbook): a row per
province, its teams, members, monthly reports sent and owed, completeness, then the national
indicators (name and unit in the header, the code below it, as the roll-up's sheet has them)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tocns.lib.sheets import workbook_bytes
from tocns.lib.workbook import finish_table, write_title
from tocns.reports.exports import cell_number, header_name

from .selectors import Table


def country_xlsx(table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Toàn quốc")
    header_row = write_title(sheet, what=_("Tổ công nghệ số cộng đồng – số liệu theo tỉnh, thành phố"),
                             unit=_("Toàn quốc"), period=table.period.label, made_at=timezone.now())
    fixed = [_("Mã"), _("Tỉnh, thành phố"), _("Tổ đã thành lập"), _("Thành viên"), _("Báo cáo tháng đã gửi"),
             _("Số tổ thôn phải gửi"), _("Tỷ lệ đã gửi (%)")]
    sheet.append(fixed + [header_name(indicator) for indicator in table.indicators])
    sheet.append([""] * len(fixed) + [indicator.code for indicator in table.indicators])

    def line(code, name, row):
        return [code, name, row.teams, row.members, row.submitted if row.expected is not None else None,
                row.expected, row.share] + [cell_number(i, row.values.get(i.code)) for i in table.indicators]

    for row in table.rows:
        sheet.append(line(row.unit.code, row.unit.name, row))
    sheet.append(line("", _("Cả nước"), table.total))
    finish_table(sheet, header_row=header_row, header_rows=2, key_columns=2, text_columns={1})
    return workbook_bytes(book)
