"""Small builders for test data. Each returns saved objects; names are realistic Vietnamese."""

import io
import itertools

from openpyxl import Workbook

from tocns.accounts.models import Assignment, Role, User
from tocns.geo.models import AdminUnit, UnitKind

TEST_PASSWORD = "mat-khau-thu-nghiem"
_seq = itertools.count(1)


def make_unit(*, name: str, kind: str, parent: AdminUnit | None = None, code: str | None = None,
              **extra) -> AdminUnit:
    code = code or f"T{next(_seq):05d}"
    unit = AdminUnit(code=code, name=name, kind=kind, parent=parent, **extra)
    if parent is not None:
        unit.province = parent.province
        if unit.kind in (UnitKind.THON, UnitKind.TO_DAN_PHO):
            unit.commune = parent
    unit.save()
    if kind == UnitKind.PROVINCE:
        unit.province = unit
        unit.save(update_fields=["province"])
    elif kind in (UnitKind.XA, UnitKind.PHUONG, UnitKind.DAC_KHU):
        unit.commune = unit
        unit.save(update_fields=["commune"])
    return unit


def make_user(*, full_name: str = "Nông Văn Thắng", phone: str | None = None, username: str | None = None,
              role: str | None = None, unit: AdminUnit | None = None, password: str = TEST_PASSWORD,
              **extra) -> User:
    n = next(_seq)
    user = User.objects.create_user(username=username or f"user{n}", password=password,
                                    full_name=full_name, phone=phone, **extra)
    if role:
        Assignment.objects.create(user=user, role=role, unit=unit)
    return user


class World:
    """Two communes of Tuyên Quang with villages, another province, and a persona per role."""

    def __init__(self):
        self.province = make_unit(name="Tuyên Quang", kind=UnitKind.PROVINCE, code="08")
        self.commune_a = make_unit(name="Xã Thượng Lâm", kind=UnitKind.XA, parent=self.province, code="02269")
        self.commune_b = make_unit(name="Phường Minh Xuân", kind=UnitKind.PHUONG, parent=self.province,
                                   code="02212")
        self.village_a1 = make_unit(name="Thôn Nà Khà", kind=UnitKind.THON, parent=self.commune_a)
        self.village_a2 = make_unit(name="Thôn Khuổi Đăm", kind=UnitKind.THON, parent=self.commune_a)
        self.village_b1 = make_unit(name="Tổ dân phố số 1", kind=UnitKind.TO_DAN_PHO, parent=self.commune_b)
        self.other_province = make_unit(name="Cao Bằng", kind=UnitKind.PROVINCE, code="04")
        self.other_commune = make_unit(name="Phường Thục Phán", kind=UnitKind.PHUONG,
                                       parent=self.other_province, code="01273")

        self.province_admin = make_user(full_name="Hoàng Thị Thu Hà", phone="0901000001",
                                        role=Role.PROVINCE_ADMIN, unit=self.province)
        self.chairman_a = make_user(full_name="Ma Văn Tiến", phone="0902000001",
                                    role=Role.COMMUNE_CHAIRMAN, unit=self.commune_a)
        self.officer_a = make_user(full_name="Lý Thị Mai", phone="0912345678",
                                   role=Role.COMMUNE_OFFICER, unit=self.commune_a)
        self.officer_b = make_user(full_name="Trần Văn Nam", phone="0903000002",
                                   role=Role.COMMUNE_OFFICER, unit=self.commune_b)
        self.leader_a1 = make_user(full_name="Giàng Seo Chứ", phone="0904000001",
                                   role=Role.TEAM_LEADER, unit=self.village_a1)
        self.member_a1 = make_user(full_name="Triệu Thị Nhất", phone="0905000001",
                                   role=Role.TEAM_MEMBER, unit=self.village_a1)
        self.partner = make_user(full_name="Quan Văn Dũng", phone="0906000001",
                                 role=Role.PARTNER, unit=self.province)

    def personas(self) -> dict[str, User]:
        return {
            "province_admin": self.province_admin, "commune_chairman": self.chairman_a,
            "commune_officer": self.officer_a, "team_leader": self.leader_a1,
            "team_member": self.member_a1, "partner": self.partner,
        }


_phones = itertools.count(970000001)


def make_person(world, *, full_name: str = "Hoàng Văn Páo", commune=None, phone: str | None = None, **extra):
    from tocns.teams.models import Person

    commune = commune or world.commune_a
    return Person.objects.create(full_name=full_name, province=commune.province, commune=commune,
                                 phone=phone or f"0{next(_phones)}", birth_year=extra.pop("birth_year", 1990),
                                 **extra)


def make_team(world, unit=None, *, members: int = 0, established: bool = True):
    """A team with `members` members (the first is the leader). Memberships start on 01/09/2026."""
    import datetime

    from tocns.teams.choices import MemberRole, TeamStatus
    from tocns.teams.services import membership_start, team_propose

    unit = unit or world.village_a1
    team = team_propose(unit=unit)
    if established:
        team.status, team.established_on = TeamStatus.ESTABLISHED, datetime.date(2026, 9, 1)
        team.save(update_fields=["status", "established_on"])
    for i in range(members):
        person = make_person(world, full_name=f"{MEMBER_NAMES[i % len(MEMBER_NAMES)]} {i + 1}", commune=unit.commune)
        role = MemberRole.LEADER if i == 0 else MemberRole.MEMBER
        membership_start(team=team, person=person, role=role, start_date=datetime.date(2026, 9, 1))
    return team


MEMBER_NAMES = ["Giàng Seo Chứ", "Triệu Thị Nhất", "Hoàng Văn Páo", "Sùng Mí Lử", "Nông Thị Hoa", "Đặng Văn Quẩy",
                "Ma Văn Thắng", "Lục Văn Sinh", "Vàng Thị Dợ", "Bàn Văn Tủa", "Hà Thị Liên"]


def person_data(**overrides) -> dict:
    """A valid PersonForm submission."""
    data = {"full_name": "Lò Thị Dung", "phone": "0987 654 321", "birth_year": "1995", "gender": "female",
            "occupation": "teacher", "workplace": "Trường Tiểu học Thượng Lâm", "digital_skills": "VNeID, DVC"}
    data.update(overrides)
    return data


def xlsx(rows) -> bytes:
    """An .xlsx file with these rows, as an officer would save it from Excel."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def totp_device_for(user, *, confirmed: bool = True):
    """An authenticator app set up for `user` (django-otp's TOTP device)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=confirmed)


def totp_code(device, *, steps_later: int = 0) -> str:
    """The 6 digits the user's app shows now (or `steps_later` periods of 30 s from now)."""
    import time

    from django_otp.oath import TOTP

    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = time.time() + steps_later * device.step
    return f"{clock.token():0{device.digits}d}"


def sign_in_verified(client, user):
    """Signed in with the password and the second factor (a confirmed authenticator), as the office
    roles are in production."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = totp_device_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session["second_factor"] = "device"
    session.save()
    return device


def run_outbox() -> None:
    """Let the notice worker do what is due now, as `outbox_worker` does in production, then stop."""
    from unittest import mock

    from django.core.management import call_command

    # The worker closes "old" connections between tasks; inside a test's transaction every
    # connection looks old (as the test client knows, it keeps them open).
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("outbox_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
