"""The visitor's home page: find the team of your village and how to reach it, no sign-in."""

import pytest

from tocns.teams.models import Membership

from ..factories import make_team

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["Nà Khà", "na kha", "thon na kha", "NA KHA"])
def test_a_visitor_finds_their_village_team_typed_with_or_without_diacritics(client, world, typed):
    team = make_team(world, world.village_a1, members=2)
    page = client.get("/", {"q": typed}).content.decode()
    assert f'href="/to/{team.public_slug}/"' in page and "Thôn Nà Khà" in page and "Xã Thượng Lâm" in page
    assert "Thôn Khuổi Đăm" not in page


def test_a_village_without_a_team_says_so_and_other_provinces_are_not_found(client, world):
    page = client.get("/", {"q": "khuoi dam"}).content.decode()
    assert "Thôn Khuổi Đăm" in page and "chưa có tổ" in page
    assert "Thục Phán" not in client.get("/", {"q": "thuc phan"}).content.decode()


def test_the_team_page_shows_given_names_and_only_the_phones_members_made_public(client, world):
    team = make_team(world, world.village_a1, members=3)
    people = [m.person for m in Membership.objects.filter(team=team).select_related("person").order_by("pk")]
    people[0].phone, people[0].phone_public = "0987654321", True
    people[0].save()
    people[1].phone = "0977000111"  # not made public
    people[1].save()
    page = client.get(f"/to/{team.public_slug}/").content.decode()
    assert people[0].full_name.split()[-1] in page and people[0].full_name not in page
    assert 'href="tel:0987654321"' in page and "https://zalo.me/0987654321" in page
    assert "0977000111" not in page and "0977 000 111" not in page
    assert f"/dang-ky/to/{team.public_slug}/" in page and "/phan-anh/xa/02269/" in page


def test_a_member_chooses_to_show_their_phone(client, world):
    team = make_team(world, world.village_a1, members=1)
    person = Membership.objects.get(team=team).person
    person.user, person.phone = world.leader_a1, "0904000001"
    person.save()
    client.force_login(world.leader_a1)
    assert "/teams/me/phone/" in client.get("/").content.decode()
    client.post("/teams/me/phone/", {"public": "1"})
    client.logout()
    assert 'href="tel:0904000001"' in client.get(f"/to/{team.public_slug}/").content.decode()


def test_signed_in_users_still_get_their_own_home(client, world):
    client.force_login(world.officer_a)
    assert "Tìm tổ của thôn, xã bạn" not in client.get("/").content.decode()
    client.logout()
    assert "Tìm tổ của thôn, xã bạn" in client.get("/").content.decode()


def test_the_visitor_home_names_the_site_once_describes_itself_and_the_brand_leads_home(client, world):
    page = client.get("/").content.decode()
    title = page.split("<title>")[1].split("</title>")[0]
    assert title.count("Tổ công nghệ số cộng đồng") == 1
    description = page.split('<meta name="description" content="')[1].split('"')[0]
    assert "Tìm tổ gần bạn" in description
    assert '<a class="brand" href="/">' in page and '<a class="brand" href="/dang-ky/">' not in page
    # Another page keeps its own title with the site's name, and the site's description.
    other = client.get("/dang-ky/").content.decode()
    assert "· Tổ công nghệ số cộng đồng</title>" in other
    assert '<meta name="description" content="Tổ công nghệ số cộng đồng ở mỗi xã' in other
