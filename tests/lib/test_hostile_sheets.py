"""Hostile spreadsheets (issue #12): every upload goes through one guarded reader, which refuses a
file that unzips to hundreds of MB, a sheet of a million blank rows, or one that reads too long, in
Vietnamese, fast, and before any of it is stored."""

import re
import time
from functools import cache

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tocns.geo.models import AdminUnit, VillageImport
from tocns.lib import sheets
from tocns.lib.sheets import FileRefused, read_table
from tocns.reports.models import Target
from tocns.teams.models import Application, Membership

from ..factories import make_team, xlsx
from . import hostile_files

EXPANDS = "Tệp Excel khi mở ra quá lớn"
BLANK = "kể cả dòng trống"


@cache
def bomb() -> bytes:
    return hostile_files.shared_strings_bomb()


@cache
def million_blank_rows() -> bytes:
    return hostile_files.blank_rows(1_000_000)


@cache
def compact_blank_rows() -> bytes:
    return hostile_files.blank_rows(1_000_000, formatted=False, numbered=False, level=9)


HOSTILE = [pytest.param(bomb, EXPANDS, id="shared-strings-200MB"),
           pytest.param(million_blank_rows, EXPANDS, id="1000000-blank-rows")]


def refused_fast(data: bytes, name: str = "danh-sach.xlsx", **kwargs) -> str:
    started = time.monotonic()
    with pytest.raises(FileRefused) as refused:
        read_table(data, name, **kwargs)
    assert time.monotonic() - started < 1
    return " ".join(refused.value.messages)


# ---- the reader ---------------------------------------------------------------------------------

def test_shared_strings_that_expand_to_200_mb_are_refused_from_the_zip_directory():
    assert len(bomb()) < 300 * 1024
    assert EXPANDS in refused_fast(bomb())


def test_a_million_blank_rows_are_refused_in_under_a_second():
    assert EXPANDS in refused_fast(million_blank_rows())
    assert len(compact_blank_rows()) < 100 * 1024
    assert "nén bất thường" in refused_fast(compact_blank_rows())


def test_blank_rows_count_toward_the_row_limit():
    data = hostile_files.blank_rows(3000, formatted=False)  # small once unzipped: only the rows give it away
    assert BLANK in refused_fast(data, max_rows=1000)
    assert len(read_table(data, "a.xlsx", max_rows=5000)) == 3002


def test_one_cell_on_excels_last_row_is_refused_without_walking_the_gap():
    assert BLANK in refused_fast(hostile_files.far_cell())


def test_a_sheet_that_claims_every_cell_of_the_grid_is_refused():
    message = refused_fast(hostile_files.declared_huge())
    assert BLANK in message or "quá nhiều cột" in message
    assert "quá nhiều cột" in refused_fast(hostile_files.declared_huge("A1:XFD10"))


def test_a_highly_compressed_part_is_refused_even_under_the_total():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (20 * 1024 * 1024))
    assert "nén bất thường" in refused_fast(out.getvalue())


def test_large_shared_strings_or_styles_are_refused_before_openpyxl_builds_them():
    import io
    import zipfile

    def with_part(name: str, size: int) -> bytes:
        source = zipfile.ZipFile(io.BytesIO(xlsx([["Họ và tên"], ["Giàng Seo Chứ"]])))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in source.infolist():
                if part.filename != name:
                    archive.writestr(part, source.read(part))
            body = b"".join(b'<xf numFmtId="%d" fontId="0"/>' % (n % 200) for n in range(size // 30))
            archive.writestr(name, b"<styleSheet><cellXfs>" + body + b"</cellXfs></styleSheet>")
        return out.getvalue()

    assert "quá nhiều chữ" in refused_fast(with_part("xl/sharedStrings.xml", 5 * 1024 * 1024))
    assert "định dạng quá lớn" in refused_fast(with_part("xl/styles.xml", 2 * 1024 * 1024))


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened():
    assert "tối đa 5 MB" in refused_fast(b"PK" + b"\0" * sheets.MAX_FILE_BYTES)
    assert "tối đa 5 MB" in refused_fast(b"a\n" * (sheets.MAX_FILE_BYTES // 2 + 1), "a.csv")


def test_a_file_that_reads_past_the_time_budget_is_refused(monkeypatch):
    monkeypatch.setattr(sheets, "TIME_BUDGET_SECONDS", -1)
    data = xlsx([["Họ và tên"], ["Giàng Seo Chứ"]])
    assert "đọc quá lâu" in refused_fast(data)
    assert "đọc quá lâu" in refused_fast("Tên\nA\n".encode(), "a.csv")


def test_a_real_member_list_of_a_thousand_rows_is_read_whole():
    rows = [["Họ và tên", "Số điện thoại"]] + [[f"Người {n}", f"09{n:08d}"] for n in range(1000)]
    assert len(read_table(xlsx(rows), "a.xlsx", max_rows=1000)) == 1001


def test_csv_blank_lines_count_and_bad_bytes_get_a_clear_message():
    assert BLANK in refused_fast(b"Ten\n" + b"\n" * 3000 + b"A\n", "a.csv", max_rows=1000)
    assert "UTF-8" in refused_fast(b"Ten\n\x81\x8d\x8f\x90\x9d\n", "a.csv")
    assert read_table("Tên\tSĐT\nNà\t1\n".encode("utf-16"), "a.csv") == [["Tên", "SĐT"], ["Nà", "1"]]
    assert read_table(b"Ten\nA\x00B\n", "a.csv") == [["Ten"], ["AB"]]
    assert "ô quá dài" in refused_fast(b'Ten\n"' + b"a" * 200_000 + b'"\n', "a.csv")


# ---- every import path --------------------------------------------------------------------------

def hostile_upload(build) -> SimpleUploadedFile:
    return SimpleUploadedFile("danh-sach.xlsx", build(), content_type="application/octet-stream")


@pytest.mark.django_db
@pytest.mark.parametrize(("build", "message"), HOSTILE)
def test_member_import_refuses_a_hostile_file_and_adds_nobody(client, world, build, message):
    team = make_team(world, world.village_a1, members=1)
    before = Membership.objects.count()
    client.force_login(world.officer_a)
    response = client.post(reverse("teams:members_import", args=[team.pk]),
                           {"file": hostile_upload(build), "confirm": "1"})
    assert response.status_code == 200 and message in response.content.decode()
    assert Membership.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("build", "message"), HOSTILE)
def test_village_import_refuses_a_hostile_file_and_stores_nothing(client, world, build, message):
    before = AdminUnit.objects.count()
    client.force_login(world.province_admin)
    response = client.post(reverse("dashboard:village_import"), {"file": hostile_upload(build)})
    assert response.status_code == 200 and message in response.content.decode()
    assert not VillageImport.objects.exists() and AdminUnit.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("build", "message"), HOSTILE)
def test_target_import_refuses_a_hostile_file_and_stores_nothing(client, world, build, message):
    client.force_login(world.province_admin)
    response = client.post(reverse("report_settings:targets_import"), {"file": hostile_upload(build), "confirm": "1"})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Target.objects.exists()


def _group_form(page: str) -> dict:
    """The group join form as a person fills it: contact, the sum question answered, no rows typed."""
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    a, b = map(int, re.search(r"Để chống gửi tự động: (\d+) \+ (\d+)", page).groups())
    return {"p-TOTAL_FORMS": "0", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "50",
            "contact_name": "Bàn Văn Tủa", "contact_phone": "0912 000 111", "challenge_token": token,
            "challenge_answer": str(a + b), "submission_key": key}


# The public form takes 2 MB at most (the request limit): the million blank rows come in the forms
# that fit, a few KB of unnumbered rows, or one cell on Excel's last row.
PUBLIC_HOSTILE = [HOSTILE[0], pytest.param(compact_blank_rows, "nén bất thường", id="1000000-blank-rows-unnumbered"),
                  pytest.param(hostile_files.far_cell, BLANK, id="one-cell-on-the-last-row")]


@pytest.mark.django_db
@pytest.mark.parametrize(("build", "message"), PUBLIC_HOSTILE)
def test_public_group_join_refuses_a_hostile_file_and_stores_no_application(client, world, build, message):
    team = make_team(world, world.commune_a)
    url = reverse("portal:join_group", args=[team.public_slug])
    data = _group_form(client.get(url).content.decode())
    started = time.monotonic()
    response = client.post(url, {**data, "file": hostile_upload(build)})
    assert time.monotonic() - started < 2
    assert response.status_code == 200 and message in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_refused_files_count_toward_the_senders_hourly_limit(client, world, settings):
    from tocns.portal.models import RefusedUpload

    settings.PUBLIC_APPLICATIONS_PER_HOUR = 3
    team = make_team(world, world.commune_a)
    url = reverse("portal:join_group", args=[team.public_slug])
    for _ in range(3):
        data = _group_form(client.get(url).content.decode())
        response = client.post(url, {**data, "file": hostile_upload(hostile_files.far_cell)})
        assert response.status_code == 200 and BLANK in response.content.decode()
    assert RefusedUpload.objects.count() == 3
    data = _group_form(client.get(url).content.decode())
    good = xlsx([["Họ và tên", "Số điện thoại"], ["Lò Thị Dung", "0987000001"]])
    response = client.post(url, {**data, "file": SimpleUploadedFile("ds.xlsx", good)})
    assert response.status_code == 429 and not Application.objects.exists()
    # Another address is not held back by this one's files.
    other = client.post(url, {**data, "file": hostile_upload(hostile_files.far_cell)}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
