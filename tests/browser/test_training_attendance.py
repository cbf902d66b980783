import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tocns.teams.models import Membership
from tocns.training import services
from tocns.training.models import Attendance, Partner, Topic

from ..factories import World, make_team
from .test_monthly_report import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_trainer_takes_attendance_on_the_phone(phone_page, live_server, tmp_path):
    import importlib

    from django.apps import apps

    importlib.import_module("tocns.training.migrations.0002_plan_topics").load(apps, None)
    world = World()
    team = make_team(world, world.village_a1, members=3)
    vnpt = Partner.objects.create(name="VNPT Tuyên Quang", province=world.province)
    vnpt.users.add(world.partner)
    course = services.course_create(by=world.partner, province=world.province, title="Thanh toán QR cho tổ",
                                    topic=Topic.objects.get(code="thanh-toan-dien-tu"), partner=vnpt,
                                    description="", submission_key=uuid.uuid4())
    services.session_add(by=world.partner, course=course, starts_at=timezone.now(), place="Nhà văn hóa thôn",
                         online_link="", trainer_name="Quan Văn Dũng", submission_key=uuid.uuid4())
    services.invite_teams(by=world.partner, course=course, teams=[team])
    names = list(Membership.objects.filter(team=team).order_by("pk").values_list("person__full_name", flat=True))

    page, base = phone_page, live_server.url
    sign_in(page, base, "0906 000 001")
    page.locator("summary", has_text="Danh mục").click()
    page.get_by_role("link", name="Tập huấn").click()
    page.get_by_role("link", name="Thanh toán QR cho tổ").click()
    page.get_by_role("link", name="Điểm danh").click()
    for name in names[:2]:
        page.get_by_label(name).check()
    page.screenshot(path=str(tmp_path / "attendance.png"), full_page=True)
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.locator(".msg")).to_contain_text("Đã lưu điểm danh: 2 có mặt, 1 vắng.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.context.close()
    present = set(Attendance.objects.filter(present=True).values_list("person__full_name", flat=True))
    assert present == set(names[:2])
