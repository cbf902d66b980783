"""Everything the app holds about one person, in one .xlsx file (the right of access, Law 91/2025
art. 14): their details, memberships, applications, activities recorded as a member (counts and
dates), trainings, consents, feedback sent from their phone, their rights requests and the audit
entries about them. Written through the one writer that keeps typed text from running as formulas."""

from django.db.models import Count, Max, Min
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tocns.audit.labels import action_label
from tocns.audit.models import AuditEntry
from tocns.fieldwork.models import Activity, Feedback
from tocns.lib.sheets import workbook_bytes
from tocns.teams.models import ApplicationEntry, Person
from tocns.training.models import Attendance

from .models import Consent, RightsRequest

DATE = "DD/MM/YYYY"
DATE_TIME = "DD/MM/YYYY HH:MM"


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _sheet(book, title: str, headers: list[str], rows, widths: list[int]):
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    count = 0
    for count, row in enumerate(rows, start=1):
        sheet.append(list(row))
        for cell in sheet[count + 1]:  # counted here: openpyxl's max_row walks every cell
            if hasattr(cell.value, "hour"):
                cell.number_format = DATE_TIME
            elif hasattr(cell.value, "day"):
                cell.number_format = DATE
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    if not count:
        sheet.append([_("(không có)")])
    return sheet


def person_file_xlsx(person: Person) -> bytes:
    with translation.override("vi"):
        return workbook_bytes(_book(person))


def _book(person: Person) -> Workbook:
    book = Workbook()
    info = book.active
    info.title = _("Thông tin")
    info.append([_("Dữ liệu của %(name)s") % {"name": person.full_name}])
    info["A1"].font = Font(bold=True, size=14)
    info.append([_("Xuất lúc %(at)s, gồm mọi dữ liệu phần mềm đang lưu về người này.") % {
        "at": timezone.localtime().strftime("%H:%M %d/%m/%Y")}])
    fields = [
        (_("Họ và tên"), person.full_name), (_("Giới tính"), person.get_gender_display()),
        (_("Năm sinh"), person.birth_year), (_("Dân tộc"), person.ethnic_group),
        (_("Đồng ý ghi dân tộc lúc"), _local(person.ethnic_group_consent_at)),
        (_("Số điện thoại"), person.phone_display), (_("Số Zalo"), person.zalo_phone), (_("Thư điện tử"), person.email),
        (_("Thành phần"), person.get_occupation_display()), (_("Nơi công tác"), person.workplace),
        (_("Chức vụ"), person.get_position_display()),
        (_("Nơi ở (thôn)"), person.home_village.name if person.home_village else ""),
        (_("Xã, phường"), person.commune.name), (_("Kỹ năng số"), person.digital_skills),
        (_("Cho người dân thấy số điện thoại"), _("Có") if person.phone_public else _("Không")),
        (_("Cho các thành viên trong tổ thấy số điện thoại"),
         _("Có") if getattr(person, "phone_shared_with_team", False) else _("Không")),
        (_("Tài khoản đăng nhập"), person.user.username if person.user else ""),
        (_("Ghi vào phần mềm lúc"), _local(person.created_at)), (_("Sửa lần cuối lúc"), _local(person.updated_at)),
    ]
    info.append([])
    for row, (label, value) in enumerate(fields, start=4):
        info.append([label, value])
        if hasattr(value, "hour"):
            info.cell(row=row, column=2).number_format = DATE_TIME
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 38, 50

    memberships = person.memberships.select_related("team__unit").order_by("start_date", "id")
    _sheet(book, _("Tham gia tổ"), [_("Tổ"), _("Vai trò"), _("Từ ngày"), _("Đến ngày"), _("Lý do kết thúc")],
           ((str(m.team), m.get_role_display(), m.start_date, m.end_date, m.end_reason) for m in memberships),
           [34, 16, 12, 12, 40])

    entries = ApplicationEntry.objects.filter(person=person).select_related("application__team__unit")
    _sheet(book, _("Đơn"), [_("Loại đơn"), _("Tổ"), _("Ngày gửi"), _("Trạng thái"), _("Họ tên trong đơn"),
                            _("Số điện thoại trong đơn")],
           ((e.application.get_kind_display(), str(e.application.team), _local(e.application.submitted_at),
             e.application.get_status_display(), e.full_name, e.phone) for e in entries),
           [14, 34, 17, 18, 26, 16])

    activity_rows = []
    if person.user_id:
        months = (Activity.objects.filter(recorded_by_id=person.user_id)
                  .values_list("date__year", "date__month")
                  .annotate(n=Count("id"), first=Min("date"), last=Max("date")).order_by("date__year", "date__month"))
        activity_rows = [(f"{month:02d}/{year}", n, first, last) for year, month, n, first, last in months]
    _sheet(book, _("Hoạt động"), [_("Tháng"), _("Số lần ghi nhật ký"), _("Ngày đầu"), _("Ngày cuối")],
           activity_rows, [10, 18, 12, 12])

    attendance = Attendance.objects.filter(person=person).select_related("session__course").order_by(
        "session__starts_at")
    _sheet(book, _("Tập huấn"), [_("Khóa tập huấn"), _("Buổi"), _("Có mặt")],
           ((a.session.course.title, _local(a.session.starts_at), _("Có") if a.present else _("Không"))
            for a in attendance), [40, 17, 9])

    consents = Consent.objects.filter(person=person).select_related("given_by").order_by("given_at")
    _sheet(book, _("Sự đồng ý"), [_("Mục đích"), _("Phiên bản thông báo"), _("Đồng ý lúc"), _("Người ghi nhận"),
                                  _("Rút lại lúc")],
           ((c.get_purpose_display(), c.notice_version, _local(c.given_at),
             c.given_by.full_name if c.given_by else "", _local(c.withdrawn_at)) for c in consents),
           [44, 12, 17, 24, 17])

    feedback = Feedback.objects.filter(citizen_phone=person.phone) if person.phone else Feedback.objects.none()
    _sheet(book, _("Ý kiến đã gửi"), [_("Mã"), _("Ngày"), _("Nội dung"), _("Trạng thái"), _("Trả lời")],
           ((f.code, _local(f.received_at), f.content, f.get_status_display(), f.answer)
            for f in feedback.order_by("received_at")), [11, 17, 60, 16, 40])

    requests = RightsRequest.objects.filter(person=person).order_by("received_on", "id")
    _sheet(book, _("Yêu cầu về dữ liệu"), [_("Loại"), _("Ngày nhận"), _("Hạn xác nhận"), _("Trạng thái"),
                                           _("Kết quả")],
           ((r.get_kind_display(), r.received_on, r.acknowledge_by, r.get_status_display(), r.answer)
            for r in requests), [30, 12, 12, 24, 50])

    audit = AuditEntry.objects.about_person(person.pk).select_related("actor").order_by("at", "id")
    _sheet(book, _("Nhật ký"), [_("Thời điểm"), _("Người thực hiện"), _("Việc"), _("Nội dung")],
           ((_local(e.at), e.actor.full_name if e.actor else _("Người dân / hệ thống"), action_label(e.action),
             e.summary) for e in audit.iterator(chunk_size=500)), [17, 24, 28, 60])
    return book
