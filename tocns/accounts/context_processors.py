from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Role
from .selectors import scope_for


def navigation(request):
    """The menu shows each user only what their roles allow."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_for(user)
    items = [(reverse("dashboard:home"), _("Trang chủ"))]
    if scope.has_role(Role.TEAM_LEADER, Role.TEAM_MEMBER):
        items.append((reverse("fieldwork:log"), _("Ghi nhật ký")))
    items.append((reverse("training:courses"), _("Tập huấn")))
    items.append((reverse("guides:list"), _("Tài liệu hướng dẫn")))
    if not scope.is_empty:
        items.append((reverse("fieldwork:survey_list"), _("Khảo sát")))
        items.append((reverse("fieldwork:feedback_list"), _("Ý kiến người dân")))
    if not scope.is_empty:
        items.append((reverse("dashboard:overview"), _("Tổng quan")))
        items.append((reverse("dashboard:units"), _("Địa bàn")))
        items.append((reverse("teams:list"), _("Các tổ")))
        items.append((reverse("teams:applications"), _("Đơn")))
        items.append((reverse("reports:list"), _("Báo cáo")))
        if scope.province_ids or scope.commune_ids:
            items.append((reverse("report_settings:index"), _("Chỉ số, chỉ tiêu")))
        if scope.province_ids or scope.commune_ids:
            items.append((reverse("teams:coverage"), _("Rà soát các tổ")))
    if scope.has_role(Role.PROVINCE_ADMIN):
        items.append((reverse("accounts:users"), _("Người dùng")))
        items.append((reverse("dashboard:village_import"), _("Nhập thôn")))
    return {"nav_items": items, "user_scope": scope}
