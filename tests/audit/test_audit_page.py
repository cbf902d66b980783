import io
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tocns.audit.models import AuditEntry
from tocns.audit.services import audit_record, record_read

from ..factories import make_person

pytestmark = pytest.mark.django_db


def _backdate(entry, days: int):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET at = %s WHERE id = %s",
                       [timezone.now() - timedelta(days=days), entry.pk])


@pytest.fixture
def log(world):
    dung = make_person(world, full_name="Lò Thị Dung", phone="0987000001")
    hoa = make_person(world, full_name="Nông Thị Hoa", phone="0987000002", commune=world.commune_b)
    entries = {
        "dung_view": record_read(actor=world.officer_a, action="person.view", obj=dung,
                                 summary="Xem trang của Lò Thị Dung"),
        "roster": record_read(actor=world.province_admin, action="members.export", obj=world.commune_a,
                              summary="Xuất danh sách thành viên Xã Thượng Lâm", people=[dung]),
        "hoa_update": audit_record(actor=world.officer_b, action="person.update", obj=hoa,
                                   summary="Sửa thông tin của Nông Thị Hoa"),
        "zalo": audit_record(actor=world.officer_a, action="team.zalo", obj=world.commune_a,
                             summary="Đổi nhóm Zalo"),
    }
    _backdate(entries["zalo"], 40)
    return dung, hoa, entries


def _page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("audit:list"), params)


def _listed(client, user, **params) -> str:
    """The entries as listed (not the filter's choices)."""
    page = _page(client, user, **params).content.decode()
    return page.split('id="audit-entries"', 1)[1].split("</ul>", 1)[0]


def test_the_province_admin_reads_every_commune_and_the_officer_only_his(client, world, log):
    page = _listed(client, world.province_admin)
    assert "Sửa thông tin của Nông Thị Hoa" in page and "Xem trang của Lò Thị Dung" in page
    page = _listed(client, world.officer_a)
    assert "Xem trang của Lò Thị Dung" in page and "Nông Thị Hoa" not in page


def test_an_officer_who_chairs_another_commune_reads_only_the_log_of_his_office(client, world, log):
    from tocns.accounts.models import Assignment, Role

    Assignment.objects.create(user=world.officer_a, role=Role.COMMUNE_CHAIRMAN, unit=world.commune_b)
    page = _listed(client, world.officer_a)
    assert "Xem trang của Lò Thị Dung" in page and "Nông Thị Hoa" not in page


@pytest.mark.parametrize("persona", ["commune_chairman", "team_leader", "team_member", "partner"])
def test_other_roles_get_no_audit_page_and_no_menu_entry(client, world, persona):
    user = world.personas()[persona]
    assert _page(client, user).status_code == 404
    assert reverse("audit:list") not in client.get(reverse("dashboard:home")).content.decode()


def test_the_menu_links_the_audit_page_for_the_admin_and_the_officer(client, world):
    for user in (world.province_admin, world.officer_a):
        client.force_login(user)
        assert reverse("audit:list") in client.get(reverse("dashboard:home")).content.decode()


def test_filter_by_person_finds_reads_that_named_them_among_others(client, world, log):
    page = _listed(client, world.province_admin, person="lo thi dung")
    assert "Xem trang của Lò Thị Dung" in page and "Xuất danh sách thành viên" in page
    assert "Đổi nhóm Zalo" not in page and "Nông Thị Hoa" not in page


def test_filter_by_actor_action_object_and_dates(client, world, log):
    by_actor = _listed(client, world.province_admin, actor="Trần Văn Nam")
    assert "Nông Thị Hoa" in by_actor and "Lò Thị Dung" not in by_actor
    by_action = _listed(client, world.province_admin, action="members.export")
    assert "Xuất danh sách thành viên" in by_action and "Xem trang của" not in by_action
    by_object = _listed(client, world.province_admin, object_type="teams.person")
    assert "Xem trang của Lò Thị Dung" in by_object and "Đổi nhóm Zalo" not in by_object
    since = (timezone.localdate() - timedelta(days=7)).strftime("%d/%m/%Y")
    recent = _listed(client, world.province_admin, since=since)
    assert "Xem trang của Lò Thị Dung" in recent and "Đổi nhóm Zalo" not in recent
    until = (timezone.localdate() - timedelta(days=30)).strftime("%d/%m/%Y")
    old = _listed(client, world.province_admin, until=until)
    assert "Đổi nhóm Zalo" in old and "Xem trang của" not in old


def test_a_wrong_date_is_said_beside_its_field(client, world, log):
    page = _page(client, world.province_admin, since="31/02/2026").content.decode()
    assert "Ghi ngày theo dạng dd/mm/yyyy" in page and 'id="audit-entries"' not in page


def test_the_list_is_paginated(client, world, log):
    for n in range(60):
        audit_record(actor=world.officer_a, action="team.zalo", obj=world.commune_a, summary=f"Lần {n}")
    page = _page(client, world.officer_a).content.decode()
    assert "Trang 1/2" in page and page.count("<li><strong>") == 50
    second = _page(client, world.officer_a, page=2).content.decode()
    assert "Trang 2/2" in second


def test_the_export_is_the_filtered_list_and_is_itself_logged(client, world, log):
    dung, _hoa, _entries = log
    client.force_login(world.officer_a)
    response = client.get(reverse("audit:export"), {"person": "Lò Thị Dung"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    summaries = [row[5] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert sorted(summaries) == ["Xem trang của Lò Thị Dung", "Xuất danh sách thành viên Xã Thượng Lâm"]
    entry = AuditEntry.objects.get(action="audit.export")
    assert entry.actor == world.officer_a and entry.is_read and dung.pk in entry.people
    assert entry.commune_id == world.commune_a.pk


def test_the_export_writes_a_typed_formula_as_text(client, world):
    audit_record(actor=world.officer_a, action="team.zalo", obj=world.commune_a, summary='=HYPERLINK("http://x")')
    client.force_login(world.officer_a)
    sheet = load_workbook(io.BytesIO(client.get(reverse("audit:export")).content)).active
    cell = sheet.cell(row=4, column=6)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
