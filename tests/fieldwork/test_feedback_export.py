"""Feedback in Excel: the list as filtered, within the user's scope; names and phones only when asked
for and only of people who agreed; every export in the audit log. Also: who sees a name on the pages."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tocns.accounts.models import Role
from tocns.audit.models import AuditEntry
from tocns.fieldwork import feedback as rules
from tocns.fieldwork.models import Feedback, Service
from tocns.geo.models import UnitKind
from tocns.lib.http import XLSX

from ..factories import make_unit, make_user
from ..reports.factories import freeze

pytestmark = pytest.mark.django_db

CONTENT = "Không đăng nhập được VNeID mức 2 sau khi đổi điện thoại."
NAME, PHONE = "Lò Văn Páo", "0912 345 678"
NAME_HEADER, PHONE_HEADER = "Họ tên người phản ánh", "Số điện thoại"
EXPORT = reverse("fieldwork:feedback_export")


def submit(world, key, *, unit=None, by=None, **data):
    values = {"unit": unit or world.village_a1, "content": CONTENT, "channel": "team", "submission_key": key,
              "by": by or world.leader_a1}
    values.update(data)
    return rules.feedback_submit(**values)


def with_name(world, key, **data):
    return submit(world, key, **{"citizen_name": NAME, "citizen_phone": PHONE, "consent": True, **data})


def export(client, user, **query):
    client.force_login(user)
    return client.get(EXPORT, query)


def read(response):
    """(header, rows as dicts keyed by header, the sheet) of a downloaded export."""
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[3]]
    rows = [dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=4)]
    return header, rows, sheet


def every_value(sheet) -> str:
    return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)


# ---- what the sheet holds ---------------------------------------------------------------------------

def test_export_has_one_row_per_feedback_with_every_column(client, world):
    vneid = Service.objects.get(code="vneid")
    feedback = submit(world, "a", kind="complaint", service=vneid)
    rules.feedback_forward(feedback=feedback, to="Công an xã", by=world.officer_a)
    rules.feedback_answer(feedback=feedback, answer="Đã hướng dẫn cài lại VNeID.", by=world.officer_a)
    response = export(client, world.officer_a, show="all")
    assert response["Content-Disposition"] == 'attachment; filename="y-kien-tat-ca-20261120.xlsx"'
    header, rows, sheet = read(response)
    assert header == ["Mã", "Ngày tiếp nhận", "Xã, phường", "Thôn, tổ dân phố", "Dịch vụ", "Loại", "Nội dung",
                      "Trạng thái", "Hạn trả lời", "Ngày trả lời", "Nội dung trả lời", "Quá hạn"]
    assert "Xã Thượng Lâm" in sheet["A1"].value and "Tất cả" in sheet["A1"].value
    assert rows == [{
        "Mã": feedback.code, "Ngày tiếp nhận": datetime.datetime(2026, 11, 20), "Xã, phường": "Xã Thượng Lâm",
        "Thôn, tổ dân phố": "Thôn Nà Khà", "Dịch vụ": vneid.name, "Loại": "Phản ánh", "Nội dung": CONTENT,
        "Trạng thái": "Đã trả lời", "Hạn trả lời": datetime.datetime(2026, 12, 5),
        "Ngày trả lời": datetime.datetime(2026, 11, 20), "Nội dung trả lời": "Đã hướng dẫn cài lại VNeID.",
        "Quá hạn": "Không"}]
    assert {sheet.cell(row=4, column=c).number_format for c in (2, 9, 10)} == {"DD/MM/YYYY"}


def test_received_date_is_the_vietnam_day(client, world, monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 21, 0, 30))  # still 20/11 in UTC
    submit(world, "a")
    _header, rows, _sheet = read(export(client, world.officer_a))
    assert rows[0]["Ngày tiếp nhận"] == datetime.datetime(2026, 11, 21)


def test_export_follows_the_list_filter(client, world, monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 1, 9, 0))
    late = submit(world, "late")  # due 16/11, still open on 20/11
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))
    waiting = submit(world, "waiting")
    done = submit(world, "done")
    rules.feedback_answer(feedback=done, answer="Đã trả lời qua điện thoại.", by=world.officer_a)
    rules.feedback_close(feedback=done, by=world.officer_a)

    def overdue_by_code(show):
        return {row["Mã"]: row["Quá hạn"] for row in read(export(client, world.officer_a, show=show))[1]}

    assert overdue_by_code("open") == {late.code: "Có", waiting.code: "Không"}
    assert overdue_by_code("overdue") == {late.code: "Có"}
    assert overdue_by_code("all") == {late.code: "Có", waiting.code: "Không", done.code: "Không"}
    assert list(overdue_by_code("open")) == [late.code, waiting.code]  # the list's order: due date first


def test_list_page_offers_the_export_of_what_it_shows(client, world):
    client.force_login(world.officer_a)
    page = client.get(reverse("fieldwork:feedback_list"), {"show": "overdue"}).content.decode()
    assert f'action="{EXPORT}"' in page and 'name="show" value="overdue"' in page
    assert 'name="ho_ten" value="1"' in page and "Tải về Excel (Quá hạn)" in page


def test_text_that_looks_like_a_formula_stays_text(client, world):
    content = '=HYPERLINK("http://lua-dao.example","Bấm vào đây")'
    submit(world, "a", content=content)
    _header, rows, sheet = read(export(client, world.officer_a))
    assert rows[0]["Nội dung"] == content and sheet.cell(row=4, column=7).data_type == "s"


def test_export_queries_do_not_grow_with_rows(client, world):
    submit(world, "first")

    def queries():
        client.force_login(world.province_admin)
        with CaptureQueriesContext(connection) as captured:
            read(client.get(EXPORT, {"show": "all", "ho_ten": "1"}))
        return len(captured)

    few = queries()
    for i in range(6):
        with_name(world, f"more-{i}", unit=world.village_a2 if i % 2 else world.village_b1,
                  service=Service.objects.get(code="vneid"))
    assert queries() == few


# ---- names and phones ---------------------------------------------------------------------------------

def test_export_leaves_out_names_unless_asked(client, world):
    with_name(world, "a")
    header, rows, sheet = read(export(client, world.officer_a, show="all"))
    assert NAME_HEADER not in header and PHONE_HEADER not in header and len(rows) == 1
    assert NAME not in every_value(sheet) and "0912" not in every_value(sheet)
    entry = AuditEntry.objects.get(action="feedback.export")
    assert entry.actor == world.officer_a and entry.data["personal_data"] is False and entry.data["rows"] == 1
    assert "không có họ tên" in entry.summary and entry.commune_id == world.commune_a.pk


def test_names_only_for_consenting_people(client, world):
    agreed = with_name(world, "agreed")
    anonymous = submit(world, "anonymous")
    # A name kept without a recorded consent (an entry made before consent was asked, say) never goes out.
    unconsented = with_name(world, "unconsented", citizen_name="Sùng Mí Lử")
    Feedback.objects.filter(pk=unconsented.pk).update(consent_at=None, consent_version="")
    header, rows, sheet = read(export(client, world.officer_a, show="all", ho_ten="1"))
    assert header.index(NAME_HEADER) == header.index("Nội dung") + 1 and PHONE_HEADER in header
    contact = {row["Mã"]: (row[NAME_HEADER], row[PHONE_HEADER]) for row in rows}
    assert contact == {agreed.code: (NAME, PHONE), anonymous.code: (None, None), unconsented.code: (None, None)}
    assert "Sùng Mí Lử" not in every_value(sheet)
    assert "người đã đồng ý" in sheet["A2"].value


def test_export_with_names_is_recorded_in_audit(client, world):
    with_name(world, "a")
    submit(world, "b")
    read(export(client, world.officer_a, show="open", ho_ten="1"))
    entry = AuditEntry.objects.get(action="feedback.export")
    assert entry.actor == world.officer_a and entry.at == datetime.datetime(2026, 11, 20, 3, 0, tzinfo=datetime.UTC)
    assert entry.data == {"rows": 2, "personal_data": True, "rows_with_contact": 1, "show": "open"}
    assert entry.province_id == world.province.pk and entry.commune_id == world.commune_a.pk
    assert "2 dòng" in entry.summary and "có họ tên, số điện thoại (1 người đã đồng ý)" in entry.summary


def test_every_export_is_recorded(client, world):
    read(export(client, world.leader_a1))
    read(export(client, world.province_admin, show="overdue"))
    entries = AuditEntry.objects.filter(action="feedback.export").order_by("id")
    assert [(e.actor, e.data["rows"], e.data["personal_data"]) for e in entries] == [
        (world.leader_a1, 0, False), (world.province_admin, 0, False)]


# ---- scope ------------------------------------------------------------------------------------------

def test_other_commune_feedback_not_exported(client, world):
    mine = submit(world, "a1")
    next_village = submit(world, "a2", unit=world.village_a2)
    other_commune = with_name(world, "b1", unit=world.village_b1, by=world.officer_b)
    far_village = make_unit(name="Bản Phiêng", kind=UnitKind.THON, parent=world.other_commune)
    other_province = submit(world, "far", unit=far_village, by=None)

    def codes(user):
        return {row["Mã"] for row in read(export(client, user, show="all", ho_ten="1"))[1]}

    assert codes(world.officer_a) == {mine.code, next_village.code}
    assert codes(world.officer_b) == {other_commune.code}
    assert codes(world.leader_a1) == {mine.code}
    assert codes(world.province_admin) == {mine.code, next_village.code, other_commune.code}
    assert other_province.code not in codes(world.province_admin)


def test_no_export_without_a_scope(client, world):
    submit(world, "a")
    assert export(client, world.partner).status_code == 404
    client.logout()
    assert client.get(EXPORT).status_code == 302
    assert not AuditEntry.objects.filter(action="feedback.export").exists()


def test_names_on_pages_only_within_scope(client, world):
    feedback = with_name(world, "a")
    url = reverse("fieldwork:feedback", args=[feedback.pk])
    for user in (world.officer_a, world.leader_a1, world.province_admin):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert NAME in page and 'href="tel:0912345678"' in page
        # The list never shows names, to anyone.
        assert NAME not in client.get(reverse("fieldwork:feedback_list"), {"show": "all"}).content.decode()
    leader_a2 = make_user(full_name="Hầu A Súa", role=Role.TEAM_LEADER, unit=world.village_a2)
    for user in (world.officer_b, leader_a2, world.partner):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 404 and NAME not in response.content.decode()


def test_a_name_without_recorded_consent_is_not_shown(client, world):
    feedback = with_name(world, "a")
    Feedback.objects.filter(pk=feedback.pk).update(consent_at=None)
    client.force_login(world.officer_a)
    page = client.get(reverse("fieldwork:feedback", args=[feedback.pk])).content.decode()
    assert feedback.code in page and NAME not in page and "0912345678" not in page


def test_an_answer_after_the_due_date_counts_as_overdue(client, world, monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 1, 9, 0))
    on_time, late = submit(world, "on-time"), submit(world, "late")  # both due 16/11
    freeze(monkeypatch, datetime.datetime(2026, 11, 16, 16, 0))
    rules.feedback_answer(feedback=on_time, answer="Đã trả lời đúng hạn.", by=world.officer_a)
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))
    rules.feedback_answer(feedback=late, answer="Đã trả lời muộn.", by=world.officer_a)
    rows = read(export(client, world.officer_a, show="all"))[1]
    assert {row["Mã"]: row["Quá hạn"] for row in rows} == {on_time.code: "Không", late.code: "Có"}
