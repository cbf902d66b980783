import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tocns.geo.models import AdminUnit, UnitChange, VillageImport

pytestmark = pytest.mark.django_db


def upload(rows, name="thon.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def test_admin_previews_then_confirms_a_village_file(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("dashboard:village_import"), {"file": upload([
        ["Xã/Phường", "Tên thôn"], ["Thượng Lâm", "Thôn Pù Lầy"], ["Xa Thuong Lam", "Thôn Tát Ngà"]])})
    batch = VillageImport.objects.get()
    assert response.url == reverse("dashboard:village_import_preview", args=[batch.pk])
    preview = client.get(response.url).content.decode()
    assert "Thôn Pù Lầy" in preview and "thêm mới" in preview
    assert not AdminUnit.objects.filter(name="Thôn Pù Lầy").exists()
    client.post(reverse("dashboard:village_import_confirm", args=[batch.pk]))
    assert AdminUnit.objects.filter(parent=world.commune_a, name__in=["Thôn Pù Lầy", "Thôn Tát Ngà"]).count() == 2


def test_confirming_a_file_with_errors_writes_nothing_and_says_why(client, world):
    client.force_login(world.province_admin)
    client.post(reverse("dashboard:village_import"), {"file": upload([
        ["Xã/Phường", "Tên thôn"], ["Thượng Lâm", "Thôn Tốt"], ["Xã Không Có", "Thôn Lỗi"]])})
    batch = VillageImport.objects.get()
    preview = client.get(reverse("dashboard:village_import_preview", args=[batch.pk])).content.decode()
    assert "Không tìm thấy xã/phường «Xã Không Có»" in preview
    response = client.post(reverse("dashboard:village_import_confirm", args=[batch.pk]), follow=True)
    assert "chưa nhập dòng nào" in response.content.decode()
    assert not AdminUnit.objects.filter(name="Thôn Tốt").exists()
    client.post(reverse("dashboard:village_import_confirm", args=[batch.pk]), {"only_valid": "1"})
    assert AdminUnit.objects.filter(name="Thôn Tốt").exists()


def test_a_wrong_file_type_gets_a_message_next_to_the_field(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("dashboard:village_import"),
                           {"file": SimpleUploadedFile("thon.docx", b"PK\x03\x04")})
    assert response.context["form"].errors["file"] == ["Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."]


def test_admin_records_a_merge_of_two_villages_from_the_commune_page(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("dashboard:villages_merge", args=[world.commune_a.code]), {
        "units": [world.village_a1.pk, world.village_a2.pk], "new_name": "Thôn Nà Khà Đăm",
        "new_kind": "thon", "decision_number": "21/QĐ-UBND", "effective_date": "01/11/2026"}, follow=True)
    body = response.content.decode()
    assert "Đã ghi nhận sáp nhập theo quyết định 21/QĐ-UBND." in body
    assert "Hình thành từ" in body and "Thôn Nà Khà" in body
    change = UnitChange.objects.get()
    assert change.effective_date.strftime("%d/%m/%Y") == "01/11/2026"
    old = client.get(reverse("dashboard:unit_detail", args=[world.village_a1.code])).content.decode()
    assert "thôi sử dụng từ 01/11/2026" in old and "Thôn Nà Khà Đăm" in old


def test_a_merge_form_with_one_village_shows_the_error_next_to_the_field(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("dashboard:villages_merge", args=[world.commune_a.code]), {
        "units": [world.village_a1.pk], "survivor": world.village_a1.pk,
        "decision_number": "21/QĐ-UBND", "effective_date": "01/11/2026"})
    assert response.context["form"].errors["units"] == ["Chọn ít nhất hai thôn/tổ dân phố để sáp nhập."]
    assert not UnitChange.objects.exists()


def test_admin_splits_a_village(client, world):
    client.force_login(world.province_admin)
    client.post(reverse("dashboard:village_split", args=[world.village_a2.code]), {
        "new_names": "Thôn Khuổi Đăm Trên\nThôn Khuổi Đăm Dưới", "new_kind": "thon",
        "decision_number": "22/QĐ-UBND", "effective_date": "01/11/2026"})
    world.village_a2.refresh_from_db()
    assert world.village_a2.retired_on is not None
    assert world.commune_a.children.filter(name__startswith="Thôn Khuổi Đăm ", retired_on__isnull=True).count() == 2


def test_commune_officer_does_not_see_a_breadcrumb_to_the_province(client, world):
    client.force_login(world.officer_a)
    body = client.get(reverse("dashboard:unit_detail", args=[world.commune_a.code])).content.decode()
    assert f'href="/units/{world.province.code}/"' not in body


def test_another_provinces_admin_cannot_see_an_import_batch(client, world):
    from ..factories import make_user

    client.force_login(world.province_admin)
    client.post(reverse("dashboard:village_import"), {"file": upload([["Xã", "Thôn"], ["Thượng Lâm", "Thôn Mới"]])})
    batch = VillageImport.objects.get()
    cao_bang_admin = make_user(full_name="Nông Văn Dũng", role="province_admin", unit=world.other_province)
    client.force_login(cao_bang_admin)
    assert client.get(reverse("dashboard:village_import_preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("dashboard:village_import_confirm", args=[batch.pk])).status_code == 404
    assert not AdminUnit.objects.filter(name="Thôn Mới").exists()
