"""Citizen feedback as an Excel workbook, for the commune office and the province to follow up and report.

Names and phones are personal data (Law 91/2025/QH15): they are left out unless the officer asks for
them, and even then written only for people who agreed to have them kept (`consent_at` recorded on
the entry) and only where the officer's scope covers the feedback's village. Every export is
recorded in the audit log: who, when, how many rows, and whether personal data went out."""


from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from tocns.accounts.selectors import Scope
from tocns.audit.models import AuditEntry
from tocns.audit.services import audit_record
from tocns.geo.models import AdminUnit
from tocns.lib.phone import format_phone
from tocns.lib.sheets import LIST_HEADER_ROW, start_list_sheet, workbook_bytes
from tocns.lib.workbook import finish_table

from .models import Feedback

DATE_FORMAT = "DD/MM/YYYY"
_WRAPPED = ("content", "answer")
_DATES = ("received", "due", "answered")


def _columns(with_contact: bool) -> list[tuple[str, str, int]]:
    """(key, header, width) in the sheet's order; the name and phone only when asked for."""
    columns = [
        ("code", _("Mã"), 11), ("received", _("Ngày tiếp nhận"), 12), ("commune", _("Xã, phường"), 20),
        ("village", _("Thôn, tổ dân phố"), 20), ("service", _("Dịch vụ"), 24), ("kind", _("Loại"), 11),
        ("content", _("Nội dung"), 50),
    ]
    if with_contact:
        columns += [("name", _("Họ tên người phản ánh"), 22), ("phone", _("Số điện thoại"), 15)]
    columns += [
        ("status", _("Trạng thái"), 18), ("due", _("Hạn trả lời"), 12), ("answered", _("Ngày trả lời"), 12),
        ("answer", _("Nội dung trả lời"), 40), ("overdue", _("Quá hạn"), 9),
    ]
    return columns


def is_overdue(feedback: Feedback, today) -> bool:
    """Still unanswered after its due date, or answered after it."""
    if feedback.is_open:
        return feedback.answer_due_on < today
    answered = timezone.localdate(feedback.answered_at) if feedback.answered_at else None
    return answered is not None and answered > feedback.answer_due_on


def shows_contact(feedback: Feedback, scope: Scope) -> bool:
    """A name and phone are shown only if the person agreed and the viewer's scope covers the village."""
    return feedback.consent_at is not None and scope.covers(feedback.unit)


def _text(value) -> str:
    # Characters Excel refuses (control characters pasted into a public form) are dropped.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)) if value else ""


def _row(feedback: Feedback, *, with_contact: bool, scope: Scope, today) -> dict:
    contact = with_contact and shows_contact(feedback, scope)
    return {
        "code": feedback.code, "received": timezone.localdate(feedback.received_at),
        "commune": feedback.commune.name, "village": feedback.unit.name,
        "service": feedback.service.name if feedback.service else "", "kind": feedback.get_kind_display(),
        "content": feedback.content,
        "name": feedback.citizen_name if contact else "",
        "phone": format_phone(feedback.citizen_phone) if contact and feedback.citizen_phone else "",
        "status": feedback.get_status_display(), "due": feedback.answer_due_on,
        "answered": timezone.localdate(feedback.answered_at) if feedback.answered_at else None,
        "answer": feedback.answer, "overdue": _("Có") if is_overdue(feedback, today) else _("Không"),
        "_contact": contact and bool(feedback.citizen_name or feedback.citizen_phone),
    }


def feedback_xlsx(items, *, with_contact: bool, scope: Scope, title: str) -> tuple[bytes, int, int]:
    """The workbook, the number of rows, and how many of them carry a name or phone.

    `items` is the feedback already filtered to the user's scope (with unit, commune and service loaded)."""
    columns = _columns(with_contact)
    keys = [key for key, _header, _width in columns]
    today = timezone.localdate()
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ý kiến, phản ánh")
    note = _("Xuất ngày %(day)s.") % {"day": today.strftime("%d/%m/%Y")}
    if with_contact:
        note += " " + _("Có họ tên, số điện thoại của người đã đồng ý cho lưu: chỉ dùng để trả lời ý kiến, "
                        "không chia sẻ.")
    start_list_sheet(sheet, title=title, note=note, headers=[header for _key, header, _width in columns])
    wrapped = {keys.index(key) for key in _WRAPPED}
    dates = {keys.index(key) for key in _DATES}
    count = with_names = 0
    for feedback in items.iterator(chunk_size=500):
        row = _row(feedback, with_contact=with_contact, scope=scope, today=today)
        count, with_names = count + 1, with_names + row["_contact"]
        sheet.append([row[key] if key in _DATES else _text(row[key]) for key in keys])
        for index, cell in enumerate(sheet[sheet.max_row]):
            if index in dates:
                cell.number_format = DATE_FORMAT
            elif index in wrapped:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
    for index, (_key, _header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    finish_table(sheet, header_row=LIST_HEADER_ROW, key_columns=1)
    return workbook_bytes(book), count, with_names  # text typed on a public form is never a formula


@transaction.atomic
def feedback_export_record(*, by, unit: AdminUnit, show: str, label: str, rows: int, with_contact: bool,
                           contact_rows: int) -> AuditEntry:
    """Write down an export: who (and when), which list, how many rows, with personal data or not."""
    summary = _("Xuất Excel ý kiến, phản ánh (%(view)s): %(rows)s dòng, %(contact)s") % {
        "view": label, "rows": rows,
        "contact": _("có họ tên, số điện thoại (%(n)s người đã đồng ý)") % {"n": contact_rows} if with_contact
        else _("không có họ tên, số điện thoại")}
    return audit_record(actor=by, action="feedback.export", obj=unit, summary=summary,
                        province_id=unit.province_id, commune_id=unit.commune_id,
                        data={"rows": rows, "personal_data": with_contact, "rows_with_contact": contact_rows,
                              "show": show})
