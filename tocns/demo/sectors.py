"""Demo departments and sectors (plan III.3): four departments of the province, each supporting a
few communes, with a few dozen activities over the last four months; the demo login `so.nongnghiep`
acts for the first one.

Deterministic and idempotent: departments are found by name, the login by username, activities by
their submission keys (uuid5): a second run adds nothing."""

import random
import uuid
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from tocns.accounts.models import Assignment, Role, User
from tocns.demo.fieldwork import DEMO_NAMESPACE
from tocns.fieldwork.models import Service
from tocns.geo.models import AdminUnit
from tocns.sectors.models import Department, DepartmentActivity, DepartmentActivityKind

# (name, services it works on, what it does: (kind, description) pairs)
DEPARTMENTS = [
    ("Sở Nông nghiệp và Môi trường", ["nong-nghiep-thong-minh", "truy-xuat-nguon-goc", "vat-tu-dau-ra", "ocop",
                                     "ban-hang-truc-tuyen", "bao-ve-moi-truong"], [
        (DepartmentActivityKind.COMMUNE_SUPPORT, "Hướng dẫn hợp tác xã và hộ trồng chè cấp mã truy xuất nguồn gốc, "
                                                 "đưa sản phẩm lên sàn thương mại điện tử."),
        (DepartmentActivityKind.TRAINING, "Tập huấn ghi chép vật tư đầu vào, sản lượng đầu ra trên ứng dụng cho tổ "
                                          "công nghệ số cộng đồng các thôn."),
        (DepartmentActivityKind.MATERIALS, "Phát hành sổ tay hướng dẫn dùng ứng dụng nông nghiệp thông minh và "
                                           "ứng dụng phản ánh ô nhiễm môi trường."),
        (DepartmentActivityKind.OUTREACH, "Hội nghị phổ biến chuyển đổi số nông nghiệp cho cán bộ khuyến nông xã."),
    ]),
    ("Sở Y tế", ["so-suc-khoe", "kham-tu-xa", "tiem-chung", "vneid"], [
        (DepartmentActivityKind.COMMUNE_SUPPORT, "Trạm y tế phối hợp tổ công nghệ số hướng dẫn người dân tích hợp "
                                                 "Sổ sức khỏe điện tử trên VNeID."),
        (DepartmentActivityKind.OUTREACH, "Quán triệt cho cán bộ y tế xã về đặt lịch khám từ xa và tra cứu tiêm "
                                          "chủng."),
        (DepartmentActivityKind.MATERIALS, "Gửi tờ rơi hướng dẫn Sổ sức khỏe điện tử cho các thôn."),
    ]),
    ("Sở Giáo dục và Đào tạo", ["giao-duc", "binh-dan-hoc-vu-so", "mang-xa-hoi-an-toan", "dien-thoai-thong-minh"], [
        (DepartmentActivityKind.COMMUNE_SUPPORT, "Giáo viên các trường hướng dẫn phụ huynh đăng ký tuyển sinh trực "
                                                 "tuyến."),
        (DepartmentActivityKind.TRAINING, "Lớp Bình dân học vụ số cho thành viên tổ công nghệ số cộng đồng."),
        (DepartmentActivityKind.OTHER, "Học sinh tình nguyện cùng tổ hướng dẫn người cao tuổi dùng điện thoại "
                                       "thông minh."),
    ]),
    ("Công an tỉnh", ["vneid", "dvc-truc-tuyen", "mang-xa-hoi-an-toan", "cong-dvc-quoc-gia"], [
        (DepartmentActivityKind.COMMUNE_SUPPORT, "Công an xã cùng tổ công nghệ số kích hoạt tài khoản định danh "
                                                 "điện tử mức 2 cho người dân."),
        (DepartmentActivityKind.OUTREACH, "Tuyên truyền cho cán bộ, công chức xã nhận diện lừa đảo trên không "
                                          "gian mạng."),
        (DepartmentActivityKind.MATERIALS, "Phát hành video hướng dẫn làm thủ tục cư trú trên dịch vụ công trực "
                                           "tuyến."),
    ]),
]
ACTIVITIES = {"small": 8, "default": 14, "province": 14}  # per department, about
COMMUNES = {"small": (2, 3), "default": (4, 8), "province": (4, 8)}
DEMO_LOGIN = ("so.nongnghiep", "0906000101", "Đàm Văn Khánh")


def _key(*parts) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, "demo-sectors/" + "/".join(str(p) for p in parts))


def _login(province: AdminUnit, department: Department):
    """The demo account of the first department; returns its line for the demo's printed logins."""
    from tocns.demo.seed import DEMO_PASSWORD, DemoLogin

    username, phone, full_name = DEMO_LOGIN
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, phone=phone, full_name=full_name, password=make_password(DEMO_PASSWORD),
                    is_demo=True)
        user.save()
    if not Assignment.objects.active().filter(user=user, role=Role.DEPARTMENT, unit=province).exists():
        Assignment.objects.create(user=user, role=Role.DEPARTMENT, unit=province)
    department.users.add(user)
    return user, DemoLogin(role=Role.DEPARTMENT.label, unit=department.name, name=user.full_name,
                           phone=user.phone_display, username=user.username)


def seed_sectors(province: AdminUnit, *, size: str = "default") -> list:
    """The demo departments, their communes and activities. Returns the demo login to print."""
    today = timezone.localdate()
    communes = list(AdminUnit.objects.filter(parent=province).communes().active().order_by("code"))
    services = {service.code: service for service in Service.objects.filter(is_active=True)}
    if not communes or not services:
        return []
    known = set(DepartmentActivity.objects.filter(province=province).values_list("submission_key", flat=True))
    logins, recorder = [], None
    for index, (name, codes, work) in enumerate(DEPARTMENTS):
        rng = random.Random(f"demo-sectors-{province.code}-{index}")
        department, created = Department.objects.get_or_create(province=province, name=name,
                                                               defaults={"is_demo": True})
        if index == 0:
            recorder, login = _login(province, department)
            logins.append(login)
        if created or not department.communes.exists():
            low, high = COMMUNES[size]
            # The first department supports the first communes (the demo's printed examples) too.
            chosen = [next(c for c in communes if c.kind == kind) for kind in ("xa", "phuong")
                      if any(c.kind == kind for c in communes)] if index == 0 else []
            chosen += rng.sample(communes, min(len(communes), rng.randint(low, high)))
            department.communes.add(*chosen)
        supported = list(department.communes.order_by("code"))
        mine = [services[code] for code in codes if code in services] or list(services.values())[:3]
        by = department.users.first() or recorder or User.objects.filter(username="sokhcn").first()
        if by is None:
            continue
        for n in range(ACTIVITIES[size] + 2 - 2 * index):  # 10, 8, 6, 4 when small
            key = _key(province.code, name, n)
            if key in known:
                continue
            kind, description = work[n % len(work)]
            commune = None if kind in (DepartmentActivityKind.OUTREACH, DepartmentActivityKind.MATERIALS) and \
                rng.random() < 0.6 else (rng.choice(supported) if supported else None)
            day = today - timedelta(days=rng.randint(0, 120) if n else rng.randint(0, 6))
            people = {DepartmentActivityKind.OUTREACH: rng.randint(20, 120),
                      DepartmentActivityKind.COMMUNE_SUPPORT: rng.randint(10, 90),
                      DepartmentActivityKind.TRAINING: rng.randint(15, 60),
                      DepartmentActivityKind.MATERIALS: rng.choice([0, 0, 200, 500]),
                      DepartmentActivityKind.OTHER: rng.randint(5, 40)}[kind]
            activity = DepartmentActivity.objects.create(
                department=department, province=province, commune=commune, kind=kind, date=day,
                description=description, people_reached=people, submission_key=key, recorded_by=by, is_demo=True)
            activity.services.set(rng.sample(mine, min(len(mine), rng.randint(1, 2))))
    return logins
