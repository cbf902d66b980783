import pytest

from ..factories import make_team


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def team(world):
    """Thôn Nà Khà's team: its leader (world.leader_a1) and member (world.member_a1) sign in."""
    return make_team(world, world.village_a1, members=2)


@pytest.fixture
def team_a2(world):
    return make_team(world, world.village_a2, members=1)


@pytest.fixture
def team_b1(world):
    return make_team(world, world.village_b1, members=1)
