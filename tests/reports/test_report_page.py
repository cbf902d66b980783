"""The leader's monthly report page: cells pre-filled from the log, one confirmation before sending
empty cells, and drafts that keep every number typed (issue #11, items 3 and 4)."""

import re
import uuid
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tocns.fieldwork.services import activity_record
from tocns.reports import services
from tocns.reports.choices import ReportStatus
from tocns.reports.models import Report, ReportValue

from .factories import village_form

pytestmark = pytest.mark.django_db


class _ReportForm(HTMLParser):
    """What a browser would post from the report's form: its inputs and textareas as they stand."""

    def __init__(self):
        super().__init__()
        self.fields, self._in_form, self._textarea, self._template = {}, False, None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self._template += 1
        elif tag == "form" and attrs.get("method") == "post" and not attrs.get("action"):
            self._in_form = True
        elif self._in_form and not self._template and tag == "input" and attrs.get("name"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.fields[attrs["name"]] = attrs.get("value") or ""
        elif self._in_form and not self._template and tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def form_of(page: str) -> dict:
    parser = _ReportForm()
    parser.feed(page)
    return parser.fields


def cell(page: str, code: str) -> str:
    """The block of one cell: its label, input, source line and message."""
    match = re.search(rf'<div class="field[^"]*" id="line-{code.lower()}".*?</div>', page, re.S)
    assert match, f"no cell {code}"
    return match.group(0)


def confirmation(page: str) -> str:
    """The confirmation the server put in the form (not the copy kept for the offline script)."""
    page = re.sub(r"<template.*?</template>", "", page, flags=re.S)
    match = re.search(r'<section class="[^"]*" id="confirm-send".*?</section>', page, re.S)
    return match.group(0) if match else ""


def log(world, **data):
    entry = {"client_id": str(uuid.uuid4()), "date": "2026-11-10", "unit": world.village_a1.code,
             "kind": "guidance", "services": ["vneid"], "people_count": 3}
    entry.update(data)
    return activity_record(user=world.leader_a1, data=entry)[0]


def open_report(client, team, period="2026-11"):
    response = client.post(reverse("reports:open"), {"form": village_form().pk, "team": team.pk, "period": period})
    return Report.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[-1]))


def page_of(client, report) -> str:
    return client.get(reverse("reports:detail", args=[report.pk])).content.decode()


def post(client, report, data, **changes):
    data = {**data, **changes}
    return client.post(reverse("reports:detail", args=[report.pk]), data)


def test_open_report_prefills_cells_from_the_log_with_their_source(client, world, team):
    log(world, people_count=5)
    log(world, people_count=7, services=["vneid", "vssid"])
    log(world, kind="outreach", services=[], people_count=40)
    client.force_login(world.leader_a1)
    report = open_report(client, team)
    page = page_of(client, report)
    assert 'value="12"' in cell(page, "CQ01") and "Theo nhật ký: 12 người" in cell(page, "CQ01")
    assert "Theo nhật ký: 1 buổi" in cell(page, "TT01") and "Theo nhật ký: 40 người" in cell(page, "TT02")
    assert 'value=""' in cell(page, "CQ02") and "Theo nhật ký" not in cell(page, "CQ02")  # the log cannot count it
    assert "data-prefilled" in cell(page, "CQ01") and "data-prefilled" not in cell(page, "CQ02")
    assert not report.values.exists()  # shown, not stored: the leader's save stores them
    response = post(client, report, form_of(page), action="save")
    assert response.status_code == 302
    values = {v.indicator.code: v.value for v in report.values.select_related("indicator") if v.value is not None}
    assert values == {"CQ01": 12, "XH03": 7, "TT01": 1, "TT02": 40}


def test_prefill_follows_the_log_until_the_leader_saves(client, world, team):
    log(world, people_count=5)
    client.force_login(world.leader_a1)
    report = open_report(client, team)
    assert 'value="5"' in cell(page_of(client, report), "CQ01")
    log(world, people_count=4)  # logged after the report was opened
    assert 'value="9"' in cell(page_of(client, report), "CQ01")


def test_prefill_never_overwrites_a_typed_value(client, world, team):
    log(world, people_count=5)
    client.force_login(world.leader_a1)
    report = open_report(client, team)
    data = form_of(page_of(client, report))
    post(client, report, data, action="save", v_CQ01="3", v_XH03="")
    log(world, people_count=6)
    log(world, people_count=2, services=["vssid"])
    page = page_of(client, report)
    assert 'value="3"' in cell(page, "CQ01")  # typed and saved: the log never replaces it
    assert "Theo nhật ký: 11 người · khác số đã nhập" in cell(page, "CQ01")
    assert 'value=""' in cell(page, "XH03")  # saved empty: stays so, the count is shown beside it
    assert "Theo nhật ký: 2 người" in cell(page, "XH03")


def test_send_asks_to_confirm_naming_empty_cells(client, world, team):
    log(world, people_count=12)
    client.force_login(world.leader_a1)
    report = open_report(client, team)
    data = form_of(page_of(client, report))
    response = post(client, report, data, action="submit")
    assert response.status_code == 200
    page = response.content.decode()
    asked = confirmation(page)
    assert "Ô để trống là chưa có số liệu, khác với 0" in asked
    assert "Số hồ sơ dịch vụ công trực tuyến được hỗ trợ" in asked   # CQ02, empty
    assert "Số thành viên tổ được tập huấn trong kỳ" in asked       # TO01, empty
    assert "định danh điện tử VNeID" not in asked                  # CQ01 holds 12
    assert 'name="action" value="confirm"' in asked and "Vẫn gửi" in asked
    again = form_of(page)
    assert again["save_key"] == data["save_key"] and again["version"] == data["version"]
    assert again["v_CQ01"] == "12"
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and not report.values.exists()  # nothing written by asking
    response = post(client, report, again, action="confirm")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert ReportValue.objects.get(report=report, indicator__code="CQ01").value == 12


def test_going_back_to_fill_then_sending_asks_no_more(client, world, team):
    client.force_login(world.leader_a1)
    report = open_report(client, team)
    data = form_of(page_of(client, report))
    asked = form_of(post(client, report, data, action="submit").content.decode())
    full = {**asked, **{name: "0" for name in asked if name.startswith("v_")}, "v_CQ01": "4"}
    response = post(client, report, full, action="submit")
    assert response.status_code == 302  # nothing empty: one tap sends
    assert "Đã gửi báo cáo tháng 11/2026" in client.get(response.url).content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.values.filter(value__isnull=True).count() == 0


def test_report_with_no_value_cannot_be_sent(client, world, team):
    client.force_login(world.leader_a1)
    report = open_report(client, team)
    data = form_of(page_of(client, report))
    page = post(client, report, data, action="submit", difficulties="Mất sóng cả tháng").content.decode()
    assert "Báo cáo chưa có số liệu nào nên chưa gửi được" in page
    assert not confirmation(page) and "Mất sóng cả tháng" in page
    page = post(client, report, data, action="confirm").content.decode()  # not by the confirm button either
    assert "Báo cáo chưa có số liệu nào nên chưa gửi được" in page
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.version == 1


def test_confirm_retried_submits_once(client, world, team):
    log(world, people_count=12)
    client.force_login(world.leader_a1)
    report = open_report(client, team)
    asked = form_of(post(client, report, form_of(page_of(client, report)), action="submit").content.decode())
    first = post(client, report, asked, action="confirm")
    second = post(client, report, asked, action="confirm")  # the answer was lost on the way: tapped again
    assert first.status_code == second.status_code == 302
    assert "Đã gửi báo cáo tháng 11/2026" in client.get(second.url).content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.version == 2
    assert report.events.filter(action="submitted").count() == 1


def test_a_stale_confirmation_is_refused_and_keeps_what_was_typed(client, world, team):
    client.force_login(world.leader_a1)
    report = open_report(client, team)
    asked = form_of(post(client, report, form_of(page_of(client, report)), action="submit",
                         v_CQ01="8").content.decode())
    services.report_save(report=report, values={"CQ01": "5"}, version=report.version, save_key="officer",
                         by=world.officer_a)  # someone else saved meanwhile
    page = post(client, report, asked, action="confirm").content.decode()
    assert "tải lại trang" in page and 'value="8"' in cell(page, "CQ01")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and ReportValue.objects.get(
        report=report, indicator__code="CQ01").value == 5


def test_draft_keeps_wrong_number_beside_its_cell(client, world, team):
    client.force_login(world.leader_a1)
    report = open_report(client, team)
    data = form_of(page_of(client, report))
    response = post(client, report, data, action="save", v_CQ01="12a", v_TT02="-3", v_XH03="1,5", v_TT01="2")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Đã lưu nháp. Còn 3 ô cần sửa trước khi gửi." in page
    assert "báo cáo chưa được lưu" not in page
    assert 'value="12a"' in cell(page, "CQ01") and "Hãy nhập một số" in cell(page, "CQ01")
    assert 'value="-3"' in cell(page, "TT02") and "Số không được âm." in cell(page, "TT02")
    assert 'value="1,5"' in cell(page, "XH03") and "hãy nhập số nguyên" in cell(page, "XH03")
    assert 'value="2"' in cell(page, "TT01") and "has-error" not in cell(page, "TT01")
    refused = post(client, report, form_of(page), action="submit").content.decode()
    assert "Báo cáo chưa được gửi: có 3 ô cần sửa" in refused and not confirmation(refused)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_stale_draft_save_is_refused_and_keeps_the_typed_values(client, world, team):
    client.force_login(world.leader_a1)
    report = open_report(client, team)
    data = form_of(page_of(client, report))
    post(client, report, data, action="save", v_CQ01="4")
    page = post(client, report, data, action="save", v_CQ01="9a", save_key="another").content.decode()
    assert "tải lại trang" in page and 'value="9a"' in cell(page, "CQ01")
    assert ReportValue.objects.get(report=report, indicator__code="CQ01").value == 4


def test_the_page_gives_the_offline_script_the_cells_names_and_the_empty_cell_sentence(client, world, team):
    client.force_login(world.leader_a1)
    report = open_report(client, team)
    page = page_of(client, report)
    assert 'data-name="Số thành viên tổ được tập huấn trong kỳ"' in cell(page, "TO01")
    assert page.count("Ô để trống là chưa có số liệu, khác với 0") == 1  # once, in the template
    template = page.split('<template id="confirm-send-template">')[1].split("</template>")[0]
    assert 'value="confirm"' in template and "data-empty-cells" in template


def test_checking_a_cell_as_it_is_typed_keeps_its_source_line(client, world, team):
    log(world, people_count=12)
    client.force_login(world.leader_a1)
    report = open_report(client, team)
    response = client.post(reverse("reports:check", args=[report.pk, "CQ01"]), {"v_CQ01": "1,5"},
                           HTTP_HX_REQUEST="true")
    line = response.content.decode()
    assert "hãy nhập số nguyên" in line and "Theo nhật ký: 12 người · khác số đã nhập" in line
    assert 'data-name="Số người được hướng dẫn cài đặt, kích hoạt định danh điện tử VNeID mức 2"' in line
