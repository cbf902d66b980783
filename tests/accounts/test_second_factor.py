import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..factories import TEST_PASSWORD, sign_in_verified, totp_code, totp_device_for

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:second_factor")
SETUP = reverse("accounts:second_factor_setup")
UNITS = reverse("dashboard:units")
HOME = reverse("dashboard:home")


@pytest.fixture(autouse=True)
def _office_roles_need_it(settings):
    settings.SECOND_FACTOR_REQUIRED_ROLES = ["province_admin", "commune_chairman", "commune_officer"]
    settings.SECOND_FACTOR_DEMO_EXEMPT = False


def _sign_in(client, phone, next_url=""):
    data = {"username": phone, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(LOGIN, data)
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("persona", ["province_admin", "chairman_a", "officer_a"])
def test_an_office_role_must_set_up_the_second_factor_before_any_page(client, world, persona):
    _sign_in(client, getattr(world, persona).phone)
    response = client.get(UNITS)
    assert response.status_code == 302 and response.url == f"{SETUP}?next=/units/"
    page = client.get(response.url).content.decode()
    assert "Vai trò của bạn quản lý dữ liệu của nhiều người" in page
    # The secret as text and as an inline SVG QR code: nothing loaded from another host.
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=getattr(world, persona), confirmed=False)
    import base64
    assert base64.b32decode(secret) == device.bin_key
    assert "<svg" in page and "<img" not in page and "Để sau" not in page
    assert not re.search(r'(src|href)="https?://', page)


def test_setting_up_with_a_right_code_shows_ten_recovery_codes_once_and_opens_the_pages(client, world):
    _sign_in(client, world.officer_a.phone)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.officer_a)
    wrong = client.post(SETUP, {"token": "000000" if totp_code(device) != "000000" else "111111"})
    assert "Mã chưa đúng. Hãy nhập 6 số đang hiện trong ứng dụng." in wrong.content.decode()
    response = client.post(SETUP, {"token": totp_code(device), "next": "/units/"})
    page = response.content.decode()
    codes = re.findall(r'<strong class="secret">([a-z0-9]+)</strong>', page)
    assert len(codes) == 10 and "chỉ hiện một lần" in page
    assert set(codes) == set(StaticToken.objects.filter(device__user=world.officer_a).values_list("token", flat=True))
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(UNITS).status_code == 200
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Còn 10 mã dự phòng." in profile and not any(code in profile for code in codes)


def test_after_the_password_the_app_code_is_asked_and_a_wrong_one_refused(client, world, monkeypatch):
    device = totp_device_for(world.chairman_a)
    _sign_in(client, world.chairman_a.phone, next_url="/units/")
    response = client.get(UNITS)
    assert response.status_code == 302 and response.url == f"{VERIFY}?next=/units/"
    assert client.get(HOME).status_code == 302
    wrong = client.post(VERIFY, {"token": "12345", "next": "/units/"})
    assert "Mã không đúng hoặc đã hết hạn" in wrong.content.decode()
    assert client.get(UNITS).status_code == 302
    # django-otp makes the device wait after a failure (1 s, doubling): a person takes longer.
    throttled = client.post(VERIFY, {"token": totp_code(device), "next": "/units/"})
    assert throttled.status_code == 200
    later = timezone.now() + datetime.timedelta(seconds=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    right = client.post(VERIFY, {"token": totp_code(device), "next": "/units/"})
    assert right.status_code == 302 and right.url == "/units/"
    assert client.get(UNITS).status_code == 200


def test_a_recovery_code_works_once(client, world):
    from tocns.accounts.services import recovery_codes_new

    totp_device_for(world.province_admin)
    code = recovery_codes_new(user=world.province_admin)[0]
    _sign_in(client, world.province_admin.phone)
    response = client.post(VERIFY, {"token": code.upper()})
    assert response.status_code == 302 and client.get(UNITS).status_code == 200
    client.post(reverse("accounts:logout"))
    _sign_in(client, world.province_admin.phone)
    again = client.post(VERIFY, {"token": code})
    assert again.status_code == 200 and "Mã không đúng" in again.content.decode()
    assert client.get(UNITS).status_code == 302


def test_other_roles_are_offered_the_second_factor_not_made_to(client, world):
    _sign_in(client, world.leader_a1.phone)
    assert client.get(HOME).status_code == 200
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Bật xác thực hai bước" in profile
    page = client.get(SETUP).content.decode()
    assert "Để sau" in page and "Vai trò của bạn quản lý" not in page
    device = TOTPDevice.objects.get(user=world.leader_a1)
    client.post(SETUP, {"token": totp_code(device)})
    # Once he has it, it is asked at each sign-in.
    client.post(reverse("accounts:logout"))
    _sign_in(client, world.leader_a1.phone)
    assert client.get(HOME).url.startswith(VERIFY)


def test_demo_accounts_are_let_off_only_when_the_server_says_so(client, world, settings):
    world.chairman_a.is_demo = True
    world.chairman_a.save()
    settings.SECOND_FACTOR_DEMO_EXEMPT = True
    _sign_in(client, world.chairman_a.phone)
    assert client.get(UNITS).status_code == 200
    client.post(reverse("accounts:logout"))
    settings.SECOND_FACTOR_DEMO_EXEMPT = False
    _sign_in(client, world.chairman_a.phone)
    assert client.get(UNITS).url.startswith(SETUP)


def test_the_api_answers_401_to_a_session_without_the_second_factor(client, world):
    _sign_in(client, world.officer_a.phone)
    response = client.get("/api/v1/units")
    assert response.status_code == 401


def test_the_verified_test_helper_opens_the_office_pages(client, world):
    sign_in_verified(client, world.officer_a)
    assert client.get(UNITS).status_code == 200


def test_a_temporary_password_is_replaced_after_the_second_factor(client, world):
    world.officer_a.must_change_password = True
    world.officer_a.save()
    _sign_in(client, world.officer_a.phone)
    assert client.get(HOME).url.startswith(SETUP)
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=world.officer_a)
    client.post(SETUP, {"token": totp_code(device)})
    assert client.get(HOME).url == reverse("accounts:password_change")
