import pytest
from django.urls import reverse

from tocns.accounts.models import Assignment, Role, User

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_province_admin_creates_a_commune_officer_who_must_choose_a_password(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("accounts:user_create"), {
        "full_name": "Vàng Mí Dính", "phone": "+84 987 654 321", "role": Role.COMMUNE_OFFICER,
        "commune": world.commune_b.pk,
    })
    assert response.status_code == 200
    created = User.objects.get(phone="0987654321")
    assert created.username == "0987654321" and created.must_change_password
    assert created.assignments.get().unit == world.commune_b
    temporary = response.context["password"]
    assert temporary in response.content.decode()  # shown once to the admin, never stored in clear
    assert temporary not in created.password

    client.logout()
    client.post(reverse("accounts:login"), {"username": "0987 654 321", "password": temporary})
    assert client.get(reverse("dashboard:home")).url == reverse("accounts:password_change")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": temporary, "new_password": "nui-cao-suoi-sau-2026",
        "new_password_again": "nui-cao-suoi-sau-2026"})
    assert response.status_code == 302
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_a_duplicate_phone_is_refused_next_to_the_field_and_nothing_is_created(client, world):
    client.force_login(world.province_admin)
    count = User.objects.count()
    response = client.post(reverse("accounts:user_create"), {
        "full_name": "Người Trùng", "phone": "0912 345 678", "role": Role.COMMUNE_OFFICER,
        "commune": world.commune_a.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == ["Số điện thoại này đã có tài khoản."]
    assert User.objects.count() == count


def test_a_malformed_phone_gets_a_clear_message(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("accounts:user_create"), {
        "full_name": "Lò Văn Pó", "phone": "12345", "role": Role.COMMUNE_CHAIRMAN, "commune": world.commune_a.pk})
    assert "Số điện thoại không đúng" in response.context["form"].errors["phone"][0]


def test_a_commune_role_cannot_be_given_without_a_commune(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("accounts:user_create"), {
        "full_name": "Lò Văn Pó", "phone": "0988000111", "role": Role.COMMUNE_CHAIRMAN})
    assert response.context["form"].errors["commune"] == ["Chọn xã/phường cho vai trò này."]
    assert not User.objects.filter(phone="0988000111").exists()


def test_village_options_follow_the_chosen_commune(client, world):
    client.force_login(world.province_admin)
    body = client.get(reverse("accounts:village_options"), {"commune": world.commune_a.pk}).content.decode()
    assert "Thôn Nà Khà" in body and "Tổ dân phố số 1" not in body


def test_ending_an_assignment_keeps_its_history(client, world):
    client.force_login(world.province_admin)
    assignment = world.officer_b.assignments.get()
    client.post(reverse("accounts:assignment_end", args=[world.officer_b.pk, assignment.pk]))
    client.post(reverse("accounts:assignment_end", args=[world.officer_b.pk, assignment.pk]))  # retried
    assignment.refresh_from_db()
    assert assignment.ended_at is not None and assignment.ended_by == world.province_admin
    assert Assignment.objects.filter(user=world.officer_b).count() == 1


def test_adding_a_second_role_to_a_user(client, world):
    client.force_login(world.province_admin)
    client.post(reverse("accounts:user_detail", args=[world.officer_a.pk]), {
        "action": "assign", "a-role": Role.TEAM_LEADER, "a-commune": world.commune_a.pk,
        "a-village": world.village_a2.pk})
    assert world.officer_a.assignments.active().filter(role=Role.TEAM_LEADER, unit=world.village_a2).exists()


def test_password_reset_gives_a_new_temporary_password_and_old_one_stops_working(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("accounts:password_reset", args=[world.officer_a.pk]))
    world.officer_a.refresh_from_db()
    assert not world.officer_a.check_password(TEST_PASSWORD)
    assert world.officer_a.check_password(response.context["password"])
    assert world.officer_a.must_change_password


def test_user_search_works_without_diacritics(client, world):
    client.force_login(world.province_admin)
    body = client.get(reverse("accounts:users"), {"q": "ly thi mai"}).content.decode()
    assert "Lý Thị Mai" in body and "Trần Văn Nam" not in body


def test_admin_pages_never_show_a_password_hash(client, world):
    client.force_login(world.province_admin)
    body = client.get(reverse("accounts:user_detail", args=[world.officer_a.pk])).content.decode()
    assert world.officer_a.password not in body and "md5$" not in body


def test_create_province_admin_command_makes_the_first_admin(world, capsys):
    from django.core.management import call_command

    call_command("create_province_admin", "--phone", "0977 111 222", "--name", "Bàn Văn Quẩy")
    out = capsys.readouterr().out
    admin = User.objects.get(phone="0977111222")
    assert admin.assignments.get().role == Role.PROVINCE_ADMIN and admin.must_change_password
    assert admin.check_password(out.split("Mật khẩu tạm: ")[1].strip())


def test_messages_are_vietnamese_even_when_the_phone_asks_for_english(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("accounts:user_create"), {"role": Role.COMMUNE_OFFICER},
                           HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.context["form"].errors["full_name"] == ["Trường này là bắt buộc."]
