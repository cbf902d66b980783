"""A team's public pages are addressed by a random slug, so walking /to/1/ … /to/300/ finds
nothing (issue 12, item 5)."""

import re

import pytest
from django.urls import reverse

from tocns.teams.models import Team, new_public_slug

from ..factories import make_team

pytestmark = pytest.mark.django_db


def test_old_numeric_addresses_of_a_team_answer_404(client, world):
    team = make_team(world, world.village_a1, members=2)
    for address in (f"/to/{team.pk}/", f"/dang-ky/to/{team.pk}/", f"/dang-ky/to/{team.pk}/danh-sach/"):
        assert client.get(address).status_code == 404, address
    for address in (f"/to/{team.public_slug}/", f"/dang-ky/to/{team.public_slug}/",
                    f"/dang-ky/to/{team.public_slug}/danh-sach/"):
        assert client.get(address).status_code == 200, address


def test_every_link_to_a_team_uses_its_slug(client, world):
    team = make_team(world, world.village_a1, members=2)
    found = client.get("/?q=na kha").content.decode()
    assert f'href="/to/{team.public_slug}/"' in found and f'href="/to/{team.pk}/"' not in found
    page = client.get(f"/to/{team.public_slug}/").content.decode()
    assert f'href="/dang-ky/to/{team.public_slug}/"' in page
    commune = client.get(reverse("portal:commune", args=[world.commune_a.code])).content.decode()
    assert f'href="/dang-ky/to/{team.public_slug}/"' in commune
    join = client.get(f"/dang-ky/to/{team.public_slug}/").content.decode()
    assert f'href="/dang-ky/to/{team.public_slug}/danh-sach/"' in join


def test_slugs_are_random_url_safe_unique_and_never_a_number(world):
    slugs = {new_public_slug() for _ in range(2000)}
    assert len(slugs) == 2000
    assert all(re.fullmatch(r"[a-z][a-z2-9]{9}", slug) for slug in slugs)
    teams = [make_team(world, unit) for unit in (world.village_a1, world.village_a2, world.commune_a)]
    stored = set(Team.objects.values_list("public_slug", flat=True))
    assert stored == {t.public_slug for t in teams} and len(stored) == 3
