import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tocns.fieldwork import feedback as rules
from tocns.fieldwork.models import Feedback, FeedbackStatus, FieldworkRules

from ..factories import make_team
from ..reports.factories import freeze

pytestmark = pytest.mark.django_db


def submit(world, key="k1", **data):
    values = {"unit": world.village_a1, "content": "Không đăng nhập được VNeID mức 2 sau khi đổi điện thoại.",
              "channel": "team", "submission_key": key, "by": world.leader_a1}
    values.update(data)
    return rules.feedback_submit(**values)


def test_feedback_goes_received_forwarded_answered_closed_with_who_and_when(world):
    feedback = submit(world)
    assert feedback.status == FeedbackStatus.RECEIVED and feedback.answer_due_on == datetime.date(2026, 12, 5)
    rules.feedback_forward(feedback=feedback, to="Công an xã", by=world.officer_a)
    rules.feedback_answer(feedback=feedback, answer="Đã hướng dẫn cài lại VNeID.", by=world.officer_a)
    rules.feedback_close(feedback=feedback, by=world.officer_a)
    steps = [(e.status, e.by) for e in feedback.events.all()]
    assert steps == [("received", world.leader_a1), ("forwarded", world.officer_a), ("answered", world.officer_a),
                     ("closed", world.officer_a)]
    with pytest.raises(ValidationError):
        rules.feedback_answer(feedback=feedback, answer="Lại", by=world.officer_a)


def test_the_province_sets_the_answer_deadline(world):
    FieldworkRules.objects.create(province=world.province, feedback_answer_days=7)
    assert submit(world).answer_due_on == datetime.date(2026, 11, 27)


def test_a_name_or_phone_needs_consent(world):
    with pytest.raises(ValidationError) as exc:
        submit(world, citizen_name="Lò Văn Páo", citizen_phone="0912 345 678")
    assert "đồng ý" in exc.value.message_dict["consent"][0] and not Feedback.objects.exists()
    kept = submit(world, key="k2", citizen_name="Lò Văn Páo", citizen_phone="0912 345 678", consent=True)
    assert kept.citizen_phone == "0912345678" and kept.consent_at is not None and kept.consent_version


def test_a_retried_submission_is_stored_once(world):
    assert submit(world, key="same").pk == submit(world, key="same").pk and Feedback.objects.count() == 1


def test_overdue_feedback_shows_for_the_commune_office_only(client, world, monkeypatch):
    feedback = submit(world)
    freeze(monkeypatch, datetime.datetime(2026, 12, 10, 9, 0))
    client.force_login(world.officer_a)
    page = client.get(reverse("fieldwork:feedback_list")).content.decode()
    assert "1 ý kiến quá hạn trả lời" in page and feedback.code in page
    client.force_login(world.officer_b)
    assert client.get(reverse("fieldwork:feedback", args=[feedback.pk])).status_code == 404
    client.force_login(world.leader_a1)
    assert client.post(reverse("fieldwork:feedback", args=[feedback.pk]),
                       {"action": "answer", "answer": "x"}).status_code == 404


def test_totals_by_service_and_commune(client, world):
    from tocns.fieldwork.models import Service

    vneid = Service.objects.get(code="vneid")
    submit(world, key="a", service=vneid)
    submit(world, key="b", service=vneid)
    client.force_login(world.province_admin)
    page = client.get(reverse("fieldwork:feedback_stats")).content.decode()
    assert re.search(r"Định danh điện tử VNeID.*?<td class=\"num\">2</td>", page, re.S)


def test_a_citizen_sends_feedback_and_follows_it_by_code(client, world):
    make_team(world, world.village_a1)
    url = reverse("portal:feedback_send", args=[world.commune_a.code])
    page = client.get(url).content.decode()
    assert "<script" not in page
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    a, b = map(int, re.search(r"Để chống gửi tự động: (\d+) \+ (\d+)", page).groups())
    response = client.post(url, {"kind": "complaint", "unit": world.village_a1.pk,
                                 "content": "Điểm bưu điện xã không hỗ trợ nộp hồ sơ trực tuyến buổi chiều.",
                                 "challenge_token": token, "challenge_answer": str(a + b), "submission_key": key})
    feedback = Feedback.objects.get()
    assert response.url == reverse("portal:feedback_tracking", args=[feedback.code])
    assert feedback.channel == "public" and feedback.citizen_phone == "" and feedback.recorded_by is None
    lookup = client.get(reverse("portal:feedback_lookup") + f"?code={feedback.code.lower()}").content.decode()
    assert "Đã tiếp nhận" in lookup and "Điểm bưu điện xã" in lookup
    assert client.get(reverse("portal:feedback_tracking", args=["KHONGCO"])).status_code == 404
