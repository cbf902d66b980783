"""Page rules (tocns/accounts/access.py): the views they guard answer 404 to whoever they do not
hold for, and the menu shows exactly the pages that answer."""

import pytest

from tocns.api.services import token_create

pytestmark = pytest.mark.django_db

TOKENS = "/accounts/ma-truy-cap/"


def menu(client, user) -> str:
    client.force_login(user)
    page = client.get("/").content.decode()
    return page.split('<nav>')[1].split("</nav>")[0]


@pytest.mark.parametrize("who", ["province_admin", "officer_a"])
def test_the_roles_that_use_the_api_see_the_token_page(client, world, who):
    assert f'href="{TOKENS}"' in menu(client, getattr(world, who))
    assert client.get(TOKENS).status_code == 200


@pytest.mark.parametrize("who", ["leader_a1", "member_a1", "chairman_a", "partner"])
def test_others_neither_see_the_token_page_nor_open_it(client, world, who):
    assert f'href="{TOKENS}"' not in menu(client, getattr(world, who))
    assert "Bearer" not in client.get("/").content.decode()
    assert client.get(TOKENS).status_code == 404


def test_a_member_turns_the_token_page_on_in_his_profile_and_off_again(client, world):
    client.force_login(world.member_a1)
    page = client.get("/accounts/ho-so/").content.decode()
    assert 'name="api_access"' in page and "Đổi mật khẩu" in page
    client.post("/accounts/ho-so/", {"api_access": "on"})
    assert f'href="{TOKENS}"' in menu(client, world.member_a1) and client.get(TOKENS).status_code == 200
    _token, secret = token_create(user=world.member_a1, name="Máy tính ở nhà")
    assert client.get("/api/v1/me", headers={"authorization": f"Bearer {secret}"}).status_code == 200
    client.post("/accounts/ho-so/", {})
    assert client.get(TOKENS).status_code == 404
    # His token stops working with the page: he chose not to use the API any more.
    assert client.get("/api/v1/me", headers={"authorization": f"Bearer {secret}"}).status_code == 401


@pytest.mark.parametrize("path", ["/reports/completeness/", "/reports/rollup/", "/teams/coverage/"])
def test_oversight_pages_answer_404_to_leaders_and_are_not_in_their_pages(client, world, path):
    for user in (world.leader_a1, world.member_a1):
        client.force_login(user)
        assert client.get(path).status_code == 404
        for page in ("/", "/reports/", "/teams/"):
            assert f'href="{path}"' not in client.get(page).content.decode()
    client.force_login(world.officer_a)
    assert client.get(path).status_code == 200
    assert f'href="{path}"' in client.get("/reports/").content.decode() + client.get("/teams/").content.decode()


def test_a_commune_overview_links_up_only_for_the_province(client, world):
    client.force_login(world.officer_a)
    page = client.get(f"/tong-quan/?unit={world.commune_a.code}").content.decode()
    assert f"?unit={world.province.code}" not in page
    client.force_login(world.province_admin)
    page = client.get(f"/tong-quan/?unit={world.commune_a.code}").content.decode()
    assert f'href="?unit={world.province.code}"' in page


def test_a_members_pages_are_not_kept_by_the_browser_but_public_pages_may_be(client, world):
    client.force_login(world.leader_a1)
    assert "no-store" in client.get("/").headers["Cache-Control"]
    client.logout()
    assert "no-store" not in client.get("/huong-dan/").headers.get("Cache-Control", "")
