from django.db import models
from django.utils.translation import gettext_lazy as _


class Pillar(models.TextChoices):
    OUTREACH = "outreach", _("Tuyên truyền")
    GOVERNMENT = "government", _("Chính quyền số")
    ECONOMY = "economy", _("Kinh tế số")
    SOCIETY = "society", _("Xã hội số")
    TEAM = "team", _("Hoạt động của tổ")
    INFRASTRUCTURE = "infrastructure", _("Hạ tầng và người dùng số")
    OTHER = "other", _("Khác")


class ValueType(models.TextChoices):
    INTEGER = "integer", _("Số nguyên")
    DECIMAL = "decimal", _("Số thập phân")
    PERCENT = "percent", _("Tỷ lệ phần trăm")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Cộng dồn trong kỳ")
    LATEST = "latest", _("Số cuối kỳ")
    RATIO = "ratio", _("Tỷ lệ tính từ hai chỉ số")


class Level(models.TextChoices):
    VILLAGE_TEAM = "village_team", _("Tổ thôn, tổ dân phố")
    COMMUNE_TEAM = "commune_team", _("Tổ cấp xã")
    COMMUNE = "commune", _("UBND xã, phường")


class PeriodType(models.TextChoices):
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    YEAR = "year", _("Năm")
    ONCE = "once", _("Đột xuất")


class PeriodRule(models.TextChoices):
    CALENDAR = "calendar", _("Theo tháng dương lịch")
    CUTOFF_15 = "cutoff_15", _("Từ ngày 15 tháng trước đến ngày 14 tháng này")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã tiếp nhận")


class ReportAction(models.TextChoices):
    CREATED = "created", _("Tạo báo cáo")
    SAVED = "saved", _("Lưu nháp")
    SUBMITTED = "submitted", _("Gửi")
    RETURNED = "returned", _("Trả lại")
    ACCEPTED = "accepted", _("Tiếp nhận")
    REOPENED = "reopened", _("Mở lại để sửa")


class Visibility(models.TextChoices):
    NORMAL = "normal", _("Bình thường")
    # Its latest commune and province totals are shown on the citizen portal.
    PUBLIC = "public", _("Công khai")
    # Seen only by the commune officer and chairman and the province admin (and the leader who
    # enters it); never in the Zalo text, on a public page, or in an export unless ticked.
    SENSITIVE = "sensitive", _("Nhạy cảm")


class RuleOperator(models.TextChoices):
    LT = "lt", "<"
    LE = "le", "≤"
    EQ = "eq", "="
    GE = "ge", "≥"
    GT = "gt", ">"
    BETWEEN = "between", _("trong khoảng")


class RuleStrength(models.TextChoices):
    BLOCK = "block", _("Chặn: không gửi được")
    WARN = "warn", _("Cảnh báo: gửi phải xác nhận, ghi lý do")


class UploadStatus(models.TextChoices):
    CHECKED = "checked", _("Đã kiểm tra, chờ xác nhận")
    CONFIRMED = "confirmed", _("Đã nhập")
    DISCARDED = "discarded", _("Đã huỷ")
