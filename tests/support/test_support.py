import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from tocns.audit.models import AuditEntry
from tocns.notify.models import NoticeKind, Notification
from tocns.support import services
from tocns.support.models import SupportEvent, SupportRequest, SupportStatus
from tocns.support.services import working_days_after
from tocns.teams.choices import MemberRole
from tocns.teams.models import Membership

from ..factories import make_team, make_user
from .factories import PNG, lead_team, make_partner, other_partner_user, send

pytestmark = pytest.mark.django_db


def _ask(client, partner, world, **overrides):
    data = {"kind": "sim", "unit": world.village_a1.pk, "partner": partner.pk, "xa": world.commune_a.code,
            "description": "Cần 5 SIM chính chủ cho người cao tuổi thôn Nà Khà.", "wanted_by": "",
            "submission_key": "k-1"}
    data.update(overrides)
    return client.post("/ho-tro/gui/", data)


def test_a_leader_asks_only_partners_serving_his_commune_and_the_partner_is_told(client, world):
    lead_team(world)
    vnpt = make_partner(world)
    elsewhere = make_partner(world, name="Viettel Tuyên Quang", communes=[world.commune_b], users=[])
    client.force_login(world.leader_a1)
    page = client.get("/ho-tro/gui/").content.decode()
    assert "VNPT Tuyên Quang" in page and "Viettel Tuyên Quang" not in page
    response = _ask(client, vnpt, world)
    item = SupportRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ho-tro/{item.pk}/"
    assert (item.status, item.partner, item.commune, item.team.unit) == (
        SupportStatus.SENT, vnpt, world.commune_a, world.village_a1)
    assert item.answer_due_on == working_days_after(timezone.localdate(), 5)
    assert list(item.events.values_list("status", "by")) == [(SupportStatus.SENT, world.leader_a1.pk)]
    notice = Notification.objects.get(kind=NoticeKind.SUPPORT_REQUESTED)
    assert notice.recipient == world.partner and item.code in notice.subject
    # A partner that does not serve the commune cannot be chosen by editing the page.
    refused = _ask(client, elsewhere, world, submission_key="k-2")
    assert "Hãy chọn doanh nghiệp." in refused.content.decode()
    assert SupportRequest.objects.count() == 1


def test_a_retried_send_stores_one_request(client, world):
    lead_team(world)
    vnpt = make_partner(world)
    client.force_login(world.leader_a1)
    _ask(client, vnpt, world)
    _ask(client, vnpt, world)
    assert SupportRequest.objects.count() == 1
    assert Notification.objects.filter(kind=NoticeKind.SUPPORT_REQUESTED).count() == 1


def test_bad_input_is_named_next_to_the_field_and_kept(client, world):
    lead_team(world)
    vnpt = make_partner(world)
    client.force_login(world.leader_a1)
    page = _ask(client, vnpt, world, description="SIM", wanted_by="31/02/2026").content.decode()
    assert "Ngày viết theo dạng dd/mm/yyyy." in page
    page = _ask(client, vnpt, world, description="SIM", wanted_by="").content.decode()
    assert "Hãy viết rõ cần hỗ trợ gì (ít nhất 10 chữ cái)." in page and "SIM</textarea>" in page
    yesterday = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
    page = _ask(client, vnpt, world, wanted_by=yesterday).content.decode()
    assert "Ngày mong được hỗ trợ không được trước hôm nay." in page
    assert not SupportRequest.objects.exists()


def test_a_photo_is_checked_like_field_log_photos_and_served_only_in_scope(client, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    lead_team(world)
    vnpt = make_partner(world)
    client.force_login(world.leader_a1)
    bad = SimpleUploadedFile("a.png", b"not an image at all", content_type="image/png")
    page = _ask(client, vnpt, world, photo=bad).content.decode()
    assert "Ảnh không đọc được" in page and not SupportRequest.objects.exists()
    big = SimpleUploadedFile("b.jpg", b"\xff\xd8\xff" + b"0" * 310 * 1024, content_type="image/jpeg")
    assert "Ảnh lớn hơn 300 KB" in _ask(client, vnpt, world, photo=big).content.decode()
    good = SimpleUploadedFile("c.png", PNG, content_type="image/png")
    _ask(client, vnpt, world, photo=good)
    item = SupportRequest.objects.get()
    assert item.photo.name.endswith(".png")
    client.force_login(world.partner)
    assert client.get(f"/ho-tro/{item.pk}/anh/").status_code == 200
    client.force_login(world.officer_b)
    assert client.get(f"/ho-tro/{item.pk}/anh/").status_code == 404


def test_the_partner_answers_and_the_leader_closes_with_every_step_kept(client, world):
    lead_team(world)
    vnpt = make_partner(world)
    item = send(world, vnpt)
    client.force_login(world.partner)
    client.post(f"/ho-tro/{item.pk}/", {"action": "receive", "version": 1})
    client.post(f"/ho-tro/{item.pk}/", {"action": "start", "version": 2})
    client.post(f"/ho-tro/{item.pk}/", {"action": "answer", "version": 3,
                                       "answer": "Nhân viên mang SIM về nhà văn hóa thôn chiều thứ Năm."})
    item.refresh_from_db()
    assert item.status == SupportStatus.ANSWERED and item.answered_by == world.partner
    answered = Notification.objects.get(kind=NoticeKind.SUPPORT_ANSWERED)
    assert answered.recipient == world.leader_a1 and "chiều thứ Năm" in answered.body
    client.force_login(world.leader_a1)
    page = client.get(f"/ho-tro/{item.pk}/").content.decode()
    assert "chiều thứ Năm" in page and "Đã giải quyết, đóng đề nghị" in page
    client.post(f"/ho-tro/{item.pk}/", {"action": "close", "version": 4, "note": "Đã nhận đủ SIM."})
    item.refresh_from_db()
    assert item.status == SupportStatus.CLOSED and item.closed_at is not None
    assert list(item.events.values_list("status", flat=True)) == [
        "sent", "received", "in_progress", "answered", "closed"]
    assert AuditEntry.objects.filter(object_type="support.supportrequest", object_id=item.pk).count() == 5


def test_a_request_not_solved_is_reopened_and_back_with_the_partner(world):
    lead_team(world)
    vnpt = make_partner(world)
    item = send(world, vnpt, kind="coverage", text="Sóng yếu ở khu dưới suối, không nhận được OTP.")
    services.support_answer(item=item, by=world.partner, answer="Đã thay thiết bị trạm phát sóng.")
    with pytest.raises(ValidationError):
        services.support_reopen(item=item, by=world.leader_a1, note="")
    services.support_reopen(item=item, by=world.leader_a1, note="Khu dưới suối vẫn chưa có sóng.")
    item.refresh_from_db()
    assert item.status == SupportStatus.REOPENED and item.is_open
    assert Notification.objects.filter(kind=NoticeKind.SUPPORT_REQUESTED, recipient=world.partner).count() == 2
    # Only the asker's side closes it; the partner cannot.
    with pytest.raises(ValidationError):
        services.support_close(item=item, by=world.partner)


def test_a_page_showing_an_old_step_cannot_overwrite_a_newer_one(client, world):
    lead_team(world)
    vnpt = make_partner(world)
    colleague = other_partner_user(world)
    vnpt.users.add(colleague)
    item = send(world, vnpt)
    services.support_answer(item=item, by=colleague, answer="Đã hẹn ngày mang SIM về thôn.")
    client.force_login(world.partner)
    page = client.post(f"/ho-tro/{item.pk}/", {"action": "answer", "version": 1,
                                              "answer": "Trả lời khác, viết trên trang cũ."}, follow=True)
    assert "đã được cập nhật" in page.content.decode()
    item.refresh_from_db()
    assert item.answer == "Đã hẹn ngày mang SIM về thôn."


def test_outsiders_get_404(client, world):
    lead_team(world)
    vnpt = make_partner(world)
    item = send(world, vnpt)
    other = other_partner_user(world)
    make_partner(world, name="Viettel Tuyên Quang", communes=[world.commune_a], users=[other])
    for user in (world.officer_b, other, world.member_a1):
        client.force_login(user)
        assert client.get(f"/ho-tro/{item.pk}/").status_code == 404, user
    # The other partner's user cannot answer it either.
    client.force_login(other)
    assert client.post(f"/ho-tro/{item.pk}/", {"action": "answer", "version": 1,
                                              "answer": "Đã xử lý xong."}).status_code == 404
    # The commune office of commune A sees it, and may close it for the team, but not answer.
    client.force_login(world.officer_a)
    assert client.get(f"/ho-tro/{item.pk}/").status_code == 200
    assert client.post(f"/ho-tro/{item.pk}/", {"action": "answer", "version": 1,
                                              "answer": "Đã xử lý xong."}).status_code == 404
    client.force_login(world.officer_b)
    assert item.code not in client.get("/ho-tro/").content.decode()
    client.force_login(world.member_a1)
    assert client.get("/ho-tro/").status_code == 404


def test_the_commune_office_asks_and_sees_all_of_its_commune(client, world):
    lead_team(world)
    vnpt = make_partner(world)
    from_team = send(world, vnpt)
    client.force_login(world.officer_a)
    _ask(client, vnpt, world, unit=world.commune_a.pk, kind="devices",
         description="Nhà văn hóa xã cần máy tính để hướng dẫn dịch vụ công.")
    own = SupportRequest.objects.exclude(pk=from_team.pk).get()
    assert own.team is None and own.asker_label == "UBND Xã Thượng Lâm"
    page = client.get("/ho-tro/").content.decode()
    assert from_team.code in page and own.code in page


def test_the_inbox_puts_overdue_first_and_filters_by_state_and_commune(client, world):
    lead_team(world)
    vnpt = make_partner(world, communes=[world.commune_a, world.commune_b])
    fresh = send(world, vnpt)
    late = send(world, vnpt, text="Cần kiểm tra điểm Wi-Fi nhà văn hóa.")
    SupportRequest.objects.filter(pk=late.pk).update(answer_due_on=timezone.localdate() - timedelta(days=2))
    client.force_login(world.partner)
    page = client.get("/ho-tro/").content.decode()
    assert page.index(late.code) < page.index(fresh.code)
    assert "1 đề nghị quá hạn trả lời" in page
    overdue_only = client.get("/ho-tro/?trang_thai=overdue").content.decode()
    assert late.code in overdue_only and fresh.code not in overdue_only
    assert fresh.code not in client.get(f"/ho-tro/?xa={world.commune_b.code}").content.decode()
    home = client.get("/").content.decode()
    assert 'id="support-open"' in home and late.code in home and "quá hạn" in home


def test_the_commune_office_is_told_on_its_home_when_a_partner_answered(client, world):
    lead_team(world)
    vnpt = make_partner(world)
    item = send(world, vnpt)
    services.support_answer(item=item, by=world.partner, answer="Đã gửi SIM về UBND xã.")
    client.force_login(world.officer_a)
    home = client.get("/").content.decode()
    assert f"VNPT Tuyên Quang đã trả lời đề nghị {item.code}" in home
    client.force_login(world.officer_b)
    assert item.code not in client.get("/").content.decode()


def test_partners_see_the_teams_of_the_communes_they_serve_and_public_phones_only(client, world):
    team = lead_team(world)
    hidden = make_team(world, world.village_a2, members=1)
    leader = Membership.objects.get(team=team, role=MemberRole.LEADER).person
    leader.phone_public = True
    leader.save()
    quiet = Membership.objects.get(team=hidden, role=MemberRole.LEADER).person
    make_team(world, world.village_b1, members=1)
    make_partner(world)
    client.force_login(world.partner)
    page = client.get(f"/ho-tro/cac-to/{world.commune_a.code}/").content.decode()
    assert leader.full_name in page and leader.phone_display in page
    assert quiet.full_name in page and quiet.phone_display not in page
    assert "Thôn Khuổi Đăm" in page and "Tổ dân phố số 1" not in page
    assert client.get(f"/ho-tro/cac-to/{world.commune_b.code}/").status_code == 404
    assert AuditEntry.objects.filter(action="support.teams_read", is_read=True).exists()
    client.force_login(world.officer_a)
    assert client.get(f"/ho-tro/cac-to/{world.commune_a.code}/").status_code == 404


def test_the_province_sets_the_communes_a_partner_serves_without_overwriting(client, world):
    vnpt = make_partner(world)
    client.force_login(world.province_admin)
    assert "VNPT Tuyên Quang" in client.get("/ho-tro/doi-tac/").content.decode()
    was = str(world.commune_a.pk)
    response = client.post(f"/ho-tro/doi-tac/{vnpt.pk}/xa/", {"communes": [world.commune_a.pk, world.commune_b.pk],
                                                             "was": was})
    assert response.status_code == 302
    assert set(vnpt.communes.all()) == {world.commune_a, world.commune_b}
    # A second admin's page still shows the old list: refused, nothing changed.
    page = client.post(f"/ho-tro/doi-tac/{vnpt.pk}/xa/", {"communes": [world.commune_b.pk], "was": was})
    assert "người khác đã đổi danh sách xã" in page.content.decode()
    assert set(vnpt.communes.all()) == {world.commune_a, world.commune_b}
    assert AuditEntry.objects.filter(action="partner.communes").count() == 1
    client.force_login(world.officer_a)
    assert client.get(f"/ho-tro/doi-tac/{vnpt.pk}/xa/").status_code == 404


def test_the_province_counts_by_partner_and_commune_and_exports(client, world):
    lead_team(world)
    vnpt = make_partner(world)
    answered = send(world, vnpt)
    SupportRequest.objects.filter(pk=answered.pk).update(sent_at=timezone.now() - timedelta(days=3))
    services.support_answer(item=answered, by=world.partner, answer="Đã mang SIM về thôn.")
    late = send(world, vnpt, text="Khu tái định cư chưa có sóng 4G.")
    SupportRequest.objects.filter(pk=late.pk).update(answer_due_on=date(2026, 1, 5))
    client.force_login(world.province_admin)
    page = client.get("/ho-tro/thong-ke/").content.decode()
    row = page[page.index('id="by-partner"'):page.index('id="by-commune"')]
    cells = [c.split("<")[0] for c in row.split('<td class="num">')[1:]]
    assert cells == ["2", "1", "1", "1", "3,0"]  # Vietnamese decimal comma
    response = client.get("/ho-tro/thong-ke/excel/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    codes = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert codes == [late.code, answered.code]
    assert AuditEntry.objects.filter(action="support.export").exists()
    client.force_login(world.officer_a)
    assert client.get("/ho-tro/thong-ke/excel/").status_code == 404
    assert client.get("/ho-tro/thong-ke/").status_code == 404


def test_the_answer_deadline_is_the_provinces_setting_in_working_days(client, world):
    lead_team(world)
    vnpt = make_partner(world)
    client.force_login(world.province_admin)
    client.post("/ho-tro/cai-dat/", {"answer_working_days": "3", "was": "5"})
    page = client.post("/ho-tro/cai-dat/", {"answer_working_days": "8", "was": "5"}).content.decode()
    assert "người khác đã đổi hạn thành 3 ngày" in page
    item = send(world, vnpt)
    assert item.answer_due_on == working_days_after(timezone.localdate(), 3)
    # Friday + 3 working days is Wednesday.
    assert working_days_after(date(2026, 11, 27), 3) == date(2026, 12, 2)
    assert SupportEvent.objects.filter(request=item).count() == 1


def test_a_user_without_a_team_or_commune_cannot_ask(client, world):
    lonely = make_user(full_name="Hà Văn Lộc", phone="0908111222", role="team_leader", unit=world.village_a2)
    vnpt = make_partner(world)
    with pytest.raises(ValidationError):
        send(world, vnpt, by=lonely, unit=world.village_a1)


def test_the_province_lists_one_partners_requests(client, world):
    lead_team(world)
    vnpt = make_partner(world)
    viettel = make_partner(world, name="Viettel Tuyên Quang", users=[other_partner_user(world)])
    to_vnpt, to_viettel = send(world, vnpt), send(world, viettel)
    client.force_login(world.province_admin)
    page = client.get("/ho-tro/").content.decode()
    assert to_vnpt.code in page and to_viettel.code in page
    page = client.get(f"/ho-tro/?doi_tac={viettel.pk}").content.decode()
    assert to_viettel.code in page and to_vnpt.code not in page
    # A partner's user sees only its own, whatever the filter asks.
    client.force_login(world.partner)
    assert to_viettel.code not in client.get(f"/ho-tro/?doi_tac={viettel.pk}").content.decode()


def test_a_large_photo_sent_without_the_pages_script_gets_the_photo_message(client, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    lead_team(world)
    vnpt = make_partner(world)
    client.force_login(world.leader_a1)
    photo = SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff" + b"0" * (3 * 1024 * 1024), content_type="image/jpeg")
    response = _ask(client, vnpt, world, photo=photo)
    assert response.status_code == 200 and "Ảnh lớn hơn 300 KB" in response.content.decode()
    assert not SupportRequest.objects.exists()
