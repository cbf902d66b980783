"""Field log tests happen on 20/11/2026, in Thôn Nà Khà, whose team has reported since 2024."""

import datetime

import pytest

from ..factories import make_team
from ..reports.factories import established_long_ago, freeze


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))


@pytest.fixture
def team(world):
    return established_long_ago(make_team(world, world.village_a1, members=1))
