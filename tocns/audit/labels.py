"""The audit log's actions in the words its readers use. An action not listed here is shown by its
code, so a new action never hides an entry."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "person.view": _("Xem trang của một người"),
    "person.create": _("Thêm người"),
    "person.update": _("Sửa thông tin người"),
    "person.phone_public": _("Đổi việc công khai số điện thoại"),
    "person.phone_sharing": _("Đổi người được xem số điện thoại"),
    "person.export": _("Tải tệp dữ liệu của một người"),
    "person.anonymise": _("Ẩn danh một người"),
    "members.export": _("Tải danh sách thành viên"),
    "team.roster": _("Xem danh sách thành viên của tổ"),
    "decision.draft": _("Tải dự thảo quyết định (có họ tên)"),
    "members.api": _("Đọc danh sách thành viên qua API"),
    "survey.export": _("Tải kết quả khảo sát"),
    "feedback.export": _("Tải ý kiến người dân"),
    "audit.export": _("Tải nhật ký hệ thống"),
    "membership.start": _("Bắt đầu làm thành viên"),
    "membership.end": _("Kết thúc làm thành viên"),
    "team.import_members": _("Nhập thành viên từ tệp"),
    "team.propose": _("Đề xuất thành lập tổ"),
    "team.establish": _("Thành lập tổ"),
    "team.dissolve": _("Giải thể tổ"),
    "team.zalo": _("Đổi nhóm Zalo của tổ"),
    "decision.attach": _("Đính kèm quyết định"),
    "application.submit": _("Gửi đơn"),
    "application.approved": _("Duyệt đơn"),
    "application.rejected": _("Từ chối đơn"),
    "application.info_requested": _("Yêu cầu bổ sung đơn"),
    "application.reply": _("Trả lời yêu cầu bổ sung"),
    "rights_request.receive": _("Nhận yêu cầu về dữ liệu cá nhân"),
    "rights_request.acknowledge": _("Xác nhận đã nhận yêu cầu"),
    "rights_request.done": _("Hoàn thành yêu cầu"),
    "rights_request.refuse": _("Từ chối yêu cầu"),
    "consent.give": _("Ghi nhận đồng ý"),
    "consent.withdraw": _("Rút lại đồng ý"),
    "api_token.create": _("Tạo mã truy cập API"),
    "api_token.revoke": _("Thu hồi mã truy cập API"),
    "targets.set": _("Giao chỉ tiêu"),
    "targets.import": _("Nhập chỉ tiêu từ tệp"),
    "feedback.receive": _("Nhận ý kiến người dân"),
    "fieldwork_rules.update": _("Đổi số ngày phải trả lời ý kiến"),
    "partner.add": _("Thêm doanh nghiệp đối tác"),
    "partner.users": _("Đổi tài khoản của đối tác"),
    "topic.add": _("Thêm chủ đề tập huấn"),
    "notify.preference": _("Đổi cách nhận thông báo"),
    "notify.resume": _("Mở lại kênh gửi thông báo"),
    "notify.retry": _("Gửi lại thông báo"),
    "report.upload": _("Nhập báo cáo các tổ từ Excel"),
    "reports.export_sensitive": _("Xuất số liệu kèm chỉ số nhạy cảm"),
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))
