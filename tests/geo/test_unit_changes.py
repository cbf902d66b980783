import datetime

import pytest
from django.core.exceptions import ValidationError

from tocns.geo.models import AdminUnit, UnitKind
from tocns.geo.services import unit_split, units_merge

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 10, 1)


def test_merging_two_villages_into_a_new_one_retires_both_and_points_to_the_successor(world):
    change = units_merge(units=[world.village_a1, world.village_a2], new_name="Thôn Nà Khà Mới",
                         new_kind=UnitKind.THON, effective_date=DAY, decision_number="15/QĐ-UBND",
                         user=world.province_admin)
    world.village_a1.refresh_from_db()
    world.village_a2.refresh_from_db()
    successor = change.successor_units.get()
    assert successor.name == "Thôn Nà Khà Mới" and successor.parent == world.commune_a
    assert world.village_a1.retired_on == DAY and world.village_a2.retired_on == DAY
    assert list(world.village_a1.successors()) == [successor]
    assert set(successor.predecessors()) == {world.village_a1, world.village_a2}
    assert AdminUnit.objects.filter(pk=world.village_a1.pk).exists()  # never deleted
    assert change.decision_number == "15/QĐ-UBND" and change.recorded_by == world.province_admin


def test_merging_into_a_surviving_village_keeps_it_active(world):
    units_merge(units=[world.village_a1, world.village_a2], survivor=world.village_a1,
                effective_date=DAY, decision_number="16/QĐ-UBND")
    world.village_a1.refresh_from_db()
    world.village_a2.refresh_from_db()
    assert world.village_a1.retired_on is None
    assert list(world.village_a2.successors()) == [world.village_a1]


def test_villages_of_different_communes_cannot_be_merged(world):
    with pytest.raises(ValidationError) as exc:
        units_merge(units=[world.village_a1, world.village_b1], new_name="Thôn X", new_kind=UnitKind.THON,
                    effective_date=DAY, decision_number="1/QĐ-UBND")
    assert "cùng một xã" in exc.value.message_dict["units"][0]
    world.village_a1.refresh_from_db()
    assert world.village_a1.retired_on is None


def test_a_merge_without_decision_number_or_dated_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        units_merge(units=[world.village_a1, world.village_a2], survivor=world.village_a1,
                    effective_date=datetime.date(2999, 1, 1), decision_number=" ")
    assert set(exc.value.message_dict) == {"effective_date", "decision_number"}


def test_splitting_a_village_creates_the_new_ones_and_retires_the_old(world):
    change = unit_split(unit=world.village_a2, new_names=["Thôn Khuổi Đăm 1", "Thôn Khuổi Đăm 2", ""],
                        new_kind=UnitKind.THON, effective_date=DAY, decision_number="20/QĐ-UBND")
    world.village_a2.refresh_from_db()
    assert world.village_a2.retired_on == DAY
    assert sorted(u.name for u in world.village_a2.successors()) == ["Thôn Khuổi Đăm 1", "Thôn Khuổi Đăm 2"]
    assert change.successor_units.filter(parent=world.commune_a, retired_on__isnull=True).count() == 2
