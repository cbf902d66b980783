"""The province admin edits his province's data (geo.ProvinceProfile) on a settings page: saved,
bad input refused beside its field, a stale page refused, another province's page 404."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import make_user
from tocns.accounts.models import Role
from tocns.geo.models import ProvinceProfile

pytestmark = pytest.mark.django_db


def url(world, province=None):
    return reverse("dashboard:province_profile", args=[(province or world.province).code])


def posted(**overrides) -> dict:
    data = {"word": "tinh", "plan_number": "10/KH-UBND", "plan_date": "17/07/2025",
            "plan_title": "tổ chức triển khai Tổ công nghệ số cộng đồng cấp xã, cấp thôn", "version": "1",
            "link_1_name": "Cổng thông tin điện tử tỉnh Tuyên Quang", "link_1_url": "https://tuyenquang.gov.vn"}
    return {**data, **overrides}


def test_the_menu_leads_the_province_admin_to_his_province(client, world):
    client.force_login(world.province_admin)
    home = client.get("/").content.decode()
    assert reverse("dashboard:province_profile_mine") in home and "Thông tin của tỉnh" in home
    assert client.get(reverse("dashboard:province_profile_mine")).url == url(world)


def test_the_admin_saves_the_plan_and_links_and_documents_cite_them(client, world):
    client.force_login(world.province_admin)
    response = client.post(url(world), posted(plan_number="25/KH-UBND", plan_date="01/08/2025",
                                              link_2_name="Dịch vụ công", link_2_url="https://dichvucong.gov.vn"))
    assert response.status_code == 302
    profile = ProvinceProfile.objects.get(province=world.province)
    assert (profile.plan_number, profile.plan_date, profile.version) == ("25/KH-UBND", datetime.date(2025, 8, 1), 2)
    assert [link["url"] for link in profile.portal_links] == ["https://tuyenquang.gov.vn", "https://dichvucong.gov.vn"]
    page = client.get(url(world)).content.decode()
    assert "Căn cứ Kế hoạch số 25/KH-UBND ngày 1/8/2025 của Ủy ban nhân dân tỉnh Tuyên Quang" in page
    assert "Đã lưu thông tin của tỉnh Tuyên Quang." in page
    assert "Hoàng Thị Thu Hà" in page  # the history says who changed it


@pytest.mark.parametrize(("field", "value", "message"), [
    ("plan_number", "KH mười", "Ghi số như trên kế hoạch, ví dụ 10/KH-UBND."),
    ("plan_date", "31/02/2025", "Ngày viết theo dạng dd/mm/yyyy"),
    ("plan_date", "01/01/2099", "Ngày ban hành không thể sau hôm nay."),
    ("plan_title", " ", "Hãy ghi trích yếu của kế hoạch."),
    ("link_1_url", "tuyenquang gov vn", "Ghi địa chỉ đầy đủ, bắt đầu bằng https://"),
])
def test_bad_input_is_refused_beside_its_field(client, world, field, value, message):
    client.force_login(world.province_admin)
    response = client.post(url(world), posted(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert f'id="id_{field}"' in response.content.decode() and message in response.content.decode()
    assert not ProvinceProfile.objects.filter(province=world.province, version__gt=1).exists()


def test_a_stale_page_is_refused_and_the_first_save_kept(client, world):
    second = make_user(full_name="Nông Thị Lan", role=Role.PROVINCE_ADMIN, unit=world.province)
    client.force_login(world.province_admin)
    client.get(url(world))  # both opened the page at version 1
    assert client.post(url(world), posted(plan_number="25/KH-UBND")).status_code == 302
    client.force_login(second)
    response = client.post(url(world), posted(plan_number="30/KH-UBND"), follow=True)
    page = response.content.decode()
    assert "vừa được Hoàng Thị Thu Hà thay đổi lúc" in page
    assert ProvinceProfile.objects.get(province=world.province).plan_number == "25/KH-UBND"
    assert 'value="25/KH-UBND"' in page  # the page now shows the saved value to correct from


def test_another_provinces_admin_gets_404_and_changes_nothing(client, world):
    cao_bang_admin = make_user(full_name="Nông Văn Dũng", role=Role.PROVINCE_ADMIN, unit=world.other_province)
    client.force_login(cao_bang_admin)
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world), posted(plan_number="99/KH-UBND")).status_code == 404
    assert not ProvinceProfile.objects.filter(province=world.province).exists()
    assert client.get(reverse("dashboard:province_profile_mine")).url == url(world, world.other_province)


@pytest.mark.parametrize("persona", ["commune_chairman", "commune_officer", "team_leader", "partner"])
def test_other_roles_do_not_reach_the_page(client, world, persona):
    client.force_login(world.personas()[persona])
    assert client.get(url(world)).status_code == 404
