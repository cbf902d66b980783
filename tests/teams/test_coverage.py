import pytest

from tocns.teams import selectors, services
from tocns.teams.choices import MemberRole

from ..factories import make_person, make_team

pytestmark = pytest.mark.django_db


def test_coverage_finds_each_shortfall(world):
    full = make_team(world, world.village_a1, members=5)          # at the village cap, no deputy
    small = make_team(world, world.commune_a, members=2)          # below the minimum of 5
    both = make_person(world, full_name="Đặng Thị Mai")
    services.membership_start(team=full, person=both, role=MemberRole.COLLABORATOR)
    services.membership_start(team=small, person=both, role=MemberRole.DEPUTY)
    report = selectors.coverage(province=world.province)
    assert set(report.units_without_team) == {world.village_a2, world.commune_b, world.village_b1}
    assert list(report.teams_at_cap) == [full]
    assert list(report.teams_below_minimum) == [small]
    assert list(report.teams_without_deputy) == [full]
    assert list(report.teams_without_leader) == []
    assert list(report.people_in_two_teams) == [both]
    assert report.live_team_count == 2 and report.unit_count == 5


def test_coverage_of_one_commune_leaves_out_the_others(world):
    make_team(world, world.village_b1, members=1)
    report = selectors.coverage(province=world.province, commune=world.commune_a)
    assert set(report.units_without_team) == {world.commune_a, world.village_a1, world.village_a2}
    assert report.live_team_count == 0


def test_coverage_counts_a_team_without_a_leader(world):
    team = make_team(world, world.village_a1, members=0)
    services.membership_start(team=team, person=make_person(world), role=MemberRole.MEMBER)
    report = selectors.coverage(province=world.province)
    assert list(report.teams_without_leader) == [team]


def test_overview_per_commune(world):
    make_team(world, world.village_a1)
    rows = {row["commune"].code: row for row in selectors.coverage_by_commune(province=world.province)}
    assert rows["02269"]["units"] == 3 and rows["02269"]["teams"] == 1 and rows["02212"]["teams"] == 0
