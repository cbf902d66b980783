import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tocns.accounts.models import Role, User
from tocns.geo.models import AdminUnit

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"


def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken)
    assert client.get("/healthz").status_code == 503


def test_home_shows_the_officer_her_commune_and_village_count(client, world):
    client.force_login(world.officer_a)
    body = client.get(reverse("dashboard:home")).content.decode()
    assert "Cán bộ phòng Văn hóa - Xã hội" in body and "Xã Thượng Lâm" in body
    assert "<b>2</b> thôn, tổ dân phố" in body


def test_navigation_shows_admin_links_only_to_the_province_admin(client, world):
    client.force_login(world.officer_a)
    assert "Người dùng" not in client.get(reverse("dashboard:home")).content.decode()
    client.force_login(world.province_admin)
    assert "Người dùng" in client.get(reverse("dashboard:home")).content.decode()


def test_unit_search_matches_with_or_without_diacritics(client, world):
    client.force_login(world.officer_a)
    for typed in ["khuổi đăm", "khuoi dam", "KHUOI"]:
        body = client.get(reverse("dashboard:units"), {"q": typed}).content.decode()
        assert "Thôn Khuổi Đăm" in body and "Thôn Nà Khà" not in body


def test_htmx_search_returns_only_the_results_fragment(client, world):
    client.force_login(world.officer_a)
    body = client.get(reverse("dashboard:units"), {"q": "na kha"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Thôn Nà Khà" in body and "<html" not in body


def test_unit_list_query_count_does_not_grow_with_rows(client, world):
    from ..factories import make_unit

    client.force_login(world.province_admin)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard:units"))
    for n in range(20):
        make_unit(name=f"Xã Thử {n}", kind="xa", parent=world.province)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dashboard:units"))
    assert len(many) == len(few)


def test_pages_carry_security_headers(client, world):
    client.force_login(world.officer_a)
    response = client.get(reverse("dashboard:home"))
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_dates_show_as_dd_mm_yyyy_in_vietnam_time(client, world):
    import datetime

    from django.utils import timezone

    # 20:30 UTC on 31/12 is already 01/01 in Vietnam (UTC+7).
    moment = datetime.datetime(2025, 12, 31, 20, 30, tzinfo=datetime.UTC)
    world.officer_b.assignments.update(started_at=moment)
    client.force_login(world.province_admin)
    body = client.get(reverse("accounts:user_detail", args=[world.officer_b.pk])).content.decode()
    assert "từ 01/01/2026" in body
    assert timezone.get_current_timezone_name() == "Asia/Ho_Chi_Minh"


def test_seed_demo_builds_villages_and_a_login_for_each_role_and_is_idempotent(capsys):
    call_command("seed_demo", "--size", "small")
    out = capsys.readouterr().out
    villages = AdminUnit.objects.villages()
    assert villages.count() == 124 * 4 and not villages.filter(is_demo=False).exists()
    roles = set(User.objects.filter(is_demo=True).values_list("assignments__role", flat=True))
    assert roles == set(Role.values)
    assert "sokhcn" in out and "0901 000 001" in out
    users = User.objects.count()
    call_command("seed_demo", "--size", "small")
    assert AdminUnit.objects.villages().count() == 124 * 4 and User.objects.count() == users
    assert "thêm 0 thôn" in capsys.readouterr().out


def test_demo_units_are_marked_as_demo_on_pages(client):
    call_command("seed_demo", "--size", "small")
    user = User.objects.get(username="sokhcn")
    client.force_login(user)
    commune = AdminUnit.objects.communes().order_by("code").first()
    body = client.get(reverse("dashboard:unit_detail", args=[commune.code])).content.decode()
    assert 'class="badge demo"' in body
