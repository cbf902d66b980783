"""Demo for the teams' part of issue #15: member changes after establishment and their "kiện toàn"
decisions (plan III.2), a village head who signs in, and a history of the province's team rules.

In the first xã (by code): three village teams each see one member leave and one join after their
establishment; two of those changes are covered by a recorded "kiện toàn" decision with its signed
scan, the first waits for one (the commune office sees it on its home page). The village head of the
xã's first village signs in as `truongthon.<village code>` (not printed). The province's rules carry
one earlier change by the province admin.

Idempotent: the newcomers are found by phone, the login by username, the rules change by its
existence; a second run adds nothing. Not printed: the lead adds the login to the link walk."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone

from tocns.accounts.models import Assignment, Role, User
from tocns.geo.models import AdminUnit, UnitKind
from tocns.teams import selectors, services
from tocns.teams.choices import MemberRole, Occupation, TeamStatus
from tocns.teams.models import Decision, Person, Team, TeamRules, TeamRulesChange

DEMO_PASSWORD = "demo-tocns-2026"
# (newcomer's name, gender, birth year, occupation, workplace; the leaver's reason)
CHANGES = [
    ("Ma Thị Thu Trang", "female", 1999, Occupation.YOUTH_UNION, "Chi đoàn thôn", "Đi làm ăn xa"),
    ("Hoàng Văn Tuấn", "male", 1994, Occupation.TEACHER, "Trường Tiểu học xã", "Chuyển công tác"),
    ("Triệu Thị Mai", "female", 1988, Occupation.HEALTH_WORKER, "Trạm Y tế xã", "Xin thôi vì lý do sức khỏe"),
]
PHONE_BASE = 918150100  # 0918 150 101 …: the newcomers
HEAD_PHONE = "0918150001"


@dataclass
class TeamsSeed:
    changed_teams: int = 0
    decisions: int = 0
    waiting: int = 0


def _first_xa(province: AdminUnit) -> AdminUnit | None:
    return AdminUnit.objects.filter(parent=province, kind=UnitKind.XA).active().order_by("code").first()


def _free_number(commune: AdminUnit, year: int, start: int = 200) -> str:
    taken = {n.lower() for n in Decision.objects.filter(commune=commune, signed_on__year=year)
             .values_list("number", flat=True)}
    number = start
    while f"{number}/qđ-ubnd" in taken:
        number += 1
    return f"{number}/QĐ-UBND"


def _change_team(team: Team, index: int, *, by) -> bool:
    """One member leaves and one joins after the establishment; False if done before."""
    name, gender, year, occupation, workplace, reason = CHANGES[index]
    phone = f"0{PHONE_BASE + index + 1}"
    if Person.objects.filter(phone=phone).exists():
        return False
    today = timezone.localdate()
    leaver = (team.memberships.active().filter(role=MemberRole.MEMBER, person__user__isnull=True)
              .order_by("start_date", "id").first())
    established = team.established_on or today
    left_on = max(established, min(today - timedelta(days=40 - 10 * index), established + timedelta(days=120)))
    if leaver is not None:
        services.membership_end(membership=leaver, end_date=max(left_on, leaver.start_date), reason=reason, by=by)
    person = services.person_save(data={"full_name": name, "gender": gender, "birth_year": year, "phone": phone,
                                        "occupation": occupation, "workplace": workplace, "home_village": team.unit,
                                        "digital_skills": "Hướng dẫn cài VNeID, nộp hồ sơ trực tuyến"},
                                  commune=team.commune, by=by)
    Person.objects.filter(pk=person.pk).update(is_demo=True)
    services.membership_start(team=team, person=person, role=MemberRole.MEMBER,
                              start_date=min(today, left_on + timedelta(days=5)), by=by)
    return True


def _cover(team: Team, *, by) -> Decision | None:
    changes = selectors.member_changes(team)
    if not changes:
        return None
    today = timezone.localdate()
    signed_on = min(today, max(m.start_date for m in changes.joins) + timedelta(days=10)) if changes.joins else today
    scan = ContentFile(b"%PDF-1.4\n% demo: ban chup quyet dinh kien toan\n", name="qd-kien-toan-demo.pdf")
    return services.team_members_decision(
        team=team, joins=[m.pk for m in changes.joins], leaves=[m.pk for m in changes.leaves],
        number=_free_number(team.commune, signed_on.year), signed_on=signed_on,
        signer_name=selectors.commune_chairman_name(team.commune) or "Chủ tịch UBND xã",
        signer_title="Chủ tịch UBND xã", signed_file=scan, by=by)


def _village_head(village: AdminUnit, password_hash: str) -> User:
    username = f"truongthon.{village.code}".lower()
    user = User.objects.filter(username=username).first()
    if user is None:
        phone = HEAD_PHONE if not User.objects.filter(phone=HEAD_PHONE).exists() else None
        user = User.objects.create(username=username, phone=phone, full_name="Hà Văn Sình", password=password_hash,
                                   is_demo=True)
    if not Assignment.objects.active().filter(user=user, role=Role.VILLAGE_HEAD, unit=village).exists():
        Assignment.objects.create(user=user, role=Role.VILLAGE_HEAD, unit=village)
    return user


def _rules_history(province: AdminUnit, admin: User | None) -> None:
    """One earlier change: the province first allowed 9 members in a commune team, then the plan's 10."""
    rules = services.team_rules(province)
    if rules.changes.exists():
        return
    TeamRulesChange.objects.create(rules=rules, province=province, field="commune_team_cap", old_value="9",
                                   new_value=str(rules.commune_team_cap), version=rules.version + 1,
                                   changed_by=admin)
    TeamRules.objects.filter(pk=rules.pk).update(version=rules.version + 1)


def seed_teams_15(province: AdminUnit, *, size: str = "default") -> TeamsSeed:
    seed = TeamsSeed()
    commune = _first_xa(province)
    if commune is None:
        return seed
    admin = User.objects.filter(username="sokhcn").first()
    officer = User.objects.filter(username=f"vhxh.{commune.code}").first() or admin
    teams = list(Team.objects.filter(commune=commune, status=TeamStatus.ESTABLISHED, unit__kind__in=[
        UnitKind.THON, UnitKind.TO_DAN_PHO]).select_related("unit", "commune", "province").order_by("unit__code"))
    # The first village keeps its team as seed_demo made it (its leader and member sign in); the next
    # three change, and all but the first of those get their decision.
    for index, team in enumerate(teams[1:1 + len(CHANGES)]):
        if _change_team(team, index, by=officer):
            seed.changed_teams += 1
            if index > 0 and _cover(team, by=officer) is not None:
                seed.decisions += 1
    seed.waiting = selectors.teams_with_member_changes(Team.objects.filter(commune=commune)).count()
    first_village = AdminUnit.objects.filter(parent=commune).villages().active().order_by("code").first()
    if first_village is not None:
        _village_head(first_village, make_password(DEMO_PASSWORD))
    _rules_history(province, admin)
    return seed
