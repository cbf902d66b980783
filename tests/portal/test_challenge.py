import base64
import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tocns.portal.challenge import challenge_answer, challenge_new
from tocns.portal.models import Challenge
from tocns.teams.models import Application

from ..factories import make_team, person_data
from .test_join import answer

pytestmark = pytest.mark.django_db


def _payload(token: str) -> str:
    """What anyone can read from a signed token without the key: its first part, base64 JSON."""
    part = token.split(":")[0]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()


def test_decoding_the_token_does_not_reveal_the_numbers(client, world):
    team = make_team(world, world.village_a1)
    page = client.get(reverse("portal:join", args=[team.public_slug])).content.decode()
    a, b = map(int, re.search(r"Để chống gửi tự động: (\d+) \+ (\d+)", page).groups())
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    payload = json.loads(_payload(token))
    # The token carries the random nonce and nothing else; the question and answer stay on the server.
    stored = Challenge.objects.get(nonce=payload)
    assert len(payload) >= 20 and stored.question == f"{a} + {b}" and stored.answer == a + b


def test_a_token_used_once_is_refused_the_second_time(client, world):
    team = make_team(world, world.village_a1)
    url = reverse("portal:join", args=[team.public_slug])
    first = answer(client.get(url).content.decode())
    assert client.post(url, {**person_data(), **first}).status_code == 302
    # The same token and answer on another submission (a new form's save key): refused, nothing stored.
    other = answer(client.get(url).content.decode())
    response = client.post(url, {**person_data(phone="0987654329"), **first,
                                 "submission_key": other["submission_key"]})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Câu hỏi này đã được dùng cho một lần gửi khác, hãy trả lời câu hỏi mới." in text
    assert Application.objects.count() == 1
    # The form asks a new question, and answering it sends the application.
    assert client.post(url, {**person_data(phone="0987654329"), **answer(text)}).status_code == 302
    assert Application.objects.count() == 2


def test_a_retried_submission_passes_the_spent_question_and_stores_nothing_new(client, world):
    team = make_team(world, world.village_a1)
    url = reverse("portal:join", args=[team.public_slug])
    data = {**person_data(), **answer(client.get(url).content.decode())}
    first, again = client.post(url, data), client.post(url, data)
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert Application.objects.count() == 1


def test_a_form_shown_again_for_another_field_keeps_its_answered_question(client, world):
    team = make_team(world, world.village_a1)
    url = reverse("portal:join", args=[team.public_slug])
    data = answer(client.get(url).content.decode())
    page = client.post(url, {**person_data(phone=""), **data}).content.decode()
    assert "Hãy nhập số điện thoại." in page and "Câu hỏi này đã được dùng" not in page
    assert client.post(url, {**person_data(), **data}).status_code == 302


def test_a_wrong_answer_spends_the_question(client, world):
    team = make_team(world, world.village_a1)
    url = reverse("portal:join", args=[team.public_slug])
    data = answer(client.get(url).content.decode())
    client.post(url, {**person_data(), **data, "challenge_answer": "99"})
    # Guessing on: even the right answer to that question no longer passes.
    page = client.post(url, {**person_data(), **data}).content.decode()
    assert "Câu hỏi này đã được dùng" in page and not Application.objects.exists()


def test_a_question_expires_after_two_hours(monkeypatch, world):
    question, token = challenge_new()
    right = str(sum(map(int, question.split(" + "))))
    later = timezone.now() + datetime.timedelta(hours=2, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    assert challenge_answer(token, right, "key-1") == "Câu hỏi đã hết hạn, hãy trả lời câu hỏi mới."


def test_a_forged_token_is_refused(world):
    assert challenge_answer("abc:def:ghi", "5", "key-1") == "Câu hỏi đã hết hạn, hãy trả lời câu hỏi mới."


def test_the_feedback_form_refuses_a_spent_token(client, world):
    url = reverse("portal:feedback_send", args=[world.commune_a.code])
    make_team(world, world.village_a1)
    data = answer(client.get(url).content.decode())
    base = {"kind": "complaint", "unit": world.village_a1.pk,
            "content": "Điểm bưu điện xã không hỗ trợ nộp hồ sơ trực tuyến buổi chiều."}
    assert client.post(url, {**base, **data}).status_code == 302
    other = answer(client.get(url).content.decode())
    text = client.post(url, {**base, **data, "submission_key": other["submission_key"]}).content.decode()
    assert "Câu hỏi này đã được dùng cho một lần gửi khác" in text
