"""One way of writing a period on every page: "tháng 10/2026", "quý IV/2026", "năm 2026" (the
words of Period.label); the key "2026-10" stays in links and forms, never in what people read."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from tocns.reports.periods import month_period

from .factories import submit_report

pytestmark = pytest.mark.django_db

KEY = re.compile(r"\b20\d\d-(?:\d\d|Q[1-4])\b")


def visible(html: str) -> str:
    """The page's words, tags and their attributes left out."""
    return re.sub(r"<[^>]*>", " ", html)


@pytest.mark.parametrize("value, words", [
    ("2026-10", "tháng 10/2026"), ("2026-03", "tháng 03/2026"), ("2026-Q4", "quý IV/2026"), ("2026", "năm 2026"),
    (month_period(2026, 11), "tháng 11/2026"), ("không phải kỳ", "không phải kỳ")])
def test_a_period_is_written_in_words(value, words):
    assert Template("{% load periods %}{{ value|period }}").render(Context({"value": value})) == words


@pytest.mark.parametrize("value, words", [
    ("2026-11-19", "19/11/2026"), ("2026-11-19T15:30:00+07:00", "19/11/2026"),
    ("2026-11-19T20:00:00+00:00", "20/11/2026"),  # 3 in the morning of the 20th in Vietnam
    ("hôm qua", "hôm qua"), (None, "")])
def test_a_day_from_a_phones_queue_is_written_dd_mm_yyyy(value, words):
    assert Template("{% load periods %}{{ value|day }}").render(Context({"value": value})) == words


def test_the_leaders_report_list_writes_months_as_people_do(client, world, team):
    submit_report(team, 2026, 10, {"CQ01": "3"}, by=world.leader_a1)
    client.force_login(world.leader_a1)
    page = visible(client.get(reverse("reports:list")).content.decode())
    assert "Thôn Nà Khà · tháng 10/2026" in page and not KEY.search(page)


def test_the_completeness_page_offers_periods_by_name_and_keeps_keys_in_the_form(client, world, team):
    client.force_login(world.officer_a)
    html = client.get(reverse("reports:completeness"), {"period": "2026-10"}).content.decode()
    assert '<option value="2026-10" selected>Tháng 10/2026</option>' in html
    assert '<option value="2026-Q4">Quý IV/2026</option>' in html and '<option value="2026">Năm 2026</option>' in html
    assert "‹ Tháng 09/2026" in html and not KEY.search(visible(html))


def test_an_older_period_asked_for_by_its_link_is_still_offered(client, world, team):
    client.force_login(world.officer_a)
    html = client.get(reverse("reports:completeness"), {"period": "2024-05"}).content.decode()
    assert '<option value="2024-05" selected>Tháng 05/2024</option>' in html


def test_the_village_overview_names_its_report_months(client, world, team):
    submit_report(team, 2026, 10, {"CQ01": "3"}, by=world.leader_a1)
    client.force_login(world.officer_a)
    page = visible(client.get("/tong-quan/", {"unit": world.village_a1.code}).content.decode())
    assert "Báo cáo tháng 10/2026: Đã gửi" in page and "Tháng 10/2026" in page and not KEY.search(page)
