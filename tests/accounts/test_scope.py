"""The scope matrix: for each role, what lies outside its units answers 404 and is never listed."""

import pytest
from django.urls import reverse

from tocns.accounts.models import Role
from tocns.accounts.selectors import scope_for, units_for_user

from ..factories import make_user

pytestmark = pytest.mark.django_db

ROLES = ["province_admin", "commune_chairman", "commune_officer", "team_leader", "team_member", "partner", "national"]


def _personas(world):
    """The world's personas and the ministry's (the national role, held on no unit)."""
    return {**world.personas(), "national": make_user(full_name="Nguyễn Văn Khoa", role=Role.NATIONAL)}


def _outside(world, role):
    """An object outside the persona's units: another province for the province admin,
    another commune's village for everyone else."""
    return world.other_commune if role == "province_admin" else world.village_b1


@pytest.mark.parametrize("role", ROLES)
def test_unit_page_outside_scope_answers_404(client, world, role):
    client.force_login(_personas(world)[role])
    outside = _outside(world, role)
    assert client.get(reverse("dashboard:unit_detail", args=[outside.code])).status_code == 404
    assert client.get(reverse("dashboard:unit_detail", args=[outside.commune.code])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_api_unit_outside_scope_answers_404(client, world, role):
    client.force_login(_personas(world)[role])
    outside = _outside(world, role)
    assert client.get(f"/api/v1/units/{outside.code}").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_lists_never_include_what_is_outside_scope(client, world, role):
    client.force_login(_personas(world)[role])
    outside = _outside(world, role)
    page = client.get(reverse("dashboard:units"), {"q": ""}).content.decode()
    assert outside.name not in page
    api_codes = {u["code"] for u in client.get("/api/v1/units?limit=500").json()["items"]}
    assert outside.code not in api_codes
    assert outside.commune.code not in api_codes


def test_each_role_reaches_exactly_its_units(world):
    def codes(user):
        return set(units_for_user(user).values_list("code", flat=True))

    tq = {world.province.code, world.commune_a.code, world.commune_b.code,
          world.village_a1.code, world.village_a2.code, world.village_b1.code}
    commune_a = {world.commune_a.code, world.village_a1.code, world.village_a2.code}
    assert codes(world.province_admin) == tq
    assert codes(world.chairman_a) == commune_a
    assert codes(world.officer_a) == commune_a
    assert codes(world.leader_a1) == {world.village_a1.code}
    assert codes(world.member_a1) == {world.village_a1.code}
    assert codes(world.partner) == set()
    assert codes(_personas(world)["national"]) == set()


def test_an_ended_assignment_no_longer_gives_access(client, world):
    from django.utils import timezone

    world.officer_a.assignments.update(ended_at=timezone.now())
    client.force_login(world.officer_a)
    assert client.get(reverse("dashboard:unit_detail", args=[world.village_a1.code])).status_code == 404
    assert scope_for(world.officer_a).is_empty


def test_in_scope_pages_answer(client, world):
    client.force_login(world.officer_a)
    response = client.get(reverse("dashboard:unit_detail", args=[world.commune_a.code]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Thôn Nà Khà" in body and "Thôn Khuổi Đăm" in body and "Tổ dân phố số 1" not in body


@pytest.mark.parametrize("role", [r for r in ROLES if r != "province_admin"])
def test_only_the_province_admin_reaches_admin_pages(client, world, role):
    client.force_login(_personas(world)[role])
    for name in ["accounts:users", "accounts:user_create", "dashboard:village_import"]:
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=[world.officer_b.pk])).status_code == 404
    assert client.get(reverse("dashboard:villages_merge", args=[world.commune_a.code])).status_code == 404


def test_province_admin_cannot_open_users_of_another_province(client, world):
    from ..factories import make_user

    stranger = make_user(full_name="Nông Thị Hoa", role="commune_officer", unit=world.other_commune)
    client.force_login(world.province_admin)
    assert client.get(reverse("accounts:user_detail", args=[stranger.pk])).status_code == 404
    assert "Nông Thị Hoa" not in client.get(reverse("accounts:users")).content.decode()
