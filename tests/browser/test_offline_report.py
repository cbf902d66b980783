"""The monthly report, once opened online, is filled and sent with no connection; it goes out
when the phone is back, once, and the page says "Chờ gửi" then "Đã gửi"."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tocns.reports.choices import ReportAction, ReportStatus
from tocns.reports.models import Report, ReportEvent

from .test_monthly_report import frozen_leader_world, sign_in
from .test_offline_log import kept_for_offline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_filled_and_sent_offline_goes_out_once_when_the_phone_is_back(
        phone_page, live_server, monkeypatch, tmp_path):
    world, team = frozen_leader_world(monkeypatch)
    page, base = phone_page, live_server.url
    sign_in(page, base, "0904 000 001")
    page.locator("#report-2026-11").get_by_role("button").click()
    expect(page.locator("#status")).to_contain_text("Đang soạn")
    kept_for_offline(page, urlparse(page.url).path)

    # No connection: the page opens from the phone's copy.
    page.context.set_offline(True)
    page.reload()
    status = page.locator("#status")
    expect(status).to_contain_text("Đang soạn")
    # A report with no figure is not sent, here as on the server.
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("#report-problem")).to_contain_text("Báo cáo chưa có số liệu nào nên chưa gửi được.")

    page.locator("#v-cq01").fill("12")
    page.locator("#v-tt02").fill("45")
    page.get_by_label("Khó khăn, vướng mắc").fill("Sóng 4G yếu ở xóm trên")
    page.get_by_role("button", name="Gửi báo cáo").click()
    # Empty cells are named once, on the phone, before the report is kept to be sent.
    asked = page.locator("#confirm-send")
    expect(asked).to_contain_text("Ô để trống là chưa có số liệu, khác với 0")
    expect(asked).to_contain_text("Số hồ sơ dịch vụ công trực tuyến được hỗ trợ")
    expect(asked.locator("[data-empty-cells] li")).to_have_count(page.locator("form .field[data-code]").count() - 2)
    page.screenshot(path=str(tmp_path / "report-offline-asks.png"), full_page=True)
    asked.get_by_role("button", name="Vẫn gửi").click()
    expect(status).to_contain_text("Chờ gửi")
    expect(asked).to_have_count(0)
    page.screenshot(path=str(tmp_path / "report-offline-waiting.png"), full_page=True)
    page.reload()  # opened again with no connection: still waiting, with what was typed
    expect(status).to_contain_text("Chờ gửi")
    expect(page.locator("#v-cq01")).to_have_value("12")
    expect(page.locator("#queue .count")).to_have_text("1 bản báo cáo đang chờ gửi")

    # The connection comes back: it goes out, and the page says so.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status).to_contain_text("Đã gửi")
    expect(page.locator("#queue .count")).to_have_text("Đã gửi hết lên máy chủ.")
    # The same save once more (an answer lost on the way) changes nothing.
    again = page.evaluate("""async () => {
        const key = Object.keys(localStorage).find(k => k.startsWith('tocns.queue.report.'));
        const entry = JSON.parse(localStorage.getItem(key))[0];
        const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
        const answer = await fetch('/api/v1/reports/batch', {method: 'POST', body: JSON.stringify([entry]),
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}});
        return (await answer.json())[0].status;
    }""")
    assert again == "duplicate"
    page.reload()
    expect(status).to_contain_text("Đã gửi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.context.close()
    report = Report.objects.get(team=team, period_key="2026-11")
    assert report.status == ReportStatus.SUBMITTED and report.difficulties == "Sóng 4G yếu ở xóm trên"
    values = {v.indicator.code: v.value for v in report.values.select_related("indicator") if v.value is not None}
    assert values == {"CQ01": 12, "TT02": 45}
    assert ReportEvent.objects.filter(report=report, action=ReportAction.SUBMITTED).count() == 1
    assert Report.objects.filter(status=ReportStatus.SUBMITTED).count() == 1
