"""The text of every kind of notice: the subject and body read in the app and in an email, the
short SMS text (sent without diacritics, so it should fit 160 characters), and the parameters a
Zalo ZNS template of that kind is filled with.

Callers give a kind and its parameters (plain strings, already formatted as a reader sees them);
`render` makes the texts, and the parameters are kept on the notice so the province admin can
preview every kind with real data and a ZNS template receives the same values."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import NoticeKind

ZNS_VALUE_MAX = 100  # ZNS refuses longer parameter values; the full text is in the app anyway


@dataclass(frozen=True)
class NoticeTemplate:
    subject: str
    body: str
    sms: str
    zalo_params: tuple[str, ...]
    # Who gets it, for the preview page.
    audience: str = ""


TEMPLATES: dict[str, NoticeTemplate] = {
    NoticeKind.REPORT_DUE_5: NoticeTemplate(
        subject=_("Nhắc gửi %(report)s: còn %(days)s ngày"),
        body=_("%(unit)s chưa gửi %(report)s. Hạn gửi: hết ngày %(due)s (còn %(days)s ngày). %(hint)s"),
        sms=_("%(unit)s chua gui %(report)s. Han: %(due)s (con %(days)s ngay). Vao ung dung To CNS de gui."),
        zalo_params=("unit", "report", "due", "days"),
        audience=_("Tổ trưởng của tổ chưa gửi; cán bộ xã với báo cáo của xã")),
    NoticeKind.REPORT_DUE_1: NoticeTemplate(
        subject=_("Nhắc gửi %(report)s: còn %(days)s ngày"),
        body=_("%(unit)s chưa gửi %(report)s. Hạn gửi: hết ngày %(due)s (còn %(days)s ngày). %(hint)s"),
        sms=_("%(unit)s chua gui %(report)s. Han: het ngay %(due)s. Vao ung dung To CNS de gui ngay."),
        zalo_params=("unit", "report", "due", "days"),
        audience=_("Tổ trưởng của tổ chưa gửi; cán bộ xã với báo cáo của xã")),
    NoticeKind.REPORT_OVERDUE: NoticeTemplate(
        subject=_("%(unit)s: %(count)s tổ chưa gửi %(report)s"),
        body=_("Đã hết hạn gửi %(report)s (%(due)s). Các tổ sau chưa gửi:\n%(lines)s\n"
               "Hãy gọi nhắc tổ trưởng, hoặc nhập giúp khi tổ gửi số liệu qua Zalo."),
        sms=_("%(unit)s: %(count)s to chua gui %(report)s (han %(due)s). Xem danh sach tren ung dung To CNS."),
        zalo_params=("unit", "count", "report", "due"),
        audience=_("Cán bộ văn hoá - xã hội của xã, ngày sau hạn")),
    NoticeKind.REPORT_RETURNED: NoticeTemplate(
        subject=_("Báo cáo bị trả lại: %(unit)s %(report)s"),
        body=_("Báo cáo %(report)s của %(unit)s bị trả lại. Cần sửa: %(comment)s"),
        sms=_("Bao cao %(report)s cua %(unit)s bi tra lai. Can sua: %(comment)s"),
        zalo_params=("unit", "report", "comment"),
        audience=_("Người đã gửi báo cáo")),
    NoticeKind.REPORT_REQUESTED: NoticeTemplate(
        subject=_("Yêu cầu báo cáo đột xuất: %(title)s"),
        body=_("Tỉnh yêu cầu %(unit)s gửi báo cáo “%(title)s”, số liệu từ %(start)s đến %(end)s, hạn gửi "
               "%(due)s. Vào mục Báo cáo trên trang chủ để lập báo cáo."),
        sms=_("Tinh yeu cau %(unit)s gui bao cao dot xuat \"%(title)s\", han %(due)s. Vao ung dung To CNS."),
        zalo_params=("unit", "title", "due"),
        audience=_("Cán bộ xã được giao")),
    NoticeKind.APPLICATION_RECEIVED: NoticeTemplate(
        subject=_("Đã nhận đơn %(application)s"),
        body=_("%(team)s đã nhận đơn %(application)s của %(name)s. Mã theo dõi: %(code)s. Tổ sẽ trả lời "
               "trong vài ngày; kết quả được nhắn tới số này."),
        sms=_("%(team)s da nhan don %(application)s. Ma theo doi: %(code)s."),
        zalo_params=("name", "team", "application", "code"),
        audience=_("Người gửi đơn")),
    NoticeKind.APPLICATION_DECIDED: NoticeTemplate(
        subject=_("%(result)s"),
        body=_("%(note)s"),
        sms=_("%(result)s. %(note)s"),
        zalo_params=("name", "team", "result", "note"),
        audience=_("Người gửi đơn")),
    NoticeKind.FEEDBACK_ANSWERED: NoticeTemplate(
        subject=_("Ý kiến %(code)s đã được trả lời"),
        body=_("Ý kiến của bạn (mã %(code)s) đã được %(by)s trả lời:\n%(answer)s"),
        sms=_("Y kien ma %(code)s da duoc tra loi: %(answer)s"),
        zalo_params=("code", "by", "answer"),
        audience=_("Người dân đã gửi ý kiến và để lại số điện thoại")),
    NoticeKind.TRAINING_INVITATION: NoticeTemplate(
        subject=_("Mời tập huấn: %(course)s"),
        body=_("Bạn được mời tham gia lớp “%(course)s”. Buổi đầu: %(starts)s, tại %(place)s."),
        sms=_("Moi tap huan \"%(course)s\": %(starts)s, tai %(place)s."),
        zalo_params=("name", "course", "starts", "place"),
        audience=_("Thành viên các tổ được mời")),
    NoticeKind.CHANNEL_ALERT: NoticeTemplate(
        subject=_("Kênh %(channel)s đã tạm dừng"),
        body=_("Kênh %(channel)s đã tạm dừng lúc %(at)s: %(reason)s. Thông báo đang được gửi qua kênh "
               "khác. Xem trang Gửi thông báo để mở lại kênh."),
        sms=_("Kenh %(channel)s da tam dung: %(reason)s. Xem trang Gui thong bao."),
        zalo_params=("channel", "reason", "at"),
        audience=_("Quản trị tỉnh")),
    NoticeKind.SUPPORT_REQUESTED: NoticeTemplate(
        subject=_("Đề nghị hỗ trợ %(code)s: %(kind)s, %(unit)s"),
        body=_("%(unit)s đề nghị %(partner)s hỗ trợ: %(kind)s.\n%(text)s\nMong trả lời trước %(due)s."),
        sms=_("%(unit)s de nghi ho tro (%(kind)s), ma %(code)s. Tra loi truoc %(due)s tren ung dung To CNS."),
        zalo_params=("code", "unit", "kind", "due"),
        audience=_("Tài khoản của doanh nghiệp được đề nghị")),
    NoticeKind.SUPPORT_ANSWERED: NoticeTemplate(
        subject=_("%(partner)s đã trả lời đề nghị %(code)s"),
        body=_("%(partner)s trả lời đề nghị hỗ trợ %(code)s (%(kind)s):\n%(answer)s"),
        sms=_("%(partner)s tra loi de nghi %(code)s: %(answer)s"),
        zalo_params=("code", "partner", "answer"),
        audience=_("Người đã gửi đề nghị hỗ trợ")),
    NoticeKind.TASK_ASSIGNED: NoticeTemplate(
        subject=_("Nhiệm vụ mới: %(title)s"),
        body=_("%(by)s giao cho %(team)s: %(title)s. Hạn hoàn thành: %(due)s.\n%(text)s"),
        sms=_("%(team)s duoc giao nhiem vu: %(title)s. Han %(due)s. Xem tren ung dung To CNS."),
        zalo_params=("team", "title", "due"),
        audience=_("Tổ trưởng của tổ được giao")),
    NoticeKind.DIFFICULTY_ANSWERED: NoticeTemplate(
        subject=_("Kiến nghị của %(unit)s đã được trả lời"),
        body=_("%(by)s trả lời kiến nghị “%(item)s” của %(unit)s:\n%(answer)s"),
        sms=_("Kien nghi cua %(unit)s da duoc tra loi: %(answer)s"),
        zalo_params=("unit", "item", "answer"),
        audience=_("Tổ trưởng đã nêu khó khăn, kiến nghị trong báo cáo")),
    NoticeKind.GENERAL: NoticeTemplate(
        subject="%(subject)s", body="%(body)s", sms="%(subject)s", zalo_params=(), audience=""),
}


def render(kind: str, params: dict) -> tuple[str, str, str]:
    """(subject, body, SMS text) of a notice of this kind with these parameters."""
    template = TEMPLATES[kind]
    values = {key: "" if value is None else value for key, value in params.items()}
    subject = (str(template.subject) % values).strip()
    body = (str(template.body) % values).strip()
    sms = " ".join((str(template.sms) % values).split())
    return subject[:200], body, sms[:480]


def zalo_data(kind: str, params: dict) -> dict:
    return {key: str(params.get(key, ""))[:ZNS_VALUE_MAX] for key in TEMPLATES[kind].zalo_params}
