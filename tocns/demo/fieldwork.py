"""Demo field log: what the demo teams did in the field (guidance, outreach, classes), over the same
months as the demo reports (demo_reports.MONTHS: three at `--size small`, twelve by default,
twenty-four at `--size province`).

Every established demo team logs a few activities a month at the default size (about three for a
village team, three times more for a commune team, fewer in February and at harvest), 25 times
more at `--size province` (about two and a half million over 24 months, for the benchmark), on days
it served (from its establishment to its dissolution), recorded by its leader of the day (a demo
login) or, when it has none, by the commune's VH-XH officer, who types in paper notes.

Deterministic and idempotent: the number of a (team, month)'s activities comes from a generator
seeded with the team's natural key (unit code and establishment date) and the month, each activity
from one seeded with that and its number, and its client_id is uuid5(DEMO_NAMESPACE, the same key).
A run counts the demo activities each (team, month) already has and adds only the numbers after
them: a second run adds nothing, and a run at `--size province` after a default one tops the months
up. Rows are written with bulk_create (the services take milliseconds an activity), and the links to
services with bulk_create on the through table.
"""

import random
import uuid
from calendar import monthrange
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tocns.accounts.models import User
from tocns.demo.reports import MONTHS, demo_months
from tocns.fieldwork.models import Activity, ActivityKind, Service
from tocns.geo.models import AdminUnit, UnitKind
from tocns.teams.choices import MemberRole, TeamStatus
from tocns.teams.models import Membership, Team

DEMO_NAMESPACE = uuid.UUID("6f1d5c1e-8a3b-5d2e-9c4f-0b7a1e2d3c4f")
SIZE_FACTOR = {"small": 1, "default": 1, "province": 25}
COMMUNE_FACTOR = 3
FLUSH_AT = 20000  # activities held in memory before they and their services are written
# Tết in February, rain and harvest from August to October: less time with the villagers.
_SEASON = {1: 1.0, 2: 0.6, 3: 1.0, 4: 1.05, 5: 1.1, 6: 1.0, 7: 0.95, 8: 0.85, 9: 0.85, 10: 0.9, 11: 1.1, 12: 1.1}
_KINDS = {ActivityKind.GUIDANCE: 62, ActivityKind.OUTREACH: 26, ActivityKind.CLASS: 12}
_WEEKDAY = [1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.5]  # Monday … Sunday
_HOURS = {7: 5, 8: 8, 9: 10, 10: 8, 14: 8, 15: 8, 16: 6, 19: 14, 20: 14, 21: 6}
# What people are helped with, and how often (codes of the starting catalogue; others are ignored).
_GUIDANCE = {"vneid": 26, "dvc-truc-tuyen": 14, "vssid": 10, "thanh-toan-qr": 9, "tai-khoan-thanh-toan": 8,
             "so-suc-khoe": 7, "ngan-hang-so": 6, "mang-xa-hoi-an-toan": 5, "giao-duc": 4, "cong-dvc-quoc-gia": 4,
             "vi-dien-tu": 3, "kham-tu-xa": 3, "app-chinh-quyen-so": 3, "san-tmdt": 2, "canh-bao-thien-tai": 2,
             "binh-dan-hoc-vu-so": 3, "ocop": 1, "gian-hang-so": 1, "truy-xuat-nguon-goc": 1,
             "nong-nghiep-thong-minh": 1, "tiem-chung": 2}
_OUTREACH = {"mang-xa-hoi-an-toan": 20, "vneid": 15, "thanh-toan-qr": 10, "dvc-truc-tuyen": 10,
             "binh-dan-hoc-vu-so": 8, "canh-bao-thien-tai": 6, "cong-thong-tin-tinh": 4, "so-suc-khoe": 4}
_CLASS = {"binh-dan-hoc-vu-so": 15, "vneid": 12, "dvc-truc-tuyen": 10, "mang-xa-hoi-an-toan": 10,
          "thanh-toan-qr": 8, "san-tmdt": 6, "ocop": 5, "gian-hang-so": 4, "vssid": 5, "ngan-hang-so": 5}
_NOTES = ["Hướng dẫn tại nhà văn hóa thôn sau buổi họp.", "Đến từng nhà người cao tuổi.",
          "Sóng yếu, hẹn bà con hôm sau làm tiếp.", "Lồng ghép trong phiên chợ.",
          "Nhiều người quên mật khẩu VNeID, đã hướng dẫn đặt lại.", "Phối hợp với Công an xã.",
          "Hỗ trợ bằng tiếng Mông.", "Bà con mang điện thoại đến nhà tổ trưởng buổi tối."]


@dataclass
class FieldworkSeed:
    activities: int = 0
    links: int = 0  # activity–service rows
    months: list = field(default_factory=list)


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def activity_key(team: Team, year: int, month: int, number: int) -> str:
    """The natural key of a demo activity: its team (unit and establishment day), month and number."""
    return f"demo-activity/{team.unit.code}/{team.established_on:%Y%m%d}/{year}-{month:02d}/{number}"


def activity_client_id(team: Team, year: int, month: int, number: int) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, activity_key(team, year, month, number))


def served_days(team: Team, year: int, month: int) -> list[date]:
    """The days of the month the team existed (established, not yet dissolved)."""
    first, last = date(year, month, 1), date(year, month, monthrange(year, month)[1])
    if team.established_on is None or team.status == TeamStatus.PROPOSED:
        return []
    start = max(first, team.established_on)
    end = min(last, team.dissolved_on) if team.dissolved_on else last
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def month_count(team: Team, year: int, month: int, size: str) -> int:
    """How many activities the team logs that month at this size (a larger size never fewer)."""
    days = served_days(team, year, month)
    if not days:
        return 0
    level = random.Random(f"activity-profile-{team.unit.code}").uniform(1.5, 4.5)
    if team.unit.is_commune:
        level *= COMMUNE_FACTOR
    expected = level * _SEASON[month] * len(days) / monthrange(year, month)[1]
    roll = random.Random(f"activity-month-{team.unit.code}-{year}-{month:02d}").random()
    return int(expected * SIZE_FACTOR[size] + roll)


@contextmanager
def received_as_given(model=Activity, name: str = "received_at"):
    """bulk_create would stamp now() on received_at; a demo entry arrived soon after it was made."""
    received = model._meta.get_field(name)
    saved = received.auto_now_add
    received.auto_now_add = False
    try:
        yield
    finally:
        received.auto_now_add = saved


class _Builder:
    def __init__(self, province: AdminUnit):
        self.province = province
        self.tz = timezone.get_current_timezone()
        active = dict(Service.objects.filter(is_active=True).values_list("code", "pk"))
        self.services = {kind: {code: w for code, w in weights.items() if code in active}
                         for kind, weights in ((ActivityKind.GUIDANCE, _GUIDANCE), (ActivityKind.OUTREACH, _OUTREACH),
                                               (ActivityKind.CLASS, _CLASS))}
        self.service_pk = active
        self.officers = dict(User.objects.filter(username__startswith="vhxh.").values_list("username", "pk"))
        self.villages: dict[int, list[AdminUnit]] = {}
        for village in AdminUnit.objects.filter(province=province).villages().active().order_by("code"):
            self.villages.setdefault(village.parent_id, []).append(village)
        self.leaders: dict[int, list] = {}
        for team_id, user_id, start, end in (
                Membership.objects.filter(team__province=province, role=MemberRole.LEADER)
                .exclude(person__user=None).order_by("start_date", "id")
                .values_list("team_id", "person__user_id", "start_date", "end_date")):
            self.leaders.setdefault(team_id, []).append((user_id, start, end))

    def recorder(self, team: Team, day: date) -> int | None:
        for user_id, start, end in self.leaders.get(team.pk, []):
            if start <= day and (end is None or end >= day):
                return user_id
        return self.officers.get(f"vhxh.{team.commune.code}")

    def activity(self, team: Team, year: int, month: int, number: int, days: list[date]):
        """(Activity, [service pks]) or None when nobody could have recorded it."""
        rng = random.Random(activity_key(team, year, month, number))
        day = rng.choices(days, weights=[_WEEKDAY[d.weekday()] for d in days])[0]
        recorded_by = self.recorder(team, day)
        if recorded_by is None:
            return None
        unit = team.unit
        if unit.is_commune and self.villages.get(unit.pk) and rng.random() < 0.5:
            unit = rng.choice(self.villages[unit.pk])  # the commune team works in its villages too
        kind = _weighted(rng, _KINDS)
        weights = self.services[kind]
        if kind == ActivityKind.GUIDANCE:
            people, picks = _weighted(rng, {1: 30, 2: 22, 3: 16, 4: 10, 5: 8, 6: 5, 8: 4, 10: 3, 15: 2}), \
                _weighted(rng, {1: 75, 2: 20, 3: 5})
        elif kind == ActivityKind.OUTREACH:
            people, picks = rng.randint(10, 40), _weighted(rng, {0: 30, 1: 50, 2: 20})
        else:
            people, picks = rng.randint(8, 40), _weighted(rng, {1: 50, 2: 35, 3: 15})
        codes: list[str] = []
        while weights and len(codes) < min(picks, len(weights)):
            code = _weighted(rng, weights)
            if code not in codes:
                codes.append(code)
        if not codes and kind != ActivityKind.OUTREACH:
            return None  # the catalogue lost every service this kind needs
        minority_share = 0.25 if team.commune.kind == UnitKind.PHUONG else 0.75
        filled = rng.random() < 0.85  # the other parts are often left empty
        made = datetime.combine(day, time(_weighted(rng, _HOURS), rng.randint(0, 59)), tzinfo=self.tz)
        late = timedelta(minutes=rng.randint(0, 30)) if rng.random() < 0.85 else timedelta(hours=rng.randint(2, 60))
        activity = Activity(
            client_id=uuid.uuid5(DEMO_NAMESPACE, activity_key(team, year, month, number)), team=team, unit=unit,
            province_id=team.province_id, commune_id=team.commune_id, date=day, kind=kind,
            door_to_door=kind == ActivityKind.GUIDANCE and rng.random() < 0.35, people_count=people,
            households_count=max(1, round(people / rng.uniform(1.2, 2.5))) if rng.random() < 0.6 else None,
            women_count=min(people, round(people * rng.uniform(0.3, 0.7))) if filled else None,
            elderly_count=min(people, round(people * rng.uniform(0.0, 0.5))) if filled else None,
            minority_count=min(people, round(people * rng.uniform(minority_share - 0.25, minority_share + 0.25)))
            if filled else None,
            notes=rng.choice(_NOTES) if rng.random() < 0.08 else "", recorded_by_id=recorded_by, made_at=made,
            received_at=made + late, is_demo=True)
        return activity, [self.service_pk[code] for code in codes]


def _existing(province: AdminUnit, since: date) -> dict:
    """{(team id, year, month): demo activities it has}."""
    rows = (Activity.objects.filter(province=province, is_demo=True, date__gte=since)
            .annotate(month=TruncMonth("date")).values_list("team_id", "month").annotate(n=Count("id")))
    out = {}
    for team_id, month, n in rows:
        month = month.date() if isinstance(month, datetime) else month
        out[team_id, month.year, month.month] = n
    return out


def _write(pending: list, seed: FieldworkSeed) -> None:
    if not pending:
        return
    # A (team, month) topped up after some of its demo activities were deleted: keep the ones left.
    ids = [a.client_id for a, _s in pending]
    taken = set()
    for start in range(0, len(ids), 5000):
        taken |= set(Activity.objects.filter(client_id__in=ids[start:start + 5000]).values_list("client_id", flat=True))
    pending = [(a, s) for a, s in pending if a.client_id not in taken]
    with received_as_given():
        Activity.objects.bulk_create([a for a, _s in pending], batch_size=2000)
    through = Activity.services.through
    links = [through(activity_id=a.pk, service_id=pk) for a, services in pending for pk in services]
    through.objects.bulk_create(links, batch_size=5000)
    seed.activities += len(pending)
    seed.links += len(links)


def seed_fieldwork(province: AdminUnit, *, size: str = "default") -> FieldworkSeed:
    """Field log activities of every established demo team for the demo months; adds only what is missing."""
    months = demo_months(timezone.localdate(), MONTHS[size])
    seed = FieldworkSeed(months=[f"{y}-{m:02d}" for y, m in months])
    if not months:
        return seed
    teams = list(Team.objects.filter(province=province, is_demo=True, established_on__isnull=False)
                 .exclude(status=TeamStatus.PROPOSED).select_related("unit", "commune")
                 .order_by("commune__code", "unit__code"))
    builder = _Builder(province)
    existing = _existing(province, date(*months[0], 1))
    pending: list = []
    for team in teams:
        for year, month in months:
            wanted = month_count(team, year, month, size)
            have = existing.get((team.pk, year, month), 0)
            if wanted <= have:
                continue
            days = served_days(team, year, month)
            for number in range(have, wanted):
                built = builder.activity(team, year, month, number, days)
                if built is not None:
                    pending.append(built)
        if len(pending) >= FLUSH_AT:
            _write(pending, seed)
            pending = []
    _write(pending, seed)
    return seed


def fieldwork_totals(province: AdminUnit) -> dict:
    """What the province holds now, demo or not."""
    activities = Activity.objects.filter(province=province)
    return {"activities": activities.count(),
            "activity_links": Activity.services.through.objects.filter(activity__province=province).count()}
