"""Support requests as an Excel workbook for the province: one row a request, then the counts by
enterprise and by commune. No personal data beyond the asker's unit; every export is audited."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from tocns.audit.services import audit_record
from tocns.geo.models import AdminUnit
from tocns.lib.sheets import LIST_HEADER_ROW, start_list_sheet, workbook_bytes
from tocns.lib.workbook import finish_table

from .selectors import tallies

DATE_FORMAT = "DD/MM/YYYY"


def _text(value) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)) if value else ""


def _day(moment):
    return timezone.localdate(moment) if moment else None


def _sheet(sheet, *, title: str, note: str, columns: list, rows: list, dates: set) -> None:
    start_list_sheet(sheet, title=title, note=note, headers=[header for header, _width in columns])
    for row in rows:
        sheet.append(row)
        for index, cell in enumerate(sheet[sheet.max_row]):
            if index in dates:
                cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    finish_table(sheet, header_row=LIST_HEADER_ROW, key_columns=1)


def support_xlsx(items, *, title: str) -> tuple[bytes, int]:
    today = timezone.localdate()
    note = _("Xuất ngày %(day)s.") % {"day": today.strftime("%d/%m/%Y")}
    book = Workbook()
    sheet = book.active
    sheet.title = _("Đề nghị hỗ trợ")
    columns = [(_("Mã"), 11), (_("Ngày gửi"), 12), (_("Doanh nghiệp"), 24), (_("Xã, phường"), 20),
               (_("Nơi cần hỗ trợ"), 20), (_("Bên đề nghị"), 24), (_("Cần hỗ trợ về"), 20), (_("Nội dung"), 50),
               (_("Trạng thái"), 18), (_("Hạn trả lời"), 12), (_("Ngày trả lời"), 12), (_("Trả lời"), 40),
               (_("Quá hạn"), 9)]
    rows = []
    for item in items.iterator(chunk_size=500):
        late = (item.is_open and item.answer_due_on < today) or (
            item.answered_at is not None and _day(item.answered_at) > item.answer_due_on)
        rows.append([item.code, _day(item.sent_at), _text(item.partner.name), _text(item.commune.name),
                     _text(item.unit.name), _text(item.asker_label), _text(item.get_kind_display()),
                     _text(item.description), _text(item.get_status_display()), item.answer_due_on,
                     _day(item.answered_at), _text(item.answer), _("Có") if late else _("Không")])
    _sheet(sheet, title=title, note=note, columns=columns, rows=rows, dates={1, 9, 10})
    by_partner, by_commune, _whole = tallies(items)
    for name, tallied, first in ((_("Theo doanh nghiệp"), by_partner, _("Doanh nghiệp")),
                                 (_("Theo xã, phường"), by_commune, _("Xã, phường"))):
        sheet = book.create_sheet(name)
        _sheet(sheet, title=f"{title} – {name.lower()}", note=note,
               columns=[(first, 28), (_("Tổng"), 9), (_("Đang chờ"), 10), (_("Quá hạn"), 9), (_("Đã trả lời"), 11),
                        (_("Số ngày trả lời trung bình"), 14)],
               rows=[[t.label, t.total, t.open, t.overdue, t.answered, t.average_days] for t in tallied], dates=set())
    return workbook_bytes(book), len(rows)


@transaction.atomic
def support_export_record(*, by, province: AdminUnit, rows: int, state: str, commune_code: str):
    return audit_record(actor=by, action="support.export", obj=province, province_id=province.pk,
                        summary=_("Xuất Excel đề nghị hỗ trợ gửi doanh nghiệp: %(rows)s dòng") % {"rows": rows},
                        data={"rows": rows, "state": state, "commune": commune_code}, is_read=True)
