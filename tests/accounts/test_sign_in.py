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


def test_five_failures_by_phone_lock_the_account_when_signing_in_by_username(client, world):
    world.officer_a.username = "lythimai"
    world.officer_a.save()
    for _ in range(5):
        client.post(LOGIN, {"username": "0912 345 678", "password": "sai"})
    response = client.post(LOGIN, {"username": "lythimai", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "tạm khóa đăng nhập trong 15 phút" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_by_username_lock_the_account_when_signing_in_by_phone(client, world):
    world.officer_a.username = "lythimai"
    world.officer_a.save()
    for _ in range(5):
        client.post(LOGIN, {"username": "LyThiMai", "password": "sai"})
    response = client.post(LOGIN, {"username": "+84912345678", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_account_lock_holds_from_another_address(client, world):
    for _ in range(5):
        client.post(LOGIN, {"username": "0912345678", "password": "sai"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(LOGIN, {"username": "0912345678", "password": TEST_PASSWORD},
                           REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429


def test_four_failures_then_the_right_password_signs_in_and_clears_the_count(client, world, settings):
    for _ in range(4):
        client.post(LOGIN, {"username": "0912345678", "password": "sai"})
    assert client.post(LOGIN, {"username": "0912345678", "password": TEST_PASSWORD}).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        client.post(LOGIN, {"username": "0912345678", "password": "sai"})
    assert client.post(LOGIN, {"username": "0912345678", "password": TEST_PASSWORD}).status_code == 302


def test_guesses_at_an_unknown_phone_count_whatever_its_format(client, world):
    for typed in ["0988 111 222", "+84988111222", "0988.111.222", "84988111222", "0988111222"]:
        client.post(LOGIN, {"username": typed, "password": "sai"})
    from axes.models import AccessAttempt

    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [("0988111222", 5)]


def test_failures_over_many_accounts_from_one_address_lock_that_address(client, world):
    # 20 failures in all, never more than 4 on one account: no account is locked, the address is.
    accounts = ["0912345678", "0903000002", "0904000001", "0905000001", "0906000001"]
    for typed in accounts * 4:
        response = client.post(LOGIN, {"username": typed, "password": "sai"}, REMOTE_ADDR="10.0.0.9")
        assert response.status_code == 200
    response = client.post(LOGIN, {"username": "0902000001", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert "quá nhiều lần đăng nhập sai từ mạng này" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The accounts themselves are not locked: from another address the right password works.
    response = client.post(LOGIN, {"username": "0912345678", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.10")
    assert response.status_code == 302
