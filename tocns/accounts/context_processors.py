from django.urls import reverse
from django.utils.translation import gettext as _

from .access import access_for


def navigation(request):
    """The menu shows each user only the pages their roles open (the rules in access.py, which
    guard those pages too)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    access = access_for(user)
    items = [(reverse("dashboard:home"), _("Trang chủ"))]
    if access.national:
        items.append((reverse("national:index"), _("Toàn quốc")))
        # The ministry keeps the national catalogue every province's forms and roll-ups use.
        items.append((reverse("report_settings:index"), _("Danh mục chung")))
    if access.field_log:
        items.append((reverse("fieldwork:log"), _("Ghi nhật ký")))
    if access.unit_data:
        items.append((reverse("reports:list"), _("Báo cáo")))
    items.append((reverse("training:courses"), _("Tập huấn")))
    items.append((reverse("guides:list"), _("Tài liệu hướng dẫn")))
    if access.unit_data:
        items.append((reverse("fieldwork:survey_list"), _("Khảo sát")))
        items.append((reverse("fieldwork:feedback_list"), _("Ý kiến người dân")))
        items.append((reverse("dashboard:overview"), _("Tổng quan")))
        items.append((reverse("dashboard:units"), _("Địa bàn")))
        items.append((reverse("teams:list"), _("Các tổ")))
        items.append((reverse("teams:applications"), _("Đơn")))
    if access.oversight:
        items.append((reverse("report_settings:index"), _("Chỉ số, chỉ tiêu")))
        items.append((reverse("teams:coverage"), _("Rà soát các tổ")))
        items.append((reverse("reports:validation"), _("Kiểm tra số liệu")))
    if access.province_admin:
        items.append((reverse("accounts:users"), _("Người dùng")))
        items.append((reverse("dashboard:village_import"), _("Nhập thôn")))
        items.append((reverse("notify:channels"), _("Gửi thông báo")))
    if access.audit:
        items.append((reverse("audit:list"), _("Nhật ký hệ thống")))
    if access.privacy:
        items.append((reverse("privacy:list"), _("Yêu cầu về dữ liệu cá nhân")))
    if access.api_tokens:
        items.append((reverse("api_tokens:list"), _("Mã truy cập API")))
    if access.province_admin:
        items.append((reverse("api_tokens:clients"), _("Hệ thống kết nối API")))
    if access.province_admin:
        items.append((reverse("teams:rules"), _("Quy định về tổ")))
        items.append((reverse("dashboard:province_profile_mine"), _("Thông tin của tỉnh")))
    if access.regulations:
        items.append((reverse("regulations:index"), _("Quy chế hoạt động")))
    if access.coordination:
        items.append((reverse("coordination:index"), _("Nhóm phối hợp của xã")))
    if access.department:
        items.append((reverse("sectors:activities"), _("Hoạt động của sở, ngành")))
        items.append((reverse("sectors:communes"), _("Các xã được hỗ trợ")))
    if access.province_admin:
        items.append((reverse("sectors:departments"), _("Sở, ban, ngành")))
    if access.support:
        items.append((reverse("support:list"), _("Đề nghị hỗ trợ doanh nghiệp")))
    if access.partner:
        items.append((reverse("support:served"), _("Các tổ ở xã doanh nghiệp phục vụ")))
    if access.team_tasks:
        items.append((reverse("teamtasks:list"), _("Nhiệm vụ của tổ")))
    if access.oversight:
        items.append((reverse("reports:difficulties_by_commune") if access.province_admin
                      else reverse("reports:difficulties"), _("Khó khăn, kiến nghị")))
    if access.village_figures:
        items.append((reverse("dashboard:households"), _("Số hộ, nhân khẩu")))
    items.append((reverse("training:certificates"), _("Giấy chứng nhận")))
    if access.proficiency_import:
        items.append((reverse("training:completion_import"), _("Nhập kết quả Bình dân học vụ số")))
    items.append((reverse("accounts:profile"), _("Tài khoản của tôi")))
    return {"nav_items": items, "user_scope": access.scope, "access": access}
