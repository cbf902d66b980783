"""Deterministic demo data: villages for every commune and a user for each role.

Lives above the domain apps (it uses geo and accounts, later teams, reports, fieldwork) so
each later issue adds its part here. Everything it creates is marked `is_demo`.
"""

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from tocns.accounts.models import Assignment, Role, User
from tocns.geo.models import AdminUnit, UnitKind
from tocns.geo.services import units_load_from_package
from tocns.lib.text import fold

DEMO_PASSWORD = "demo-tocns-2026"
SIZES = {"small": 4, "default": 30, "province": 31}

# Place-name syllables common in Tuyên Quang and Hà Giang (Tày, Nùng, Dao, H'Mông origins).
_FIRST = ["Nà", "Khuổi", "Nặm", "Pác", "Phiêng", "Bản", "Lũng", "Cốc", "Thác", "Khau", "Pù",
          "Nậm", "Làng", "Tát", "Bó", "Slam", "Khâu", "Mỏ", "Đồng", "Tân"]
_SECOND = ["Mạ", "Kẹn", "Khà", "Đăm", "Luông", "Tông", "Mèo", "Pục", "Chang", "Hu", "Cọn", "Vài",
           "Lầy", "Pài", "Ỏ", "Hon", "Sỏm", "Quang", "Tát", "Bưa", "Nưa", "Thẳm", "Phầy", "Cưởm",
           "Lạn", "Sài", "Khoang", "Hẩu", "Lò", "Vạc", "Lập", "Tiến", "Minh", "Phúc"]
_FAMILY = ["Hoàng", "Ma", "Nông", "Lục", "Triệu", "Đặng", "Lý", "Giàng", "Sùng", "Vàng", "Hầu",
           "Nguyễn", "Trần", "Lê", "Phạm", "Quan", "Hà", "Bàn", "Chúng", "Lò"]
_MIDDLE_M = ["Văn", "Seo", "Mí", "Tiến", "Đức", "Quang", "Minh"]
_MIDDLE_F = ["Thị", "Thị", "Thị Thu", "Thị Minh"]
_GIVEN_M = ["Páo", "Chứ", "Lử", "Dính", "Quẩy", "Thắng", "Sinh", "Pó", "Tủa", "Chính", "Hùng",
            "Dũng", "Nam", "Khánh", "Tỉnh"]
_GIVEN_F = ["Mai", "Nhất", "Hoa", "Dợ", "Mỷ", "Chúa", "Sua", "Lan", "Hương", "Thảo", "Vân", "Liên"]


@dataclass
class DemoLogin:
    role: str
    unit: str
    name: str
    phone: str
    username: str


def _person_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE_M)} {rng.choice(_GIVEN_M)}"
    return f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE_F)} {rng.choice(_GIVEN_F)}"


def village_names(commune: AdminUnit, count: int) -> list[tuple[str, str]]:
    """(name, kind) pairs, the same every run for the same commune."""
    if commune.kind == UnitKind.PHUONG:
        return [(f"Tổ dân phố số {n}", UnitKind.TO_DAN_PHO) for n in range(1, count + 1)]
    rng = random.Random(f"villages-{commune.code}")
    names: list[str] = []
    seen = set()
    while len(names) < count:
        if rng.random() < 0.15:
            name = f"Thôn {len(names) + 1}"
        else:
            name = f"Thôn {rng.choice(_FIRST)} {rng.choice(_SECOND)}"
        if fold(name) not in seen:
            seen.add(fold(name))
            names.append(name)
    return [(n, UnitKind.THON) for n in names]


def seed_villages(province: AdminUnit, per_commune: int) -> int:
    communes = list(AdminUnit.objects.filter(parent=province).communes().active().order_by("code"))
    has_villages = set(
        AdminUnit.objects.filter(parent__in=communes).values_list("parent_id", flat=True).distinct()
    )
    new = []
    for commune in communes:
        if commune.pk in has_villages:
            continue  # already seeded (or imported for real): never duplicate
        for n, (name, kind) in enumerate(village_names(commune, per_commune), start=1):
            unit = AdminUnit(code=f"{commune.code}-{n:03d}", name=name, kind=kind, parent=commune,
                             commune=commune, province=province, is_demo=True)
            unit.name_folded = fold(name)
            new.append(unit)
    AdminUnit.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _demo_user(*, username, phone, full_name, password_hash, role, unit, logins, label):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, phone=phone, full_name=full_name, password=password_hash,
                    is_demo=True)
        user.save()
    if not Assignment.objects.active().filter(user=user, role=role, unit=unit).exists():
        Assignment.objects.create(user=user, role=role, unit=unit)
    if label:
        logins.append(DemoLogin(role=Role(role).label, unit=unit.name, name=user.full_name,
                                phone=user.phone_display, username=user.username))
    return user


def seed_users(province: AdminUnit) -> list[DemoLogin]:
    """A province admin and a partner; a chairman and a VH-XH officer for every commune; a team
    leader and a member for the first village of the first communes."""
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: Argon2 per user would be slow
    rng = random.Random("demo-users")
    logins: list[DemoLogin] = []
    _demo_user(username="sokhcn", phone="0901000001", full_name="Hoàng Thị Thu Hà",
               password_hash=password_hash, role=Role.PROVINCE_ADMIN, unit=province,
               logins=logins, label=True)
    _demo_user(username="vnpt", phone="0901000002", full_name="Ma Văn Tiến (VNPT Tuyên Quang)",
               password_hash=password_hash, role=Role.PARTNER, unit=province, logins=logins, label=True)
    communes = list(AdminUnit.objects.filter(parent=province).communes().active().order_by("code"))
    existing = set(User.objects.filter(is_demo=True).values_list("username", flat=True))
    # The printed examples: the first xã (its villages are thôn) and the first phường.
    shown = {next((c.pk for c in communes if c.kind == kind), None) for kind in (UnitKind.XA, UnitKind.PHUONG)}
    for index, commune in enumerate(communes, start=1):
        label = commune.pk in shown
        for role, prefix, phone_prefix in ((Role.COMMUNE_CHAIRMAN, "chutich", "0902"),
                                           (Role.COMMUNE_OFFICER, "vhxh", "0903")):
            username = f"{prefix}.{commune.code}"
            name = _person_name(rng)
            if username in existing and not label:
                continue
            _demo_user(username=username, phone=f"{phone_prefix}{index:06d}", full_name=name,
                       password_hash=password_hash, role=role, unit=commune, logins=logins, label=label)
        if label:
            village = AdminUnit.objects.filter(parent=commune).villages().active().order_by("code").first()
            if village is not None:
                _demo_user(username=f"totruong.{village.code}", phone=f"0904{index:06d}",
                           full_name=_person_name(rng), password_hash=password_hash,
                           role=Role.TEAM_LEADER, unit=village, logins=logins, label=True)
                _demo_user(username=f"thanhvien.{village.code}", phone=f"0905{index:06d}",
                           full_name=_person_name(rng), password_hash=password_hash,
                           role=Role.TEAM_MEMBER, unit=village, logins=logins, label=True)
    return logins


@transaction.atomic
def seed_demo(*, province_code: str, size: str = "default") -> tuple[int, list[DemoLogin]]:
    province = AdminUnit.objects.provinces().filter(code=f"{int(province_code):02d}").first()
    if province is None:
        province = units_load_from_package(province_code=province_code).province
    created = seed_villages(province, SIZES[size])
    return created, seed_users(province)
