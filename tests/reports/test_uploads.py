"""A commune officer types his villages' figures into one Excel sheet and uploads it: every cell is
checked as typing would check it, nothing is written before he confirms, a report already sent is
never overwritten, and the same file or a second tap changes nothing."""

import io
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from openpyxl import load_workbook

from tocns.audit.models import AuditEntry
from tocns.reports.choices import ReportAction, ReportStatus, UploadStatus
from tocns.reports.models import Report, ReportEvent, ReportUpload, RuleConfirmation, ValidationRule
from tocns.reports.uploads import upload_confirm

from ..factories import make_team, make_unit
from .factories import ensure_catalogue, established_long_ago, submit_report, village_form

pytestmark = pytest.mark.django_db

PERIOD = "2026-10"  # the clock stands at 20/11/2026 (conftest)


@pytest.fixture
def teams(world, team):
    """Commune A's two village teams (Nà Khà, Khuổi Đăm), one in commune B, and a team of commune A
    only proposed, which owes nothing yet."""
    second = established_long_ago(make_team(world, world.village_a2, members=1))
    other = established_long_ago(make_team(world, world.village_b1, members=1))
    proposed_village = make_unit(name="Thôn Bản Pài", kind="thon", parent=world.commune_a)
    make_team(world, proposed_village, established=False)
    return {"nakha": team, "khuoidam": second, "other": other}


@pytest.fixture
def block_rule(world):
    return ValidationRule.objects.create(
        name="Tự học không quá số được tuyên truyền", left="TT03", operator="le", right="TT02", strength="block",
        message="Số người được hướng dẫn tự học không được lớn hơn số người được tuyên truyền")


def sheet_params(world, period=PERIOD):
    return {"unit": world.commune_a.code, "form": village_form().pk, "period": period}


def download(client, world) -> bytes:
    response = client.get(reverse("reports:upload_sheet"), sheet_params(world))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    return response.content


def filled(sheet_bytes: bytes, figures: dict[str, dict[str, object]], extra_rows=()) -> bytes:
    """The downloaded sheet with figures typed in: {team code: {indicator code: value}}."""
    book = load_workbook(io.BytesIO(sheet_bytes))
    sheet = book.active
    columns = {cell.value.split(" ", 1)[0]: cell.column for cell in sheet[3][3:]}
    rows = {sheet.cell(row=r, column=1).value: r for r in range(4, sheet.max_row + 1)}
    for code, values in figures.items():
        for indicator, value in values.items():
            sheet.cell(row=rows[code], column=columns[indicator]).value = value
    for cells in extra_rows:
        row = sheet.max_row + 1
        for column, value in enumerate(cells, start=1):
            sheet.cell(row=row, column=column).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, world, data: bytes, name="thuong-lam-10.xlsx"):
    return client.post(reverse("reports:upload"), {**sheet_params(world), "file": _file(data, name)}, follow=True)


def _file(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def code(team):
    return team.unit.code


def test_the_sheet_has_one_row_per_team_that_must_report_with_the_header_frozen(client, world, teams):
    client.force_login(world.officer_a)
    book = load_workbook(io.BytesIO(download(client, world)))
    sheet = book.active
    assert "(THANG-THON · 2026-10)" in sheet["A1"].value and "Xã Thượng Lâm" in sheet["A1"].value
    header = [cell.value for cell in sheet[3]]
    assert header[:3] == ["Mã tổ", "Thôn, tổ dân phố", "Tên tổ"]
    assert header[3].startswith("TT01 – ") and header[3].endswith("(buổi)")
    assert len(header) == 3 + 17  # the village form's 17 counts, each with its code, name and unit
    assert sheet.freeze_panes == "D4"
    rows = [[cell.value for cell in row[:3]] for row in sheet.iter_rows(min_row=4)]
    assert rows == [[code(teams["khuoidam"]), "Thôn Khuổi Đăm", "Tổ CNSCĐ Thôn Khuổi Đăm"],
                    [code(teams["nakha"]), "Thôn Nà Khà", "Tổ CNSCĐ Thôn Nà Khà"]]
    assert sheet.column_dimensions["B"].width >= 16 and sheet.column_dimensions["D"].width >= 20


def test_a_bad_cell_and_a_broken_block_rule_are_listed_by_row_and_column_and_nothing_is_written(
        client, world, teams, block_rule):
    client.force_login(world.officer_a)
    data = filled(download(client, world), {
        code(teams["khuoidam"]): {"CQ01": "12a", "TT01": 2},
        code(teams["nakha"]): {"TT02": 10, "TT03": 25},
    })
    page = upload(client, world, data).content.decode()
    assert "Dòng 4, cột CQ01: Hãy nhập một số" in page
    assert "Dòng 5, cột TT02, TT03: Số người được hướng dẫn tự học không được lớn hơn" in page
    assert "Xác nhận, ghi và gửi" not in page  # nothing clean to write
    assert not Report.objects.exists()
    assert ReportUpload.objects.get().status == UploadStatus.CHECKED


def test_confirming_writes_the_clean_rows_and_skips_a_report_already_sent(client, world, teams, block_rule):
    sent = submit_report(teams["nakha"], 2026, 10, {"TT01": "1"}, by=world.leader_a1)
    client.force_login(world.officer_a)
    data = filled(download(client, world), {
        code(teams["khuoidam"]): {"TT01": 3, "CQ01": "1.200"},
        code(teams["nakha"]): {"TT01": 9},
    })
    page = upload(client, world, data).content.decode()
    assert "Bỏ qua: tổ đã gửi" in page and "Sẽ ghi và gửi" in page
    assert not Report.objects.filter(unit=world.village_a2).exists()  # checked, not written
    done = client.post(reverse("reports:upload_detail", args=[ReportUpload.objects.get().pk]), follow=True)
    assert "Đã ghi và gửi 1 báo cáo; bỏ qua 1 báo cáo tổ đã gửi." in done.content.decode()
    written = Report.objects.get(unit=world.village_a2, period_key=PERIOD)
    assert written.status == ReportStatus.SUBMITTED and written.submitted_by == world.officer_a
    values = {v.indicator.code: v.value for v in written.values.select_related("indicator")}
    assert values["TT01"] == 3 and values["CQ01"] == 1200
    assert values["TT02"] is None  # an empty cell is missing, never 0
    assert "tệp Excel" in written.events.get(action=ReportAction.SUBMITTED).comment
    untouched = Report.objects.get(pk=sent.pk)
    assert untouched.version == sent.version and untouched.values.get(indicator__code="TT01").value == 1


def test_the_same_file_again_changes_nothing_and_says_when_it_was_imported(client, world, teams):
    client.force_login(world.officer_a)
    data = filled(download(client, world), {code(teams["khuoidam"]): {"TT01": 3}})
    upload(client, world, data)
    first = ReportUpload.objects.get()
    client.post(reverse("reports:upload_detail", args=[first.pk]))
    report = Report.objects.get(unit=world.village_a2)
    again = upload(client, world, data, name="gui-lai.xlsx")
    assert "Tệp này đã được nhập lúc 10:00 20/11/2026: không có gì thay đổi." in again.content.decode()
    assert again.redirect_chain[-1][0] == reverse("reports:upload_detail", args=[first.pk])
    assert ReportUpload.objects.count() == 1
    assert Report.objects.get(pk=report.pk).version == report.version
    assert ReportEvent.objects.filter(report=report, action=ReportAction.SUBMITTED).count() == 1


def test_a_double_confirm_writes_once(client, world, teams):
    client.force_login(world.officer_a)
    upload(client, world, filled(download(client, world), {code(teams["khuoidam"]): {"TT01": 3}}))
    pk = ReportUpload.objects.get().pk
    client.post(reverse("reports:upload_detail", args=[pk]))
    report = Report.objects.get(unit=world.village_a2)
    client.post(reverse("reports:upload_detail", args=[pk]))
    assert Report.objects.get(pk=report.pk).version == report.version
    assert ReportEvent.objects.filter(report=report, action=ReportAction.SUBMITTED).count() == 1
    assert AuditEntry.objects.filter(action="report.upload").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_the_same_moment_write_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs two real database connections: runs on PostgreSQL (make test in CI)")
    from ..factories import World

    ensure_catalogue()
    world = World()
    team = established_long_ago(make_team(world, world.village_a2, members=1))
    from django.test import Client

    client = Client()
    client.force_login(world.officer_a)
    upload(client, world, filled(download(client, world), {code(team): {"TT01": 3}}))
    pending = ReportUpload.objects.get()
    barrier = threading.Barrier(2)
    outcomes = []

    def confirm():
        try:
            barrier.wait()
            outcomes.append(upload_confirm(upload=pending, by=world.officer_a).outcome["written"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    report = Report.objects.get(unit=world.village_a2)
    assert outcomes == [[report.pk], [report.pk]]  # the second saw the first's outcome, wrote nothing
    assert ReportEvent.objects.filter(report=report, action=ReportAction.SUBMITTED).count() == 1
    # The upload row's lock, not only the report's save key: one import recorded, not two.
    assert AuditEntry.objects.filter(action="report.upload").count() == 1


def test_a_team_leader_and_another_communes_officer_get_404(client, world, teams):
    client.force_login(world.officer_a)
    upload(client, world, filled(download(client, world), {code(teams["khuoidam"]): {"TT01": 3}}))
    pk = ReportUpload.objects.get().pk
    for user in (world.leader_a1, world.officer_b):
        client.force_login(user)
        assert client.get(reverse("reports:upload_detail", args=[pk])).status_code == 404
        assert client.post(reverse("reports:upload_detail", args=[pk])).status_code == 404
        assert client.post(reverse("reports:upload_discard", args=[pk])).status_code == 404
    client.force_login(world.leader_a1)
    assert client.get(reverse("reports:upload"), sheet_params(world)).status_code == 404
    assert client.get(reverse("reports:upload_sheet"), sheet_params(world)).status_code == 404
    client.force_login(world.officer_b)
    assert client.get(reverse("reports:upload_sheet"), sheet_params(world)).status_code == 404
    assert not Report.objects.exists()
    assert ReportUpload.objects.get().status == UploadStatus.CHECKED


def test_another_communes_team_in_the_file_is_refused_for_that_row(client, world, teams):
    client.force_login(world.officer_a)
    data = filled(download(client, world), {code(teams["khuoidam"]): {"TT01": 3}},
                  extra_rows=[[code(teams["other"]), "Tổ dân phố số 1", "", 7]])
    page = upload(client, world, data).content.decode()
    assert (f"Dòng 6, cột Mã tổ: Mã {code(teams['other'])} không phải tổ thôn, tổ dân phố nào của Xã Thượng Lâm: "
            "dòng này không được nhập.") in page
    client.post(reverse("reports:upload_detail", args=[ReportUpload.objects.get().pk]))
    assert Report.objects.filter(unit=world.village_a2, status=ReportStatus.SUBMITTED).exists()
    assert not Report.objects.filter(unit=world.village_b1).exists()


def test_a_warning_rule_is_shown_and_confirmed_with_the_officers_reason(client, world, teams):
    warn = ValidationRule.objects.create(name="Nhiều buổi", left="TT01", operator="le", right="10", strength="warn",
                                         message="Hơn 10 buổi tuyên truyền trong tháng: hãy kiểm tra")
    client.force_login(world.officer_a)
    page = upload(client, world, filled(download(client, world), {code(teams["khuoidam"]): {"TT01": 14}}))
    assert "Cảnh báo (TT01): Hơn 10 buổi tuyên truyền trong tháng" in page.content.decode()
    url = reverse("reports:upload_detail", args=[ReportUpload.objects.get().pk])
    asked = client.post(url, {"reason": " "}).content.decode()
    assert "hãy ghi lý do xác nhận" in asked and not Report.objects.exists()
    client.post(url, {"reason": "Tháng có hội chợ, tổ đi nhiều buổi"})
    confirmation = RuleConfirmation.objects.get(rule=warn)
    assert confirmation.report.unit == world.village_a2 and confirmation.by == world.officer_a
    assert confirmation.reason == "Tháng có hội chợ, tổ đi nhiều buổi" and confirmation.left_value == 14


def test_a_sheet_of_another_period_is_refused_whole(client, world, teams):
    client.force_login(world.officer_a)
    data = filled(download(client, world), {code(teams["khuoidam"]): {"TT01": 3}})
    response = client.post(reverse("reports:upload"), {**sheet_params(world, "2026-09"), "file": _file(data, "t.xlsx")})
    assert "Tệp này là của mẫu THANG-THON, kỳ 2026-10" in response.content.decode()
    assert not ReportUpload.objects.exists()


def test_the_completeness_page_links_the_upload_for_the_commune_officer_only(client, world, teams):
    url = reverse("reports:completeness")
    client.force_login(world.officer_a)
    page = client.get(url, {"unit": world.commune_a.code, "period": PERIOD}).content.decode()
    assert 'id="upload-link"' in page
    assert client.get(reverse("reports:upload"), {"unit": world.commune_a.code, "period": PERIOD}).status_code == 200
    for user in (world.chairman_a, world.province_admin):
        client.force_login(user)
        page = client.get(url, {"unit": world.commune_a.code, "period": PERIOD}).content.decode()
        assert 'id="upload-link"' not in page
