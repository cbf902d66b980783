"""The province edits the catalogue of digital services: what the log page offers, and which
report indicators each service counts toward."""

import datetime
import uuid

import pytest

from tocns.audit.models import AuditEntry
from tocns.fieldwork.models import Activity, Service, ServiceIndicator
from tocns.fieldwork.prefill import activity_counts
from tocns.fieldwork.services import activity_record
from tocns.reports.models import Indicator, Report

from ..reports.factories import provincial

pytestmark = pytest.mark.django_db

NEW = {"code": "so-tay-dang-vien", "name": "Sổ tay đảng viên điện tử", "short_name": "Sổ tay ĐV",
       "pillar": "government", "order": "5", "is_active": "on"}


def edit_form(service, **changes):
    data = {"action": "save", "name": service.name, "short_name": service.short_name, "pillar": service.pillar,
            "order": service.order, "is_active": "on" if service.is_active else "",
            "was": service.version}
    data.update(changes)
    return data


def test_province_admin_adds_a_service_that_appears_on_the_log_page(client, world, team):
    client.force_login(world.province_admin)
    response = client.post("/nhat-ky/dich-vu/moi/", NEW)
    service = Service.objects.get(code="so-tay-dang-vien")
    assert response.url == f"/nhat-ky/dich-vu/{service.pk}/"
    assert AuditEntry.objects.filter(action="service.add", object_id=service.pk).exists()
    client.force_login(world.leader_a1)
    assert "Sổ tay ĐV" in client.get("/nhat-ky/").content.decode()


def test_a_retried_add_makes_one_service_and_says_so_next_to_the_code(client, world):
    client.force_login(world.province_admin)
    client.post("/nhat-ky/dich-vu/moi/", NEW)
    page = client.post("/nhat-ky/dich-vu/moi/", NEW).content.decode()
    assert "Đã có dịch vụ mang mã so-tay-dang-vien." in page
    assert Service.objects.filter(code="so-tay-dang-vien").count() == 1


def test_a_code_with_capitals_or_spaces_is_refused(client, world):
    client.force_login(world.province_admin)
    page = client.post("/nhat-ky/dich-vu/moi/", {**NEW, "code": "Sổ tay"}).content.decode()
    assert "Mã chỉ gồm chữ thường không dấu" in page and not Service.objects.filter(name=NEW["name"]).exists()


def test_a_stopped_service_leaves_the_log_page_but_past_activities_keep_it(client, world, team):
    vneid = provincial(Service.objects.get(code="vneid"), world)  # the province's own
    activity, _created = activity_record(user=world.leader_a1, data={
        "client_id": str(uuid.uuid4()), "date": "2026-11-19", "unit": world.village_a1.code, "kind": "guidance",
        "services": ["vneid"], "people_count": 3})
    client.force_login(world.province_admin)
    client.post(f"/nhat-ky/dich-vu/{vneid.pk}/", edit_form(vneid, is_active=""))
    assert not Service.objects.get(code="vneid").is_active
    client.force_login(world.leader_a1)
    assert 'value="vneid"' not in client.get("/nhat-ky/").content.decode()
    assert list(Activity.objects.get(pk=activity.pk).services.values_list("code", flat=True)) == ["vneid"]


def test_a_stale_edit_does_not_overwrite_and_shows_the_newest_values(client, world):
    vneid = provincial(Service.objects.get(code="vneid"), world)  # the province's own
    stale = edit_form(vneid, short_name="VNeID mức 2")
    client.force_login(world.province_admin)
    client.post(f"/nhat-ky/dich-vu/{vneid.pk}/", edit_form(vneid, short_name="Định danh"))  # another admin saved
    page = client.post(f"/nhat-ky/dich-vu/{vneid.pk}/", stale).content.decode()
    assert "người khác đã lưu dịch vụ này" in page and 'value="Định danh"' in page
    assert Service.objects.get(code="vneid").short_name == "Định danh"


@pytest.mark.parametrize("persona", ["officer_a", "chairman_a", "leader_a1"])
def test_only_the_province_admin_changes_the_catalogue(client, world, persona):
    vneid = Service.objects.get(code="vneid")
    client.force_login(getattr(world, persona))
    assert client.get("/nhat-ky/dich-vu/").status_code == 404
    assert client.post("/nhat-ky/dich-vu/moi/", NEW).status_code == 404
    assert client.post(f"/nhat-ky/dich-vu/{vneid.pk}/", edit_form(vneid, name="Đổi tên")).status_code == 404
    assert Service.objects.get(code="vneid").name != "Đổi tên" and not Service.objects.filter(code=NEW["code"])


def test_linking_an_indicator_changes_the_prefill_from_then_on(client, world, team):
    service = provincial(Service.objects.get(code="vssid"), world)  # the province's own
    indicator = Indicator.objects.get(code="XH04")
    ServiceIndicator.objects.filter(service=service).delete()
    activity_record(user=world.leader_a1, data={
        "client_id": str(uuid.uuid4()), "date": "2026-11-10", "unit": world.village_a1.code, "kind": "guidance",
        "services": ["vssid"], "people_count": 4})
    report = Report(team=team, unit=team.unit, period_start=datetime.date(2026, 11, 1),
                    period_end=datetime.date(2026, 11, 30), period_key="2026-11")
    assert "XH04" not in activity_counts(report)
    client.force_login(world.province_admin)
    form = {"action": "link", "link-indicator": indicator.pk, "link-measure": "people"}
    client.post(f"/nhat-ky/dich-vu/{service.pk}/", form)
    client.post(f"/nhat-ky/dich-vu/{service.pk}/", form)  # sent twice: one link, one line in the log
    assert activity_counts(report)["XH04"][0] == 4
    assert ServiceIndicator.objects.filter(service=service).count() == 1
    assert AuditEntry.objects.filter(action="service.link", object_id=service.pk).count() == 1
    link = ServiceIndicator.objects.get(service=service)
    client.post(f"/nhat-ky/dich-vu/{service.pk}/", {"action": "unlink", "link": link.pk})
    assert "XH04" not in activity_counts(report)


def test_only_counted_indicators_can_be_linked(client, world):
    service = provincial(Service.objects.get(code="vssid"), world)  # the province's own
    ratio = Indicator.objects.filter(aggregation="ratio").first()
    client.force_login(world.province_admin)
    page = client.post(f"/nhat-ky/dich-vu/{service.pk}/", {"action": "link", "link-indicator": ratio.pk,
                                                            "link-measure": "people"}).content.decode()
    assert "Chỉ nối được với chỉ số đếm, cộng dồn trong kỳ và đang dùng." in page
    assert not ServiceIndicator.objects.filter(service=service, indicator=ratio).exists()
