"""Demo villages' household and population figures (plan II.2.1: the aim is every household).

Most demo villages get figures (60 to 250 households, about 4.2 people each), typed by the
commune's VH-XH officer as of 31/12 of last year; about one in eight has none yet, so the overview
shows "chưa có số hộ"; a few have an older version kept as history.

The field log's demo (demo_fieldwork) marks few activities "đến từng hộ", a few households a month
per village: far below what a door-to-door round reaches. So each village team with figures also
gets its evening rounds from house to house ("Đến từng hộ", 4 to 10 households each, recorded like
the other demo activities, by the leader of the day or the commune officer) until about 30–80% of
its households have been visited since the team started: the shares the overview then shows are
those of teams a few months into the plan. Running it again adds nothing."""

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Min, Sum
from django.utils import timezone

from tocns.demo.fieldwork import DEMO_NAMESPACE, _Builder, received_as_given, served_days
from tocns.demo.reports import MONTHS, demo_months
from tocns.fieldwork.models import Activity, ActivityKind, ActivityTally, Service
from tocns.fieldwork.tallies import tally_rebuild
from tocns.geo.models import AdminUnit, FigureSource, VillageFigures
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Team

MISSING_SHARE = 0.12  # villages whose commune has not typed their figures yet
HISTORY_SHARE = 0.15  # villages whose figures were corrected once
ROUND_SERVICES = ("vneid", "dvc-truc-tuyen", "vssid", "thanh-toan-qr")
ROUND_NOTES = ["Đi từng hộ hướng dẫn cài VNeID mức 2.", "Đến từng nhà, hướng dẫn cả hộ.",
               "Buổi tối đi từng hộ cùng trưởng thôn.", ""]


@dataclass
class HouseholdSeed:
    villages: int = 0  # villages given figures now
    versions: int = 0  # figure rows written, history included
    rounds: int = 0  # door-to-door activities added


def seed_households(province: AdminUnit, *, size: str = "default") -> HouseholdSeed:
    """Figures for the province's demo villages that have none, and the door-to-door rounds of their teams."""
    seed = HouseholdSeed()
    today = timezone.localdate()
    villages = list(AdminUnit.objects.filter(province=province, is_demo=True).villages().active()
                    .exclude(figures__isnull=False).select_related("commune").order_by("code"))
    if not villages:
        return seed
    builder = _Builder(province)
    rows, drawn = [], {}
    for village in villages:
        rng = random.Random(f"households-{village.code}")
        if rng.random() < MISSING_SHARE:
            continue
        households = rng.randint(60, 250)
        drawn[village.pk] = (households, rng.uniform(0.3, 0.8))
        common = {"village": village, "commune_id": village.commune_id, "province_id": village.province_id,
                  "source": FigureSource.TYPED, "recorded_by_id": builder.officers.get(f"vhxh.{village.commune.code}"),
                  "is_demo": True}
        version = 1
        if rng.random() < HISTORY_SHARE:
            older = households - rng.randint(2, 12)
            rows.append(VillageFigures(households=older, population=round(older * rng.uniform(3.9, 4.7)),
                                       as_of=date(today.year - 2, 12, 31), version=1, is_current=False, **common))
            version = 2
        rows.append(VillageFigures(households=households, population=round(households * rng.uniform(3.8, 4.6)),
                                   as_of=date(today.year - 1, 12, 31), version=version, is_current=True, **common))
        seed.villages += 1
    VillageFigures.objects.bulk_create(rows, batch_size=2000)
    seed.versions = len(rows)
    seed.rounds = _door_to_door_rounds(province, builder, drawn, size=size, today=today)
    return seed


def _door_to_door_rounds(province, builder: _Builder, drawn: dict, *, size: str, today: date) -> int:
    """Door-to-door activities for the teams of the villages given figures, up to the share drawn."""
    months = demo_months(today, MONTHS[size])
    services = dict(Service.objects.filter(code__in=ROUND_SERVICES, is_active=True).values_list("code", "pk"))
    if not months or not services:
        return 0
    teams = list(Team.objects.filter(province=province, is_demo=True, unit_id__in=drawn,
                                     established_on__isnull=False).exclude(status=TeamStatus.PROPOSED)
                 .select_related("unit", "commune").order_by("unit__code"))
    visited = dict(ActivityTally.objects.filter(unit_id__in=drawn, pillar="all").values("unit_id")
                   .annotate(h=Sum("households")).values_list("unit_id", "h"))
    # The rounds come after each team's first logged activity, which stays its first.
    first_logged = dict(Activity.objects.filter(team__in=teams).values("team_id").annotate(d=Min("date"))
                        .values_list("team_id", "d"))
    pending = []
    for team in teams:
        households, share = drawn[team.unit_id]
        need = round(households * share) - (visited.get(team.unit_id) or 0)
        after = first_logged.get(team.pk)
        days = [d for y, m in months for d in served_days(team, y, m) if d < today and (after is None or d > after)]
        if need <= 0 or not days:
            continue
        rng = random.Random(f"households-rounds-{team.unit.code}")
        number = 0
        while need > 0:
            day = rng.choice(days)
            recorded_by = builder.recorder(team, day)
            if recorded_by is None:
                break
            reached = min(need, rng.randint(4, 10))
            people = reached + rng.randint(0, reached // 2)
            made = datetime.combine(day, time(rng.choice((17, 18, 19, 20)), rng.randint(0, 59)), tzinfo=builder.tz)
            activity = Activity(
                client_id=uuid.uuid5(DEMO_NAMESPACE, f"households-{team.unit.code}-{number}"), team=team,
                unit=team.unit, province_id=team.province_id, commune_id=team.commune_id, date=day,
                kind=ActivityKind.GUIDANCE, door_to_door=True, people_count=people, households_count=reached,
                notes=rng.choice(ROUND_NOTES), recorded_by_id=recorded_by, made_at=made,
                received_at=made + timedelta(minutes=rng.randint(0, 30)), is_demo=True)
            pending.append((activity, services[rng.choice(list(services))]))
            need -= reached
            number += 1
    taken = set(Activity.objects.filter(client_id__in=[a.client_id for a, _s in pending])
                .values_list("client_id", flat=True))
    pending = [(a, s) for a, s in pending if a.client_id not in taken]
    with received_as_given():
        Activity.objects.bulk_create([a for a, _s in pending], batch_size=2000)
    links = [Activity.services.through(activity_id=a.pk, service_id=s) for a, s in pending]
    Activity.services.through.objects.bulk_create(links, batch_size=5000)
    if pending:
        tally_rebuild(province)  # written in bulk, past the services that keep the tallies
    return len(pending)
