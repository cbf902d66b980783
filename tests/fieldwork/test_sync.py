import json
import uuid

import pytest
from django.utils import timezone

from tocns.fieldwork.models import Activity

from ..factories import make_team

pytestmark = pytest.mark.django_db


def entry(world, **overrides):
    data = {"client_id": str(uuid.uuid4()), "date": "2026-11-19", "unit": world.village_a1.code,
            "kind": "guidance", "services": ["vneid"], "people_count": 4, "women_count": 2,
            "made_at": "2026-11-19T15:30:00+07:00"}
    data.update(overrides)
    return data


def post(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def test_the_same_client_id_twice_stores_one_activity(client, world, team):
    client.force_login(world.leader_a1)
    data = entry(world)
    first = post(client, "/api/v1/activities", data)
    second = post(client, "/api/v1/activities", data)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json() and Activity.objects.count() == 1


def test_an_entry_made_offline_keeps_the_time_it_was_made(client, world, team):
    client.force_login(world.leader_a1)
    stored = post(client, "/api/v1/activities", entry(world)).json()
    activity = Activity.objects.get()
    assert timezone.localtime(activity.made_at).strftime("%d/%m/%Y %H:%M") == "19/11/2026 15:30"
    assert activity.received_at > activity.made_at and stored["date"] == "2026-11-19"


def test_a_batch_sent_three_times_partly_interrupted_stores_each_activity_once(client, world, team):
    client.force_login(world.leader_a1)
    queue = [entry(world, people_count=n) for n in range(3, 13)]
    post(client, "/api/v1/activities/batch", queue[:4])  # the connection dropped after four
    second = post(client, "/api/v1/activities/batch", queue).json()
    third = post(client, "/api/v1/activities/batch", queue).json()
    assert [r["status"] for r in second] == ["duplicate"] * 4 + ["stored"] * 6
    assert {r["status"] for r in third} == {"duplicate"}
    assert Activity.objects.count() == 10
    assert sorted(Activity.objects.values_list("people_count", flat=True)) == list(range(3, 13))


@pytest.mark.parametrize("overrides, field, words", [
    ({"people_count": -1}, "people_count", "không được âm"),
    ({"people_count": "nhiều"}, "people_count", "số nguyên"),
    ({"women_count": 9}, "women_count", "lớn hơn số người được hỗ trợ"),
    ({"date": "2026-12-01"}, "date", "không được sau hôm nay"),
    ({"services": ["khong-co"]}, "services", "không có trong danh mục"),
    ({"kind": "party"}, "kind", "hình thức"),
])
def test_a_refused_entry_says_why_and_stores_nothing(client, world, team, overrides, field, words):
    client.force_login(world.leader_a1)
    response = post(client, "/api/v1/activities", entry(world, **overrides))
    assert response.status_code == 400 and words in response.json()["detail"][field][0]
    assert not Activity.objects.exists()


def test_a_batch_refuses_one_entry_and_keeps_the_others(client, world, team):
    client.force_login(world.leader_a1)
    results = post(client, "/api/v1/activities/batch", [entry(world), entry(world, people_count=-2)]).json()
    assert [r["status"] for r in results] == ["stored", "refused"] and Activity.objects.count() == 1


def test_another_communes_village_is_refused(client, world, team):
    make_team(world, world.village_b1)
    client.force_login(world.leader_a1)
    response = post(client, "/api/v1/activities", entry(world, unit=world.village_b1.code))
    assert response.status_code == 400 and "unit" in response.json()["detail"]
    assert post(client, "/api/v1/activities", entry(world)).status_code == 201


def test_sync_needs_a_signed_in_member(client, world, team):
    assert post(client, "/api/v1/activities", entry(world)).status_code == 401


def test_an_officer_uploads_a_phones_queue_file_and_nothing_is_stored_twice(client, world, team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    queue = [entry(world, people_count=n) for n in (3, 4)] + [entry(world, people_count=-1)]
    client.force_login(world.leader_a1)
    post(client, "/api/v1/activities", queue[0])  # one got through before the phone lost its signal
    client.force_login(world.officer_a)
    upload = SimpleUploadedFile("nhat-ky-chua-gui.json", json.dumps(queue).encode(), "application/json")
    page = client.post("/nhat-ky/tai-len/", {"file": upload}).content.decode()
    assert "Đã lưu 1 mục mới, 1 mục đã có từ trước, 1 mục bị từ chối." in page and "không được âm" in page
    client.force_login(world.leader_a1)
    assert post(client, "/api/v1/activities", queue[1]).status_code == 200  # the phone sends it later: no double
    assert Activity.objects.count() == 2
    client.force_login(world.officer_a)
    bad = client.post("/nhat-ky/tai-len/", {"file": SimpleUploadedFile("x.json", b"not json")}).content.decode()
    assert "Tệp không đọc được" in bad
