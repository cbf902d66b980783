"""Indicators marked "Công khai" reach the citizen portal; those marked "Nhạy cảm" stay with the
commune office, the province admin and the leader who enters them: never in the Zalo text, on a
public page, or in an export unless the exporter ticks "Kèm chỉ số nhạy cảm" (and then audited)."""

import io
import re
from decimal import Decimal

import docx
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from tocns.audit.models import AuditEntry
from tocns.reports import selectors
from tocns.reports.choices import Visibility
from tocns.reports.exports import rollup_docx_for, rollup_xlsx, rollup_xlsx_for
from tocns.reports.models import Indicator
from tocns.reports.narrative import draft_narrative, report_zalo_summary, rollup_report_docx, zalo_summary
from tocns.reports.periods import parse_period

from ..factories import make_team, sign_in_verified
from .factories import established_long_ago, provincial, submit_report

pytestmark = pytest.mark.django_db

OCTOBER = parse_period("2026-10")
# XH03 (VssID guidance) is the sensitive count here; its figure 4.321 appears nowhere else.
SENSITIVE, SENSITIVE_WORD, SENSITIVE_FIGURE = "XH03", "VssID", "4.321"


def mark(code: str, visibility: str) -> None:
    Indicator.objects.filter(code=code).update(visibility=visibility)


@pytest.fixture
def teams(world):
    return {
        "a1": established_long_ago(make_team(world, world.village_a1, members=1)),
        "a2": established_long_ago(make_team(world, world.village_a2, members=1)),
        "xa": established_long_ago(make_team(world, world.commune_a, members=1)),
        "b1": established_long_ago(make_team(world, world.village_b1, members=1)),
    }


@pytest.fixture
def october(teams):
    """October's reports, sent: CQ01 is 120 + 30 + 5 in Thượng Lâm and 7 in Minh Xuân."""
    mark(SENSITIVE, Visibility.SENSITIVE)
    reports = {
        "a1": submit_report(teams["a1"], 2026, 10, {"CQ01": "120", SENSITIVE: "4321", "TT01": "3"}),
        "a2": submit_report(teams["a2"], 2026, 10, {"CQ01": "30"}),
        "xa": submit_report(teams["xa"], 2026, 10, {"CQ01": "5", "HT02.SO": "300", "HT02.TONG": "400"}),
        "b1": submit_report(teams["b1"], 2026, 10, {"CQ01": "7"}),
    }
    submit_report(teams["a1"], 2026, 9, {"CQ01": "999"})  # an older month: not the latest
    return reports


def sheet_of(data: bytes):
    """The roll-up sheet from its row of indicator codes on (above it: the title, when it was made,
    and the indicators' names)."""
    rows = [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    codes = next(i for i, row in enumerate(rows) if any(isinstance(c, str) and re.match(r"^[A-Z]{2}\d\d", c)
                                                          for c in row))
    return rows[codes:]


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# ---- the Zalo text ----------------------------------------------------------------------------------

def test_a_sensitive_figure_is_absent_from_the_roll_up_zalo_text(world, october):
    for unit in (world.commune_a, world.province):
        text = zalo_summary(selectors.rollup(unit=unit, period=OCTOBER))
        assert "155 người" in text or "162 người" in text  # CQ01 is still told
        assert SENSITIVE_FIGURE not in text and SENSITIVE_WORD not in text


def test_a_sensitive_figure_is_absent_from_a_teams_zalo_text(world, october):
    text = report_zalo_summary(october["a1"])
    assert "Hướng dẫn 120 người" in text
    assert SENSITIVE_FIGURE not in text and SENSITIVE_WORD not in text


def test_the_zalo_pages_leave_out_the_sensitive_figure(client, world, october):
    sign_in_verified(client, world.officer_a)
    page = client.get(reverse("reports:rollup"), {"unit": world.commune_a.code, "period": "2026-10",
                                                  "format": "zalo"}).content.decode()
    assert "155" in page and SENSITIVE_FIGURE not in page and SENSITIVE_WORD not in page
    page = client.get(reverse("reports:zalo", args=[october["a1"].pk])).content.decode()
    assert "120" in page and SENSITIVE_FIGURE not in page and SENSITIVE_WORD not in page


def test_a_share_built_on_a_sensitive_count_is_left_out_too(world, october):
    mark("HT02.SO", Visibility.SENSITIVE)
    text = zalo_summary(selectors.rollup(unit=world.commune_a, period=OCTOBER))
    assert "cáp quang" not in text and "75,0%" not in text
    assert "cáp quang" not in report_zalo_summary(october["xa"])


def test_without_sensitive_indicators_the_share_is_told_with_its_parts(world, october):
    text = zalo_summary(selectors.rollup(unit=world.commune_a, period=OCTOBER))
    assert "75,0% (300/400 hộ)" in text


# ---- exports ----------------------------------------------------------------------------------------

def test_an_unticked_excel_export_has_no_sensitive_column(world, october):
    rows = sheet_of(rollup_xlsx_for(user=world.officer_a, rollup=selectors.rollup(unit=world.commune_a,
                                                                                  period=OCTOBER)))
    assert "CQ01" in rows[0] and SENSITIVE not in rows[0]
    assert 4321 not in [cell for row in rows for cell in row]
    assert not AuditEntry.objects.filter(action="reports.export_sensitive").exists()


def test_the_excel_download_of_the_roll_up_page_has_no_sensitive_column(client, world, october):
    sign_in_verified(client, world.province_admin)
    response = client.get(reverse("reports:rollup"), {"unit": world.province.code, "period": "2026-10",
                                                      "format": "xlsx"})
    rows = sheet_of(response.content)
    assert "CQ01" in rows[0] and SENSITIVE not in rows[0]


def test_an_unticked_word_report_has_no_sensitive_figure(client, world, october):
    rollup = selectors.rollup(unit=world.commune_a, period=OCTOBER)
    assert SENSITIVE_WORD not in draft_narrative(rollup, None)
    text = docx_text(rollup_report_docx(rollup, None))
    assert "VNeID" in text and SENSITIVE_WORD not in text and SENSITIVE_FIGURE not in text
    sign_in_verified(client, world.officer_a)
    url = reverse("reports:rollup_document") + f"?unit={world.commune_a.code}&period=2026-10"
    page = client.get(url).content.decode()
    assert "hướng dẫn 155 người" in page and SENSITIVE_WORD not in page
    text = docx_text(client.post(url, {"narrative": ""}).content)
    assert "VNeID" in text and SENSITIVE_WORD not in text and SENSITIVE_FIGURE not in text


def test_an_officer_who_ticks_the_box_gets_the_sensitive_column_and_the_export_is_audited(world, october):
    rollup = selectors.rollup(unit=world.commune_a, period=OCTOBER)
    rows = sheet_of(rollup_xlsx_for(user=world.officer_a, rollup=rollup, include_sensitive=True))
    column = rows[0].index(SENSITIVE)
    assert {row[1]: row[column] for row in rows[1:]} == {"Xã Thượng Lâm": None, "Thôn Nà Khà": 4321,
                                                          "Thôn Khuổi Đăm": None, "Tổng cộng": 4321}
    entry = AuditEntry.objects.get(action="reports.export_sensitive")
    assert entry.actor == world.officer_a and entry.commune_id == world.commune_a.pk
    assert SENSITIVE in entry.summary and "nhạy cảm" in entry.summary and "tháng 10/2026" in entry.summary
    assert entry.data["sensitive"] == [SENSITIVE]


def test_the_province_admin_ticks_it_on_the_word_report_and_it_is_audited(world, october):
    rollup = selectors.rollup(unit=world.province, period=OCTOBER)
    text = docx_text(rollup_docx_for(user=world.province_admin, rollup=rollup, completeness=None,
                                     include_sensitive=True))
    assert SENSITIVE_WORD in text and SENSITIVE_FIGURE in text
    entry = AuditEntry.objects.get(action="reports.export_sensitive")
    assert entry.actor == world.province_admin and entry.province_id == world.province.pk
    assert "Word" in entry.summary


def test_the_chairman_may_tick_it_for_his_commune(world, october):
    rollup = selectors.rollup(unit=world.commune_a, period=OCTOBER)
    assert SENSITIVE in sheet_of(rollup_xlsx_for(user=world.chairman_a, rollup=rollup, include_sensitive=True))[0]


def test_a_team_member_or_leader_cannot_tick_it_and_nothing_is_recorded(world, october):
    rollup = selectors.rollup(unit=world.commune_a, period=OCTOBER)
    for user in (world.member_a1, world.leader_a1):
        with pytest.raises(PermissionDenied):
            rollup_xlsx_for(user=user, rollup=rollup, include_sensitive=True)
        with pytest.raises(PermissionDenied):
            rollup_docx_for(user=user, rollup=rollup, completeness=None, include_sensitive=True)
    assert not AuditEntry.objects.filter(action="reports.export_sensitive").exists()


def test_another_communes_officer_cannot_tick_it(world, october):
    rollup = selectors.rollup(unit=world.commune_b, period=OCTOBER)
    with pytest.raises(PermissionDenied):
        rollup_xlsx_for(user=world.officer_a, rollup=rollup, include_sensitive=True)
    with pytest.raises(PermissionDenied):
        rollup_xlsx_for(user=world.officer_a, rollup=selectors.rollup(unit=world.province, period=OCTOBER),
                        include_sensitive=True)


def test_rollup_xlsx_leaves_sensitive_columns_out_unless_asked(world, october):
    rollup = selectors.rollup(unit=world.commune_a, period=OCTOBER)
    assert SENSITIVE not in sheet_of(rollup_xlsx(rollup))[0]
    assert SENSITIVE in sheet_of(rollup_xlsx(rollup, include_sensitive=True))[0]


# ---- who sees a report's sensitive lines ----------------------------------------------------------

def test_the_leader_and_the_offices_see_a_reports_sensitive_lines_but_not_the_members(world, october):
    report = october["a1"]
    allowed = {name: selectors.sees_sensitive_in_report(user, report) for name, user in [
        ("leader", world.leader_a1), ("member", world.member_a1), ("officer", world.officer_a),
        ("chairman", world.chairman_a), ("province", world.province_admin), ("partner", world.partner)]}
    assert allowed == {"leader": True, "member": False, "officer": True, "chairman": True, "province": True,
                       "partner": False}
    assert not selectors.sees_sensitive_in_report(world.leader_a1, october["a2"])  # another team's report


# ---- the citizen portal -----------------------------------------------------------------------------

def test_public_totals_appear_on_the_communes_portal_page(client, world, october):
    mark("CQ01", Visibility.PUBLIC)
    page = client.get(reverse("portal:commune", args=[world.commune_a.code])).content.decode()
    figures = page[page.index('id="figures"'):]
    assert "tháng 10/2026" in figures
    assert "định danh điện tử VNeID mức 2" in figures
    assert "155 người" in figures and "162 người" in figures  # the commune's, then the province's
    assert "999" not in figures  # September's figure is not the latest


def test_a_month_still_running_does_not_replace_the_last_one_on_the_portal(client, world, teams, october):
    mark("CQ01", Visibility.PUBLIC)
    submit_report(teams["a2"], 2026, 11, {"CQ01": "2"})  # sent early in November: the month is not over
    page = client.get(reverse("portal:commune", args=[world.commune_a.code])).content.decode()
    assert "tháng 10/2026" in page and "155 người" in page and "tháng 11/2026" not in page


def test_public_totals_appear_on_the_visitors_home_page(client, world, october):
    mark("CQ01", Visibility.PUBLIC)
    mark("HT02", Visibility.PUBLIC)
    page = client.get(reverse("dashboard:home")).content.decode()
    figures = page[page.index('id="figures"'):]
    assert "tháng 10/2026" in figures and "162 người" in figures and "75,0%" in figures
    assert "155 người" not in figures


def test_no_figure_section_while_no_indicator_is_public(client, world, october):
    assert 'id="figures"' not in client.get(reverse("dashboard:home")).content.decode()
    assert 'id="figures"' not in client.get(reverse("portal:commune", args=[world.commune_a.code])).content.decode()


def test_sensitive_figures_never_reach_a_public_page(client, world, october):
    mark("CQ01", Visibility.PUBLIC)
    mark("HT02", Visibility.PUBLIC)
    mark("HT02.TONG", Visibility.SENSITIVE)  # a public share built on a sensitive base stays hidden
    for url in (reverse("dashboard:home"), reverse("portal:commune", args=[world.commune_a.code])):
        page = client.get(url).content.decode()
        assert "155 người" in page or "162 người" in page
        assert SENSITIVE_FIGURE not in page and SENSITIVE_WORD not in page
        assert "cáp quang" not in page and "75,0%" not in page


def test_a_draft_is_not_counted_on_the_portal(client, world, teams):
    mark("CQ01", Visibility.PUBLIC)
    submit_report(teams["a1"], 2026, 10, {"CQ01": "40"}, submit=False)
    assert 'id="figures"' not in client.get(reverse("portal:commune", args=[world.commune_a.code])).content.decode()
    submit_report(teams["a2"], 2026, 10, {"CQ01": "30"})
    page = client.get(reverse("portal:commune", args=[world.commune_a.code])).content.decode()
    assert "30 người" in page and "40 người" not in page and "70 người" not in page


# ---- the settings page ------------------------------------------------------------------------------

def test_the_admin_sets_the_flag_on_the_indicator_page_and_the_list_shows_it(client, world):
    sign_in_verified(client, world.province_admin)
    indicator = provincial(Indicator.objects.get(code=SENSITIVE), world)
    url = reverse("report_settings:indicator_edit", args=[indicator.pk])
    page = client.get(url).content.decode()
    for line in ("Bình thường:", "Công khai:", "Nhạy cảm:"):
        assert line in page
    assert 'type="radio" name="visibility" value="normal"' in page
    data = {"code": indicator.code, "name": indicator.name, "pillar": indicator.pillar,
            "aggregation": indicator.aggregation, "value_type": indicator.value_type,
            "unit_of_measure": indicator.unit_of_measure, "min_value": "0", "outlier_factor": "3",
            "description": indicator.description, "visibility": "sensitive"}
    assert client.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.visibility == Visibility.SENSITIVE
    entry = AuditEntry.objects.get(action="indicator.update", object_id=indicator.pk)
    assert entry.data["changed"]["visibility"] == ["normal", "sensitive"]
    listing = client.get(reverse("report_settings:indicators")).content.decode()
    row = listing[listing.index(f'id="i{indicator.pk}"'):]
    assert "Nhạy cảm" in row[:row.index("</li>")]


def test_a_post_without_the_flag_keeps_it_and_a_wrong_one_is_refused(client, world):
    sign_in_verified(client, world.province_admin)
    indicator = provincial(Indicator.objects.get(code=SENSITIVE), world)
    mark(SENSITIVE, Visibility.PUBLIC)
    url = reverse("report_settings:indicator_edit", args=[indicator.pk])
    data = {"code": indicator.code, "name": indicator.name, "pillar": indicator.pillar,
            "aggregation": indicator.aggregation, "value_type": indicator.value_type,
            "unit_of_measure": indicator.unit_of_measure, "min_value": "0", "outlier_factor": "3"}
    assert client.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.visibility == Visibility.PUBLIC
    response = client.post(url, {**data, "visibility": "secret"})
    assert response.status_code == 200 and "Hãy chọn Bình thường, Công khai hoặc Nhạy cảm." in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.visibility == Visibility.PUBLIC


def test_a_new_indicator_can_be_made_public_from_the_add_page(client, world):
    sign_in_verified(client, world.province_admin)
    response = client.post(reverse("report_settings:indicator_add"), {
        "code": "KT06", "name": "Số người dùng ví điện tử", "pillar": "economy", "aggregation": "sum",
        "value_type": "integer", "unit_of_measure": "người", "min_value": "0", "outlier_factor": "3",
        "visibility": "public"})
    assert response.status_code == 302
    assert Indicator.objects.get(code="KT06").visibility == Visibility.PUBLIC


def test_the_public_figures_take_a_fixed_number_of_queries(world, october, django_assert_max_num_queries):
    mark("CQ01", Visibility.PUBLIC)
    mark("HT02", Visibility.PUBLIC)
    with django_assert_max_num_queries(10):
        found = selectors.public_figures(world.commune_a)
    assert found.period.key == "2026-10"
    assert [(i.code, own, whole) for i, own, whole in found.rows] == [
        ("CQ01", 155, 162), ("HT02", Decimal("75.0"), Decimal("75.0"))]


# ---- the pages: the report page and the roll-up's tick box ------------------------------------------

def test_a_team_member_reading_the_teams_report_does_not_see_the_sensitive_line(client, world, october):
    report = october["a1"]
    client.force_login(world.member_a1)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "CQ01" in page and SENSITIVE not in page and SENSITIVE_WORD not in page
    check = client.post(reverse("reports:check", args=[report.pk, SENSITIVE]), {f"v_{SENSITIVE}": "1"})
    assert check.status_code == 404
    client.force_login(world.leader_a1)
    assert SENSITIVE in client.get(reverse("reports:detail", args=[report.pk])).content.decode()


def test_the_officer_ticks_the_box_on_the_roll_up_page_and_the_export_is_audited(client, world, october):
    sign_in_verified(client, world.officer_a)
    url = reverse("reports:rollup") + f"?unit={world.commune_a.code}&period=2026-10"
    page = client.get(url).content.decode()
    assert "Kèm chỉ số nhạy cảm" in page
    plain = client.get(url + "&format=xlsx")
    assert SENSITIVE not in sheet_of(plain.content)[0] and not AuditEntry.objects.filter(
        action="reports.export_sensitive").exists()
    ticked = client.get(url + "&format=xlsx&sensitive=1")
    assert any(SENSITIVE in str(cell) for row in sheet_of(ticked.content) for cell in row)
    assert AuditEntry.objects.filter(action="reports.export_sensitive", actor=world.officer_a).count() == 1
    document = client.get(reverse("reports:rollup_document") + f"?unit={world.commune_a.code}&period=2026-10")
    assert "Kèm chỉ số nhạy cảm" in document.content.decode()
