"""Members' phones inside a team: the leader and the deputy see them all, a teammate only those
shared with the team by their owners; the roster export is for the leader, the deputy and the
commune office (issue 12, item 8)."""

import pytest
from django.urls import reverse

from tocns.accounts.models import Role
from tocns.teams.choices import MemberRole
from tocns.teams.models import Person
from tocns.teams.services import membership_start

from ..factories import make_person, make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(world):
    """Thôn Nà Khà: Giàng Seo Chứ leads; Triệu Thị Nhất (world.member_a1) signs in as a member;
    a deputy who signs in; Hoàng Văn Páo keeps his phone to the leaders, Sùng Mí Lử shares his."""
    team = make_team(world, world.village_a1, members=1)
    Person.objects.filter(pk=team.memberships.get().person_id).update(user=world.leader_a1)
    member = make_person(world, full_name="Triệu Thị Nhất", phone="0905000001", user=world.member_a1)
    membership_start(team=team, person=member, role=MemberRole.MEMBER)
    deputy_user = make_user(full_name="Nông Thị Hoa", phone="0905000002", role=Role.TEAM_MEMBER,
                            unit=world.village_a1)
    deputy = make_person(world, full_name="Nông Thị Hoa", phone="0905000002", user=deputy_user)
    membership_start(team=team, person=deputy, role=MemberRole.DEPUTY)
    membership_start(team=team, person=make_person(world, full_name="Hoàng Văn Páo", phone="0971111111"),
                     role=MemberRole.MEMBER)
    membership_start(team=team, person=make_person(world, full_name="Sùng Mí Lử", phone="0972222222",
                                                   phone_shared_with_team=True), role=MemberRole.MEMBER)
    team.deputy_user = deputy_user
    return team


def _page(client, user, team) -> str:
    client.force_login(user)
    return client.get(reverse("teams:detail", args=[team.pk])).content.decode()


def test_a_member_sees_only_the_phones_shared_with_the_team(client, world, team):
    page = _page(client, world.member_a1, team)
    assert "Hoàng Văn Páo" in page and "tel:0971111111" not in page and "0971 111 111" not in page
    assert "tel:0972222222" in page  # Sùng Mí Lử shares his
    assert "tel:0905000001" in page  # her own


def test_a_phone_shown_to_citizens_is_shown_to_the_team(client, world, team):
    Person.objects.filter(phone="0971111111").update(phone_public=True)
    assert "tel:0971111111" in _page(client, world.member_a1, team)


def test_the_leader_the_deputy_and_the_commune_office_see_every_phone(client, world, team):
    for user in (world.leader_a1, team.deputy_user, world.officer_a, world.province_admin):
        page = _page(client, user, team)
        assert "tel:0971111111" in page and "tel:0972222222" in page, user


def test_a_member_gets_no_roster_link_and_404_for_the_roster(client, world, team):
    page = _page(client, world.member_a1, team)
    url = reverse("teams:members_export", args=[team.pk])
    assert url not in page
    assert client.get(url).status_code == 404


def test_the_leader_the_deputy_and_the_commune_office_download_the_roster(client, world, team):
    url = reverse("teams:members_export", args=[team.pk])
    for user in (world.leader_a1, team.deputy_user, world.officer_a, world.province_admin):
        assert url in _page(client, user, team), user
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith(
            "application/vnd.openxmlformats"), user


def test_a_member_chooses_to_share_his_phone_with_the_team_on_his_page(client, world, team):
    client.force_login(world.member_a1)
    url = reverse("teams:my_phone")
    page = client.get(url).content.decode()
    assert "Cả các thành viên trong tổ" in page and "Chỉ tổ trưởng, tổ phó và cán bộ xã thấy số của bạn." in page
    refused = client.post(url, {"share": ""}).content.decode()
    assert "Hãy chọn ai được thấy số điện thoại của bạn." in refused
    client.post(url, {"share": "team"})
    me = Person.objects.get(user=world.member_a1)
    assert me.phone_shared_with_team and not me.phone_public
    client.post(url, {"share": "public"})
    me.refresh_from_db()
    assert me.phone_shared_with_team and me.phone_public
    client.post(url, {"public": "0"})  # hidden from citizens, still shared with the team
    me.refresh_from_db()
    assert me.phone_shared_with_team and not me.phone_public
    client.post(url, {"share": "leaders"})
    me.refresh_from_db()
    assert not me.phone_shared_with_team and not me.phone_public
