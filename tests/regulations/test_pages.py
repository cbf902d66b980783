import io

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tocns.regulations.models import Adoption, AdoptionStatus

from .factories import issue, make_version, start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_officer_adopts_edits_downloads_the_draft_and_records_the_decision(client, world):
    version = make_version(world)
    client.force_login(world.officer_a)
    page = client.get(reverse("regulations:commune", args=[world.commune_a.code]))
    assert "Xã Thượng Lâm chưa ban hành quy chế hoạt động của Tổ." in page.content.decode()
    response = client.post(reverse("regulations:adoption_start", args=[world.commune_a.code]),
                           {"base": version.pk, "submission_key": "0b0c5a3e-9f8e-4c55-8a7e-2f0c0b2d1e11"})
    adoption = Adoption.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("regulations:adoption", args=[adoption.pk])
    adapted = version.text.replace("trước ngày 30", "trước ngày 25")
    client.post(reverse("regulations:adoption", args=[adoption.pk]),
                {"action": "save", "title": "Quy chế hoạt động của Tổ CNSCĐ xã Thượng Lâm", "text": adapted,
                 "was": adoption.version})
    draft = client.get(reverse("regulations:adoption_docx", args=[adoption.pk]))
    assert draft.status_code == 200 and draft["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(draft.content))
    body = [flat(p.text) for p in document.paragraphs if p.text.strip()]
    assert "QUYẾT ĐỊNH" in body
    assert any("Về việc ban hành Quy chế hoạt động của Tổ công nghệ số cộng đồng xã Thượng Lâm" in t for t in body)
    assert any(t.startswith("QUY CHẾ HOẠT ĐỘNG") for t in body)  # the annex
    assert "Điều 4. Chế độ báo cáo" in body and any("trước ngày 25" in t for t in body)
    section = document.sections[0]
    assert round(section.left_margin.mm) == 30 and round(section.page_width.mm) == 210
    response = client.post(reverse("regulations:adoption", args=[adoption.pk]), {
        "action": "issue", "decision_number": "12/qđ-ubnd", "signed_on": "05/10/2026", "signer_name": "Ma Văn Tiến",
        "signer_title": "Chủ tịch UBND xã", "was": adoption.version + 1,
        "signed_file": SimpleUploadedFile("qd.pdf", b"%PDF-1.4 signed", "application/pdf")})
    assert response.status_code == 302
    adoption.refresh_from_db()
    assert adoption.status == AdoptionStatus.ISSUED and adoption.decision_number == "12/QĐ-UBND"
    scan = client.get(reverse("regulations:adoption_file", args=[adoption.pk]))
    assert scan.status_code == 200 and b"".join(scan.streaming_content).startswith(b"%PDF")
    page = client.get(reverse("regulations:commune", args=[world.commune_a.code])).content.decode()
    assert "12/QĐ-UBND" in page and "chưa ban hành" not in page


def test_a_wrong_scan_is_refused_next_to_the_field_and_the_typed_values_stay(client, world):
    adoption = start(world, make_version(world))
    client.force_login(world.officer_a)
    response = client.post(reverse("regulations:adoption", args=[adoption.pk]), {
        "action": "issue", "decision_number": "12/QĐ-UBND", "signed_on": "05/10/2026", "signer_name": "Ma Văn Tiến",
        "signer_title": "Chủ tịch UBND xã", "was": adoption.version,
        "signed_file": SimpleUploadedFile("qd.exe", b"MZ", "application/octet-stream")})
    html = response.content.decode()
    assert response.status_code == 200 and "Chỉ nhận tệp PDF, JPG hoặc PNG." in html
    assert 'value="12/QĐ-UBND"' in html
    assert Adoption.objects.get().status == AdoptionStatus.DRAFT


def test_a_stale_edit_shows_the_newest_text_and_a_message(client, world):
    adoption = start(world, make_version(world))
    client.force_login(world.officer_a)
    url = reverse("regulations:adoption", args=[adoption.pk])
    client.post(url, {"action": "save", "title": "Bản của chị Mai", "text": adoption.text, "was": adoption.version})
    response = client.post(url, {"action": "save", "title": "Bản của anh Tiến", "text": adoption.text,
                                 "was": adoption.version})
    assert "người khác đã lưu" in response.content.decode()
    assert Adoption.objects.get().title == "Bản của chị Mai"


def test_another_communes_adoption_answers_404(client, world):
    adoption = issue(start(world, make_version(world)))
    client.force_login(world.officer_b)
    for name, args in (("regulations:adoption", [adoption.pk]), ("regulations:adoption_docx", [adoption.pk]),
                       ("regulations:adoption_file", [adoption.pk]),
                       ("regulations:commune", [world.commune_a.code])):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    response = client.post(reverse("regulations:adoption_start", args=[world.commune_a.code]),
                           {"base": adoption.base_id})
    assert response.status_code == 404


def test_the_province_admin_reads_every_commune_but_does_not_adopt(client, world):
    version = make_version(world)
    adoption = start(world, version)
    client.force_login(world.province_admin)
    assert client.get(reverse("regulations:adoption", args=[adoption.pk])).status_code == 200
    response = client.post(reverse("regulations:adoption", args=[adoption.pk]),
                           {"action": "save", "title": "x", "text": version.text, "was": adoption.version})
    assert response.status_code == 404
    assert client.post(reverse("regulations:adoption_start", args=[world.commune_b.code]),
                       {"base": version.pk}).status_code == 404


def test_team_members_and_partners_do_not_see_regulations(client, world):
    for user in (world.leader_a1, world.member_a1, world.partner):
        client.force_login(user)
        assert client.get(reverse("regulations:index")).status_code == 404


def test_the_province_admin_publishes_a_version_from_the_page(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("regulations:version_create"), {
        "label": "1", "title": "Quy chế hoạt động mẫu", "issued_on": "01/09/2026",
        "text": "Điều 1. Phạm vi\nNội dung.\nĐiều 3. Sai số", "submission_key": "6f1c3a0e-1d2b-4c3d-9e8f-7a6b5c4d3e2f"})
    assert "cần Điều 2" in response.content.decode()
    assert 'value="Quy chế hoạt động mẫu"' in response.content.decode()
    response = client.post(reverse("regulations:version_create"), {
        "label": "1", "title": "Quy chế hoạt động mẫu", "issued_on": "01/09/2026",
        "text": "Điều 1. Phạm vi\nNội dung.", "submission_key": "6f1c3a0e-1d2b-4c3d-9e8f-7a6b5c4d3e2f",
        "file": SimpleUploadedFile("mau.docx", b"PK\x03\x04 word", "application/octet-stream")})
    assert response.status_code == 302
    from tocns.regulations.models import RegulationVersion
    version = RegulationVersion.objects.get()
    assert client.get(reverse("regulations:version_file", args=[version.pk])).status_code == 200
    client.force_login(world.officer_a)  # the commune office reads the model and its file
    assert client.get(reverse("regulations:version", args=[version.pk])).status_code == 200
    assert client.get(reverse("regulations:version_file", args=[version.pk])).status_code == 200
    assert client.get(reverse("regulations:version_edit", args=[version.pk])).status_code == 404


def test_the_province_table_filters_and_downloads_as_excel(client, world):
    issue(start(world, make_version(world)))
    client.force_login(world.province_admin)
    page = client.get(reverse("regulations:index"), {"tinh-trang": "none"}).content.decode()
    assert "Phường Minh Xuân" in page and "Xã Thượng Lâm</a>" not in page
    response = client.get(reverse("regulations:export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["Xã Thượng Lâm"][3] == "Theo phiên bản hiện hành" and rows["Xã Thượng Lâm"][5] == "12/QĐ-UBND"
    assert rows["Phường Minh Xuân"][3] == "Chưa ban hành"
    client.force_login(world.officer_a)
    assert client.get(reverse("regulations:export")).status_code == 404


def test_the_commune_office_sees_the_missing_regulation_as_a_todo(client, world):
    make_version(world)
    client.force_login(world.officer_a)
    home = client.get("/").content.decode()
    assert "Xã Thượng Lâm chưa ban hành quy chế hoạt động của Tổ" in home
    assert reverse("regulations:index") in home  # the menu entry


def test_a_version_edited_since_the_page_opened_is_not_overwritten(client, world):
    version = make_version(world)
    client.force_login(world.province_admin)
    url = reverse("regulations:version_edit", args=[version.pk])
    fields = {"title": "Quy chế mẫu (sửa lỗi chính tả)", "issued_on": "01/09/2026", "text": version.text}
    assert client.post(url, {**fields, "was": version.version}).status_code == 302
    response = client.post(url, {**fields, "title": "Bản cũ", "was": version.version})
    assert "người khác đã lưu" in response.content.decode()
    version.refresh_from_db()
    assert version.title == "Quy chế mẫu (sửa lỗi chính tả)" and version.version == 2


def test_the_province_table_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    from tests.factories import make_unit
    from tocns.geo.models import UnitKind

    version = make_version(world)
    for n in range(12):
        commune = make_unit(name=f"Xã Thử {n}", kind=UnitKind.XA, parent=world.province)
        if n % 2:
            issue(start(world, version, commune=commune, by=world.province_admin), number=f"{n}/QĐ-UBND")
    client.force_login(world.province_admin)
    client.get(reverse("regulations:index"))  # warm the session and the scope
    with django_assert_max_num_queries(14):
        response = client.get(reverse("regulations:index"))
    assert response.content.decode().count("Theo phiên bản hiện hành") >= 6
