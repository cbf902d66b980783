import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tocns.audit.models import AuditEntry
from tocns.audit.services import record_read
from tocns.fieldwork.models import Feedback
from tocns.privacy import services
from tocns.privacy.models import RequestKind, RequestStatus, RightsRequest

from ..factories import make_person, make_team

pytestmark = pytest.mark.django_db


def test_the_officer_registers_a_request_and_reads_its_deadline(client, world):
    person = make_person(world, full_name="Lò Thị Dung")
    client.force_login(world.officer_a)
    url = reverse("privacy:person", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Ghi yêu cầu mới" in page and "2 ngày làm việc" in page
    response = client.post(url, {"kind": "access", "details": "Xin bản dữ liệu", "submission_key": str(uuid.uuid4()),
                                  "received_on": timezone.localdate().strftime("%d/%m/%Y")}, follow=True)
    request = RightsRequest.objects.get()
    due = request.acknowledge_by.strftime("%d/%m/%Y")
    assert f"Hạn xác nhận đã nhận: {due}" in response.content.decode()
    assert request.received_by == world.officer_a


def test_a_bad_request_form_keeps_what_was_typed_with_the_message_beside_the_field(client, world):
    person = make_person(world)
    client.force_login(world.officer_a)
    page = client.post(reverse("privacy:person", args=[person.pk]), {
        "kind": "withdrawal", "details": "Không muốn ghi dân tộc nữa", "submission_key": str(uuid.uuid4()),
        "received_on": "32/13/2026"}).content.decode()
    assert "Ghi ngày theo dạng dd/mm/yyyy" in page and "Không muốn ghi dân tộc nữa" in page
    assert not RightsRequest.objects.exists()


@pytest.mark.parametrize("persona", ["officer_b", "chairman_a", "leader_a1", "member_a1", "partner"])
def test_another_commune_or_another_role_gets_404(client, world, persona):
    person = make_person(world)
    client.force_login(getattr(world, persona))
    for name in ("privacy:person", "privacy:person_file", "privacy:anonymise"):
        assert client.get(reverse(name, args=[person.pk])).status_code == 404


def test_the_province_admin_reaches_every_communes_people(client, world):
    person = make_person(world, commune=world.commune_b)
    client.force_login(world.province_admin)
    assert client.get(reverse("privacy:person", args=[person.pk])).status_code == 200


def test_the_request_is_acknowledged_and_refused_from_its_page(client, world):
    person = make_person(world)
    request = services.request_register(person=person, kind=RequestKind.CORRECTION, by=world.officer_a,
                                        submission_key=uuid.uuid4(), received_on=timezone.localdate())
    client.force_login(world.officer_a)
    url = reverse("privacy:request", args=[request.pk])
    client.post(url, {"action": "acknowledge"})
    request.refresh_from_db()
    assert request.status == RequestStatus.ACKNOWLEDGED
    page = client.post(url, {"action": "refuse", "refuse-reason": ""}).content.decode()
    assert "Hãy ghi lý do từ chối" in page
    client.post(url, {"action": "refuse", "refuse-reason": "Không có căn cứ"})
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED


def test_a_late_request_is_on_the_officers_todo_list_and_a_fresh_one_far_off_is_not(client, world):
    person = make_person(world, full_name="Lò Thị Dung")
    late = services.request_register(person=person, kind=RequestKind.ACCESS, by=world.officer_a,
                                     submission_key=uuid.uuid4(),
                                     received_on=timezone.localdate() - timezone.timedelta(days=10))
    client.force_login(world.officer_a)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "Quá hạn xác nhận yêu cầu của Lò Thị Dung" in home
    assert reverse("privacy:request", args=[late.pk]) in home
    client.force_login(world.officer_b)
    assert "Lò Thị Dung" not in client.get(reverse("dashboard:home")).content.decode()


def test_the_anonymise_page_says_it_cannot_be_undone_and_asks_to_confirm(client, world):
    person = make_person(world, full_name="Lò Thị Dung")
    client.force_login(world.officer_a)
    url = reverse("privacy:anonymise", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Việc này không hoàn tác được." in page
    refused = client.post(url, {}).content.decode()
    assert "Hãy đánh dấu ô này để xác nhận." in refused
    person.refresh_from_db()
    assert person.full_name == "Lò Thị Dung"
    client.post(url, {"confirm": "on"})
    person.refresh_from_db()
    assert person.full_name == "Đã ẩn danh"


def test_the_person_file_holds_everything_and_its_download_is_logged(client, world):
    team = make_team(world, world.village_a1, members=2)
    person = team.memberships.first().person
    record_read(actor=world.leader_a1, action="person.view", obj=person, summary="Xem trang của người này")
    Feedback.objects.create(
        code="PA-TEST1", content="Xin hướng dẫn VNeID", citizen_name=person.full_name, citizen_phone=person.phone,
        consent_at=timezone.now(), unit=world.village_a1, province=world.province, commune=world.commune_a,
        answer_due_on=timezone.localdate(), channel="public", submission_key=str(uuid.uuid4()))
    client.force_login(world.officer_a)
    response = client.get(reverse("privacy:person_file", args=[person.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Thông tin", "Tham gia tổ", "Đơn", "Hoạt động", "Tập huấn", "Sự đồng ý",
                               "Ý kiến đã gửi", "Yêu cầu về dữ liệu", "Nhật ký"]
    info = {row[0]: row[1] for row in book["Thông tin"].iter_rows(min_row=4, values_only=True)}
    assert info["Họ và tên"] == person.full_name and info["Xã, phường"] == "Xã Thượng Lâm"
    assert [row[0] for row in book["Tham gia tổ"].iter_rows(min_row=2, values_only=True)] == [str(team)]
    assert [row[2] for row in book["Ý kiến đã gửi"].iter_rows(min_row=2, values_only=True)] == ["Xin hướng dẫn VNeID"]
    assert "Xem trang của người này" in [row[3] for row in book["Nhật ký"].iter_rows(min_row=2, values_only=True)]
    entry = AuditEntry.objects.get(action="person.export")
    assert entry.actor == world.officer_a and entry.people == [person.pk] and entry.is_read


def test_the_menu_lists_the_register_for_the_offices_only(client, world):
    for user, shown in ((world.officer_a, True), (world.province_admin, True), (world.leader_a1, False)):
        client.force_login(user)
        assert (reverse("privacy:list") in client.get(reverse("dashboard:home")).content.decode()) is shown


def test_the_persons_page_links_to_the_audit_log_about_them(client, world):
    person = make_person(world, full_name="Lò Thị Dung")
    client.force_login(world.officer_a)
    page = client.get(reverse("privacy:person", args=[person.pk])).content.decode()
    link = f'{reverse("audit:list")}?person_id={person.pk}'
    assert link in page
    audit = client.get(link).content.decode()
    assert "Đang xem nhật ký về Lò Thị Dung." in audit and "Xem dữ liệu và sự đồng ý của Lò Thị Dung" in audit


def test_the_person_file_writes_a_typed_formula_as_text(client, world):
    person = make_person(world, full_name='=HYPERLINK("http://x","Bấm")', workplace="+84 Bưu điện")
    client.force_login(world.officer_a)
    book = load_workbook(io.BytesIO(client.get(reverse("privacy:person_file", args=[person.pk])).content))
    cells = {row[0].value: row[1] for row in book["Thông tin"].iter_rows(min_row=4) if row[0].value}
    assert cells["Họ và tên"].value == '=HYPERLINK("http://x","Bấm")' and cells["Họ và tên"].data_type == "s"
    assert cells["Nơi công tác"].data_type == "s"
