"""The guides library: the province writes, members and citizens read, on the phone."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tocns.fieldwork.models import Guide, GuideFile, GuideStep, Service

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def write(client, world, *, title="Kích hoạt định danh điện tử VNeID mức 2", published=True):
    client.force_login(world.province_admin)
    client.post("/huong-dan/moi/", {"title": title, "pillar": "government", "summary": "Cho người từ 14 tuổi.",
                                    "services": [Service.objects.get(code="vneid").pk],
                                    "official_url": "https://vneid.gov.vn", "is_published": "on" if published else "",
                                    "submission_key": str(uuid.uuid4())})
    return Guide.objects.get(title=title)


def test_the_province_writes_a_guide_with_steps_pictures_and_a_file_that_citizens_read(client, world, media):
    guide = write(client, world)
    edit = f"/huong-dan/{guide.pk}/sua/"
    key = str(uuid.uuid4())
    for _attempt in range(2):  # a retried upload adds one step
        client.post(edit, {"action": "step", "step-text": "Mở ứng dụng VNeID, chọn Đăng ký tài khoản.",
                           "step-picture": SimpleUploadedFile("b1.jpg", JPEG, "image/jpeg"),
                           "step-submission_key": key})
    client.post(edit, {"action": "file", "file-file": SimpleUploadedFile("huong-dan.pdf", b"%PDF-1.7 ..."),
                       "file-submission_key": str(uuid.uuid4())})
    step = GuideStep.objects.get()
    assert step.order == 1 and step.picture.read() == JPEG and GuideFile.objects.get().name == "huong-dan.pdf"
    client.logout()
    page = client.get(f"/huong-dan/{guide.pk}/").content.decode()
    assert "Mở ứng dụng VNeID" in page and f"/huong-dan/hinh/{step.pk}/" in page and "https://vneid.gov.vn" in page
    assert client.get(f"/huong-dan/hinh/{step.pk}/").getvalue() == JPEG
    assert client.get(f"/huong-dan/tep/{GuideFile.objects.get().pk}/").status_code == 200


def test_a_picture_over_300_kb_is_refused_next_to_the_field(client, world, media):
    guide = write(client, world)
    page = client.post(f"/huong-dan/{guide.pk}/sua/", {
        "action": "step", "step-text": "Chụp ảnh khuôn mặt.", "step-submission_key": str(uuid.uuid4()),
        "step-picture": SimpleUploadedFile("to.png", b"\x89PNG" + b"\x00" * 310_000, "image/png")}).content.decode()
    assert "Hình lớn hơn 300 KB" in page and not GuideStep.objects.exists()


def test_a_draft_is_hidden_from_citizens_and_members(client, world):
    guide = write(client, world, title="Bản nháp mở ví điện tử", published=False)
    client.force_login(world.leader_a1)
    assert client.get(f"/huong-dan/{guide.pk}/").status_code == 404
    assert "Bản nháp mở ví điện tử" not in client.get("/huong-dan/").content.decode()
    client.force_login(world.province_admin)
    assert client.get(f"/huong-dan/{guide.pk}/").status_code == 200


@pytest.mark.parametrize("typed", ["kích hoạt vneid", "kich hoat vneid", "KICH HOAT"])
def test_guides_are_found_with_or_without_diacritics(client, world, typed):
    write(client, world)
    write(client, world, title="Mở ví điện tử")
    client.logout()
    page = client.get("/huong-dan/", {"q": typed}).content.decode()
    assert "Kích hoạt định danh điện tử VNeID mức 2" in page and "Mở ví điện tử" not in page


def test_a_stale_edit_does_not_overwrite(client, world):
    guide = write(client, world)
    form = {"action": "save", "title": guide.title, "pillar": "government", "summary": "Bản của tôi",
            "was": guide.version, "is_published": "on"}
    client.post(f"/huong-dan/{guide.pk}/sua/", {**form, "summary": "Bản của người khác"})
    page = client.post(f"/huong-dan/{guide.pk}/sua/", form).content.decode()
    assert "người khác đã lưu hướng dẫn này" in page
    assert Guide.objects.get().summary == "Bản của người khác"


@pytest.mark.parametrize("persona", ["officer_a", "leader_a1", "partner"])
def test_only_the_province_admin_writes_guides(client, world, persona):
    guide = write(client, world)
    client.force_login(getattr(world, persona))
    assert client.get("/huong-dan/moi/").status_code == 404
    assert client.post(f"/huong-dan/{guide.pk}/sua/", {"action": "step_remove", "step": 1}).status_code == 404
