"""Paging is bounded: out-of-range limit or offset answers 422 in JSON, never 500 (issue #16)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", f"offset={2**63}", f"limit={2**63}"])
def test_out_of_range_paging_answers_422_in_json(client, world, query):
    client.force_login(world.province_admin)
    for path in ("/api/v1/units", "/api/v1/teams"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422, (path, query, response.status_code)
        assert response["Content-Type"].startswith("application/json")


def test_paging_within_bounds_answers_the_page(client, world):
    client.force_login(world.province_admin)
    response = client.get("/api/v1/units?limit=500&offset=1")
    assert response.status_code == 200
    assert response.json()["count"] >= 2
