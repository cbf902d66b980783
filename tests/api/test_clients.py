"""Machine clients of the provincial data-sharing gateway: registered by the province admin, a secret
shown once and stored hashed, rotated or revoked, read-only over their province or communes, only
their endpoint groups, rate-limited per client and audited; personal tokens expire."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tocns.accounts.selectors import users_for_admin
from tocns.api.models import ApiClient, ApiClientHit, ApiToken
from tocns.api.services import api_client_create, api_client_revoke, api_client_rotate, token_create
from tocns.audit.models import AuditEntry

from ..factories import make_team

pytestmark = pytest.mark.django_db


def get(secret, path):
    return Client().get(path, headers={"authorization": f"Bearer {secret}"})


def test_the_secret_is_given_once_and_only_its_hash_is_stored(world):
    client, secret = api_client_create(province=world.province, name="LGSP tỉnh", by=world.province_admin)
    stored = ApiClient.objects.get(pk=client.pk)
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps([str(v) for v in ApiClient.objects.values().get(pk=client.pk).values()])
    assert not stored.user.has_usable_password()
    assert stored.user not in users_for_admin(world.province_admin)
    assert get(secret, "/api/v1/units").status_code == 200


def test_rotating_stops_the_old_secret_at_once(world):
    client, old = api_client_create(province=world.province, name="LGSP")
    _, new = api_client_rotate(client=client, by=world.province_admin)
    assert get(old, "/api/v1/units").status_code == 401
    assert get(new, "/api/v1/units").status_code == 200
    assert ApiClient.objects.get(pk=client.pk).rotated_at is not None


def test_a_revoked_client_answers_401_and_stays_in_the_list(world):
    client, secret = api_client_create(province=world.province, name="LGSP")
    api_client_revoke(client=client, by=world.province_admin)
    assert get(secret, "/api/v1/units").status_code == 401
    assert ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=False).exists()


def test_a_client_only_reads(world):
    make_team(world, world.village_a1)
    _, secret = api_client_create(province=world.province, name="LGSP")
    response = Client().post("/api/v1/activities/batch", "[]", content_type="application/json",
                             headers={"authorization": f"Bearer {secret}"})
    assert response.status_code == 403 and response.json()["detail"]


def test_a_client_only_calls_its_groups(world):
    _, secret = api_client_create(province=world.province, name="LGSP", groups=["units"])
    assert get(secret, "/api/v1/units").status_code == 200
    refused = get(secret, "/api/v1/teams")
    assert refused.status_code == 403 and refused.json()["detail"]
    assert get(secret, "/api/v1/me").status_code == 403


def test_a_commune_client_sees_only_its_commune(world):
    team_a = make_team(world, world.village_a1, members=1)
    team_b = make_team(world, world.village_b1, members=1)
    _, secret = api_client_create(province=world.province, name="Xã Thượng Lâm", communes=[world.commune_a])
    assert [t["id"] for t in get(secret, "/api/v1/teams").json()["items"]] == [team_a.pk]
    assert get(secret, f"/api/v1/teams/{team_a.pk}").status_code == 200
    assert get(secret, f"/api/v1/teams/{team_b.pk}").status_code == 404
    assert get(secret, f"/api/v1/units/{world.village_b1.code}").status_code == 404
    codes = {u["code"] for u in get(secret, "/api/v1/units?limit=500").json()["items"]}
    assert world.village_a1.code in codes and world.village_b1.code not in codes


def test_a_province_client_does_not_see_another_province(world):
    _, secret = api_client_create(province=world.province, name="LGSP")
    codes = {u["code"] for u in get(secret, "/api/v1/units?limit=500").json()["items"]}
    assert world.commune_b.code in codes and world.other_province.code not in codes


def test_past_the_limit_a_client_gets_429_with_retry_after(world):
    client, secret = api_client_create(province=world.province, name="LGSP", per_minute=3)
    assert [get(secret, "/api/v1/units").status_code for _ in range(3)] == [200, 200, 200]
    refused = get(secret, "/api/v1/units")
    assert refused.status_code == 429 and refused.json()["detail"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    ApiClientHit.objects.update(at=timezone.now() - timedelta(minutes=2))
    assert get(secret, "/api/v1/units").status_code == 200


def test_every_request_of_a_client_is_audited_with_its_path(world):
    client, secret = api_client_create(province=world.province, name="LGSP")
    get(secret, "/api/v1/units?level=commune")
    entry = AuditEntry.objects.get(action="api_client.request")
    assert entry.data["path"] == "/api/v1/units?level=commune" and entry.is_read
    assert ApiClient.objects.get(pk=client.pk).last_used_at is not None


def test_the_command_prints_the_secret(world, capsys):
    call_command("api_client_create", "--province", "08", "--name", "Fuzzer", "--per-minute", "6000")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("lgsp_")
    assert get(secret, "/api/v1/units").status_code == 200


def test_a_personal_token_expires(world):
    world.leader_a1.api_access = True
    world.leader_a1.save(update_fields=["api_access"])
    token, secret = token_create(user=world.leader_a1, name="Điện thoại", days=30)
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert get(secret, "/api/v1/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert get(secret, "/api/v1/me").status_code == 401


PAGE = "/accounts/ma-truy-cap/may/"


def test_the_province_admin_registers_a_client_and_sees_the_secret_once(client, world):
    import uuid

    client.force_login(world.province_admin)
    form = {"name": "Nền tảng LGSP", "communes": [world.commune_a.pk], "groups": ["units", "reports"],
            "per_minute": 60, "submission_key": str(uuid.uuid4())}
    first = client.post(PAGE, form)
    secret = first.context["secret"]
    assert secret in first.content.decode().replace("<wbr>", "")
    again = client.post(PAGE, form)  # a retried form: the same client, no secret again
    assert ApiClient.objects.count() == 1 and again.context["secret"] is None
    made = ApiClient.objects.get()
    assert list(made.communes.all()) == [world.commune_a] and made.groups == ["units", "reports"]
    assert made.created_by == world.province_admin
    assert get(secret, "/api/v1/units").status_code == 200
    listing = client.get(PAGE).content.decode()
    assert "Nền tảng LGSP" in listing and secret not in listing and "Thượng Lâm" in listing


def test_the_admin_rotates_then_revokes_from_the_pages(client, world):
    made, old = api_client_create(province=world.province, name="LGSP")
    client.force_login(world.province_admin)
    assert client.get(f"{PAGE}{made.pk}/doi-ma/").status_code == 200
    new = client.post(f"{PAGE}{made.pk}/doi-ma/").context["secret"]
    assert get(old, "/api/v1/units").status_code == 401 and get(new, "/api/v1/units").status_code == 200
    response = client.post(f"{PAGE}{made.pk}/thu-hoi/", follow=True)
    assert "Đã thu hồi" in response.content.decode() and "LGSP" in response.content.decode()
    assert get(new, "/api/v1/units").status_code == 401


def test_a_name_is_needed_and_the_error_is_next_to_the_field(client, world):
    import uuid

    client.force_login(world.province_admin)
    response = client.post(PAGE, {"name": "", "groups": ["units"], "per_minute": 60,
                                  "submission_key": str(uuid.uuid4())})
    assert response.status_code == 200 and "Hãy đặt tên cho hệ thống." in response.content.decode()
    assert not ApiClient.objects.exists()


def test_only_the_province_admin_reaches_the_pages(client, world):
    made, _ = api_client_create(province=world.province, name="LGSP")
    client.force_login(world.officer_a)
    assert client.get(PAGE).status_code == 404
    assert client.post(f"{PAGE}{made.pk}/thu-hoi/").status_code == 404
    assert ApiClient.objects.get().is_active


def test_the_service_user_cannot_sign_in_to_the_pages(client, world):
    made, _ = api_client_create(province=world.province, name="LGSP")
    assert not made.user.has_usable_password() and not made.user.check_password("")
    response = client.post("/accounts/login/", {"username": made.user.username, "password": ""})
    assert "_auth_user_id" not in client.session and response.status_code in (200, 403)
