"""A department's officer logs what the department did for the teams on his phone and sees it;
the province admin then sees that department's part."""

import pytest
from playwright.sync_api import expect

from tocns.accounts.models import Role
from tocns.sectors.models import Department, DepartmentActivity

from ..factories import World, make_user
from .test_monthly_report import sign_in, sign_out
from .test_offline_log import ensure_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_department_logs_an_activity_on_the_phone_and_the_province_sees_its_part(phone_page, live_server):
    ensure_services()
    world = World()
    department = Department.objects.create(name="Sở Y tế", province=world.province)
    department.communes.add(world.commune_a)
    department.users.add(make_user(full_name="Lê Thị Hằng", phone="0906000102", role=Role.DEPARTMENT,
                                   unit=world.province))

    page, base = phone_page, live_server.url
    sign_in(page, base, "0906 000 102")
    page.get_by_role("link", name="Ghi hoạt động").click()
    page.locator(".chips label", has_text="Hỗ trợ tại xã, phường").click()
    page.get_by_label("Xã, phường", exact=True).select_option(label="Xã Thượng Lâm")
    page.locator(".chips label", has_text="Sổ sức khỏe điện tử").click()
    page.get_by_label("Nội dung").fill("Trạm y tế cùng tổ hướng dẫn tích hợp Sổ sức khỏe điện tử trên VNeID")
    page.get_by_label("Số người được tiếp cận").fill("37")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling on a phone
    page.get_by_role("button", name="Lưu hoạt động").click()
    expect(page.locator(".msg")).to_contain_text("37 người được tiếp cận")
    expect(page.locator("#activities")).to_contain_text("Xã Thượng Lâm")
    expect(page.locator("#activities")).to_contain_text("Trạm y tế cùng tổ hướng dẫn")
    activity = DepartmentActivity.objects.get()
    assert (activity.department, activity.people_reached, activity.commune) == (department, 37, world.commune_a)
    sign_out(page)

    sign_in(page, base, "0901 000 001")
    page.locator("summary", has_text="Danh mục").click()
    page.get_by_role("link", name="Sở, ban, ngành", exact=True).click()
    row = page.locator("#parts tr", has_text="Sở Y tế")
    expect(row).to_contain_text("Hỗ trợ tại xã, phường: 1")
    expect(row).to_contain_text("Xã hội số: 1")
    expect(row).to_contain_text("37")
    row.get_by_role("link", name="Sở Y tế").click()
    expect(page.locator("#department-activities")).to_contain_text("Trạm y tế cùng tổ hướng dẫn")
