"""A queue file brought to the office lists its entries by day as people write it (19/11/2026),
not as the phone stored it (2026-11-19)."""

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


def test_an_uploaded_queue_file_lists_its_entries_by_day_written_dd_mm_yyyy(client, world, team):
    entry = {"client_id": str(uuid.uuid4()), "date": "2026-11-19", "unit": world.village_a1.code,
             "kind": "guidance", "services": ["vneid"], "people_count": 4, "made_at": "2026-11-19T15:30:00+07:00"}
    client.force_login(world.officer_a)
    upload = SimpleUploadedFile("nhat-ky-chua-gui.json", json.dumps([entry]).encode(), "application/json")
    page = client.post("/nhat-ky/tai-len/", {"file": upload}).content.decode()
    assert "19/11/2026 · 4 người · đã lưu" in page and "2026-11-19" not in page
