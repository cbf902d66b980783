"""Report tests speak of October and November 2026: the clock stays there whatever today is."""

import datetime

import pytest

from ..factories import make_team
from .factories import established_long_ago, freeze

REPORTS_NOW = datetime.datetime(2026, 11, 20, 10, 0)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    freeze(monkeypatch, REPORTS_NOW)


@pytest.fixture
def clock(monkeypatch):
    """clock(datetime) moves the frozen clock for the rest of the test."""
    return lambda when: freeze(monkeypatch, when)


@pytest.fixture
def team(world):
    """Thôn Nà Khà's team, reporting since 2024, with a leader and a member."""
    return established_long_ago(make_team(world, world.village_a1, members=2))
