"""Every link a user is shown works for that user: for each demo persona (the visitor too), walk
every link reachable from the home page and the menu, to depth 3, and fail on any 403, 404, 5xx,
or a sign-in page shown to someone already signed in. Menus, buttons, breadcrumbs and cross-links
are drawn from the same rules that guard the views (tocns/accounts/access.py)."""

import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from tocns.accounts.models import Assignment, Role

pytestmark = pytest.mark.django_db

MAX_DEPTH = 3
# Links that differ only in an id or a code (124 communes' overviews) are the same page drawn by the
# same template: the first 8 of each shape are followed. A commune officer's or a leader's walk stays
# whole (their pages have fewer); the province admin's goes from about 4,800 pages to a few hundred.
PER_SHAPE = 8
DIGITS = re.compile(r"\d+")
# Leaving the app, signing out, and the API (walked by its own tests) are not followed.
SKIP = re.compile(r"^/(accounts/logout|django-admin|api/|static/|media/)")
HREF = re.compile(r'href="([^"#]*)"')
ROLES = [Role.PROVINCE_ADMIN, Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER, Role.TEAM_LEADER, Role.TEAM_MEMBER,
         Role.PARTNER, Role.DEPARTMENT, Role.VILLAGE_HEAD, Role.NATIONAL]


def walk(client: Client, *, signed_in: bool) -> tuple[int, list[str]]:
    """Breadth first from "/", every distinct link once; the pages' own links are read from HTML only."""
    seen, queue, bad, pages, shapes = {"/"}, deque([("/", 0)]), [], 0, Counter()
    while queue:
        url, depth = queue.popleft()
        response = client.get(url)
        pages += 1
        location = response.get("Location", "")
        if response.status_code in (403, 404) or response.status_code >= 500 or (
                signed_in and response.status_code == 302 and location.startswith("/accounts/login")):
            bad.append(f"{url} -> {response.status_code} {location}".strip())
            continue
        if response.status_code == 302 and location.startswith("/") and location not in seen:
            seen.add(location)  # a home that sends the user on (the ministry's) is followed, as a browser does
            queue.append((location, depth))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", "") or depth >= MAX_DEPTH:
            continue
        for href in HREF.findall(response.content.decode()):
            href = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(href)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue  # tel:, Zalo, the official portals
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if SKIP.match(parts.path) or local in seen:
                continue
            seen.add(local)
            shape = DIGITS.sub("#", local)
            shapes[shape] += 1
            if shapes[shape] > PER_SHAPE:
                continue
            queue.append((local, depth + 1))
    return pages, bad


def test_every_link_shown_to_each_persona_answers(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--size", "small", stdout=open("/dev/null", "w"))  # noqa: SIM115
    results = {"visitor": walk(Client(), signed_in=False)}
    for role in ROLES:
        assignment = Assignment.objects.active().filter(role=role, user__is_active=True).order_by(
            "unit__code", "id").select_related("user").first()
        assert assignment is not None, f"the demo has no {role}"
        client = Client()
        client.force_login(assignment.user)
        results[role] = walk(client, signed_in=True)
    bad = [f"{who}: {line}" for who, (_pages, lines) in results.items() for line in lines]
    assert not bad, "\n".join(bad)
    # The walk reached each persona's pages, not just a home page.
    assert all(pages >= 8 for pages, _bad in results.values()), {who: pages for who, (pages, _b) in results.items()}
