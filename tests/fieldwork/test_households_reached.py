"""Households reached: door-to-door activities count their households (1 when left blank), other
activities none; the share is over the villages that have figures, capped at 100% with the raw
count kept; a village without figures has no share; "this year" starts on 1 January."""

import datetime
import uuid

import pytest

from tocns.fieldwork.households import household_shares
from tocns.fieldwork.models import Activity, ActivityTally
from tocns.fieldwork.services import activities_record_batch
from tocns.fieldwork.tallies import tally_rebuild
from tocns.geo.figures import village_figures_set
from tocns.geo.models import AdminUnit

from ..factories import make_team
from ..reports.factories import established_long_ago

pytestmark = pytest.mark.django_db


def entry(unit, day, *, door=True, households=None, people=3):
    data = {"client_id": str(uuid.uuid4()), "date": day, "unit": unit.code, "kind": "guidance",
            "services": ["vneid"], "people_count": people, "door_to_door": door}
    if households is not None:
        data["households_count"] = households
    return data


def figures(world, village, households):
    village_figures_set(village=village, households=households, population="", as_of="31/12/2025", was=0,
                        user=world.province_admin,
                        allowed=AdminUnit.objects.villages().filter(province=world.province))


@pytest.fixture
def logged(world, team, django_capture_on_commit_callbacks):
    """Thôn Nà Khà: 5 + 1 (blank) households door to door this year, 4 last year, and a class not door to door."""
    with django_capture_on_commit_callbacks(execute=True):
        activities_record_batch(user=world.leader_a1, entries=[
            entry(world.village_a1, "2026-11-02", households=5, people=7),
            entry(world.village_a1, "2026-10-15"),  # households left blank: one household
            entry(world.village_a1, "2025-12-20", households=4, people=4),
            entry(world.village_a1, "2026-11-03", door=False, households=9, people=12)])
    return world


def test_door_to_door_activities_count_their_households_and_blank_counts_one(logged):
    share, _children = household_shares(logged.village_a1)
    assert (share.visits_year, share.visits_total) == (6, 10)
    tallied = dict(ActivityTally.objects.filter(pillar="all").values_list("month", "households"))
    assert tallied == {datetime.date(2026, 11, 1): 5, datetime.date(2026, 10, 1): 1, datetime.date(2025, 12, 1): 4}


def test_the_rebuilt_tallies_count_the_same(logged):
    before = set(ActivityTally.objects.values_list("unit_id", "month", "pillar", "households"))
    tally_rebuild()
    assert set(ActivityTally.objects.values_list("unit_id", "month", "pillar", "households")) == before


def test_a_village_without_figures_has_no_share_and_is_not_a_zero(logged):
    share, _children = household_shares(logged.village_a1)
    assert share.share_year is None and not share.has_figures
    commune, villages = household_shares(logged.commune_a)
    assert commune.share_year is None and commune.visits_total == 10
    assert set(villages) == {logged.village_a1.pk, logged.village_a2.pk}


def test_shares_this_year_and_since_the_start_over_villages_with_figures(logged):
    figures(logged, logged.village_a1, 20)
    figures(logged, logged.village_a2, 100)  # no visits yet: counts at 0 in the commune's share
    village, _none = household_shares(logged.village_a1)
    assert (village.share_year, village.share_total) == (30, 50)
    commune, villages = household_shares(logged.commune_a)
    assert (commune.households, commune.reached_year, commune.reached_total) == (120, 6, 10)
    assert (commune.share_year, commune.share_total) == (5, 8)  # 6/120 and 10/120
    assert villages[logged.village_a2.pk].share_total == 0
    province, communes = household_shares(logged.province)
    assert (province.households, province.reached_total, province.with_figures, province.villages) == (120, 10, 2, 3)
    assert communes[logged.commune_a.pk].share_total == 8 and communes[logged.commune_b.pk].share_total is None


def test_visiting_more_than_the_households_caps_at_100_with_the_raw_count_kept(logged):
    figures(logged, logged.village_a1, 4)
    figures(logged, logged.village_a2, 6)
    village, _none = household_shares(logged.village_a1)
    assert (village.share_total, village.reached_total, village.visits_total) == (100, 4, 10)
    commune, _villages = household_shares(logged.commune_a)
    # The over-visited village does not make up for the other: 4 of 10 households, not 10 of 10.
    assert (commune.reached_total, commune.share_total, commune.visits_total) == (4, 40, 10)


def test_visits_logged_at_the_commune_level_count_only_in_the_raw_figures(world):
    commune_team = established_long_ago(make_team(world, world.commune_a, members=1))
    figures(world, world.village_a1, 50)
    Activity.objects.create(
        client_id=uuid.uuid4(), team=commune_team, unit=world.commune_a, province=world.province,
        commune=world.commune_a, date=datetime.date(2026, 11, 5), kind="guidance", door_to_door=True,
        people_count=8, households_count=8, recorded_by=world.officer_a,
        made_at=datetime.datetime(2026, 11, 5, 12, tzinfo=datetime.UTC))
    tally_rebuild()  # the commune team's visit, written here past the services
    commune, _villages = household_shares(world.commune_a)
    assert (commune.visits_total, commune.reached_total, commune.share_total) == (8, 0, 0)
    province, communes = household_shares(world.province)
    assert province.visits_total == 8 and communes[world.commune_a.pk].visits_total == 8


def test_the_province_figure_is_a_handful_of_queries(logged, django_assert_max_num_queries):
    figures(logged, logged.village_a1, 20)
    with django_assert_max_num_queries(4):
        household_shares(logged.province)


def test_the_migration_fills_the_tallies_written_before_the_column(logged):
    from importlib import import_module

    from django.apps import apps

    ActivityTally.objects.update(households=0)  # as the tallies were before the column
    import_module("tocns.fieldwork.migrations.0011_households_reached").fill_households(apps, None)
    assert dict(ActivityTally.objects.filter(pillar="all").values_list("month", "households")) == {
        datetime.date(2026, 11, 1): 5, datetime.date(2026, 10, 1): 1, datetime.date(2025, 12, 1): 4}
