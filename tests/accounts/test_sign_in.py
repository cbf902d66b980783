import pytest
from django.urls import reverse

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


@pytest.mark.parametrize("typed", ["0912 345 678", "+84912345678", "0912.345.678", "84 912 345 678"])
def test_officer_signs_in_with_her_phone_written_any_common_way(client, world, typed):
    response = client.post(LOGIN, {"username": typed, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).context["user"] == world.officer_a


def test_sign_in_with_username_ignores_case(client, world):
    world.officer_a.username = "lythimai"
    world.officer_a.save()
    response = client.post(LOGIN, {"username": "LyThiMai", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_wrong_password_shows_a_vietnamese_message_and_does_not_sign_in(client, world):
    response = client.post(LOGIN, {"username": "0912345678", "password": "sai"})
    assert response.status_code == 200
    assert "Số điện thoại/tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_sign_in_even_with_the_right_password(client, world):
    for typed in ["0912345678", "0912 345 678", "+84912345678", "0912.345.678", "84912345678"]:
        client.post(LOGIN, {"username": typed, "password": "sai"})
    response = client.post(LOGIN, {"username": "0912345678", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "tạm khóa đăng nhập trong 15 phút" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_locked_account_does_not_lock_another(client, world):
    for _ in range(5):
        client.post(LOGIN, {"username": "0912345678", "password": "sai"})
    response = client.post(LOGIN, {"username": "0903000002", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_deactivated_user_cannot_sign_in(client, world):
    world.officer_a.is_active = False
    world.officer_a.save()
    response = client.post(LOGIN, {"username": "0912345678", "password": TEST_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_sign_out_needs_post_and_ends_the_session(client, world):
    client.force_login(world.officer_a)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard:units")).status_code == 302
    assert "Tìm tổ của thôn, xã bạn" in client.get(reverse("dashboard:home")).content.decode()  # the visitor's home


def test_pages_require_sign_in(client, world):
    response = client.get(reverse("dashboard:units"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from django.conf import settings as django_settings

    from tocns import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert django_settings.AUTH_USER_MODEL == "accounts.User"
