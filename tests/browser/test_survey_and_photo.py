import base64
import datetime
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tocns.fieldwork import surveys
from tocns.fieldwork.models import Activity, Answer

from ..factories import World, make_team
from .test_monthly_report import sign_in
from .test_offline_log import village_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_village_head_answers_a_survey_online_and_offline_and_each_answer_is_stored_once(
        phone_page, live_server, tmp_path):
    world = World()
    team = make_team(world, world.village_a1, members=1)
    survey = surveys.survey_create(user=world.officer_a, owner=world.commune_a, title="Điện thoại trong hộ",
                                   description="Hỏi chủ hộ.", submission_key=uuid.uuid4())
    surveys.question_add(user=world.officer_a, survey=survey, text="Hộ có mấy điện thoại thông minh?",
                         kind="number", choices=[], required=True, submission_key=uuid.uuid4())
    surveys.question_add(user=world.officer_a, survey=survey, text="Đã kích hoạt VNeID mức 2?", kind="single",
                         choices=["Rồi", "Chưa"], required=True, submission_key=uuid.uuid4())
    surveys.survey_assign(user=world.officer_a, survey=survey, teams=[team],
                          deadline=timezone.localdate() + datetime.timedelta(days=7))
    page, base = phone_page, live_server.url
    sign_in(page, base, "0904 000 001")
    page.goto(f"{base}/nhat-ky/khao-sat/")
    page.locator("#to-answer").get_by_role("link", name="Điện thoại trong hộ").click()

    def fill(phones, vneid):
        page.get_by_label("Hộ có mấy điện thoại thông minh?").fill(phones)
        page.locator("label", has_text=vneid).click()
        page.get_by_role("button", name="Lưu phiếu").click()

    fill("2", "Rồi")
    expect(page.locator("#queue li").first).to_contain_text("đã lưu")
    page.context.set_offline(True)
    fill("3", "Chưa")
    fill("1", "Rồi")
    expect(page.locator("#queue .count")).to_have_text("2 phiếu đang chờ gửi")
    # A question left empty is said next to it, on the phone, and nothing is queued.
    page.get_by_role("button", name="Lưu phiếu").click()
    expect(page.locator(f"#field-q{survey.questions.first().pk} .error")).to_have_text("Câu này cần trả lời.")
    expect(page.locator("#queue .count")).to_have_text("2 phiếu đang chờ gửi")
    page.screenshot(path=str(tmp_path / "survey-offline.png"), full_page=True)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#queue .count")).to_have_text("Đã gửi hết lên máy chủ.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.context.close()
    number = str(survey.questions.first().pk)
    assert sorted(a.values[number] for a in Answer.objects.all()) == ["1", "2", "3"]


def test_a_large_photo_is_made_smaller_on_the_phone_before_it_is_sent(phone_page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world, _team = village_team(members=1)
    page, base = phone_page, live_server.url
    sign_in(page, base, "0904 000 001")
    page.goto(f"{base}/nhat-ky/")
    # A camera-sized picture of noise, which compresses badly: several MB as a JPEG.
    photo = page.evaluate("""() => {
        const c = document.createElement('canvas'); c.width = 3000; c.height = 2000;
        const g = c.getContext('2d'), d = g.createImageData(3000, 2000);
        for (let i = 0; i < d.data.length; i++) d.data[i] = (i * 2654435761 >>> 7) & 255;
        g.putImageData(d, 0, 0);
        return c.toDataURL('image/jpeg', 0.95).split(',')[1];
    }""")
    original = base64.b64decode(photo)
    assert len(original) > 1_000_000
    page.locator("label", has_text="VNeID").first.click()
    page.locator(".counts label", has_text="3").click()
    page.locator("summary", has_text="Ngày, nơi, hình thức").click()
    page.get_by_label("Một ảnh (không bắt buộc)").set_input_files(
        {"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": original})
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#queue li").first).to_contain_text("📷 · ", timeout=30000)  # resizing takes a moment
    expect(page.locator("#queue li").first).to_contain_text("đã lưu")
    page.context.close()
    stored = Activity.objects.get().photo
    assert 0 < stored.size <= 300 * 1024 and stored.read(3) == b"\xff\xd8\xff"


def test_a_questionnaire_refused_by_the_server_stays_until_the_member_opens_it_and_deletes_it(
        phone_page, live_server, tmp_path):
    world = World()
    team = make_team(world, world.village_a1, members=1)
    survey = surveys.survey_create(user=world.officer_a, owner=world.commune_a, title="Điện thoại trong hộ",
                                   description="", submission_key=uuid.uuid4())
    question = surveys.question_add(user=world.officer_a, survey=survey, text="Hộ có mấy điện thoại thông minh?",
                                    kind="number", choices=[], required=True, submission_key=uuid.uuid4())
    surveys.survey_assign(user=world.officer_a, survey=survey, teams=[team],
                          deadline=timezone.localdate() + datetime.timedelta(days=7))
    page, base = phone_page, live_server.url
    sign_in(page, base, "0904 000 001")
    page.goto(f"{base}/nhat-ky/khao-sat/{survey.pk}/")
    page.context.set_offline(True)
    page.get_by_label("Hộ có mấy điện thoại thông minh?").fill("4")
    page.get_by_role("button", name="Lưu phiếu").click()
    expect(page.locator("#queue .count")).to_have_text("1 phiếu đang chờ gửi")
    surveys.survey_close(user=world.officer_a, survey=survey)  # the commune closes it meanwhile
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#queue .count")).to_have_text("1 phiếu bị từ chối: hãy mở ra sửa rồi lưu lại, hoặc xoá")
    expect(page.locator("#queue li")).to_contain_text("Khảo sát đã kết thúc, không nhận thêm phiếu.")
    page.get_by_role("button", name="Mở ra sửa").click()
    expect(page.locator("#survey-problem")).to_have_text("Khảo sát đã kết thúc, không nhận thêm phiếu.")
    expect(page.locator(f"#field-q{question.pk} input")).to_have_value("4")
    page.screenshot(path=str(tmp_path / "survey-refused.png"), full_page=True)
    page.locator("#queue").get_by_role("button", name="Xoá").click()
    page.get_by_role("dialog").get_by_role("button", name="Xoá").click()
    expect(page.locator("#queue")).to_be_hidden()
    page.context.close()
    assert not Answer.objects.exists()
