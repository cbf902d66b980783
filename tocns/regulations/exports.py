"""The province's table of communes and their regulation, as Excel."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from tocns.lib.sheets import LIST_HEADER_ROW, start_list_sheet, workbook_bytes
from tocns.lib.workbook import finish_table

from .selectors import STATE_CURRENT, STATE_NONE, STATE_OLDER, CommuneRow


def state_labels() -> dict:
    return {STATE_NONE: _("Chưa ban hành"), STATE_OLDER: _("Theo phiên bản cũ"),
            STATE_CURRENT: _("Theo phiên bản hiện hành")}


def commune_table_xlsx(rows: list[CommuneRow], *, province, current) -> bytes:
    labels = state_labels()
    columns = [(_("STT"), 6), (_("Xã, phường"), 28), (_("Mã"), 10), (_("Tình trạng"), 26),
               (_("Phiên bản đã ban hành"), 14), (_("Số quyết định"), 16), (_("Ngày ký"), 12),
               (_("Đang soạn theo phiên bản"), 16)]
    book = Workbook()
    sheet = book.active
    sheet.title = _("Quy chế các xã")
    note = _("Xuất ngày %(day)s. Phiên bản hiện hành: %(label)s") % {
        "day": timezone.localdate().strftime("%d/%m/%Y"), "label": current.label if current else "—"}
    start_list_sheet(sheet, title=_("Quy chế hoạt động của Tổ CNSCĐ các xã, phường – %(province)s") % {
        "province": province.name}, note=note, headers=[label for label, _width in columns])
    for index, row in enumerate(rows, start=1):
        adoption = row.adoption
        sheet.append([index, row.commune.name, row.commune.code, labels[row.state],
                      adoption.base.label if adoption else "", adoption.decision_number if adoption else "",
                      adoption.signed_on if adoption else None, row.draft.base.label if row.draft else ""])
        sheet.cell(sheet.max_row, 7).number_format = "DD/MM/YYYY"
    for index, (_label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    finish_table(sheet, header_row=LIST_HEADER_ROW, key_columns=2)
    return workbook_bytes(book)
