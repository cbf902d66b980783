"""The validation rule pages (the province admin adds, edits and retires rules) and the validation
analysis (every rule broken by a unit's reports for a period, with a link to each report)."""

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tocns.audit.models import AuditEntry
from tocns.reports.models import ReportForm, RuleConfirmation, ValidationRule
from tocns.reports.periods import month_period
from tocns.reports.validation import rule_save, validation_analysis

from ..factories import make_team
from .factories import established_long_ago, submit_report, village_form

pytestmark = pytest.mark.django_db

BLOCK = {"name": "Hồ sơ trực tuyến không quá số người được hướng dẫn", "left": "CQ02", "operator": "le",
         "right": "CQ01 + CQ03", "right_high": "", "strength": "block",
         "message": "Số hồ sơ trực tuyến không thể nhiều hơn số người được hướng dẫn.", "form": ""}
WARN = {"name": "Tuyên truyền quá đông", "left": "TT02", "operator": "le", "right": "TT01 × 200",
        "right_high": "", "strength": "warn", "message": "Mỗi buổi tuyên truyền hơn 200 người: hãy kiểm tra lại.",
        "form": ""}


def add(client, data):
    return client.post(reverse("report_settings:rule_add"), data)


def test_the_province_admin_adds_a_block_rule_and_a_warn_rule_and_both_are_listed(client, world):
    client.force_login(world.province_admin)
    form = village_form()
    assert add(client, BLOCK).status_code == 302
    assert add(client, {**WARN, "form": form.pk}).status_code == 302
    block, warn = ValidationRule.objects.order_by("id")
    assert (block.strength, block.left, block.right, block.form) == ("block", "CQ02", "CQ01 + CQ03", None)
    assert (warn.strength, warn.form) == ("warn", form)
    assert block.created_by == world.province_admin
    page = client.get(reverse("report_settings:rules")).content.decode()
    assert "CQ02 ≤ CQ01 + CQ03" in page and "TT02 ≤ TT01 × 200" in page
    assert "Số hồ sơ trực tuyến không thể nhiều hơn số người được hướng dẫn." in page
    assert form.name in page
    assert AuditEntry.objects.filter(action="validation_rule.create", object_id=block.pk,
                                     province_id=world.province.pk).exists()


def test_between_needs_its_upper_bound_and_other_operators_refuse_one(client, world):
    client.force_login(world.province_admin)
    response = add(client, {**BLOCK, "operator": "between", "right": "0", "right_high": ""})
    assert "Với “trong khoảng”, hãy nhập cả giới hạn trên." in response.content.decode()
    response = add(client, {**BLOCK, "right_high": "CQ01"})
    assert "Chỉ điền ô này khi chọn “trong khoảng”" in response.content.decode()
    assert add(client, {**BLOCK, "operator": "between", "left": "TT02", "right": "TT01",
                        "right_high": "TT01 * 300"}).status_code == 302
    assert ValidationRule.objects.get().expression == "TT01 ≤ TT02 ≤ TT01 * 300"


def field_error(html: str, field: str) -> str:
    """The text of the block that holds one field, its error included."""
    start = html.index(f'id="field-{field}"')
    return html[start:html.index("</div>", start)]


def test_a_syntax_error_is_shown_beside_its_field_with_the_position_and_nothing_is_written(client, world):
    client.force_login(world.province_admin)
    response = add(client, {**BLOCK, "right": "CQ01 + * CQ03"})
    assert response.status_code == 200
    html = response.content.decode()
    beside = field_error(html, "right")
    assert "vị trí 8" in beside
    assert 'value="CQ01 + * CQ03"' in beside  # what was typed stays
    assert 'value="Hồ sơ trực tuyến không quá số người được hướng dẫn"' in html
    assert not ValidationRule.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="validation_rule").exists()


def test_an_unknown_code_a_computed_ratio_and_a_code_off_the_form_are_refused_beside_the_field(client, world):
    client.force_login(world.province_admin)
    html = add(client, {**BLOCK, "left": "HN + HCN"}).content.decode()
    assert "Không có chỉ số mã HCN, HN." in field_error(html, "left")
    html = add(client, {**BLOCK, "left": "HT01", "right": "100"}).content.decode()
    assert "HT01 là tỷ lệ tính ra" in field_error(html, "left")
    html = add(client, {**BLOCK, "left": "HT01.SO", "right": "HT01.TONG", "form": village_form().pk}).content.decode()
    assert "không có chỉ số HT01.SO" in field_error(html, "left")
    assert "không có chỉ số HT01.TONG" in field_error(html, "right")
    assert not ValidationRule.objects.exists()


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(client, world):
    rule = rule_save(data={**BLOCK, "form": None}, by=world.province_admin, province=world.province)
    client.force_login(world.province_admin)
    url = reverse("report_settings:rule_edit", args=[rule.pk])
    assert client.get(url).status_code == 200
    # Someone else saves first.
    rule_save(rule=rule, data={**BLOCK, "form": None, "message": "Bản của người khác."}, version=1,
              by=world.province_admin)
    typed = {**BLOCK, "right": "CQ01", "message": "Bản tôi gõ.", "version": 1}
    response = client.post(url, typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "vừa được người khác sửa" in html
    assert "Bản tôi gõ." in field_error(html, "message")
    assert 'value="CQ01"' in field_error(html, "right")
    assert "Bản của người khác." in html  # the current version is shown beside
    rule.refresh_from_db()
    assert (rule.message, rule.right, rule.version) == ("Bản của người khác.", "CQ01 + CQ03", 2)
    # Saving again, now knowing, replaces it.
    assert client.post(url, {**typed, "version": 2}).status_code == 302
    rule.refresh_from_db()
    assert (rule.message, rule.right, rule.version) == ("Bản tôi gõ.", "CQ01", 3)


def test_retiring_keeps_the_rule_as_a_record_and_stops_its_check(client, world):
    rule = rule_save(data={**BLOCK, "form": None}, by=world.province_admin, province=world.province)
    client.force_login(world.province_admin)
    assert client.post(reverse("report_settings:rule_retire", args=[rule.pk])).status_code == 302
    rule.refresh_from_db()
    assert rule.retired_at is not None
    from tocns.reports.rules import rules_for_form

    assert rules_for_form(village_form(), world.province) == []
    page = client.get(reverse("report_settings:rules")).content.decode()
    assert "Đã thôi dùng" in page and "CQ02 ≤ CQ01 + CQ03" in page
    response = client.post(reverse("report_settings:rule_edit", args=[rule.pk]), {**BLOCK, "version": rule.version})
    assert response.status_code == 200
    rule.refresh_from_db()
    assert rule.retired_at is not None
    assert AuditEntry.objects.filter(action="validation_rule.retire", object_id=rule.pk).exists()


def test_a_commune_officer_cannot_open_the_rule_pages(client, world):
    rule = rule_save(data={**BLOCK, "form": None}, by=world.province_admin)
    client.force_login(world.officer_a)
    for url in (reverse("report_settings:rules"), reverse("report_settings:rule_add"),
                reverse("report_settings:rule_edit", args=[rule.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("report_settings:rule_add"), WARN).status_code == 404
    assert client.post(reverse("report_settings:rule_retire", args=[rule.pk])).status_code == 404
    assert ValidationRule.objects.get().retired_at is None
    assert ValidationRule.objects.count() == 1


# ---- validation analysis -------------------------------------------------------------------------

@pytest.fixture
def broken(world, team):
    """Thôn Nà Khà's October report breaks the block rule and the warning (confirmed with a reason);
    Thôn Khuổi Đăm's keeps both."""
    other = established_long_ago(make_team(world, world.village_a2, members=1))
    report = submit_report(team, 2026, 10, {"CQ01": "5", "CQ02": "40", "CQ03": "3", "TT01": "1", "TT02": "450"})
    submit_report(other, 2026, 10, {"CQ01": "5", "CQ02": "4", "CQ03": "3", "TT01": "2", "TT02": "90"})
    block = rule_save(data={**BLOCK, "form": None}, by=world.province_admin, province=world.province)
    warn = rule_save(data={**WARN, "form": village_form()}, by=world.province_admin, province=world.province)
    RuleConfirmation.objects.create(report=report, rule=warn, reason="Ngày hội VNeID cả xã", left_value=450,
                                    right_value=200, by=world.leader_a1)
    return report, block, warn


def analysis(client, **params):
    return client.get(reverse("reports:validation"), params)


def test_the_analysis_lists_each_broken_rule_with_a_link_to_the_report(client, world, broken):
    report, block, warn = broken
    client.force_login(world.officer_a)
    response = analysis(client, unit=world.commune_a.code, period="2026-10")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thôn Nà Khà" in html and "Thôn Khuổi Đăm" not in html
    assert "Số hồ sơ trực tuyến không thể nhiều hơn số người được hướng dẫn. (CQ02 = 40; CQ01 + CQ03 = 8)" in html
    assert "Mỗi buổi tuyên truyền hơn 200 người: hãy kiểm tra lại. (TT02 = 450; TT01 × 200 = 200)" in html
    assert "Ngày hội VNeID cả xã" in html
    assert reverse("reports:detail", args=[report.pk]) in html
    assert "Đã gửi" in html  # the report's status


def test_the_analysis_reads_reports_and_values_in_one_query_each(world, broken, django_assert_max_num_queries):
    result = validation_analysis(unit=world.province, period=month_period(2026, 10), form=village_form())
    assert [(f.report.unit.name, f.rule.name) for f in result.findings] == [
        ("Thôn Nà Khà", BLOCK["name"]), ("Thôn Nà Khà", WARN["name"])]
    assert result.reports_checked == 2 and result.blocking == 1 and result.warnings == 1
    assert result.findings[1].confirmation.reason == "Ngày hội VNeID cả xã"
    from django.db import connection

    with CaptureQueriesContext(connection) as captured:
        validation_analysis(unit=world.province, period=month_period(2026, 10), form=village_form())
    values_queries = [q for q in captured.captured_queries if "reports_reportvalue" in q["sql"]]
    report_queries = [q for q in captured.captured_queries if 'FROM "reports_report" ' in q["sql"]]
    assert len(values_queries) == 1 and len(report_queries) == 1
    assert len(captured.captured_queries) <= 8


def test_a_retired_rule_leaves_the_analysis(client, world, broken):
    _report, block, _warn = broken
    client.force_login(world.province_admin)
    client.post(reverse("report_settings:rule_retire", args=[block.pk]))
    html = analysis(client, unit=world.province.code, period="2026-10", form=village_form().pk).content.decode()
    assert "CQ02 = 40" not in html and "TT02 = 450" in html


def test_a_commune_officer_cannot_analyse_another_commune_or_the_province(client, world, broken):
    client.force_login(world.officer_a)
    assert analysis(client, unit=world.commune_b.code, period="2026-10").status_code == 404
    assert analysis(client, unit=world.province.code, period="2026-10").status_code == 404
    assert analysis(client, unit=world.other_commune.code, period="2026-10").status_code == 404
    client.force_login(world.officer_b)
    html = analysis(client, unit=world.commune_b.code, period="2026-10").content.decode()
    assert "Thôn Nà Khà" not in html


def test_a_team_leader_cannot_open_the_analysis(client, world, broken):
    client.force_login(world.leader_a1)
    assert analysis(client).status_code == 404
    assert analysis(client, unit=world.village_a1.code).status_code == 404


def test_the_province_admin_sees_the_province_by_default_with_its_communes(client, world, broken):
    client.force_login(world.province_admin)
    html = analysis(client, period="2026-10").content.decode()
    assert "Tuyên Quang" in html and "Xã Thượng Lâm" in html
    assert "Thôn Nà Khà" in html
    assert ReportForm.objects.get(code="THANG-THON").name in html
