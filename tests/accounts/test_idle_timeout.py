import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
UNITS = reverse("dashboard:units")


def _sign_in(client, phone):
    assert client.post(LOGIN, {"username": phone, "password": TEST_PASSWORD}).status_code == 302


START = timezone.now


def _later(monkeypatch, minutes):
    """Move the clock to `minutes` after the real now (each call from the same start)."""
    when = START() + datetime.timedelta(minutes=minutes)
    monkeypatch.setattr(timezone, "now", lambda: when)
    monkeypatch.setattr("tocns.accounts.middleware.time.time", lambda: when.timestamp())


@pytest.mark.parametrize("persona", ["province_admin", "chairman_a", "officer_a"])
def test_an_office_session_ends_after_fifteen_idle_minutes(client, world, monkeypatch, persona):
    _sign_in(client, getattr(world, persona).phone)
    assert client.get(UNITS).status_code == 200
    assert client.session.get_expiry_age() == 15 * 60
    _later(monkeypatch, 16)
    response = client.get(UNITS)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_an_office_session_in_use_goes_on(client, world, monkeypatch):
    _sign_in(client, world.officer_a.phone)
    client.get(UNITS)
    _later(monkeypatch, 14)
    assert client.get(UNITS).status_code == 200  # renews the fifteen minutes
    _later(monkeypatch, 28)
    assert client.get(UNITS).status_code == 200
    _later(monkeypatch, 44)
    assert client.get(UNITS).status_code == 302


@pytest.mark.parametrize("persona", ["leader_a1", "member_a1", "partner"])
def test_other_roles_keep_the_long_session(client, world, monkeypatch, persona):
    _sign_in(client, getattr(world, persona).phone)
    home = reverse("dashboard:home")
    client.get(home)
    assert client.session.get_expiry_age() == 72 * 3600
    _later(monkeypatch, 60 * 24)
    response = client.get(home)
    assert response.status_code == 200 and response.context["user"] == getattr(world, persona)


def test_a_form_posted_after_the_session_ended_goes_to_sign_in_and_back_to_the_form(client, world, monkeypatch):
    _sign_in(client, world.officer_a.phone)
    page = reverse("accounts:password_change")
    client.get(page)
    _later(monkeypatch, 16)
    response = client.post(page, {"old_password": "x"})
    assert response.status_code == 302 and response.url == f"{LOGIN}?next={page}"
    # The sign-in page carries the script that keeps the typed draft for after (test in the browser).
    assert "js/draft.js" in client.get(response.url).content.decode()
