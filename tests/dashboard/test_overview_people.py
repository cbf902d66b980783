"""The overview's charts of members count each person once, even a person in two teams (issue #18)."""

import datetime

import pytest

from tocns.teams.choices import Gender, MemberRole, Occupation
from tocns.teams.services import membership_start

from ..factories import make_person, make_team
from ..reports.factories import established_long_ago, freeze

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))


def test_a_person_in_two_teams_is_counted_once_in_every_chart(client, world):
    first = established_long_ago(make_team(world, world.village_a1, members=2))
    second = established_long_ago(make_team(world, world.village_a2, members=1))
    both = make_person(world, full_name="Lò Thị Mai", gender=Gender.FEMALE, occupation=Occupation.choices[0][0],
                       birth_year=1960, ethnic_group="Tày")
    for team in (first, second):
        membership_start(team=team, person=both, role=MemberRole.MEMBER, start_date=datetime.date(2026, 9, 1))
    client.force_login(world.province_admin)
    o = client.get("/tong-quan/").context["o"]
    assert o.members == 4  # 3 people made with the teams, and the one in both
    for chart in (o.by_occupation, o.by_gender, o.by_age, o.by_ethnic_group):
        assert sum(bar.value for bar in chart) == 4
    women = {str(bar.label): bar.value for bar in o.by_gender}
    assert women[str(Gender.FEMALE.label)] == 1 + sum(
        1 for m in (*first.memberships.all(), *second.memberships.all())
        if m.person_id != both.pk and m.person.gender == Gender.FEMALE)
