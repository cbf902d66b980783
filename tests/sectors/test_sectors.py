"""Departments and sectors (plan III.3): a department records what it did for the teams, sees the
figures of the communes it supports and nothing personal; the province manages the departments and
sees each one's part; everyone else gets 404."""

import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tocns.audit.models import AuditEntry
from tocns.fieldwork.models import Service
from tocns.sectors import services
from tocns.sectors.models import Department, DepartmentActivity

from ..factories import make_team, make_user
from .conftest import record

pytestmark = pytest.mark.django_db


def form(**overrides):
    data = {"kind": "commune_support", "date": "12/11/2026", "services": [Service.objects.get(code="vneid").pk],
            "description": "Công an xã cùng tổ kích hoạt VNeID mức 2 cho người cao tuổi", "people_reached": "42",
            "submission_key": str(uuid.uuid4())}
    data.update(overrides)
    return data


def test_a_department_user_logs_an_activity_once_even_when_the_save_is_retried(client, world, agriculture):
    user = agriculture.users.get()
    client.force_login(user)
    data = form(commune=world.commune_a.pk)
    response = client.post("/so-nganh/hoat-dong/ghi/", data)
    client.post("/so-nganh/hoat-dong/ghi/", data)  # pressed again on a slow connection
    assert response.status_code == 302 and response.url == "/so-nganh/hoat-dong/"
    activity = DepartmentActivity.objects.get()
    assert (activity.department, activity.commune, activity.people_reached, activity.recorded_by) == (
        agriculture, world.commune_a, 42, user)
    assert [str(p) for p in activity.pillars] == ["Chính quyền số"]
    page = client.get("/so-nganh/hoat-dong/").content.decode()
    assert "12/11/2026" in page and "Xã Thượng Lâm" in page and "42 người" in page
    assert "Tháng này: 1 hoạt động, 42 người được tiếp cận." in page
    assert AuditEntry.objects.filter(action="department_activity.create", object_id=activity.pk).count() == 1


def test_bad_input_is_explained_next_to_each_field_and_nothing_is_written(client, world, agriculture):
    client.force_login(agriculture.users.get())
    response = client.post("/so-nganh/hoat-dong/ghi/", form(
        services=[], date="25/11/2026", people_reached="-3", description="   ", commune=world.commune_b.pk))
    errors = response.context["form"].errors
    assert "Hãy chọn ít nhất một dịch vụ số mà hoạt động hướng tới." in errors["services"]
    assert "Số người không được âm." in errors["people_reached"]
    assert "Hãy ghi ngắn gọn đã làm gì." in errors["description"]
    assert "Hãy chọn một xã, phường trong danh sách." in errors["commune"]  # not one of its communes
    response = client.post("/so-nganh/hoat-dong/ghi/", form(date="25/11/2026"))
    assert response.context["form"].errors["date"] == ["Ngày hoạt động không được sau hôm nay."]
    assert "Công an xã cùng tổ" in response.content.decode()  # what was typed is kept
    assert not DepartmentActivity.objects.exists()


def test_the_service_refuses_a_commune_the_department_does_not_support(world, agriculture):
    with pytest.raises(services.ValidationError) as refused:
        record(agriculture, commune=world.commune_b)
    assert "commune" in refused.value.message_dict and not DepartmentActivity.objects.exists()


def test_another_departments_activity_and_its_file_answer_404(client, world, agriculture, health, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    theirs = record(health, kind="materials")
    services.activity_update(by=health.users.get(), activity=theirs, data={
        "kind": "materials", "date": theirs.date, "commune": None, "services": list(theirs.services.all()),
        "description": theirs.description, "people_reached": 0}, was=0,
        attachment=SimpleUploadedFile("so-tay.pdf", b"%PDF-1.4 so tay", content_type="application/pdf"))
    client.force_login(agriculture.users.get())
    for url in (f"/so-nganh/hoat-dong/{theirs.pk}/", f"/so-nganh/hoat-dong/{theirs.pk}/sua/",
                f"/so-nganh/hoat-dong/{theirs.pk}/tep/"):
        assert client.get(url).status_code == 404, url
    client.force_login(health.users.get())
    assert client.get(f"/so-nganh/hoat-dong/{theirs.pk}/tep/").status_code == 200
    client.force_login(world.province_admin)
    file = client.get(f"/so-nganh/hoat-dong/{theirs.pk}/tep/")
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF")


def test_a_commune_officer_and_a_partner_get_404_on_every_department_page(client, world, agriculture):
    activity = record(agriculture, commune=world.commune_a)
    urls = ["/so-nganh/", "/so-nganh/xuat/", f"/so-nganh/{agriculture.pk}/", "/so-nganh/hoat-dong/",
            "/so-nganh/hoat-dong/ghi/", f"/so-nganh/hoat-dong/{activity.pk}/",
            f"/so-nganh/hoat-dong/{activity.pk}/sua/", "/so-nganh/cac-xa/"]
    for user in (world.officer_a, world.chairman_a, world.partner, world.leader_a1):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)


def test_a_department_user_cannot_open_the_province_pages_or_the_unit_overviews(client, world, agriculture):
    client.force_login(agriculture.users.get())
    for url in ("/so-nganh/", "/so-nganh/xuat/", f"/so-nganh/{agriculture.pk}/", "/tong-quan/",
                f"/tong-quan/?unit={world.commune_a.code}"):
        assert client.get(url).status_code == 404, url
    menu = [label for _url, label in client.get("/").context["nav_items"]]
    assert "Hoạt động của sở, ngành" in menu and "Các xã được hỗ trợ" in menu
    assert "Sở, ban, ngành" not in menu and "Tổng quan" not in menu


def test_the_communes_overview_shows_figures_of_its_communes_only_and_no_names(client, world, agriculture):
    make_team(world, world.village_a1, members=3)
    make_team(world, world.village_b1, members=2)
    client.force_login(agriculture.users.get())
    page = client.get("/so-nganh/cac-xa/")
    rows = page.context["rows"]
    assert [row["unit"] for row in rows] == [world.commune_a]
    assert (rows[0]["teams"], rows[0]["members"]) == (1, 3)
    text = page.content.decode()
    assert "Xã Thượng Lâm" in text and "Phường Minh Xuân" not in text
    assert "Giàng Seo Chứ" not in text  # a member's name never reaches a department


def test_an_edit_on_an_outdated_page_is_refused_and_a_current_one_is_audited(client, world, agriculture):
    activity = record(agriculture)
    client.force_login(agriculture.users.get())
    url = f"/so-nganh/hoat-dong/{activity.pk}/sua/"
    stale = form(was="0", people_reached="55", submission_key=str(activity.submission_key))
    fresh = form(was="0", people_reached="50", submission_key=str(activity.submission_key))
    assert client.post(url, fresh).status_code == 302
    response = client.post(url, stale, follow=True)
    assert "người khác đã lưu hoạt động này" in response.content.decode()
    activity.refresh_from_db()
    assert (activity.people_reached, activity.version) == (50, 1)
    entry = AuditEntry.objects.get(action="department_activity.update")
    assert entry.data["changed"]["people_reached"] == ["30", "50"]


def test_a_file_of_the_wrong_kind_is_refused(client, world, agriculture, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(agriculture.users.get())
    renamed = SimpleUploadedFile("tai-lieu.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post("/so-nganh/hoat-dong/ghi/", {**form(), "attachment": renamed})
    assert response.context["form"].errors["attachment"] == ["Tệp không đọc được hoặc không đúng loại PDF."]
    script = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    response = client.post("/so-nganh/hoat-dong/ghi/", {**form(), "attachment": script})
    assert "Chỉ nhận tệp PDF" in response.context["form"].errors["attachment"][0]
    assert not DepartmentActivity.objects.exists()


def test_the_province_admin_adds_a_department_links_its_accounts_and_communes(client, world):
    officer = make_user(full_name="Hà Văn Sơn", role="department", unit=world.province)
    client.force_login(world.province_admin)
    response = client.post("/so-nganh/", {"name": "  Sở Giáo dục   và Đào tạo "})
    department = Department.objects.get()
    assert response.url == f"/so-nganh/{department.pk}/" and department.name == "Sở Giáo dục và Đào tạo"
    page = client.get(response.url)
    assert [u.pk for u in page.context["users_form"].fields["users"].queryset] == [officer.pk]  # department role only
    client.post(response.url, {"action": "users", "users-users": [officer.pk]})
    client.post(response.url, {"action": "communes", "communes-communes": [world.commune_b.pk]})
    assert list(department.users.all()) == [officer] and list(department.communes.all()) == [world.commune_b]
    bad = client.post(response.url, {"action": "users", "users-users": [world.officer_a.pk]})
    assert bad.status_code == 200 and list(department.users.all()) == [officer]
    assert {e.action for e in AuditEntry.objects.all()} >= {"department.add", "department.users", "department.communes"}


def test_an_account_acts_for_one_department_only(world, agriculture, health):
    with pytest.raises(services.ValidationError) as refused:
        services.department_users_set(by=world.province_admin, department=health,
                                      users=[agriculture.users.get(), health.users.get()])
    assert "đang làm việc cho Sở Nông nghiệp và Môi trường" in refused.value.messages[0]


def test_the_province_sees_each_departments_part_over_a_period_and_exports_it(client, world, agriculture, health):
    record(agriculture, commune=world.commune_a, people=30, services_=("vneid", "thanh-toan-qr"))
    record(agriculture, kind="outreach", people=80, day=datetime.date(2026, 10, 3))
    record(health, kind="materials", people=0, services_=("so-suc-khoe",))
    record(health, kind="training", people=25, services_=("so-suc-khoe",), day=datetime.date(2025, 12, 1))
    client.force_login(world.province_admin)
    parts = {p.department.name: p for p in client.get("/so-nganh/?tu=01/01/2026&den=20/11/2026").context["parts"]}
    agri, hea = parts["Sở Nông nghiệp và Môi trường"], parts["Sở Y tế"]
    assert (agri.activities, agri.people, agri.communes_touched) == (2, 110, 1)
    assert dict(agri.pillar_counts()) == {"Chính quyền số": 2, "Kinh tế số": 1, "Xã hội số": 0}
    assert dict(agri.kind_counts())["Tuyên truyền cho cán bộ, công chức"] == 1
    assert (hea.activities, hea.people) == (1, 0)  # the training of 2025 is outside the period
    detail = client.get(f"/so-nganh/{health.pk}/?tu=01/01/2025&den=20/11/2026").content.decode()
    assert "01/12/2025" in detail and "Tập huấn" in detail
    book = load_workbook(io.BytesIO(client.get("/so-nganh/xuat/?tu=01/01/2026&den=20/11/2026").content))
    rows = {row[0]: row for row in book.worksheets[0].iter_rows(min_row=4, values_only=True)}
    assert rows["Sở Nông nghiệp và Môi trường"][1] == 2 and rows["Sở Nông nghiệp và Môi trường"][-2:] == (110, 1)
    assert book.worksheets[1].max_row == 3 + 3  # title, note, headers, then the three activities of the period


def test_a_department_users_home_shows_its_recent_activities_and_the_log_button(client, world, agriculture):
    record(agriculture, description="Hội nghị quán triệt cho cán bộ khuyến nông")
    client.force_login(agriculture.users.get())
    page = client.get("/").content.decode()
    assert 'id="log-department-activity"' in page and "Hội nghị quán triệt cho cán bộ khuyến nông" in page
    unlinked = make_user(role="department", unit=world.province)
    client.force_login(unlinked)
    assert "chưa được gắn với sở, ban, ngành nào" in client.get("/").content.decode()
    assert client.get("/so-nganh/hoat-dong/").status_code == 200
    assert client.get("/so-nganh/hoat-dong/ghi/").status_code == 404
