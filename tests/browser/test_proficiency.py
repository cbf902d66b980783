"""A member takes his course's test on a phone, passes, downloads the certificate, and the public
verification page (no sign-in) confirms it."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from tocns.teams.models import Team
from tocns.training.models import Attempt, Certificate

from ..factories import World, make_team
from ..training.proficiency_factories import course_with_quiz, member_person
from .test_monthly_report import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_passes_the_test_on_the_phone_and_the_public_page_verifies_his_certificate(
        phone_page, live_server, tmp_path):
    import importlib

    from django.apps import apps

    importlib.import_module("tocns.training.migrations.0002_plan_topics").load(apps, None)
    world = World()
    make_team(world, world.village_a1, members=2)
    member_person(world, user=world.member_a1, full_name="Triệu Thị Nhất", phone="0905000001")
    course = course_with_quiz(world, teams=Team.objects.filter(unit=world.village_a1))

    page, base = phone_page, live_server.url
    sign_in(page, base, "0905 000 001")
    page.locator("#quizzes-to-take").get_by_role("link", name=course.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bài kiểm tra")
    page.get_by_label("VNeID").check()
    page.get_by_label("Mật khẩu khó đoán").check()
    page.get_by_label("Xác thực hai lớp").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "quiz.png"), full_page=True)
    page.get_by_role("button", name="Nộp bài").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đạt")
    expect(page.locator("#score")).to_have_text("100%")
    certificate = Certificate.objects.get()
    assert Attempt.objects.count() == 1 and certificate.person.user == world.member_a1
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải giấy chứng nhận (.docx)").click()
    saved = tmp_path / "giay-chung-nhan.docx"
    download.value.save_as(saved)
    text = "\n".join(p.text for p in Document(io.BytesIO(saved.read_bytes())).paragraphs)
    assert "GIẤY CHỨNG NHẬN" in text and "Triệu Thị Nhất" in text and certificate.code in text
    sign_out(page)

    page.goto(f"{base}/tap-huan/xac-minh/")
    page.get_by_label("Mã xác minh").fill(certificate.code.lower())
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("#verdict")).to_have_text("Giấy chứng nhận hợp lệ")
    expect(page.locator("#holder")).to_have_text("Triệu T. N.")
    expect(page.locator("#verified")).to_contain_text(course.title)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
