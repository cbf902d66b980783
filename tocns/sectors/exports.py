"""The departments' part as an Excel workbook: one sheet of figures per department, one sheet
listing the activities of the period (no personal data: what, where, when, how many)."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tocns.fieldwork.models import ServicePillar
from tocns.lib.sheets import LIST_HEADER_ROW, start_list_sheet, workbook_bytes
from tocns.lib.workbook import finish_table

from .models import DepartmentActivity, DepartmentActivityKind
from .selectors import department_parts


def parts_workbook(province, *, start: date, end: date, by=None) -> bytes:
    parts = department_parts(province, start=start, end=end)
    note = _("Từ %(start)s đến %(end)s · xuất ngày %(day)s") % {
        "start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y"),
        "day": timezone.localdate().strftime("%d/%m/%Y")}
    book = Workbook()
    sheet = book.active
    sheet.title = _("Theo sở, ngành")
    headers = ([_("Sở, ban, ngành"), _("Số hoạt động")] + [str(label) for _v, label in DepartmentActivityKind.choices]
               + [str(label) for _v, label in ServicePillar.choices] + [_("Số người được tiếp cận"),
                                                                   _("Số xã, phường đã đến")])
    start_list_sheet(sheet, title=_("Phần việc của các sở, ban, ngành"), note=note, headers=headers)
    for part in parts:
        sheet.append([part.department.name, part.activities] + [n for _l, n in part.kind_counts()]
                     + [n for _l, n in part.pillar_counts()] + [part.people, part.communes_touched])
    finish_table(sheet, header_row=LIST_HEADER_ROW, key_columns=1)

    listing = book.create_sheet(_("Các hoạt động"))
    start_list_sheet(listing, title=_("Các hoạt động của sở, ban, ngành"), note=note, headers=[
        _("Ngày"), _("Sở, ban, ngành"), _("Hình thức"), _("Xã, phường"), _("Dịch vụ số"), _("Lĩnh vực"),
        _("Nội dung"), _("Số người được tiếp cận")])
    activities = DepartmentActivity.objects.filter(province=province, date__gte=start, date__lte=end)\
        .select_related("department", "commune").prefetch_related("services").order_by("date", "id")
    for activity in activities:
        listing.append([activity.date.strftime("%d/%m/%Y"), activity.department.name, str(activity.get_kind_display()),
                        activity.commune.name if activity.commune else _("Toàn tỉnh"),
                        ", ".join(service.name for service in activity.services.all()),
                        ", ".join(str(label) for label in activity.pillars), activity.description,
                        activity.people_reached])
    finish_table(listing, header_row=LIST_HEADER_ROW, key_columns=1)
    return workbook_bytes(book)
