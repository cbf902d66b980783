"""Deterministic demo data: villages for every commune, a user for each role, and teams with
their members, decisions and a few open applications.

Lives above the domain apps (it uses geo, accounts and teams, later reports, fieldwork) so
each later issue adds its part here. Everything it creates is marked `is_demo`.
"""

import random
import time as time_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tocns.accounts.models import Assignment, Role, User
from tocns.demo.difficulties_tasks import seed_difficulties_tasks
from tocns.demo.fieldwork import FieldworkSeed, fieldwork_totals, seed_fieldwork
from tocns.demo.households import seed_households
from tocns.demo.proficiency import seed_proficiency
from tocns.demo.regulations import seed_regulations
from tocns.demo.reports import ReportSeed, report_totals, seed_reports
from tocns.demo.sectors import seed_sectors
from tocns.demo.support import seed_support
from tocns.demo.surveys import CitizenSeed, citizen_totals, seed_citizen
from tocns.demo.teams import seed_teams_15
from tocns.demo.training import TrainingSeed, seed_training, training_totals
from tocns.fieldwork.tallies import tally_rebuild
from tocns.geo.models import AdminUnit, UnitKind
from tocns.geo.selectors import province_bare_name
from tocns.geo.services import units_load_from_package
from tocns.lib.text import fold
from tocns.teams.choices import (
    ApplicationChannel,
    ApplicationStatus,
    DecisionKind,
    Gender,
    MemberRole,
    Occupation,
    Position,
    TeamStatus,
)
from tocns.teams.models import Application, ApplicationEntry, Decision, Membership, Person, Team, TeamRules
from tocns.teams.services import application_submit_join, application_submit_leave

DEMO_PASSWORD = "demo-tocns-2026"
SIZES = {"small": 4, "default": 30, "province": 31}

# Place-name syllables of the northern uplands (Tày, Nùng, Dao, H'Mông origins): generic demo syllables.
_FIRST = ["Nà", "Khuổi", "Nặm", "Pác", "Phiêng", "Bản", "Lũng", "Cốc", "Thác", "Khau", "Pù",
          "Nậm", "Làng", "Tát", "Bó", "Slam", "Khâu", "Mỏ", "Đồng", "Tân"]
_SECOND = ["Mạ", "Kẹn", "Khà", "Đăm", "Luông", "Tông", "Mèo", "Pục", "Chang", "Hu", "Cọn", "Vài",
           "Lầy", "Pài", "Ỏ", "Hon", "Sỏm", "Quang", "Tát", "Bưa", "Nưa", "Thẳm", "Phầy", "Cưởm",
           "Lạn", "Sài", "Khoang", "Hẩu", "Lò", "Vạc", "Lập", "Tiến", "Minh", "Phúc"]
# Names by ethnic group: (family names, male middle names, female middle names, male given, female given).
_ETHNIC_NAMES = {
    "Tày": (["Hoàng", "Ma", "Nông", "Lục", "Quan", "Hà", "Lương", "Đàm", "Lò"], ["Văn", "Đức", "Quang"],
            ["Thị", "Thị Thu", "Thị Minh"], ["Thắng", "Sinh", "Khánh", "Tỉnh", "Hùng", "Chính", "Dũng", "Tiến"],
            ["Mai", "Hoa", "Lan", "Hương", "Thảo", "Vân", "Liên", "Nhung"]),
    "Nùng": (["Nông", "Hoàng", "Lục", "Vi", "Lương", "Chu", "Mã"], ["Văn", "Đức"], ["Thị"],
             ["Pó", "Slay", "Hùng", "Thắng", "Sáng", "Khánh"], ["Dung", "Lan", "Hoa", "Slao", "Mai"]),
    "Dao": (["Triệu", "Đặng", "Bàn", "Lý", "Chúng", "Phùng"], ["Văn", "Tiến", "Đức"], ["Thị"],
            ["Quẩy", "Tỉnh", "Chàn", "Vần", "Phin", "Kiềm", "Sành"], ["Nhất", "Mai", "Xuân", "Phấy", "Chài", "Slày"]),
    "Mông": (["Giàng", "Sùng", "Vàng", "Hầu", "Lý", "Thào", "Mua", "Lù"], ["Seo", "Mí", "A"], ["Thị"],
             ["Páo", "Chứ", "Lử", "Dính", "Tủa", "Pó", "Sính", "Súng"], ["Mỷ", "Dợ", "Chúa", "Sua", "Mai", "Dính"]),
    "Kinh": (["Nguyễn", "Trần", "Lê", "Phạm", "Đỗ", "Vũ", "Bùi"], ["Văn", "Đức", "Quang", "Minh"],
             ["Thị", "Thị Thu", "Thị Minh"], ["Nam", "Hùng", "Dũng", "Khánh", "Tuấn", "Long"],
             ["Hương", "Lan", "Thảo", "Hoa", "Trang", "Ngọc"]),
}
_OFFICIAL_MIX = {"Tày": 35, "Kinh": 25, "Dao": 15, "Mông": 15, "Nùng": 10}


@dataclass
class DemoLogin:
    role: str
    unit: str
    name: str
    phone: str
    username: str


def _person_name(rng: random.Random, mix: dict | None = None) -> str:
    """A name that one person of one ethnic group could bear (family, middle and given name agree)."""
    family, middle_m, middle_f, given_m, given_f = _ETHNIC_NAMES[_weighted(rng, mix or _OFFICIAL_MIX)]
    if rng.random() < 0.5:
        return f"{rng.choice(family)} {rng.choice(middle_m)} {rng.choice(given_m)}"
    return f"{rng.choice(family)} {rng.choice(middle_f)} {rng.choice(given_f)}"


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


def seed_users(province: AdminUnit, *, password_hash: str | None = None) -> list[DemoLogin]:
    """A province admin and a partner; a chairman and a VH-XH officer for every commune; a team
    leader and a member for the first village of the first communes."""
    password_hash = password_hash or make_password(DEMO_PASSWORD)  # hashed once: Argon2 per user is slow
    rng = random.Random("demo-users")
    logins: list[DemoLogin] = []
    _demo_user(username="sokhcn", phone="0901000001", full_name="Hoàng Thị Thu Hà",
               password_hash=password_hash, role=Role.PROVINCE_ADMIN, unit=province,
               logins=logins, label=True)
    _demo_user(username="vnpt", phone="0901000002", full_name=f"Ma Văn Tiến (VNPT {province_bare_name(province)})",
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


# ---- teams (issue: coverage) -------------------------------------------------------------------
#
# Every commune and about nine villages in ten get an established team, built in memory from a
# random generator seeded with the unit's code and written with bulk_create (the services would
# take minutes for 3,700 teams). The rows obey the same rules the services enforce: one live team
# per unit, one active leader and deputy, no team over its cap, ethnic group only with consent.
# A unit that already has a team is left alone, so a second run creates nothing.

DEMO_DATE_FROM, DEMO_DATE_TO = date(2025, 4, 1), date(2026, 10, 31)
SKIP_VILLAGE_SHARE = 0.10  # villages left without a team (the coverage page lists them)

_ETHNIC_MIX = {  # share of each group among team members, by kind of commune
    UnitKind.XA: {"Tày": 32, "Dao": 20, "Mông": 22, "Nùng": 10, "Kinh": 16},
    UnitKind.PHUONG: {"Kinh": 55, "Tày": 30, "Nùng": 8, "Dao": 7},
}
_VILLAGE_OCCUPATIONS = {Occupation.RESIDENT: 40, Occupation.YOUTH_UNION: 15, Occupation.WOMENS_UNION: 12,
                        Occupation.FARMERS_UNION: 10, Occupation.VETERANS: 6, Occupation.PARTY_MEMBER: 8,
                        Occupation.TEACHER: 5, Occupation.HEALTH_WORKER: 4}
_VILLAGE_HEAD_OCCUPATIONS = {Occupation.PARTY_MEMBER: 60, Occupation.VETERANS: 15, Occupation.FARMERS_UNION: 15,
                             Occupation.RESIDENT: 10}
_COMMUNE_OCCUPATIONS = {Occupation.COMMUNE_POLICE: 14, Occupation.OFFICIAL: 16, Occupation.TEACHER: 14,
                        Occupation.HEALTH_WORKER: 12, Occupation.POSTAL_TELECOM: 12, Occupation.WOMENS_UNION: 8,
                        Occupation.FARMERS_UNION: 6, Occupation.VETERANS: 5, Occupation.PARTY_MEMBER: 6,
                        Occupation.IT_BUSINESS: 4, Occupation.YOUTH_UNION: 3}
_SKILLS = ["Cài đặt và dùng VNeID mức 2", "Nộp hồ sơ dịch vụ công trực tuyến",
           "Thanh toán không dùng tiền mặt, quét mã QR", "Nhận diện lừa đảo qua mạng, cài đặt Zalo an toàn",
           "Bán nông sản trên sàn thương mại điện tử", "Sửa máy tính, cài phần mềm",
           "Chụp ảnh, quay video giới thiệu sản phẩm OCOP", "Dùng Sổ sức khỏe điện tử"]
_SIGNER_TITLES = {UnitKind.XA: "Chủ tịch UBND xã", UnitKind.PHUONG: "Chủ tịch UBND phường",
                  UnitKind.DAC_KHU: "Chủ tịch UBND đặc khu"}
_JOIN_MESSAGES = ["Em biết dùng VNeID và muốn giúp bà con trong thôn.",
                  "Tôi có điện thoại thông minh, muốn hướng dẫn người già nộp hồ sơ trực tuyến.",
                  "Xin tham gia tổ để hỗ trợ bà con bán hàng trên mạng.", ""]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _short(unit: AdminUnit) -> str:
    """"Xã Lũng Cú" -> "Lũng Cú"."""
    for prefix in ("Xã ", "Phường ", "Đặc khu "):
        if unit.name.startswith(prefix):
            return unit.name[len(prefix):]
    return unit.name


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _gender_of(name: str) -> str:
    return Gender.FEMALE if " Thị" in f" {name}" else Gender.MALE


class _Phones:
    """Unique, deterministic 097/098 numbers: drawn from the unit's generator, redrawn when taken."""

    def __init__(self, taken: set[str]):
        self.taken = taken

    def draw(self, rng: random.Random) -> str:
        while True:
            phone = f"{rng.choice(('097', '098'))}{rng.randrange(10 ** 7):07d}"
            if phone not in self.taken:
                self.taken.add(phone)
                return phone


@dataclass
class _Seat:
    person: Person
    role: str
    start: date
    end: date | None = None
    end_reason: str = ""
    with_decision: bool = True


@dataclass
class _Plan:
    unit: AdminUnit
    team: Team
    decision: Decision
    seats: list[_Seat]


@dataclass
class TeamSeed:
    teams: int = 0
    memberships: int = 0
    applications: int = 0
    leader_accounts: int = 0
    phones: "_Phones | None" = None


class _People:
    """Builds Person rows for one commune: names by ethnic group, posts and workplaces."""

    def __init__(self, *, province: AdminUnit, commune: AdminUnit, villages: list[AdminUnit], phones: _Phones):
        self.province, self.commune, self.villages, self.phones = province, commune, villages, phones
        self.mix = _ETHNIC_MIX.get(commune.kind, _ETHNIC_MIX[UnitKind.XA])

    def new(self, rng: random.Random, *, on: date, occupation: str, position: str = "", village=None,
            birth=(1965, 2005)) -> Person:
        group = _weighted(rng, self.mix)
        family, middle_m, middle_f, given_m, given_f = _ETHNIC_NAMES[group]
        female = rng.random() < (0.6 if occupation == Occupation.WOMENS_UNION else 0.45)
        if female:
            name = f"{rng.choice(family)} {rng.choice(middle_f)} {rng.choice(given_f)}"
        else:
            name = f"{rng.choice(family)} {rng.choice(middle_m)} {rng.choice(given_m)}"
        consent = rng.random() < 0.65  # the others did not agree to record their ethnic group
        home = village or (rng.choice(self.villages) if self.villages and rng.random() < 0.8 else None)
        person = Person(
            full_name=name, full_name_folded=fold(name), gender=Gender.FEMALE if female else Gender.MALE,
            birth_year=rng.randint(*birth), phone=self.phones.draw(rng), occupation=occupation,
            workplace=self._workplace(rng, occupation, position, village), position=position, home_village=home,
            digital_skills="; ".join(rng.sample(_SKILLS, rng.randint(1, 2))),
            ethnic_group=group if consent else "",
            ethnic_group_consent_at=timezone.make_aware(datetime.combine(on, time(9))) if consent else None,
            province=self.province, commune=self.commune, is_demo=True,
        )
        if occupation in (Occupation.OFFICIAL, Occupation.TEACHER) and rng.random() < 0.3:
            person.email = f"{fold(name).replace(' ', '')}{rng.randint(10, 99)}@gmail.com"
        return person

    def _workplace(self, rng, occupation, position, village) -> str:
        commune = _lower_first(self.commune.name)
        if position == Position.VHXH_LEADER:
            return f"Phòng Văn hóa - Xã hội, UBND {commune}"
        if position == Position.COMMUNE_YOUTH_SECRETARY:
            return f"Đoàn Thanh niên {commune}"
        if village is not None:  # village teams: neighbours, mostly without a workplace to name
            return {Occupation.TEACHER: f"Điểm trường {village.name}", Occupation.HEALTH_WORKER: f"Y tế {village.name}",
                    Occupation.WOMENS_UNION: f"Chi hội Phụ nữ {village.name}"}.get(occupation, "")
        province = province_bare_name(self.province)
        return {
            Occupation.COMMUNE_POLICE: f"Công an {commune}",
            Occupation.OFFICIAL: f"UBND {commune}",
            Occupation.TEACHER: f"Trường {rng.choice(['Tiểu học', 'THCS', 'Mầm non'])} {_short(self.commune)}",
            Occupation.HEALTH_WORKER: f"Trạm Y tế {commune}",
            Occupation.POSTAL_TELECOM: rng.choice([f"VNPT {province}", f"Viettel {province}",
                                                   f"Bưu điện văn hóa {commune}"]),
            Occupation.IT_BUSINESS: f"Công ty TNHH Công nghệ số {province}",
            Occupation.WOMENS_UNION: f"Hội Phụ nữ {commune}",
            Occupation.FARMERS_UNION: f"Hội Nông dân {commune}",
            Occupation.VETERANS: f"Hội Cựu chiến binh {commune}",
            Occupation.YOUTH_UNION: f"Đoàn Thanh niên {commune}",
        }.get(occupation, "")


def _sizes(rng: random.Random, *, is_commune: bool, cap: int, minimum: int) -> tuple[int, int]:
    """(counted members, collaborators): most teams full or nearly, some short of the minimum."""
    roll = rng.random()
    if is_commune:
        low = min(minimum + 1, cap)
        counted = max(3, minimum - 1) if roll < 0.06 else cap if roll < 0.22 else rng.randint(low, max(low, cap - 1))
        collaborators = rng.randint(1, 3) if rng.random() < 0.3 else 0
    else:
        counted = rng.randint(3, minimum - 1) if roll < 0.15 and minimum > 3 else cap
        collaborators = rng.randint(1, 2) if rng.random() < 0.2 else 0
    return min(counted, cap), collaborators


def seed_teams(province: AdminUnit, *, password_hash: str) -> TeamSeed:
    rules = TeamRules.objects.get_or_create(province=province)[0]
    communes = list(AdminUnit.objects.filter(parent=province).communes().active().order_by("code"))
    villages_of: dict[int, list[AdminUnit]] = {c.pk: [] for c in communes}
    for village in AdminUnit.objects.filter(parent__in=communes).villages().active().order_by("code"):
        villages_of[village.parent_id].append(village)
    with_team = set(Team.objects.filter(province=province).values_list("unit_id", flat=True))
    phones = _Phones(set(Person.objects.exclude(phone=None).values_list("phone", flat=True))
                     | set(User.objects.exclude(phone=None).values_list("phone", flat=True)))
    demo_users = {u.username: u for u in User.objects.filter(
        Q(username__startswith="totruong.") | Q(username__startswith="thanhvien.")
        | Q(username__startswith="chutich."))}
    linked = set(Person.objects.exclude(user=None).values_list("user_id", flat=True))
    decision_numbers = {(c, n.lower(), d.year) for c, n, d in Decision.objects.filter(province=province)
                        .values_list("commune_id", "number", "signed_on")}
    plans: list[_Plan] = []
    for index, commune in enumerate(communes, start=1):
        villages = villages_of[commune.pk]
        people = _People(province=province, commune=commune, villages=villages, phones=phones)
        rng = random.Random(f"teams-{commune.code}")
        chairman = demo_users.get(f"chutich.{commune.code}")
        signer = chairman.full_name if chairman else _person_name(rng)
        first_village = villages[0].pk if villages else None
        units = [commune] + [v for v in villages if v.pk == first_village or rng.random() >= SKIP_VILLAGE_SHARE]
        commune_day = DEMO_DATE_FROM + timedelta(days=rng.randint(0, 150))
        days = {commune.pk: commune_day}
        for village in units[1:]:
            days[village.pk] = min(DEMO_DATE_TO, commune_day + timedelta(days=rng.randint(7, 480)))
        numbers: dict[int, int] = {}
        commune_plans = []
        for unit in sorted(units, key=lambda u: (days[u.pk], u.code)):
            if unit.pk in with_team:
                continue
            day = days[unit.pk]
            number = numbers.get(day.year) or rng.randint(3, 60)
            while (commune.pk, f"{number}/qđ-ubnd", day.year) in decision_numbers:
                number += 1
            decision_numbers.add((commune.pk, f"{number}/qđ-ubnd", day.year))
            numbers[day.year] = number + rng.randint(1, 5)
            team = Team(unit=unit, province=province, commune=commune, status=TeamStatus.ESTABLISHED,
                        established_on=day, is_demo=True)
            urng = random.Random(f"team-{unit.code}")
            if urng.random() < 0.35:
                code = "".join(urng.choices("abcdefghijkmnpqrstuvwxyz23456789", k=6))
                team.zalo_group_url = f"https://zalo.me/g/{code}"
            decision = Decision(kind=DecisionKind.ESTABLISH, number=f"{number}/QĐ-UBND", signed_on=day,
                                signer_name=signer, signer_title=_SIGNER_TITLES.get(commune.kind, "Chủ tịch UBND xã"),
                                team=team, province=province, commune=commune, recorded_by=chairman)
            seats = _seats(urng, unit=unit, day=day, rules=rules, people=people,
                           leader_user=demo_users.get(f"totruong.{unit.code}"),
                           member_user=demo_users.get(f"thanhvien.{unit.code}"), linked=linked)
            commune_plans.append(_Plan(unit=unit, team=team, decision=decision, seats=seats))
        if index % 8 == 0:
            _share_a_member(commune_plans)
        plans += commune_plans
    return _write(plans, password_hash=password_hash, phones=phones, demo_users=demo_users, linked=linked)


def _seats(rng, *, unit, day, rules, people: _People, leader_user, member_user, linked) -> list[_Seat]:
    is_commune = unit.is_commune
    village = None if is_commune else unit
    cap = rules.commune_team_cap if is_commune else rules.village_team_cap
    counted, collaborators = _sizes(rng, is_commune=is_commune, cap=cap, minimum=rules.team_minimum)
    lead_post, deputy_post = ((Position.VHXH_LEADER, Position.COMMUNE_YOUTH_SECRETARY) if is_commune
                              else (Position.VILLAGE_HEAD, Position.VILLAGE_YOUTH_SECRETARY))
    occupations = _COMMUNE_OCCUPATIONS if is_commune else _VILLAGE_OCCUPATIONS
    seats: list[_Seat] = []
    # Leader: the expected post, except a few teams (4%) whose leader does not hold it.
    wrong_post = rng.random() < 0.04 and leader_user is None
    leader = people.new(rng, on=day, village=village, birth=(1965, 1990),
                        occupation=Occupation.OFFICIAL if is_commune else _weighted(rng, _VILLAGE_HEAD_OCCUPATIONS),
                        position="" if wrong_post else lead_post)
    if leader_user is not None and leader_user.pk not in linked:  # the demo login printed by seed_users
        _become(leader, leader_user, people.phones)
        linked.add(leader_user.pk)
    if leader_user is None and rng.random() < (0.015 if not is_commune else 0.03):
        # The leader moved away and nobody has taken over yet: the team has no leader today.
        left = min(DEMO_DATE_TO, day + timedelta(days=rng.randint(60, 400)))
        seats.append(_Seat(leader, MemberRole.LEADER, day, end=left, end_reason="Chuyển công tác"))
    else:
        seats.append(_Seat(leader, MemberRole.LEADER, day))
    if rng.random() >= 0.03:  # 3% of teams have no deputy
        seats.append(_Seat(people.new(rng, on=day, village=village, birth=(1990, 2005),
                                      occupation=Occupation.YOUTH_UNION, position=deputy_post),
                           MemberRole.DEPUTY, day))
    counted_now = sum(1 for s in seats if s.end is None)
    for n in range(counted - counted_now):
        person = people.new(rng, on=day, village=village, occupation=_weighted(rng, occupations))
        if n == 0 and member_user is not None and member_user.pk not in linked:
            _become(person, member_user, people.phones)
            linked.add(member_user.pk)
        seats.append(_Seat(person, MemberRole.MEMBER, day))
    for _n in range(collaborators):
        joined = min(DEMO_DATE_TO, day + timedelta(days=rng.randint(20, 300)))
        seats.append(_Seat(people.new(rng, on=joined, village=village, occupation=_weighted(rng, occupations)),
                           MemberRole.COLLABORATOR, joined, with_decision=False))
    return seats


def _become(person: Person, user: User, phones: _Phones) -> None:
    """The person is an existing demo login: their name and number, linked to it."""
    person.full_name, person.full_name_folded = user.full_name, fold(user.full_name)
    person.gender, person.ethnic_group, person.ethnic_group_consent_at = _gender_of(user.full_name), "", None
    if user.phone:
        phones.taken.discard(person.phone)
        person.phone = user.phone
    person.user = user


def _share_a_member(plans: list[_Plan]) -> None:
    """A commune team member also serves in their own village's team (the coverage page lists them)."""
    commune_plan = next((p for p in plans if p.unit.is_commune), None)
    if commune_plan is None:
        return
    for plan in plans:
        if plan.unit.is_commune:
            continue
        slots = [i for i, s in enumerate(plan.seats) if s.role == MemberRole.MEMBER and s.person.user is None]
        members = [s.person for s in commune_plan.seats if s.role == MemberRole.MEMBER]
        officer = next((p for p in members if p.occupation == Occupation.OFFICIAL), members[0] if members else None)
        if slots and officer is not None:
            plan.seats[slots[-1]].person = officer
            officer.home_village = plan.unit
            return


def _write(plans: list[_Plan], *, password_hash, phones, demo_users, linked) -> TeamSeed:
    # bulk_create gives each row its primary key, and the rows built around it pick it up.
    Team.objects.bulk_create([p.team for p in plans], batch_size=1000)
    Decision.objects.bulk_create([p.decision for p in plans], batch_size=1000)
    # A sign-in account for every active leader: the demo login if there is one, else a new one.
    new_users, assignments = [], []
    held = set(Assignment.objects.active().filter(role=Role.TEAM_LEADER).values_list("user_id", "unit_id"))
    leaders = []
    for plan in plans:
        seat = next((s for s in plan.seats if s.role == MemberRole.LEADER and s.end is None), None)
        if seat is None:
            continue
        person = seat.person
        if person.user is None:
            username = f"totruong.{plan.unit.code}".lower()
            user = demo_users.get(username)
            if user is not None and user.pk in linked:  # that login already belongs to someone else
                username = next(f"{username}.{n}" for n in range(2, 100) if f"{username}.{n}" not in demo_users)
                user = None
            if user is None:
                user = User(username=username, phone=person.phone, full_name=person.full_name,
                            full_name_folded=fold(person.full_name), password=password_hash, is_demo=True)
                new_users.append(user)
                demo_users[username] = user
            person.user = user
        leaders.append((person.user, plan.unit))
    User.objects.bulk_create(new_users, batch_size=1000)
    for user, unit in leaders:
        if (user.pk, unit.pk) not in held:
            assignments.append(Assignment(user=user, role=Role.TEAM_LEADER, unit=unit))
    persons, seen = [], set()
    for plan in plans:
        for seat in plan.seats:
            if seat.person.pk is None and id(seat.person) not in seen:
                seen.add(id(seat.person))
                persons.append(seat.person)
    Person.objects.bulk_create(persons, batch_size=1000)
    memberships = [
        Membership(team=plan.team, person=seat.person, role=seat.role, start_date=seat.start, end_date=seat.end,
                   end_reason=seat.end_reason, decision=plan.decision if seat.with_decision else None,
                   created_by=plan.decision.recorded_by)
        for plan in plans for seat in plan.seats
    ]
    Membership.objects.bulk_create(memberships, batch_size=2000)
    Assignment.objects.bulk_create(assignments, batch_size=1000)
    return TeamSeed(teams=len(plans), memberships=len(memberships), leader_accounts=len(leaders), phones=phones)


def _entry(person: Person) -> dict:
    """A Person built in memory, as PersonForm's cleaned data for an application entry."""
    return {"full_name": person.full_name, "gender": person.gender, "birth_year": person.birth_year,
            "phone": person.phone, "zalo_phone": "", "email": person.email, "occupation": person.occupation,
            "workplace": person.workplace, "home_village": person.home_village,
            "digital_skills": person.digital_skills, "ethnic_group": person.ethnic_group}


def seed_applications(province: AdminUnit, *, phones: _Phones) -> int:
    """Open applications under fixed submission keys (a rerun finds them and adds nothing): a join
    application for about one village team in ten, a group list and a leave request in a few
    communes."""
    existing = set(Application.objects.filter(submission_key__startswith="demo-")
                   .values_list("submission_key", flat=True))
    phones.taken |= set(ApplicationEntry.objects.values_list("phone", flat=True))
    communes = list(AdminUnit.objects.filter(parent=province).communes().active().order_by("code"))
    teams = {t.unit_id: t for t in Team.objects.filter(province=province, is_demo=True)
             .exclude(status=TeamStatus.DISSOLVED).select_related("unit", "commune")}
    villages_of: dict[int, list[AdminUnit]] = {c.pk: [] for c in communes}
    for village in AdminUnit.objects.filter(parent__in=communes).villages().active().order_by("code"):
        villages_of[village.parent_id].append(village)
    officers = {u.username: u for u in User.objects.filter(username__startswith="vhxh.")}
    created = []
    for index, commune in enumerate(communes, start=1):
        people = _People(province=province, commune=commune, villages=villages_of[commune.pk], phones=phones)
        officer = officers.get(f"vhxh.{commune.code}")
        on = DEMO_DATE_TO
        for village in villages_of[commune.pk]:
            team, key = teams.get(village.pk), f"demo-join-{village.code}"
            rng = random.Random(f"application-{village.code}")
            if team is None or rng.random() >= 0.10 or key in existing:
                continue
            person = people.new(rng, on=on, village=village, occupation=_weighted(rng, _VILLAGE_OCCUPATIONS))
            paper = rng.random() < 0.3
            created.append(application_submit_join(
                team=team, entries=[_entry(person)], contact_name=person.full_name, contact_phone=person.phone,
                message=rng.choice(_JOIN_MESSAGES), channel=ApplicationChannel.PAPER if paper
                else ApplicationChannel.ONLINE, submission_key=key, by=officer if paper else None))
        team = teams.get(commune.pk)
        if team is None:
            continue
        rng = random.Random(f"application-{commune.code}")
        key = f"demo-group-{commune.code}"
        if index % 50 == 1 and key not in existing:
            group = [people.new(rng, on=on, occupation=Occupation.YOUTH_UNION, birth=(1995, 2005)) for _n in range(3)]
            created.append(application_submit_join(
                team=team, entries=[_entry(p) for p in group], contact_name=group[0].full_name,
                contact_phone=group[0].phone, channel=ApplicationChannel.PAPER, submission_key=key, by=officer,
                message=f"Danh sách đoàn viên Đoàn Thanh niên {_lower_first(commune.name)} đăng ký tham gia tổ."))
        key = f"demo-leave-{commune.code}"
        if index % 60 == 2 and key not in existing:
            member = team.memberships.active().filter(role=MemberRole.MEMBER).order_by("id").first()
            if member is not None:
                created.append(application_submit_leave(
                    membership=member, submission_key=key,
                    message="Tôi chuyển công tác sang tỉnh khác từ tháng sau, xin thôi tham gia tổ."))
    Application.objects.filter(pk__in=[a.pk for a in created]).update(is_demo=True)
    return len(created)


@dataclass
class DemoResult:
    villages: int
    logins: list[DemoLogin]
    teams: TeamSeed
    totals: dict = field(default_factory=dict)
    reports: ReportSeed = field(default_factory=ReportSeed)
    fieldwork: FieldworkSeed = field(default_factory=FieldworkSeed)
    citizen: CitizenSeed = field(default_factory=CitizenSeed)
    training: TrainingSeed = field(default_factory=TrainingSeed)


NATIONAL_LOGIN = ("bo.khcn", "0900000001", "Nguyễn Văn Khoa (Bộ Khoa học và Công nghệ)")


def seed_national(*, password_hash: str) -> DemoLogin:
    """The ministry's login: the national role, held on no unit (every province's figures on
    /toan-quoc/, no person's data). Made once, whichever province is seeded."""
    username, phone, full_name = NATIONAL_LOGIN
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(username=username, phone=phone, full_name=full_name, password=password_hash,
                                   is_demo=True)
    if not Assignment.objects.active().filter(user=user, role=Role.NATIONAL).exists():
        Assignment.objects.create(user=user, role=Role.NATIONAL, unit=None)
    return DemoLogin(role=str(Role.NATIONAL.label), unit="Toàn quốc", name=user.full_name,
                     phone=user.phone_display, username=user.username)


def demo_logins(province: AdminUnit) -> list[DemoLogin]:
    """Every demo user's active assignment in the province, one row each, by role then unit."""
    order = {role.value: n for n, role in enumerate(Role)}
    rows = (Assignment.objects.active().filter(user__is_demo=True)
            .filter(Q(unit=province) | Q(unit__province=province) | Q(role=Role.NATIONAL))
            .select_related("user", "unit").order_by("unit__code", "user__username"))
    logins = [DemoLogin(role=str(Role(a.role).label), unit=a.area_name, name=a.user.full_name,
                        phone=a.user.phone_display, username=a.user.username) for a in rows]
    ranks = {str(Role(value).label): n for value, n in order.items()}
    return sorted(logins, key=lambda login: ranks.get(login.role, len(ranks)))


def demo_totals(province: AdminUnit) -> dict:
    """What the province holds now, demo or not: for the command's summary line and the tests."""
    return {
        "teams": Team.objects.filter(province=province).exclude(status=TeamStatus.DISSOLVED).count(),
        "memberships": Membership.objects.active().filter(team__province=province).count(),
        "applications": Application.objects.filter(
            province=province, status__in=[ApplicationStatus.PENDING, ApplicationStatus.INFO_REQUESTED]).count(),
        "leader_accounts": Assignment.objects.active().filter(role=Role.TEAM_LEADER, unit__province=province).count(),
    }


def _counts(result) -> str:
    """A step's counts for the progress line: a number, or a dataclass's non-zero numbers."""
    if isinstance(result, bool) or result is None:
        return ""
    if isinstance(result, int):
        return str(result)
    if isinstance(result, (list, tuple)):
        return ", ".join(c for c in (_counts(r) for r in result) if c)
    if hasattr(result, "__dataclass_fields__"):
        numbers = [(name, value) for name, value in vars(result).items()
                   if isinstance(value, int) and not isinstance(value, bool)]
        added = ", ".join(f"{name} {value}" for name, value in numbers if value)
        return added or ("0" if numbers else "")
    return ""


@transaction.atomic
def seed_demo(*, province_code: str, size: str = "default", progress=None) -> DemoResult:
    """The demo province. `progress(text)`, when given, hears each step with what it added and the
    seconds since the start, as it goes (the command prints it, flushed)."""
    started = time_module.perf_counter()

    def step(label: str, run, count=None):
        result = run()
        if progress is not None:
            counts = str(count()) if count else _counts(result)
            progress(f"{label}: {counts or 'xong'} ({time_module.perf_counter() - started:.0f} s)")
        return result

    province = AdminUnit.objects.provinces().filter(code=f"{int(province_code):02d}").first()
    if province is None:
        province = units_load_from_package(province_code=province_code).province
    created = step("Thôn, tổ dân phố (thêm)", lambda: seed_villages(province, SIZES[size]))
    password_hash = make_password(DEMO_PASSWORD)
    logins = step("Tài khoản mẫu (hiện có)", lambda: seed_users(province, password_hash=password_hash),
                  count=lambda: User.objects.filter(is_demo=True).count())
    teams = step("Tổ công nghệ số, thành viên, quyết định",
                 lambda: seed_teams(province, password_hash=password_hash))
    teams.applications = step("Đơn chờ duyệt", lambda: seed_applications(province, phones=teams.phones))
    reports = step("Báo cáo tháng, quý, chỉ tiêu", lambda: seed_reports(province, size=size))
    fieldwork = step("Nhật ký hoạt động", lambda: seed_fieldwork(province, size=size))
    # The activities were written in bulk, past the services that keep tallies.
    step("Tổng hợp nhật ký", lambda: tally_rebuild(province))
    citizen = step("Ý kiến người dân, khảo sát", lambda: seed_citizen(province, size=size))
    # kiện toàn decisions, the village head, the rules' history
    step("Kiện toàn tổ, trưởng thôn", lambda: seed_teams_15(province, size=size))
    # after the teams' later members, so a re-run invites no one new
    training = step("Tập huấn", lambda: seed_training(province, size=size))
    # The rest of the plan (issue #15), each part from its own module.
    step("Hỗ trợ của doanh nghiệp", lambda: seed_support(province, size=size))
    step("Quy chế, nhóm Zalo", lambda: seed_regulations(province, size=size))
    logins.extend(step("Sở, ban, ngành", lambda: seed_sectors(province, size=size)))
    logins.append(step("Bộ Khoa học và Công nghệ (cấp trung ương)",
                       lambda: seed_national(password_hash=password_hash)))
    step("Khó khăn, nhiệm vụ giao tổ", lambda: seed_difficulties_tasks(province, size=size))
    step("Số hộ, nhân khẩu, lượt đến hộ", lambda: seed_households(province, size=size))
    step("Bài kiểm tra, chứng nhận", lambda: seed_proficiency(province, size=size))
    # The village head (who may approve his village's applications) is shown too.
    head = Assignment.objects.active().filter(role=Role.VILLAGE_HEAD, unit__province=province,
                                              user__is_demo=True).select_related("user", "unit").order_by(
        "unit__code").first()
    if head is not None:
        logins.append(DemoLogin(role=str(Role.VILLAGE_HEAD.label), unit=head.unit.name, name=head.user.full_name,
                                phone=head.user.phone_display, username=head.user.username))
    # The first xã's commune team leader signs in too: shown with the other demo logins.
    first = AdminUnit.objects.filter(parent=province, kind=UnitKind.XA).active().order_by("code").first()
    leader = User.objects.filter(username=f"totruong.{first.code}").first() if first else None
    if leader is not None:
        logins.append(DemoLogin(role=f"{Role.TEAM_LEADER.label} (tổ cấp xã)", unit=first.name,
                                name=leader.full_name, phone=leader.phone_display, username=leader.username))
    return DemoResult(villages=created, logins=logins, teams=teams, reports=reports, fieldwork=fieldwork,
                      citizen=citizen, training=training,
                      totals={**demo_totals(province), **report_totals(province), **fieldwork_totals(province),
                              **citizen_totals(province), **training_totals(province)})
