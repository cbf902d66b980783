"""What a visitor reads and taps on the public pages: a mistyped feedback code is answered about the
code, consent boxes are tapped by their sentence, the main ways in are buttons."""

import re
import uuid

import pytest
from django.urls import reverse

from tocns.fieldwork import feedback as feedback_rules

from ..factories import make_team

pytestmark = pytest.mark.django_db

NOT_FOUND = "Không tìm thấy phản ánh với mã này. Hãy kiểm tra lại mã bạn đã ghi hoặc trên giấy biên nhận."


def a_feedback(world):
    return feedback_rules.feedback_submit(unit=world.village_a1, channel="public", submission_key=uuid.uuid4().hex,
                                          content="Không nộp được hồ sơ trực tuyến cấp lại CCCD.")


def test_a_mistyped_feedback_code_is_answered_about_the_code_beside_the_box(client, world):
    feedback = a_feedback(world)
    mistyped = feedback.code[:-1] + ("A" if feedback.code[-1] != "A" else "B")

    response = client.get(reverse("portal:feedback_lookup"), {"code": mistyped.lower()})

    page = response.content.decode()
    assert response.status_code == 404
    assert NOT_FOUND in page and "tài khoản của bạn" not in page
    assert f'name="code" value="{mistyped}"' in page  # kept in the box, to be corrected
    right = client.get(reverse("portal:feedback_lookup"), {"code": feedback.code}).content.decode()
    assert NOT_FOUND not in right and "Không nộp được hồ sơ" in right


def test_a_mistyped_code_in_the_link_itself_reads_the_same(client, world):
    response = client.get(reverse("portal:feedback_tracking", args=["KHONGCO1"]))
    assert response.status_code == 404 and NOT_FOUND in response.content.decode()


@pytest.mark.parametrize("form_page, box", [("join", "ethnic_group_consent"), ("feedback", "consent")])
def test_a_consent_box_sits_inside_its_sentence_so_the_whole_sentence_ticks_it(client, world, form_page, box):
    team = make_team(world, world.village_a1)
    url = (reverse("portal:join", args=[team.public_slug]) if form_page == "join"
           else reverse("portal:feedback_send", args=[world.commune_a.code]))
    page = client.get(url).content.decode()
    label = re.search(r'<label class="check">(.*?)</label>', page, re.S)
    assert label and f'name="{box}"' in label.group(1) and "đồng ý" in label.group(1)
    assert f'for="id_{box}"' not in page  # no second, separate label
    assert not re.search(rf'<input type="checkbox" name="{box}"[^>]*checked', page)  # never ticked beforehand


def test_the_visitors_three_ways_in_are_buttons(client, world):
    page = client.get("/").content.decode()
    ways = re.search(r'<nav class="ways" id="ways">(.*?)</nav>', page, re.S).group(1)
    buttons = re.findall(r'<a class="button primary" href="([^"]+)"><strong>([^<]+)</strong>', ways)
    assert [title for _href, title in buttons] == ["Tài liệu hướng dẫn", "Gửi ý kiến, phản ánh", "Đăng ký tham gia tổ"]
    assert [href for href, _title in buttons] == [reverse("guides:list"), reverse("portal:feedback_start"),
                                                  reverse("portal:start")]
