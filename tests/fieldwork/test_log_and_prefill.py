import uuid

import pytest
from django.urls import reverse

from tocns.fieldwork.models import Activity
from tocns.fieldwork.services import activity_record
from tocns.reports import services as report_services
from tocns.reports.periods import month_period

from ..reports.factories import village_form

pytestmark = pytest.mark.django_db


def log(world, user, **data):
    entry = {"client_id": str(uuid.uuid4()), "date": "2026-11-10", "unit": world.village_a1.code,
             "kind": "guidance", "services": ["vneid"], "people_count": 3}
    entry.update(data)
    return activity_record(user=user, data=entry)[0]


def test_the_common_case_takes_three_taps(client, world, team):
    client.force_login(world.leader_a1)
    page = client.get(reverse("fieldwork:log")).content.decode()
    assert 'value="vneid"' in page and 'name="people_count" value="5"' in page
    client_id = page.split('name="client_id" value="')[1].split('"')[0]
    # tap 1: a service; tap 2: a number; tap 3: Lưu (the rest keeps its defaults)
    response = client.post(reverse("fieldwork:log"), {
        "client_id": client_id, "services": "vneid", "people_count": "5", "kind": "guidance",
        "date": "2026-11-20", "unit": world.village_a1.code}, follow=True)
    assert "Đã ghi: 5 người – VNeID, Thôn Nà Khà, 20/11/2026." in response.content.decode()
    activity = Activity.objects.get()
    assert activity.team == team and activity.recorded_by == world.leader_a1


def test_a_bad_number_is_shown_by_its_field_and_nothing_is_stored(client, world, team):
    client.force_login(world.leader_a1)
    response = client.post(reverse("fieldwork:log"), {
        "client_id": str(uuid.uuid4()), "services": "vneid", "people_count_other": "-4", "kind": "guidance",
        "date": "2026-11-20", "unit": world.village_a1.code})
    page = response.content.decode()
    assert 'id="field-people_count"' in page and "Số không được âm." in page and not Activity.objects.exists()


def test_the_page_offers_the_members_recent_services_first(client, world, team):
    for _ in range(3):
        log(world, world.leader_a1, services=["vssid"])
    client.force_login(world.leader_a1)
    page = client.get(reverse("fieldwork:log")).content.decode()
    chips = page.split('class="chips"')[1]
    assert chips.index('value="vssid"') < chips.index('value="dvc-truc-tuyen"')


def test_someone_without_a_team_has_no_log_page(client, world):
    client.force_login(world.officer_b)
    assert client.get(reverse("fieldwork:log")).status_code == 404


def test_the_monthly_report_is_prefilled_from_the_log_and_says_so(client, world, team):
    log(world, world.leader_a1, services=["vneid"], people_count=3)
    log(world, world.leader_a1, services=["vneid", "vssid"], people_count=4)
    log(world, world.leader_a1, kind="outreach", services=[], people_count=35)
    log(world, world.leader_a1, kind="outreach", services=[], people_count=20)
    log(world, world.leader_a1, services=["thanh-toan-qr"], people_count=2, households_count=2)
    log(world, world.leader_a1, services=["vneid"], people_count=9, date="2026-10-30")  # October: not counted
    report = report_services.report_open(form=village_form(), team=team, period=month_period(2026, 11))
    client.force_login(world.leader_a1)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert 'name="v_CQ01" value="7"' in page          # VNeID, people: 3 + 4
    assert 'name="v_XH03" value="4"' in page          # VssID
    assert 'name="v_TT01" value="2"' in page and 'name="v_TT02" value="55"' in page  # outreach: sessions, people
    assert 'name="v_KT04" value="2"' in page          # QR payment, households
    assert 'name="v_CQ02" value=""' in page           # nothing logged: stays missing
    assert "Theo nhật ký: 7 người" in page and "Theo nhật ký: 2 hộ" in page
    assert not report.values.exists()  # stored by the leader's save, not by opening (reports/prefill.py)


def test_the_log_installs_as_an_app_and_keeps_its_page_offline(client, world, team):
    client.force_login(world.leader_a1)
    page = client.get(reverse("fieldwork:log")).content.decode()
    assert 'rel="manifest"' in page and "js/log.js" in page
    manifest = client.get(reverse("fieldwork:manifest")).json()
    assert manifest["start_url"] == "/nhat-ky/" and manifest["display"] == "standalone"
    worker = client.get(reverse("fieldwork:service_worker"))
    assert worker["Content-Type"].startswith("application/javascript") and b"caches.open" in worker.content
