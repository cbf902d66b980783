"""The two roles issue #15 adds: a provincial department (sở, ban, ngành) and a village head
(trưởng thôn), placed on the right level of unit and scoped like their peers."""

import pytest
from django.urls import reverse

from tocns.accounts.access import access_for
from tocns.accounts.models import Role, User
from tocns.accounts.selectors import scope_for

from ..factories import make_user

pytestmark = pytest.mark.django_db


def test_a_village_head_is_placed_on_his_village_and_sees_only_it(client, world):
    client.force_login(world.province_admin)
    client.post(reverse("accounts:user_create"), {
        "full_name": "Hoàng Văn Sình", "phone": "0988000222", "role": Role.VILLAGE_HEAD,
        "commune": world.commune_a.pk, "village": world.village_a1.pk})
    head = User.objects.get(phone="0988000222")
    assert head.assignments.get().unit == world.village_a1
    scope = scope_for(head)
    assert scope.covers(world.village_a1)
    assert not scope.covers(world.village_a2) and not scope.covers(world.commune_a)
    assert access_for(head).village_head and not access_for(head).field_log


def test_a_village_head_without_a_village_is_refused_next_to_the_field(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("accounts:user_create"), {
        "full_name": "Hoàng Văn Sình", "phone": "0988000223", "role": Role.VILLAGE_HEAD,
        "commune": world.commune_a.pk})
    assert response.context["form"].errors["village"] == ["Chọn thôn, tổ dân phố cho trưởng thôn."]
    assert not User.objects.filter(phone="0988000223").exists()


def test_a_department_account_sits_on_the_province_and_reaches_no_unit_data(client, world):
    client.force_login(world.province_admin)
    client.post(reverse("accounts:user_create"), {
        "full_name": "Nguyễn Văn Bình (Sở Y tế)", "phone": "0988000224", "role": Role.DEPARTMENT})
    department = User.objects.get(phone="0988000224")
    assert department.assignments.get().unit == world.province
    access = access_for(department)
    assert access.department and not access.unit_data and not access.oversight
    assert scope_for(make_user(full_name="x", role=Role.DEPARTMENT, unit=world.province)).is_empty
