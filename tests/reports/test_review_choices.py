"""Reviewing and reopening a report take a choice and a reason: a bare POST writes nothing and
answers with what is missing (issue 12, item 9)."""

import pytest
from django.urls import reverse

from tocns.reports import services
from tocns.reports.choices import ReportStatus
from tocns.reports.periods import month_period

from .factories import submit_report, village_form

pytestmark = pytest.mark.django_db


def test_an_empty_post_neither_accepts_nor_returns_a_report(client, world, team):
    report = submit_report(team, 2026, 10, {"CQ01": "12"}, by=world.leader_a1)
    client.force_login(world.officer_a)
    response = client.post(reverse("reports:review", args=[report.pk]), {}, follow=True)
    assert "Hãy chọn Tiếp nhận hoặc Trả lại để sửa." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.reviewed_by is None
    assert [e.action for e in report.events.all()] == ["created", "submitted"]


def test_returning_needs_a_comment_and_accepting_is_a_pressed_button(client, world, team):
    report = submit_report(team, 2026, 10, {"CQ01": "12"}, by=world.leader_a1)
    client.force_login(world.officer_a)
    response = client.post(reverse("reports:review", args=[report.pk]), {"action": "return"}, follow=True)
    assert "Hãy ghi cần sửa gì để tổ biết." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    client.post(reverse("reports:review", args=[report.pk]), {"action": "accept"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.reviewed_by == world.officer_a


def test_an_empty_post_reopens_nothing_and_says_what_is_missing(client, world, team):
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 6))  # closed by now
    client.force_login(world.officer_a)
    response = client.post(reverse("reports:reopen", args=[report.pk]), {}, follow=True)
    page = response.content.decode()
    assert "Hãy nhập số ngày mở lại (1 đến 30)." in page and "Hãy ghi lý do mở lại." in page
    report.refresh_from_db()
    assert report.reopened_until is None and not report.events.filter(action="reopened").exists()
    response = client.post(reverse("reports:reopen", args=[report.pk]), {"days": "3", "reason": " "}, follow=True)
    report.refresh_from_db()
    assert report.reopened_until is None and "Hãy ghi lý do mở lại." in response.content.decode()
