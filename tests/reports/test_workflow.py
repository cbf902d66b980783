import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tocns.notify.models import Notification
from tocns.reports import selectors, services
from tocns.reports.choices import ReportStatus
from tocns.reports.models import Report, ReportValue
from tocns.reports.periods import month_period

from ..factories import make_team
from .factories import established_long_ago, freeze, submit_report, village_form

pytestmark = pytest.mark.django_db


def test_submitting_before_the_30th_is_on_time_and_stays_so(world, team, monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 10, 29, 23, 50))
    report = submit_report(team, 2026, 10, {"CQ01": "12"}, by=world.leader_a1)
    assert report.status == ReportStatus.SUBMITTED and report.on_time is True
    services.report_return(report=report, by=world.officer_a, comment="Thiếu số hồ sơ DVC")
    freeze(monkeypatch, datetime.datetime(2026, 11, 3, 9, 0))
    report.refresh_from_db()
    again = services.report_save(report=report, values={"CQ01": "12", "CQ02": "4"}, version=report.version,
                                 save_key="fix", submit=True, by=world.leader_a1)
    assert again.on_time is True  # decided at the first submission
    assert again.submitted_at == timezone.make_aware(datetime.datetime(2026, 10, 29, 23, 50))


def test_submitting_on_the_30th_is_late(world, team, monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 10, 30, 0, 5))
    assert submit_report(team, 2026, 10, {"CQ01": "3"}).on_time is False


def test_a_double_tap_makes_one_report_and_one_submission(world, team):
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 10))
    assert services.report_open(form=village_form(), team=team, period=month_period(2026, 10)).pk == report.pk
    first = services.report_save(report=report, values={"TT01": "2"}, version=report.version, save_key="tap",
                                 submit=True)
    second = services.report_save(report=report, values={"TT01": "2"}, version=report.version, save_key="tap",
                                  submit=True)
    assert first.pk == second.pk and first.version == second.version
    assert report.events.filter(action="submitted").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(form=village_form(), team=team, unit=team.unit, province=team.province,
                              commune=team.commune, period_start=report.period_start,
                              period_end=report.period_end, period_key="2026-10", due_on=report.due_on)


def test_the_second_of_two_editors_is_refused_not_lost(world, team):
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 10))
    seen_by_both = report.version
    services.report_save(report=report, values={"TT02": "40"}, version=seen_by_both, save_key=uuid.uuid4().hex)
    with pytest.raises(ValidationError) as exc:
        services.report_save(report=report, values={"TT02": "15"}, version=seen_by_both, save_key=uuid.uuid4().hex)
    assert exc.value.code == "stale" and "tải lại trang" in exc.value.messages[0]
    assert ReportValue.objects.get(report=report, indicator__code="TT02").value == 40


@pytest.mark.parametrize("typed, words", [
    ("-3", "không được âm"),
    ("mười", "Hãy nhập một số"),
    ("12a", "Hãy nhập một số"),
    ("2,5", "số nguyên"),
    ("99999999999999999", "Số quá lớn"),
])
def test_a_wrong_value_is_kept_in_the_draft_and_blocks_only_sending(world, team, typed, words):
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 10))
    with pytest.raises(ValidationError) as exc:
        services.report_save(report=report, values={"CQ01": typed, "TT01": "2"}, version=report.version,
                             save_key="send", submit=True)
    assert words in exc.value.message_dict["CQ01"][0]
    assert not ReportValue.objects.filter(report=report).exists()  # a refused send writes nothing
    draft = services.report_save(report=report, values={"CQ01": typed, "TT01": "2"}, version=report.version,
                                 save_key="draft")
    assert draft.status == ReportStatus.DRAFT and draft.version == 2
    cell = ReportValue.objects.get(report=report, indicator__code="CQ01")
    assert cell.raw == typed and cell.value is None  # what was typed, and no number for any total
    assert ReportValue.objects.get(report=report, indicator__code="TT01").value == 2


def test_a_count_above_its_base_is_sent_as_typed_since_ratios_are_figures_not_rules(world):
    from .factories import commune_team_form

    team = established_long_ago(make_team(world, world.commune_a, members=1))
    report = services.report_open(form=commune_team_form(), team=team, period=month_period(2026, 10))
    sent = services.report_save(report=report, values={"HT01.SO": "900", "HT01.TONG": "800"},
                                version=report.version, save_key="x", submit=True)
    assert sent.status == ReportStatus.SUBMITTED
    cells = {v.indicator.code: (v.value, v.raw) for v in report.values.select_related("indicator")}
    assert cells["HT01.SO"] == (900, "") and cells["HT01.TONG"] == (800, "")


def test_mending_a_wrong_cell_clears_its_kept_text(world, team):
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 10))
    draft = services.report_save(report=report, values={"CQ01": "12a"}, version=report.version, save_key="a")
    sent = services.report_save(report=draft, values={"CQ01": "12"}, version=draft.version, save_key="b",
                                submit=True)
    cell = ReportValue.objects.get(report=sent, indicator__code="CQ01")
    assert sent.status == ReportStatus.SUBMITTED and (cell.value, cell.raw) == (12, "")


def test_report_with_no_value_cannot_be_sent(world, team):
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 10))
    with pytest.raises(ValidationError) as exc:
        services.report_save(report=report, values={"CQ01": " "}, texts={"difficulties": "Sóng yếu"},
                             version=report.version, save_key="a", submit=True)
    assert exc.value.code == "empty" and "chưa có số liệu nào" in exc.value.messages[0]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.version == 1 and not report.values.exists()
    draft = services.report_save(report=report, values={}, version=report.version, save_key="b")
    assert draft.status == ReportStatus.DRAFT  # an empty draft may be kept
    sent = services.report_save(report=draft, values={"TO01": "0"}, version=draft.version, save_key="c",
                                submit=True)
    assert sent.status == ReportStatus.SUBMITTED  # 0 is a figure


def test_wrong_draft_value_stays_out_of_rollup(world, team):
    from tocns.reports.narrative import report_zalo_summary

    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 10))
    services.report_save(report=report, values={"CQ01": "-3", "KT03": "1,5", "XH01": "8"},
                         version=report.version, save_key="a")
    # Even counted as if drafts were sent, the wrong cells bring nothing: only XH01 is a number.
    totals = selectors.rollup_values(unit=world.commune_a, month_keys=["2026-10"],
                                     statuses=(ReportStatus.DRAFT,))
    assert totals.get("XH01") == 8 and totals.get("CQ01") is None and totals.get("KT03") is None
    text = report_zalo_summary(report)
    assert "8 người" in text and "-3" not in text and "1,5" not in text


def test_a_value_far_above_usual_needs_a_comment_to_be_submitted(world, team, monkeypatch):
    for month in (8, 9, 10):
        freeze(monkeypatch, datetime.datetime(2026, month, 20, 9, 0))
        submit_report(team, 2026, month, {"CQ01": "10"})
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 9, 0))
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 11))
    with pytest.raises(ValidationError) as exc:
        services.report_save(report=report, values={"CQ01": "95"}, version=report.version, save_key="a",
                             submit=True)
    assert "giải thích" in exc.value.message_dict["CQ01"][0]
    draft = services.report_save(report=report, values={"CQ01": "95"}, version=report.version, save_key="b")
    assert draft.status == ReportStatus.DRAFT  # a draft may hold it
    done = services.report_save(report=draft, values={"CQ01": "95"}, comments={"CQ01": "Ngày hội VNeID của xã"},
                                version=draft.version, save_key="c", submit=True)
    assert done.status == ReportStatus.SUBMITTED


def test_no_report_for_a_future_period_or_before_the_team_existed(world):
    team = make_team(world, world.village_a1)  # established 01/09/2026
    with pytest.raises(ValidationError) as exc:
        services.report_open(form=village_form(), team=team, period=month_period(2026, 8))
    assert exc.value.error_dict["period"][0].code == "team_not_serving"
    with pytest.raises(ValidationError) as exc:
        services.report_open(form=village_form(), team=team, period=month_period(2027, 1))
    assert exc.value.error_dict["period"][0].code == "future_period" and "chưa bắt đầu" in exc.value.messages[0]
    assert not Report.objects.exists()


def test_return_needs_a_comment_and_tells_the_leader(world, team):
    report = submit_report(team, 2026, 10, {"CQ01": "5"}, by=world.leader_a1)
    with pytest.raises(ValidationError):
        services.report_return(report=report, by=world.officer_a, comment=" ")
    services.report_return(report=report, by=world.officer_a, comment="Kiểm tra lại CQ01")
    told = Notification.objects.get(recipient=world.leader_a1)
    assert told.subject == "Báo cáo bị trả lại: Thôn Nà Khà 10/2026" and "Cần sửa: Kiểm tra lại CQ01" in told.body
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    with pytest.raises(ValidationError):
        services.report_accept(report=report, by=world.officer_a)
    assert [e.action for e in report.events.all()] == ["created", "submitted", "returned"]


def test_closed_entry_and_reopening(world, team, monkeypatch):
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 6))
    freeze(monkeypatch, datetime.datetime(2026, 9, 15, 8, 0))  # 60 days after June ended
    with pytest.raises(ValidationError) as exc:
        services.report_save(report=report, values={"TT01": "1"}, version=report.version, save_key="a")
    assert exc.value.code == "closed"
    services.report_reopen(report=report, by=world.officer_a, days=3, reason="Trưởng thôn ốm")
    report.refresh_from_db()
    saved = services.report_save(report=report, values={"TT01": "1"}, version=report.version, save_key="b",
                                 submit=True)
    assert saved.status == ReportStatus.SUBMITTED and saved.on_time is False


def test_who_edits_and_who_reviews(world, team):
    report = submit_report(team, 2026, 10, {"CQ01": "5"}, submit=False)
    assert selectors.can_edit(world.leader_a1, report) and selectors.can_edit(world.officer_a, report)
    assert not selectors.can_edit(world.member_a1, report) and not selectors.can_edit(world.officer_b, report)
    assert selectors.can_review(world.officer_a, report) and selectors.can_review(world.province_admin, report)
    assert not selectors.can_review(world.leader_a1, report)


def test_values_are_stored_as_decimals_and_empty_is_missing(world, team):
    report = submit_report(team, 2026, 10, {"CQ01": "1.234", "CQ02": ""})
    values = {v.indicator.code: v.value for v in report.values.select_related("indicator")}
    assert values["CQ01"] == Decimal(1234) and values["CQ02"] is None
