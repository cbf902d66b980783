"""seed_demo's teams: established, within the rules, with something on every line of the coverage page,
and a second run that adds nothing. (Villages and demo logins: test_pages.py.)"""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from tocns.accounts.models import Assignment, Role, User
from tocns.geo.models import AdminUnit
from tocns.teams import selectors
from tocns.teams.choices import ApplicationKind, ApplicationStatus, DecisionKind, MemberRole, Position, TeamStatus
from tocns.teams.models import Application, ApplicationEntry, Decision, Membership, Person, Team, TeamRules

pytestmark = pytest.mark.django_db

MODELS = [Team, Decision, Person, Membership, Application, ApplicationEntry, User, Assignment, AdminUnit]


@pytest.fixture
def seeded(capsys):
    call_command("seed_demo", "--size", "small")
    return capsys.readouterr().out


def _province():
    return AdminUnit.objects.provinces().get(code="08")


def test_every_commune_and_about_nine_villages_in_ten_have_an_established_team(seeded):
    communes = AdminUnit.objects.communes().active()
    live = Team.objects.exclude(status=TeamStatus.DISSOLVED)
    assert not communes.exclude(pk__in=live.filter(status=TeamStatus.ESTABLISHED).values("unit_id")).exists()
    villages = AdminUnit.objects.villages().active()
    share = villages.filter(pk__in=live.values("unit_id")).count() / villages.count()
    assert 0.85 <= share <= 0.95
    assert not live.exclude(status=TeamStatus.ESTABLISHED).exists() and not live.filter(is_demo=False).exists()
    # Each team by its own decision, numbered as a commune numbers them, signed by its chairman.
    decisions = Decision.objects.filter(kind=DecisionKind.ESTABLISH).select_related("team", "commune")
    assert decisions.count() == live.count()
    chairmen = dict(User.objects.filter(username__startswith="chutich.").values_list("username", "full_name"))
    for decision in decisions:
        assert re.fullmatch(r"\d+/QĐ-UBND", decision.number)
        assert 2025 <= decision.signed_on.year <= 2026 and decision.team.established_on == decision.signed_on
        assert decision.signer_name == chairmen[f"chutich.{decision.commune.code}"]
        assert decision.signer_title.startswith("Chủ tịch UBND ")
    numbers = Decision.objects.values("commune", "number", "signed_on__year").annotate(n=Count("id"))
    assert not numbers.filter(n__gt=1).exists()
    # 124 commune teams and about 450 village teams, said as the step ends
    assert re.search(r"Tổ công nghệ số, thành viên, quyết định: teams 5\d\d, memberships \d+", seeded)


def test_demo_teams_keep_the_rules(seeded):
    live = Team.objects.exclude(status=TeamStatus.DISSOLVED)
    assert not live.values("unit").annotate(n=Count("id")).filter(n__gt=1).exists()
    rules = TeamRules.objects.get(province=_province())
    teams = live.select_related("unit").annotate(
        counted=Count("memberships", filter=Q(memberships__end_date__isnull=True)
                      & ~Q(memberships__role=MemberRole.COLLABORATOR)))
    for team in teams:
        assert team.counted <= (rules.commune_team_cap if team.unit.is_commune else rules.village_team_cap)
    active = Membership.objects.active()
    for role in (MemberRole.LEADER, MemberRole.DEPUTY):
        assert not active.filter(role=role).values("team").annotate(n=Count("id")).filter(n__gt=1).exists()
    # Ethnic group only with recorded consent; phones unique (the database says so) and birth years sensible.
    people = Person.objects.all()
    assert not people.exclude(ethnic_group="").filter(ethnic_group_consent_at__isnull=True).exists()
    assert not people.filter(ethnic_group="").exclude(ethnic_group_consent_at__isnull=True).exists()
    assert people.exclude(ethnic_group="").exists() and people.filter(ethnic_group="").exists()
    assert not people.filter(Q(birth_year__lt=1965) | Q(birth_year__gt=2005)).exists()
    assert not people.filter(Q(phone__isnull=True) | Q(is_demo=False)).exists()
    # Leaders hold the post the plan expects, save a few.
    leaders = active.filter(role=MemberRole.LEADER).select_related("person", "team__unit")
    expected = sum(1 for m in leaders if m.person.position == (
        Position.VHXH_LEADER if m.team.unit.is_commune else Position.VILLAGE_HEAD))
    assert 0.9 * leaders.count() <= expected < leaders.count()


def test_every_team_leader_signs_in_with_a_team_leader_assignment_on_the_team(seeded):
    leaders = Membership.objects.active().filter(role=MemberRole.LEADER).select_related("person__user", "team")
    assert leaders.count() > 500
    held = set(Assignment.objects.active().filter(role=Role.TEAM_LEADER).values_list("user_id", "unit_id"))
    for membership in leaders:
        user = membership.person.user
        assert user is not None and user.is_demo and user.phone == membership.person.phone
        assert (user.pk, membership.team.unit_id) in held
    # The demo logins printed for the first villages lead those villages' teams.
    first = AdminUnit.objects.filter(kind="xa").order_by("code").first()
    village = AdminUnit.objects.filter(parent=first).order_by("code").first()
    login = User.objects.get(username=f"totruong.{village.code}")
    assert leaders.get(team__unit=village).person.user == login
    assert Person.objects.get(user__username=f"thanhvien.{village.code}").memberships.get().team.unit == village
    assert f"totruong.{first.code}" in seeded


def test_every_line_of_the_coverage_page_has_something_and_applications_wait(seeded):
    report = selectors.coverage(province=_province())
    for part in ("units_without_team", "teams_without_leader", "teams_without_deputy", "teams_below_minimum",
                 "teams_at_cap", "people_in_two_teams"):
        assert getattr(report, part).exists(), part
    assert Membership.objects.active().filter(role=MemberRole.COLLABORATOR).exists()
    pending = Application.objects.filter(status=ApplicationStatus.PENDING)
    assert 20 <= pending.filter(kind=ApplicationKind.JOIN, is_group=False).count() <= 100
    assert pending.filter(is_group=True).exists() and pending.filter(kind=ApplicationKind.LEAVE).exists()
    assert not Application.objects.filter(is_demo=False).exists()


def test_a_second_run_adds_nothing(seeded, capsys):
    counts = {model.__name__: model.objects.count() for model in MODELS}
    active = Membership.objects.active().count()
    call_command("seed_demo", "--size", "small")
    assert {model.__name__: model.objects.count() for model in MODELS} == counts
    assert Membership.objects.active().count() == active
    out = capsys.readouterr().out
    assert "Tổ công nghệ số, thành viên, quyết định: 0 (" in out and "Đơn chờ duyệt: 0 (" in out


def test_seed_demo_says_each_step_prints_one_login_per_role_and_writes_every_login_to_a_csv(tmp_path, capsys):
    path = tmp_path / "demo-logins.csv"
    call_command("seed_demo", "--size", "small", "--logins-csv", str(path))
    out = capsys.readouterr().out
    # Each step with what it added, in order, before the logins.
    steps = ["Thôn, tổ dân phố (thêm): 496 (", "Tổ công nghệ số, thành viên, quyết định: teams ",
             "Báo cáo tháng, quý, chỉ tiêu: reports ", "Nhật ký hoạt động: activities "]
    places = [out.index(step) for step in steps]
    assert places == sorted(places) and places[-1] < out.index("Tài khoản mẫu, mỗi vai trò một")
    # The short table: one line per role, not one per commune.
    table = out.split("Tài khoản mẫu, mỗi vai trò một")[1].split("Danh sách đầy đủ")[0].strip().splitlines()[1:]
    assert len(table) == len({line.strip().split("  ")[0] for line in table}) <= len(Role.values) + 1
    assert any("sokhcn" in line for line in table) and not any("chutich.00694" in line for line in table)
    # The full list: UTF-8 with a BOM (Excel), every demo user's assignment, every commune's chairman.
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["role", "unit", "name", "phone", "username"]
    assert len(rows) - 1 == Assignment.objects.active().filter(user__is_demo=True).count()
    chairmen = {row[4] for row in rows if row[4].startswith("chutich.")}
    assert len(chairmen) == AdminUnit.objects.communes().active().count() == 124
    assert ["Quản trị cấp tỉnh (Sở KH&CN)", "Tuyên Quang", "Hoàng Thị Thu Hà", "0901 000 001", "sokhcn"] in rows
    assert f"Danh sách đầy đủ ({len(rows) - 1} tài khoản): {path}" in out
