import datetime

import pytest
from django.urls import reverse

from tocns.reports.choices import ReportStatus
from tocns.reports.models import Report

from ..factories import make_team
from .factories import established_long_ago, freeze, submit_report, village_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    """Three days before November's report is due, so the reminder shows."""
    freeze(monkeypatch, datetime.datetime(2026, 11, 26, 10, 0))


def open_this_month(client, team):
    response = client.post(reverse("reports:open"), {"form": village_form().pk, "team": team.pk,
                                                     "period": "2026-11"})
    return Report.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[-1]))


def test_leader_fills_in_saves_and_submits_this_months_report(client, world, team):
    client.force_login(world.leader_a1)
    listing = client.get(reverse("reports:list")).content.decode()
    assert "Nhập báo cáo tháng này" in listing and "tháng 11/2026" in listing
    report = open_this_month(client, team)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "CQ01" in page and "Chính quyền số" in page and 'inputmode="decimal"' in page
    data = {"version": report.version, "save_key": "k1", "v_CQ01": "12", "v_TT02": "-4", "action": "submit",
            "difficulties": "Sóng yếu ở xóm trên"}
    refused = client.post(reverse("reports:detail", args=[report.pk]), data).content.decode()
    assert "Số không được âm." in refused and "Sóng yếu ở xóm trên" in refused
    assert "Báo cáo chưa được gửi: có 1 ô cần sửa" in refused
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and not report.values.exists()
    data.update({"v_TT02": "40", "save_key": "k2"})
    asked = client.post(reverse("reports:detail", args=[report.pk]), data).content.decode()
    assert "Ô để trống là chưa có số liệu, khác với 0" in asked and 'value="k2"' in asked
    response = client.post(reverse("reports:detail", args=[report.pk]), {**data, "action": "confirm"}, follow=True)
    assert "Đã gửi báo cáo tháng 11/2026" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.on_time and report.difficulties == "Sóng yếu ở xóm trên"


def test_a_value_is_checked_as_it_is_typed(client, world, team):
    client.force_login(world.leader_a1)
    report = open_this_month(client, team)
    response = client.post(reverse("reports:check", args=[report.pk, "CQ01"]), {"v_CQ01": "abc"},
                           HTTP_HX_REQUEST="true")
    assert "Hãy nhập một số" in response.content.decode() and "<html" not in response.content.decode()


def test_officer_returns_and_the_leader_sees_it_first_on_home(client, world, team):
    report = submit_report(team, 2026, 11, {"CQ01": "12"}, by=world.leader_a1)
    client.force_login(world.officer_a)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "Chờ xem xét: báo cáo Thôn Nà Khà" in home
    client.post(reverse("reports:review", args=[report.pk]), {"action": "return", "comment": "Thiếu CQ02"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    client.force_login(world.leader_a1)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "Báo cáo bị trả lại: Thôn Nà Khà" in home and "Thiếu CQ02" in home
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "Gửi báo cáo" in page  # corrected and resubmitted in place


def test_a_leader_cannot_review_and_another_commune_sees_404(client, world, team):
    report = submit_report(team, 2026, 11, {"CQ01": "12"})
    client.force_login(world.leader_a1)
    assert client.post(reverse("reports:review", args=[report.pk]), {"action": "accept"}).status_code == 404
    client.force_login(world.officer_b)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:rollup") + f"?unit={world.commune_a.code}").status_code == 404


def test_due_soon_shows_on_the_leaders_home(client, world, team):
    client.force_login(world.leader_a1)
    home = client.get(reverse("dashboard:home")).content.decode()
    card = home.split('id="report-2026-11"')[1].split("</form>")[0]
    assert "Báo cáo tháng 11/2026" in card and "Hạn 29/11/2026 · còn 3 ngày" in card


def test_completeness_page_lists_missing_teams_with_a_call_link(client, world, team):
    established_long_ago(make_team(world, world.village_a2, members=1))
    submit_report(team, 2026, 10, {"CQ01": "3"})
    client.force_login(world.officer_a)
    page = client.get(reverse("reports:completeness") + "?period=2026-10").content.decode()
    assert "1/2" in page and "Thôn Khuổi Đăm" in page and 'href="tel:0' in page


def test_rollup_page_shows_totals_and_missing_as_blank(client, world, team):
    submit_report(team, 2026, 10, {"CQ01": "1234"})
    client.force_login(world.province_admin)
    page = client.get(reverse("reports:rollup") + "?unit=08&period=2026-10").content.decode()
    assert "1.234" in page and "Số liệu tính đến" in page and "Xã Thượng Lâm" in page
    bad = client.get(reverse("reports:rollup") + "?unit=08&period=2026-13").content.decode()
    assert "Tháng phải từ 1 đến 12" in bad


def test_a_report_for_the_future_is_refused_with_a_message(client, world, team):
    client.force_login(world.leader_a1)
    response = client.post(reverse("reports:open"), {"form": village_form().pk, "team": team.pk,
                                                     "period": "2027-01"}, follow=True)
    assert "chưa bắt đầu" in response.content.decode() and not Report.objects.exists()


def test_commune_officer_opens_the_quarterly_report_prefilled_from_accepted_team_reports(client, world, team):
    from tocns.reports.services import report_accept

    report_accept(report=submit_report(team, 2026, 10, {"CQ01": "12"}), by=world.officer_a)
    client.force_login(world.officer_a)
    listing = client.get(reverse("reports:list")).content.decode()
    assert "quý IV/2026" in listing and "Lập báo cáo (số liệu lấy sẵn từ các tổ)" in listing
    from tocns.reports.models import ReportForm

    form = ReportForm.objects.get(code="QUY-XA")
    response = client.post(reverse("reports:open"), {"form": form.pk, "unit": world.commune_a.code,
                                                     "period": "2026-Q4"}, follow=True)
    page = response.content.decode()
    assert 'name="v_CQ01" value="12"' in page
    quarterly = Report.objects.get(form=form)
    client.post(reverse("reports:detail", args=[quarterly.pk]), {
        "version": quarterly.version, "save_key": "q", "v_CQ01": "12", "action": "confirm"})
    client.force_login(world.province_admin)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "Chờ xem xét: báo cáo Xã Thượng Lâm" in home


def test_rollup_downloads_excel_zalo_text_and_an_edited_word_report(client, world, team):
    import io

    import docx
    import openpyxl

    submit_report(team, 2026, 10, {"CQ01": "12"}, texts={"difficulties": "Sóng yếu ở xóm trên"})
    client.force_login(world.province_admin)
    base = reverse("reports:rollup") + "?unit=08&period=2026-10"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(base + "&format=xlsx").content)).active
    assert [c.value for c in sheet[3]][:2] == ["Mã", "Đơn vị"] and sheet["C4"].value == "TT01"  # below the title
    zalo = client.get(base + "&format=zalo").content.decode()
    assert "Chép nội dung" in zalo and "12" in zalo
    url = reverse("reports:rollup_document") + "?unit=08&period=2026-10"
    assert "Tải tệp Word" in client.get(url).content.decode()
    response = client.post(url, {"narrative": "Đoạn do cán bộ viết lại."})
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "Đoạn do cán bộ viết lại." in text and "Thôn Nà Khà (Xã Thượng Lâm)" in text


def test_an_ad_hoc_request_waits_in_the_commune_officers_inbox(client, world):
    from .test_catalogue import ask

    ask(world, [world.commune_a], due_on=datetime.date(2026, 11, 30))
    client.force_login(world.officer_a)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "Yêu cầu báo cáo đột xuất: Kết quả Ngày hội VNeID (Xã Thượng Lâm), hạn 30/11/2026" in home
    client.force_login(world.officer_b)
    assert "Yêu cầu báo cáo đột xuất" not in client.get(reverse("dashboard:home")).content.decode()
