import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/units" in response.json()["paths"]


def test_api_needs_a_signed_in_user(client, world):
    assert client.get("/api/v1/units").status_code == 401


def test_units_api_lists_the_officers_units_and_filters_by_parent(client, world):
    client.force_login(world.officer_a)
    data = client.get(f"/api/v1/units?parent={world.commune_a.code}").json()
    assert data["count"] == 2
    assert {u["name"] for u in data["items"]} == {"Thôn Nà Khà", "Thôn Khuổi Đăm"}
    assert data["items"][0]["parent_code"] == world.commune_a.code


def test_me_lists_the_users_roles(client, world):
    client.force_login(world.leader_a1)
    data = client.get("/api/v1/me").json()
    assert data["assignments"] == [{"role": "team_leader", "unit_code": world.village_a1.code,
                                    "unit_name": "Thôn Nà Khà"}]


def test_teams_api_is_scoped_and_shows_members_on_a_past_day(client, world):
    import datetime

    from tocns.teams.services import membership_end

    from ..factories import make_team

    team = make_team(world, world.village_a1, members=2)
    other = make_team(world, world.village_b1, members=1)
    leaver = team.memberships.exclude(role="leader").get()
    membership_end(membership=leaver, end_date=datetime.date(2026, 10, 1))
    client.force_login(world.officer_a)
    listing = client.get("/api/v1/teams").json()
    assert [t["id"] for t in listing["items"]] == [team.pk]
    today = client.get(f"/api/v1/teams/{team.pk}").json()
    assert [m["role"] for m in today["members"]] == ["leader"]
    past = client.get(f"/api/v1/teams/{team.pk}?on=2026-09-15").json()
    assert len(past["members"]) == 2
    assert client.get(f"/api/v1/teams/{other.pk}").status_code == 404
