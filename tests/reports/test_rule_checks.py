"""Validation rules on the report page (issue #14, items 2 and 3): checked as the leader types,
on the saved draft and at sending; "block" refuses sending, "warn" asks for a reason kept on the
report; an empty cell skips the rule; ratios are figures, never a check of their own."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from tocns.reports import services
from tocns.reports.choices import ReportStatus
from tocns.reports.models import FormIndicator, Indicator, RuleConfirmation, ValidationRule
from tocns.reports.periods import month_period

from ..factories import make_team
from .factories import commune_team_form, established_long_ago, village_form
from .test_report_page import cell, confirmation, form_of, open_report, page_of, post

pytestmark = pytest.mark.django_db

PEOPLE_PER_SESSION = "Số người được tuyên truyền không thể ít hơn số buổi tuyên truyền"
FILES_PER_PERSON = "Số hồ sơ dịch vụ công thường không quá 3 lần số người được hướng dẫn VNeID"


def make_rule(left, operator, right, *, message, strength="block", form=None, **extra) -> ValidationRule:
    return ValidationRule.objects.create(name=message[:50], left=left, operator=operator, right=right,
                                         strength=strength, message=message, form=form, **extra)


def block_rule(**extra) -> ValidationRule:
    return make_rule("TT02", "ge", "TT01", message=PEOPLE_PER_SESSION, **extra)


def warn_rule(**extra) -> ValidationRule:
    return make_rule("CQ02", "le", "CQ01 * 3", message=FILES_PER_PERSON, strength="warn", **extra)


def open_as_leader(client, world, team):
    client.force_login(world.leader_a1)
    report = open_report(client, team)
    return report, form_of(page_of(client, report))


def sent_values(report) -> dict:
    return {v.indicator.code: v.value for v in report.values.select_related("indicator") if v.value is not None}


# ---- block ---------------------------------------------------------------------------------------

def test_a_block_rule_refuses_sending_with_its_message_and_keeps_the_draft_as_typed(client, world, team):
    block_rule()
    report, data = open_as_leader(client, world, team)
    saved = post(client, report, data, action="save", v_TT01="5", v_TT02="3")
    assert saved.status_code == 302  # a broken rule never stops a draft
    page = client.get(saved.url).content.decode()
    shown = f"{PEOPLE_PER_SESSION} (TT02 = 3; TT01 = 5)"
    assert shown in cell(page, "TT01") and shown in cell(page, "TT02")  # beside both cells it ties
    assert shown not in cell(page, "CQ01")

    refused = post(client, report, form_of(page), action="submit").content.decode()
    assert f"Báo cáo chưa được gửi: {shown}" in refused
    assert not confirmation(refused)  # nothing to confirm: it cannot go
    assert 'value="3"' in cell(refused, "TT02")
    page = post(client, report, form_of(page), action="confirm").content.decode()  # nor by the confirm button
    assert f"Báo cáo chưa được gửi: {shown}" in page
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.version == 2
    assert sent_values(report) == {"TT01": 5, "TT02": 3}  # the draft as typed


def test_a_block_rule_refusal_names_every_cell_it_ties_for_the_phone_queue(world, team):
    block_rule()
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 11))
    with pytest.raises(ValidationError) as exc:
        services.report_save(report=report, values={"TT01": "5", "TT02": "3"}, version=report.version,
                             save_key="send", submit=True, by=world.leader_a1)
    assert set(exc.value.message_dict) == {"TT01", "TT02"}
    assert PEOPLE_PER_SESSION in exc.value.message_dict["TT02"][0]
    assert not report.values.exists()  # a refused send writes nothing


# ---- warn ----------------------------------------------------------------------------------------

def test_a_warning_rule_needs_a_reason_then_sends_and_the_reason_is_kept_and_shown(client, world, team):
    rule = warn_rule()
    report, data = open_as_leader(client, world, team)
    typed = {**data, "v_CQ01": "2", "v_CQ02": "10"}
    asked = post(client, report, typed, action="submit").content.decode()
    shown = f"{FILES_PER_PERSON} (CQ02 = 10; CQ01 * 3 = 6)"
    assert shown in confirmation(asked) and f'name="reason_{rule.pk}"' in confirmation(asked)
    assert shown in cell(asked, "CQ01") and shown in cell(asked, "CQ02")

    without = post(client, report, form_of(asked), action="confirm").content.decode()
    assert "Hãy ghi lý do ngắn vì sao số liệu vẫn đúng (bắt buộc)." in confirmation(without)
    too_long = post(client, report, form_of(asked), action="confirm", **{f"reason_{rule.pk}": "x" * 301})
    assert "Lý do tối đa 300 ký tự (đang có 301)." in confirmation(too_long.content.decode())
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and not RuleConfirmation.objects.exists()

    reason = "Thôn tổ chức ngày hội dịch vụ công, nhiều hộ nộp hồ sơ cho người thân"
    sent = post(client, report, form_of(without), action="confirm", **{f"reason_{rule.pk}": reason})
    assert sent.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    confirmed = RuleConfirmation.objects.get(report=report)
    assert (confirmed.rule, confirmed.reason, confirmed.by) == (rule, reason, world.leader_a1)
    assert (confirmed.left_value, confirmed.right_value) == (10, 6)

    for user in (world.leader_a1, world.officer_a):  # the leader, and the officer who reviews it
        client.force_login(user)
        page = page_of(client, report)
        assert "Cảnh báo đã xác nhận khi gửi" in page and reason in page and shown in page


def test_a_warning_without_its_reason_is_refused_by_the_service_too(world, team):
    rule = warn_rule()
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 11))
    with pytest.raises(ValidationError) as exc:
        services.report_save(report=report, values={"CQ01": "2", "CQ02": "10"}, version=report.version,
                             save_key="phone", submit=True, reasons={rule.pk: "  "}, by=world.leader_a1)
    assert "Hãy xác nhận kèm lý do" in exc.value.message_dict["CQ02"][0]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and not RuleConfirmation.objects.exists()


def test_a_retried_send_writes_one_confirmation(client, world, team):
    rule = warn_rule()
    report, data = open_as_leader(client, world, team)
    asked = form_of(post(client, report, {**data, "v_CQ01": "2", "v_CQ02": "10"}, action="submit").content.decode())
    confirm = {**asked, "action": "confirm", f"reason_{rule.pk}": "Ngày hội dịch vụ công"}
    first = client.post(reverse("reports:detail", args=[report.pk]), confirm)
    second = client.post(reverse("reports:detail", args=[report.pk]), confirm)  # the answer was lost: tapped again
    assert first.status_code == second.status_code == 302
    assert RuleConfirmation.objects.filter(report=report).count() == 1
    assert report.events.filter(action="submitted").count() == 1


def test_a_returned_report_sent_again_keeps_one_confirmation_per_rule_with_the_new_reason(world, team):
    rule = warn_rule()
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 11))
    values = {"CQ01": "2", "CQ02": "10"}
    report = services.report_save(report=report, values=values, version=report.version, save_key="a", submit=True,
                                  reasons={rule.pk: "Ngày hội"}, by=world.leader_a1)
    services.report_return(report=report, by=world.officer_a, comment="Kiểm tra lại số hồ sơ")
    report.refresh_from_db()
    services.report_save(report=report, values={**values, "CQ02": "9"}, version=report.version, save_key="b",
                         submit=True, reasons={rule.pk: "Đã kiểm tra: 9 hồ sơ"}, by=world.leader_a1)
    confirmed = RuleConfirmation.objects.get(report=report)
    assert confirmed.reason == "Đã kiểm tra: 9 hồ sơ" and confirmed.left_value == 9


# ---- empty is missing, retired rules, as typed ---------------------------------------------------

def test_an_empty_indicator_skips_the_rule_but_zero_does_not(world, team):
    block_rule()
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 11))
    with pytest.raises(ValidationError):
        services.report_save(report=report, values={"TT01": "5", "TT02": "0"}, version=report.version,
                             save_key="zero", submit=True)
    sent = services.report_save(report=report, values={"TT01": "5", "TT02": ""}, version=report.version,
                                save_key="empty", submit=True)
    assert sent.status == ReportStatus.SUBMITTED


def test_the_cell_check_shows_the_rule_message_beside_the_cell_and_the_cells_it_ties(client, world, team):
    block_rule()
    report, data = open_as_leader(client, world, team)
    page = page_of(client, report)
    assert 'hx-include="closest form"' in cell(page, "TT02")  # the check posts every cell as typed
    check = reverse("reports:check", args=[report.pk, "TT02"])
    answer = client.post(check, {**data, "v_TT01": "5", "v_TT02": "3"}, HTTP_HX_REQUEST="true").content.decode()
    shown = f"{PEOPLE_PER_SESSION} (TT02 = 3; TT01 = 5)"
    assert shown in cell(answer, "TT02")
    other = answer.split('id="rules-tt01" hx-swap-oob="true"')[1].split("</div>")[0]
    assert shown in other  # beside TT01 too, swapped out of band
    assert 'id="rules-cq01"' not in answer  # a cell no rule ties is left alone

    mended = client.post(check, {**data, "v_TT01": "5", "v_TT02": "30"}, HTTP_HX_REQUEST="true").content.decode()
    assert PEOPLE_PER_SESSION not in mended and 'id="rules-tt01" hx-swap-oob="true"' in mended  # cleared there
    empty = client.post(check, {**data, "v_TT01": "", "v_TT02": "3"}, HTTP_HX_REQUEST="true").content.decode()
    assert PEOPLE_PER_SESSION not in empty  # empty is missing: the rule waits


def test_a_retired_rule_no_longer_checks_reports_not_yet_sent(world, team):
    rule = block_rule()
    other_team = established_long_ago(make_team(world, world.village_a2, members=1))
    opened = [services.report_open(form=village_form(), team=t, period=month_period(2026, 11))
              for t in (team, other_team)]
    drafts = [services.report_save(report=report, values={"TT01": "5", "TT02": "3"}, version=report.version,
                                   save_key=uuid.uuid4().hex) for report in opened]
    with pytest.raises(ValidationError):
        services.report_save(report=drafts[0], values={"TT01": "5", "TT02": "3"}, version=drafts[0].version,
                             save_key="before", submit=True)
    rule.retired_at = timezone.now()
    rule.save(update_fields=["retired_at"])
    for draft in drafts:
        sent = services.report_save(report=draft, values={"TT01": "5", "TT02": "3"}, version=draft.version,
                                    save_key=uuid.uuid4().hex, submit=True)
        assert sent.status == ReportStatus.SUBMITTED


def test_a_rule_for_another_form_does_not_check_this_one(world, team):
    block_rule(form=commune_team_form())
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 11))
    sent = services.report_save(report=report, values={"TT01": "5", "TT02": "3"}, version=report.version,
                                save_key="a", submit=True)
    assert sent.status == ReportStatus.SUBMITTED


# ---- ratios are figures (the stuck case of issue #14) --------------------------------------------

def test_a_ratio_banded_0_to_100_no_longer_refuses_a_count_above_its_base_until_a_rule_says_so(world):
    ratio = Indicator.objects.get(code="HT01")
    assert (ratio.aggregation, ratio.min_value, ratio.max_value) == ("ratio", 0, 100)  # the band of the issue
    team = established_long_ago(make_team(world, world.commune_a, members=1))
    realistic = {"HT01.SO": "1250", "HT01.TONG": "1100"}  # phones counted by owner, adults by the census
    october = services.report_open(form=commune_team_form(), team=team, period=month_period(2026, 10))
    sent = services.report_save(report=october, values=realistic, version=october.version, save_key="oct",
                                submit=True)
    assert sent.status == ReportStatus.SUBMITTED
    assert sent_values(sent) == {"HT01.SO": 1250, "HT01.TONG": 1100}

    rule = make_rule("HT01.SO", "le", "HT01.TONG", message="Số người có điện thoại không vượt số người trưởng thành")
    november = services.report_open(form=commune_team_form(), team=team, period=month_period(2026, 11))
    with pytest.raises(ValidationError) as exc:
        services.report_save(report=november, values=realistic, version=november.version, save_key="nov",
                             submit=True)
    assert "không vượt số người trưởng thành (HT01.SO = 1.250; HT01.TONG = 1.100)" in exc.value.messages[0]
    assert "quá 100%" not in " ".join(exc.value.messages)
    rule.retired_at = timezone.now()  # the province lifts it: the stuck report goes
    rule.save(update_fields=["retired_at"])
    assert services.report_save(report=november, values=realistic, version=november.version, save_key="nov2",
                                submit=True).status == ReportStatus.SUBMITTED


# ---- sections ------------------------------------------------------------------------------------

def test_form_sections_are_headings_above_their_lines_in_the_form_order(client, world, team):
    lines = FormIndicator.objects.filter(form=village_form())
    lines.update(order=F("order") + 100)
    for position, code in enumerate(["CQ01", "CQ02", "CQ03", "CQ04"]):  # moved to the top of the form
        lines.filter(indicator__code=code).update(order=position, section="Hỗ trợ dịch vụ công")
    lines.filter(indicator__code__in=["TT01", "TT02", "TT03"]).update(section="Tuyên truyền, vận động")
    report, _data = open_as_leader(client, world, team)
    page = page_of(client, report)
    order = [page.index(mark) for mark in (
        "<h2>Hỗ trợ dịch vụ công</h2>", 'id="line-cq01"', 'id="line-cq04"', "<h2>Tuyên truyền, vận động</h2>",
        'id="line-tt01"', 'id="line-tt03"', "<h2>Kinh tế số</h2>", 'id="line-kt01"')]  # no section: its pillar's
    assert order == sorted(order)
    assert "<h2>Chính quyền số</h2>" not in page and "<h2>Tuyên truyền</h2>" not in page
