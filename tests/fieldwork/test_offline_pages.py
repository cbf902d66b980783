"""What the phone needs from the server to keep working offline: the service worker may serve the
whole site, pages name the member signed in, and a queue is accepted only from its owner."""

import json
import uuid

import pytest

from tocns.fieldwork.models import Activity

pytestmark = pytest.mark.django_db


def entry(world):
    return {"client_id": str(uuid.uuid4()), "date": "2026-11-20", "unit": world.village_a1.code, "kind": "guidance",
            "services": ["vneid"], "people_count": 2, "made_at": "2026-11-20T09:00:00+07:00"}


def send(client, entries, owner):
    return client.post("/api/v1/activities/batch", json.dumps(entries), content_type="application/json",
                       headers={"X-Tocns-Owner": str(owner)})


def test_a_queue_made_by_another_member_is_refused_whole_and_nothing_is_stored(client, world, team):
    client.force_login(world.member_a1)
    response = send(client, [entry(world), entry(world)], owner=world.leader_a1.pk)
    assert response.status_code == 409 and "tài khoản khác" in response.json()["detail"]["owner"][0]
    assert not Activity.objects.exists()
    client.force_login(world.leader_a1)
    assert [r["status"] for r in send(client, [entry(world)], owner=world.leader_a1.pk).json()] == ["stored"]


def test_the_service_worker_may_serve_the_whole_site_and_is_never_kept_stale(client):
    response = client.get("/nhat-ky/sw.js")
    assert response["Service-Worker-Allowed"] == "/" and "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert 'LOGIN = "/accounts/login/"' in body and 'LOGOUT = "/accounts/logout/"' in body
    assert "\\u0022Đã đăng xuất trên máy này\\u0022" in body  # Vietnamese, inside a JavaScript string


def test_the_log_page_names_its_member_asks_to_be_kept_and_leads_back_after_signing_in(client, world, team):
    client.force_login(world.leader_a1)
    page = client.get("/nhat-ky/").content.decode()
    assert f'data-user="{world.leader_a1.pk}"' in page and '<meta name="tocns-offline"' in page
    assert 'href="/accounts/login/?next=/nhat-ky/"' in page
