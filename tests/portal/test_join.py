import re

import pytest
from django.urls import reverse

from tocns.teams.choices import TeamStatus
from tocns.teams.models import Application

from ..factories import make_team, person_data

pytestmark = pytest.mark.django_db


def answer(page: str) -> dict:
    """Read the question off the page and answer it, as a person would."""
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    a, b = map(int, re.search(r"Để chống gửi tự động: (\d+) \+ (\d+)", page).groups())
    return {"challenge_token": token, "challenge_answer": str(a + b), "submission_key": key}


def test_a_citizen_finds_the_commune_without_diacritics_and_sees_its_teams(client, world):
    team = make_team(world, world.village_a1)
    page = client.get(reverse("portal:start") + "?q=xa thuong lam").content.decode()
    assert "Xã Thượng Lâm" in page
    page = client.get(reverse("portal:commune", args=[world.commune_a.code])).content.decode()
    assert reverse("portal:join", args=[team.public_slug]) in page
    assert "Thôn Khuổi Đăm" in page and "chưa có tổ" in page


def test_public_join_without_an_account(client, world):
    team = make_team(world, world.village_a1)
    url = reverse("portal:join", args=[team.public_slug])
    page = client.get(url).content.decode()
    assert "<script" not in page  # the public pages need no script
    response = client.post(url, {**person_data(), **answer(page)})
    application = Application.objects.get()
    assert response.url == reverse("portal:tracking", args=[application.tracking_code])
    assert application.channel == "online" and application.submitted_by is None
    tracking = client.get(response.url).content.decode()
    assert "Chờ duyệt" in tracking and "Lò Thị Dung" in tracking


def test_a_wrong_answer_or_a_filled_trap_sends_nothing(client, world):
    team = make_team(world, world.village_a1)
    url = reverse("portal:join", args=[team.public_slug])
    data = answer(client.get(url).content.decode())
    wrong = client.post(url, {**person_data(), **data, "challenge_answer": "99"}).content.decode()
    assert "Câu trả lời chưa đúng" in wrong
    trap = client.post(url, {**person_data(), **data, "website": "http://spam.example"}).content.decode()
    assert "Không gửi được đơn" in trap
    assert not Application.objects.exists()


def test_bad_input_is_shown_next_to_the_field(client, world):
    team = make_team(world, world.village_a1)
    url = reverse("portal:join", args=[team.public_slug])
    page = client.post(url, {**person_data(phone="", birth_year="2015"), **answer(client.get(url).content.decode())})
    text = page.content.decode()
    assert "Hãy nhập số điện thoại." in text and "từ 15 tuổi trở lên" in text
    assert not Application.objects.exists()


def test_the_public_form_is_rate_limited(client, world, settings):
    settings.PUBLIC_APPLICATIONS_PER_HOUR = 2
    team = make_team(world, world.village_a1)
    url = reverse("portal:join", args=[team.public_slug])
    for i in range(3):
        page = client.get(url).content.decode()
        response = client.post(url, {**person_data(phone=f"098765432{i}"), **answer(page)})
    assert response.status_code == 429 and "quá nhiều đơn" in response.content.decode()
    assert Application.objects.count() == 2


def test_a_retried_post_makes_one_application(client, world):
    team = make_team(world, world.village_a1)
    url = reverse("portal:join", args=[team.public_slug])
    data = {**person_data(), **answer(client.get(url).content.decode())}
    first, second = client.post(url, data), client.post(url, data)
    assert first.url == second.url and Application.objects.count() == 1


def test_a_dissolved_team_takes_no_applications(client, world):
    team = make_team(world, world.village_a1)
    Application.objects.all().delete()
    team.status = TeamStatus.DISSOLVED
    team.save(update_fields=["status"])
    assert client.get(reverse("portal:join", args=[team.public_slug])).status_code == 404


def test_a_group_list_from_the_form(client, world):
    team = make_team(world, world.commune_a)
    url = reverse("portal:join_group", args=[team.public_slug])
    page = client.get(url).content.decode()
    data = {"p-TOTAL_FORMS": "3", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "50",
            "contact_name": "Bàn Văn Tủa", "contact_phone": "0912 000 111", **answer(page),
            "p-2-occupation": "resident"}  # an untouched row, as the browser sends it
    for i, (name, phone) in enumerate([("Lò Thị Dung", "0987000001"), ("Vàng Văn Sểnh", "0987000002")]):
        data.update({f"p-{i}-{k}": v for k, v in person_data(full_name=name, phone=phone).items()})
    response = client.post(url, data)
    application = Application.objects.get()
    assert response.status_code == 302 and application.is_group and application.entries.count() == 2
    assert application.contact_phone == "0912000111"


def test_the_applicant_answers_a_request_for_information(client, world):
    from tocns.teams.services import application_request_info

    team = make_team(world, world.village_a1)
    url = reverse("portal:join", args=[team.public_slug])
    client.post(url, {**person_data(), **answer(client.get(url).content.decode())})
    application = Application.objects.get()
    application_request_info(application=application, by=world.leader_a1, question="Bạn ở xóm nào?")
    tracking = reverse("portal:tracking", args=[application.tracking_code])
    assert "Bạn ở xóm nào?" in client.get(tracking).content.decode()
    client.post(tracking, {"reply": "Xóm trên"})
    application.refresh_from_db()
    assert application.status == "pending" and "Xóm trên" in application.message


def test_an_unknown_tracking_code_is_404(client, world):
    assert client.get(reverse("portal:tracking", args=["khong-co"])).status_code == 404


def test_after_a_wrong_answer_the_new_question_matches_its_token(client, world):
    team = make_team(world, world.village_a1)
    url = reverse("portal:join", args=[team.public_slug])
    data = answer(client.get(url).content.decode())
    page = client.post(url, {**person_data(), **data, "challenge_answer": "99"}).content.decode()
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    assert token != data["challenge_token"]
    client.post(url, {**person_data(), **data, **answer(page)})
    assert Application.objects.count() == 1


def test_a_group_list_sent_as_an_excel_file(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..factories import xlsx
    from ..teams.test_member_import import HEADER, member

    team = make_team(world, world.commune_a)
    url = reverse("portal:join_group", args=[team.public_slug])
    page = client.get(url).content.decode()
    data = {"p-TOTAL_FORMS": "0", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "50",
            "contact_name": "Bàn Văn Tủa", "contact_phone": "0912 000 111", **answer(page)}
    bad = xlsx([HEADER, member("Lò Thị Dung", "0987000001", year=2020)])
    text = client.post(url, {**data, "file": SimpleUploadedFile("ds.xlsx", bad)}).content.decode()
    assert "Dòng 2" in text and not Application.objects.exists()
    good = xlsx([HEADER, member("Lò Thị Dung", "0987000001"), member("Vàng Văn Sểnh", "0987000002")])
    data = {**data, **answer(text)}
    response = client.post(url, {**data, "file": SimpleUploadedFile("ds.xlsx", good)})
    assert response.status_code == 302 and Application.objects.get().entries.count() == 2


def test_a_group_list_with_an_ethnic_group_but_no_consent_is_kept_without_it_and_the_sender_is_told(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..factories import xlsx
    from ..teams.test_member_import import FULL_HEADER

    team = make_team(world, world.commune_a)
    url = reverse("portal:join_group", args=[team.public_slug])
    page = client.get(url).content.decode()
    data = {"p-TOTAL_FORMS": "0", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "50",
            "contact_name": "Bàn Văn Tủa", "contact_phone": "0912 000 111", **answer(page)}
    row = ["Lò Thị Dung", "Nữ", 1990, "0987000001", "", "", "", "", "", "", "", "", "Tày", ""]
    response = client.post(url, {**data, "file": SimpleUploadedFile("ds.xlsx", xlsx([FULL_HEADER, row]))},
                           follow=True)
    entry = Application.objects.get().entries.get()
    assert entry.ethnic_group == ""
    assert "Dòng 2: Không ghi dân tộc: chưa có sự đồng ý của người này" in response.content.decode()


def test_the_applicant_is_told_it_was_received_and_can_stop_messages_to_his_number(client, world):
    from tocns.notify.delivery import current_choice
    from tocns.notify.models import ChannelChoice, NoticeKind, Notification

    team = make_team(world, world.village_a1)
    url = reverse("portal:join", args=[team.public_slug])
    response = client.post(url, {**person_data(), **answer(client.get(url).content.decode())})
    application = Application.objects.get()
    received = Notification.objects.get(kind=NoticeKind.APPLICATION_RECEIVED)
    assert received.phone == application.contact_phone and application.tracking_code in received.short_text
    tracking = client.get(response.url).content.decode()
    assert "Đã nhận đơn đăng ký tham gia" in tracking and "Ngừng nhận tin nhắn" in tracking
    stopped = client.post(response.url, {"stop_messages": "1"}, follow=True).content.decode()
    assert "Đã ngừng nhắn tin tới số của bạn" in stopped and "Bạn đã ngừng nhận tin nhắn" in stopped
    assert current_choice(application.contact_phone) == ChannelChoice.APP
