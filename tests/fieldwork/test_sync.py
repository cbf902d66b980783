import base64
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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


def test_a_queue_holding_the_same_entry_twice_stores_it_once(client, world, team):
    client.force_login(world.leader_a1)
    data = entry(world)
    results = post(client, "/api/v1/activities/batch", [data, data]).json()
    assert [r["status"] for r in results] == ["stored", "duplicate"]
    assert results[0]["activity"] == results[1]["activity"] and Activity.objects.count() == 1


def test_a_large_batch_costs_a_handful_of_queries_not_a_dozen_per_entry(
        client, world, team, django_assert_max_num_queries):
    client.force_login(world.leader_a1)
    queue = [entry(world, people_count=n, services=["vneid", "vssid"][: 1 + n % 2]) for n in range(2, 52)]
    with django_assert_max_num_queries(20):
        results = post(client, "/api/v1/activities/batch", queue).json()
    assert {r["status"] for r in results} == {"stored"}
    assert sum(Activity.objects.get(client_id=r["client_id"]).services.count() for r in results) == 75
    with django_assert_max_num_queries(20):
        again = post(client, "/api/v1/activities/batch", queue).json()
    assert {r["status"] for r in again} == {"duplicate"} and Activity.objects.count() == 50


# The smallest file a phone's canvas could make, as far as the server can tell: JPEG's first bytes.
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 1000


def data_url(content: bytes, kind: str = "image/jpeg") -> str:
    return f"data:{kind};base64,{base64.b64encode(content).decode()}"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_photo_is_kept_and_shown_only_to_those_whose_scope_covers_the_village(client, world, team, media):
    client.force_login(world.leader_a1)
    stored = post(client, "/api/v1/activities", entry(world, photo=data_url(JPEG))).json()
    activity = Activity.objects.get()
    assert stored["has_photo"] and activity.photo.size == len(JPEG) and activity.photo.name.endswith(".jpg")
    assert client.get(f"/nhat-ky/anh/{activity.pk}/").getvalue() == JPEG
    client.force_login(world.officer_a)
    assert client.get(f"/nhat-ky/anh/{activity.pk}/").status_code == 200
    client.force_login(world.officer_b)
    assert client.get(f"/nhat-ky/anh/{activity.pk}/").status_code == 404


@pytest.mark.parametrize("photo, words", [
    (data_url(b"\xff\xd8\xff" + b"\x00" * (300 * 1024)), "lớn hơn 300 KB"),
    (data_url(b"%PDF-1.7 not a photo"), "không đọc được"),
    ("data:image/jpeg;base64,@@@", "không đọc được"),
])
def test_a_photo_too_large_or_not_a_photo_is_refused_and_nothing_kept(client, world, team, media, photo, words):
    client.force_login(world.leader_a1)
    response = post(client, "/api/v1/activities", entry(world, photo=photo))
    assert response.status_code == 400 and words in response.json()["detail"]["photo"][0]
    assert not Activity.objects.exists() and not any(media.rglob("*.*"))


def test_the_log_page_without_script_takes_a_photo_too(client, world, team, media):
    client.force_login(world.leader_a1)
    photo = SimpleUploadedFile("anh.jpg", JPEG, content_type="image/jpeg")
    response = client.post("/nhat-ky/", {"client_id": str(uuid.uuid4()), "date": "2026-11-20",
                                         "unit": world.village_a1.code, "kind": "guidance", "services": ["vneid"],
                                         "people_count": "3", "photo": photo}, follow=True)
    assert "Đã ghi: 3 người" in response.content.decode()
    assert Activity.objects.get().photo.read() == JPEG
