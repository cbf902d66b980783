"""Per-address limits on public reads (issue 12, item 5): tracking-code lookups, teams' public pages
and the visitor's search answer 429 with a Vietnamese page that says when to try again, once one
address has made its hour's share; another address still gets through. The clock stands at 10:00
on 20/11/2026."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tocns.fieldwork import feedback as feedback_rules
from tocns.portal.models import PublicRead
from tocns.teams.models import Person

from ..factories import make_team
from ..reports.factories import freeze

pytestmark = pytest.mark.django_db
HOME, OTHER = "203.0.113.7", "198.51.100.23"


@pytest.fixture(autouse=True)
def _ten_oclock(monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))


def feedback_code(world, key="k1") -> str:
    return feedback_rules.feedback_submit(
        unit=world.village_a1, content="Không đăng nhập được VNeID mức 2.", channel="team",
        submission_key=key, by=world.leader_a1).code


def get(client, url, address=HOME, **extra):
    return client.get(url, REMOTE_ADDR=address, **extra)


def test_the_lookup_after_the_limit_answers_429_and_another_address_still_gets_through(client, world, settings):
    settings.PUBLIC_LOOKUPS_PER_HOUR = 5
    url = reverse("portal:feedback_tracking", args=[feedback_code(world)])
    assert [get(client, url).status_code for _ in range(5)] == [200] * 5
    refused = get(client, url)
    page = refused.content.decode()
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "Bạn đã xem quá nhiều lần" in page and "Hãy thử lại sau 11:00 (khoảng 60 phút nữa)" in page
    assert "VNeID" not in page
    assert get(client, url, OTHER).status_code == 200


def test_application_and_feedback_lookups_share_one_budget_and_wrong_codes_count(client, world, settings):
    settings.PUBLIC_LOOKUPS_PER_HOUR = 4
    code = feedback_code(world)
    guesses = [reverse("portal:tracking", args=[f"DOAN{n:012d}"]) for n in range(2)]
    assert [get(client, url).status_code for url in guesses] == [404, 404]
    assert get(client, reverse("portal:feedback_lookup") + "?code=KHONGCO").status_code == 404
    assert get(client, reverse("portal:feedback_tracking", args=[code])).status_code == 200
    assert get(client, reverse("portal:feedback_tracking", args=[code])).status_code == 429
    assert get(client, reverse("portal:tracking", args=["DOAN000000000009"])).status_code == 429


def test_a_crawl_of_team_pages_is_stopped_after_the_limit(client, world, settings):
    settings.PUBLIC_TEAM_PAGES_PER_HOUR = 10
    teams = [make_team(world, unit, members=2) for unit in
             (world.village_a1, world.village_a2, world.village_b1, world.commune_a, world.commune_b)]
    Person.objects.update(phone_public=True)
    phones = set(Person.objects.values_list("phone", flat=True))
    answers = [get(client, f"/to/{team.public_slug}/") for _round in range(3) for team in teams]
    assert [a.status_code for a in answers] == [200] * 10 + [429] * 5
    seen = {phone for a in answers for phone in phones if phone[-6:] in a.content.decode().replace(" ", "")}
    assert len(seen) == len(phones)  # the first ten pages show them, as their members chose
    assert not any(phone[-6:] in a.content.decode().replace(" ", "") for a in answers[10:] for phone in phones)
    assert get(client, "/to/khongcoto99/").status_code == 429  # a guessed address counts too
    assert get(client, f"/to/{teams[0].public_slug}/", OTHER).status_code == 200


def test_the_visitors_search_is_limited_and_the_home_page_without_a_search_is_not(client, world, settings):
    settings.PUBLIC_SEARCHES_PER_HOUR = 3
    assert [get(client, "/?q=na kha").status_code for _ in range(3)] == [200] * 3
    assert get(client, "/?q=khuoi dam").status_code == 429
    assert get(client, "/").status_code == 200


def test_the_limit_lifts_as_the_hour_passes_and_old_reads_are_deleted(client, world, settings, monkeypatch):
    settings.PUBLIC_LOOKUPS_PER_HOUR = 2
    url = reverse("portal:feedback_tracking", args=[feedback_code(world)])
    get(client, url)
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 20))
    get(client, url)
    assert "thử lại sau 11:00 (khoảng 40 phút nữa)" in get(client, url).content.decode()
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 11, 0, 1))
    assert get(client, url).status_code == 200  # the 10:00 read has left the window
    assert get(client, url).status_code == 429  # the 10:20 one has not: back at 11:20
    kept = PublicRead.objects.values_list("read_at", flat=True)
    assert sorted(timezone.localtime(at).strftime("%H:%M") for at in kept) == ["10:20", "11:00"]  # 10:00 is gone


def test_behind_a_proxy_each_forwarded_address_has_its_own_budget(client, world, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.PUBLIC_LOOKUPS_PER_HOUR = 2
    url = reverse("portal:feedback_tracking", args=[feedback_code(world)])

    def via_proxy(forwarded):
        return get(client, url, "127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).status_code
    assert [via_proxy(HOME), via_proxy(HOME)] == [200, 200]
    assert via_proxy(f"10.9.9.9, {HOME}") == 429  # a made-up first entry does not buy a new budget
    assert via_proxy(OTHER) == 200


def test_only_a_salted_hash_of_the_address_is_kept(client, world):
    get(client, reverse("portal:feedback_tracking", args=[feedback_code(world)]))
    kept = PublicRead.objects.get()
    assert len(kept.sender_hash) == 64 and HOME not in kept.sender_hash and kept.kind == "lookup"
