"""The teams' demo for issue #15: a waiting "kiện toàn", the village head's login, the rules history;
a second run adds nothing."""

import pytest

from tocns.accounts.models import Assignment, Role
from tocns.demo.teams import seed_teams_15
from tocns.teams import selectors
from tocns.teams.models import Decision, Membership, TeamRulesChange

from ..factories import make_team

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_waiting_change_the_village_head_and_one_rules_change(world):
    first = make_team(world, world.village_a1, members=4)
    second = make_team(world, world.village_a2, members=4)
    seed = seed_teams_15(world.province, size="small")
    assert seed.changed_teams == 1 and seed.waiting == 1
    assert not selectors.member_changes(first)
    changes = selectors.member_changes(second)
    assert len(changes.joins) == 1 and len(changes.leaves) == 1
    head = Assignment.objects.get(role=Role.VILLAGE_HEAD)
    assert head.unit == world.village_a1 and head.user.username == f"truongthon.{world.village_a1.code}".lower()
    assert TeamRulesChange.objects.count() == 1
    before = (Membership.objects.count(), Decision.objects.count(), Assignment.objects.count())
    seed_teams_15(world.province, size="small")
    assert (Membership.objects.count(), Decision.objects.count(), Assignment.objects.count()) == before
    assert TeamRulesChange.objects.count() == 1
