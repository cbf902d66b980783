"""Fixed lists from the plan and from the state: ethnic groups, occupations, roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The 54 ethnic groups of Viet Nam, in the official order (General Statistics Office list).
ETHNIC_GROUPS = [
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai", "Ê Đê",
    "Ba Na", "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai", "Mnông", "Thổ",
    "Xtiêng", "Khơ Mú", "Bru - Vân Kiều", "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ Triêng", "Co",
    "Chơ Ro", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "Kháng", "La Chí", "Phù Lá", "La Hủ", "La Ha",
    "Pà Thẻn", "Chứt", "Lự", "Lô Lô", "Mảng", "Cờ Lao", "Bố Y", "Cống", "Ngái", "Si La", "Pu Péo",
    "Rơ Măm", "Brâu", "Ơ Đu",
]
ETHNIC_GROUP_CHOICES = [(name, name) for name in ETHNIC_GROUPS]


class TeamStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đề xuất")
    ESTABLISHED = "established", _("Đã thành lập")
    DISSOLVED = "dissolved", _("Đã giải thể")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Tổ trưởng")
    DEPUTY = "deputy", _("Tổ phó")
    MEMBER = "member", _("Thành viên")
    COLLABORATOR = "collaborator", _("Cộng tác viên")


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class Occupation(models.TextChoices):
    """The plan's examples of who may join a team (section II.1)."""

    COMMUNE_POLICE = "commune_police", _("Công an xã")
    OFFICIAL = "official", _("Cán bộ, công chức")
    TEACHER = "teacher", _("Giáo viên")
    HEALTH_WORKER = "health_worker", _("Nhân viên y tế")
    PARTY_MEMBER = "party_member", _("Đảng viên")
    YOUTH_UNION = "youth_union", _("Đoàn thanh niên")
    WOMENS_UNION = "womens_union", _("Hội phụ nữ")
    FARMERS_UNION = "farmers_union", _("Hội nông dân")
    VETERANS = "veterans", _("Hội cựu chiến binh")
    POSTAL_TELECOM = "postal_telecom", _("Nhân viên bưu chính, viễn thông")
    IT_BUSINESS = "it_business", _("Doanh nghiệp công nghệ thông tin")
    RESIDENT = "resident", _("Người dân có kỹ năng số")
    OTHER = "other", _("Khác")


class DecisionKind(models.TextChoices):
    ESTABLISH = "establish", _("Thành lập tổ")
    DISSOLVE = "dissolve", _("Giải thể tổ")
    MEMBERS = "members", _("Kiện toàn thành viên")


class Position(models.TextChoices):
    """Posts the plan names as the expected leader and deputy of a team (II.1.1, II.1.2)."""

    NONE = "", _("Không giữ chức vụ nêu trong kế hoạch")
    VHXH_LEADER = "vhxh_leader", _("Lãnh đạo phòng Văn hóa và Xã hội")
    COMMUNE_YOUTH_SECRETARY = "commune_youth_secretary", _("Bí thư Đoàn thanh niên cấp xã")
    VILLAGE_HEAD = "village_head", _("Trưởng thôn, Tổ trưởng tổ dân phố")
    VILLAGE_YOUTH_SECRETARY = "village_youth_secretary", _("Bí thư Đoàn thanh niên cấp thôn")


class VillageApprover(models.TextChoices):
    """Who decides a village team's join and leave applications: a province's setting (plan II.1.3)."""

    LEADER = "leader", _("Tổ trưởng tổ thôn")
    VILLAGE_HEAD = "village_head", _("Trưởng thôn, tổ trưởng tổ dân phố")


class ApplicationKind(models.TextChoices):
    JOIN = "join", _("Đăng ký tham gia")
    LEAVE = "leave", _("Xin ra khỏi tổ")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    INFO_REQUESTED = "info_requested", _("Cần bổ sung thông tin")
    APPROVED = "approved", _("Đã chấp thuận")
    REJECTED = "rejected", _("Không chấp thuận")


class ApplicationChannel(models.TextChoices):
    ONLINE = "online", _("Đăng ký trực tuyến")
    PAPER = "paper", _("Đơn giấy, cán bộ nhập")
    MEMBER = "member", _("Thành viên gửi trong ứng dụng")
