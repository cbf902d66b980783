"""API tokens: made and revoked by their owner on /accounts/ma-truy-cap/, used as
`Authorization: Bearer <secret>` on /api/v1/. The field log's clock (20/11/2026) and team are reused."""

import datetime
import hashlib
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from tocns.api.models import ApiToken
from tocns.api.selectors import user_for_token
from tocns.api.services import token_create, token_revoke
from tocns.audit.models import AuditEntry
from tocns.fieldwork.models import Activity

from ..fieldwork.conftest import _fixed_clock, team  # noqa: F401  (fixtures: the clock and Nà Khà's team)
from ..fieldwork.test_sync import entry
from ..reports.factories import freeze

pytestmark = pytest.mark.django_db
PAGE = "/accounts/ma-truy-cap/"


@pytest.fixture(autouse=True)
def _leader_uses_the_api(world):
    """A village leader sees the token page once he turns it on in his profile (access.py)."""
    world.leader_a1.api_access = True
    world.leader_a1.save(update_fields=["api_access"])


def bearer(secret: str) -> dict:
    return {"authorization": f"Bearer {secret}"}


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(client, world):
    client.force_login(world.leader_a1)
    response = client.post(PAGE, {"submission_key": str(uuid.uuid4()), "name": "Điện thoại Samsung"})
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    page = response.content.decode().replace("<wbr>", "")  # the secret wraps on a phone
    assert secret in page and "sẽ không hiện lại" in page and "no-store" in response["Cache-Control"]
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest() and token.prefix == secret[:8]
    assert token.user == world.leader_a1 and token.name == "Điện thoại Samsung"
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert not any(secret in value for value in stored)
    assert secret not in client.get(PAGE).content.decode()
    audit = AuditEntry.objects.get(action="api_token.create")
    assert audit.actor == world.leader_a1 and secret not in audit.summary + json.dumps(audit.data)


def test_me_answers_the_user_of_the_bearer_token(world):
    _, secret = token_create(user=world.leader_a1, name="Điện thoại Samsung")
    response = Client().get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 200 and response.json()["username"] == world.leader_a1.username


@pytest.mark.usefixtures("team")
def test_a_token_posts_an_activity_without_csrf(world):
    _, secret = token_create(user=world.leader_a1, name="Ứng dụng nhật ký")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/api/v1/activities", json.dumps(entry(world)), content_type="application/json",
                           headers=bearer(secret))
    assert response.status_code == 201
    assert Activity.objects.get().recorded_by == world.leader_a1


@pytest.mark.usefixtures("team")
def test_a_session_still_needs_csrf_to_post(world):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.leader_a1)
    response = strict.post("/api/v1/activities", json.dumps(entry(world)), content_type="application/json")
    assert response.status_code == 403 and not Activity.objects.exists()


@pytest.mark.usefixtures("team")
def test_revoked_token_answers_401(world):
    token, secret = token_create(user=world.leader_a1, name="Điện thoại cũ")
    token_revoke(user=world.leader_a1, token_id=token.pk)
    strict = Client(enforce_csrf_checks=True)
    assert strict.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    posted = strict.post("/api/v1/activities", json.dumps(entry(world)), content_type="application/json",
                         headers=bearer(secret))
    assert posted.status_code == 401 and not Activity.objects.exists()


def test_unknown_token_answers_401_even_beside_a_session(client, world):
    client.force_login(world.leader_a1)
    assert client.get("/api/v1/me", headers=bearer("khong-phai-ma-that")).status_code == 401
    assert client.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("field, value", [("is_active", False), ("must_change_password", True)])
def test_a_locked_users_token_or_one_whose_password_was_reset_answers_401(world, field, value):
    _, secret = token_create(user=world.leader_a1, name="Điện thoại Samsung")
    setattr(world.leader_a1, field, value)
    world.leader_a1.save(update_fields=[field])
    assert Client().get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(world, monkeypatch):
    token, secret = token_create(user=world.leader_a1, name="Điện thoại Samsung")
    first = timezone.now()
    assert user_for_token(secret) == world.leader_a1
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0, 30))
    user_for_token(secret)
    token.refresh_from_db()
    assert token.last_used_at == first
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 1, 5))
    user_for_token(secret)
    token.refresh_from_db()
    assert token.last_used_at == timezone.now()


def test_revoking_asks_to_confirm_then_keeps_the_row(client, world):
    token, _ = token_create(user=world.leader_a1, name="Điện thoại Samsung")
    client.force_login(world.leader_a1)
    confirm = client.get(f"{PAGE}{token.pk}/thu-hoi/")
    assert "Thu hồi mã này" in confirm.content.decode()
    token.refresh_from_db()
    assert token.is_active
    response = client.post(f"{PAGE}{token.pk}/thu-hoi/", follow=True)
    token.refresh_from_db()
    assert token.revoked_at == timezone.now() and "Đã thu hồi mã «Điện thoại Samsung»" in response.content.decode()


def test_revoking_twice_changes_nothing_the_second_time(client, world, monkeypatch):
    token, _ = token_create(user=world.leader_a1, name="Điện thoại Samsung")
    client.force_login(world.leader_a1)
    client.post(f"{PAGE}{token.pk}/thu-hoi/")
    first = ApiToken.objects.get().revoked_at
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 11, 0))  # the retry comes an hour later
    again = client.post(f"{PAGE}{token.pk}/thu-hoi/")
    assert again.status_code == 302 and ApiToken.objects.get().revoked_at == first
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


def test_another_users_token_cannot_be_revoked(client, world):
    token, secret = token_create(user=world.leader_a1, name="Điện thoại Samsung")
    client.force_login(world.member_a1)
    assert client.get(f"{PAGE}{token.pk}/thu-hoi/").status_code == 404
    assert client.post(f"{PAGE}{token.pk}/thu-hoi/").status_code == 404
    with pytest.raises(Http404):
        token_revoke(user=world.member_a1, token_id=token.pk)
    token.refresh_from_db()
    assert token.is_active and user_for_token(secret) == world.leader_a1


def test_the_eleventh_active_token_is_refused(client, world):
    tokens = [token_create(user=world.leader_a1, name=f"Máy {n}")[0] for n in range(1, 11)]
    client.force_login(world.leader_a1)
    refused = client.post(PAGE, {"submission_key": str(uuid.uuid4()), "name": "Máy 11"})
    assert "tối đa" in refused.content.decode() and ApiToken.objects.count() == 10
    token_revoke(user=world.leader_a1, token_id=tokens[0].pk)
    assert client.post(PAGE, {"submission_key": str(uuid.uuid4()), "name": "Máy 11"}).context["secret"]
    assert ApiToken.objects.active().count() == 10


def test_a_token_needs_a_name_and_the_error_is_next_to_the_field(client, world):
    client.force_login(world.leader_a1)
    page = client.post(PAGE, {"submission_key": str(uuid.uuid4()), "name": "  "}).content.decode()
    field = page[page.index('id="field-name"'):]
    assert "Hãy đặt tên cho mã" in field[:field.index("</div>")] and not ApiToken.objects.exists()


def test_the_page_lists_the_users_tokens_in_vietnam_time(client, world, django_assert_max_num_queries):
    used, secret = token_create(user=world.leader_a1, name="Điện thoại Samsung")
    user_for_token(secret)
    revoked, _ = token_create(user=world.leader_a1, name="Máy tính cũ")
    token_revoke(user=world.leader_a1, token_id=revoked.pk)
    token_create(user=world.member_a1, name="Máy của người khác")
    client.force_login(world.leader_a1)
    with django_assert_max_num_queries(8):
        page = client.get(PAGE).content.decode()
    assert f"{used.prefix}…" in page and "Máy tính cũ" in page and "Máy của người khác" not in page
    assert "20/11/2026 10:00" in page and "Đã thu hồi" in page and "Đang dùng" in page
    assert secret not in page


def test_anonymous_is_sent_to_sign_in(client, world):
    token, _ = token_create(user=world.leader_a1, name="Điện thoại Samsung")
    for response in (client.get(PAGE), client.post(PAGE, {"name": "x"}), client.post(f"{PAGE}{token.pk}/thu-hoi/")):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().is_active


def test_a_retried_create_makes_one_token(client, world):
    client.force_login(world.leader_a1)
    form = {"submission_key": str(uuid.uuid4()), "name": "Điện thoại Samsung"}
    first = client.post(PAGE, form)
    again = client.post(PAGE, form)  # the answer was lost on a weak connection; the phone sent it again
    assert ApiToken.objects.count() == 1 and AuditEntry.objects.filter(action="api_token.create").count() == 1
    page = again.content.decode()
    assert first.context["secret"] not in page and again.context["secret"] is None
    assert "đã được tạo từ lần gửi trước" in page and ApiToken.objects.get().prefix in page
    assert 'href="/accounts/ma-truy-cap/">danh sách mã truy cập</a>' in page


def test_another_users_submission_key_is_refused(world):
    key = uuid.uuid4()
    token, _ = token_create(user=world.leader_a1, name="Điện thoại Samsung", submission_key=key)
    with pytest.raises(ValidationError):
        token_create(user=world.member_a1, name="Máy khác", submission_key=key)
    assert list(ApiToken.objects.all()) == [token]


def test_a_form_without_its_key_says_to_reload(client, world):
    client.force_login(world.leader_a1)
    page = client.post(PAGE, {"name": "Điện thoại Samsung"}).content.decode()
    assert "hãy tải lại trang" in page and not ApiToken.objects.exists()
