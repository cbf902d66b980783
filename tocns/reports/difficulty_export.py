"""Difficulties and proposals as an Excel list, for the province and the commune offices to follow up."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from tocns.lib.sheets import LIST_HEADER_ROW, start_list_sheet, workbook_bytes
from tocns.lib.workbook import finish_table

DATE_FORMAT = "DD/MM/YYYY"


def _text(value) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)) if value else ""


def difficulties_xlsx(items, *, title: str) -> tuple[bytes, int]:
    """The workbook and its number of rows; `items` already filtered to the user's scope."""
    columns = [
        (_("Xã, phường"), 20), (_("Đơn vị báo cáo"), 20), (_("Kỳ báo cáo"), 10), (_("Phần"), 18),
        (_("Nội dung"), 50), (_("Cấp giải quyết"), 10), (_("Trạng thái"), 16), (_("Người xử lý"), 20),
        (_("Hạn trả lời"), 12), (_("Quá hạn"), 8), (_("Ngày trả lời"), 12), (_("Nội dung trả lời"), 50),
    ]
    today = timezone.localdate()
    book = Workbook()
    sheet = book.active
    sheet.title = _("Khó khăn, kiến nghị")
    start_list_sheet(sheet, title=title, note=_("Xuất ngày %(day)s.") % {"day": today.strftime("%d/%m/%Y")},
                     headers=[header for header, _width in columns])
    count = 0
    for item in items.iterator(chunk_size=500):
        count += 1
        sheet.append([
            _text(item.commune.name), _text(item.unit.name), item.report.period_start.strftime("%m/%Y"),
            item.get_section_display(), _text(item.text), item.get_owner_level_display(), item.get_state_display(),
            _text(item.owner.get_full_name() if item.owner else ""), item.due_on,
            _("Có") if item.is_open and item.due_on < today else "",
            timezone.localdate(item.answered_at) if item.answered_at else None, _text(item.answer)])
        for index, cell in enumerate(sheet[sheet.max_row]):
            if index in (8, 10):
                cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(wrap_text=index in (4, 11), vertical="top")
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    finish_table(sheet, header_row=LIST_HEADER_ROW, key_columns=1)
    return workbook_bytes(book), count
