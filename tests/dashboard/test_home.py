"""The home page is today's work: the leader's month's report as a card (overdue in red until it is
sent, last month's while it is still owed), what the team logged this month, a member's own entries
and next training, the decisions waiting for a chairman's signature, a partner's courses.
The clock stands at 30/11/2026, the day after November's report was due."""

import datetime
import uuid

import pytest
from django.utils import timezone

from tocns.fieldwork.services import activity_record
from tocns.reports import services as report_services
from tocns.reports.periods import month_period
from tocns.teams.models import Person
from tocns.training import services as training
from tocns.training.models import Partner, Topic

from ..factories import make_team
from ..reports.factories import established_long_ago, freeze, submit_report, village_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _day_after_the_due_date(monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 30, 9, 0))


@pytest.fixture
def team(world):
    return established_long_ago(make_team(world, world.village_a1, members=2))


def home(client, user) -> str:
    client.force_login(user)
    return client.get("/").content.decode()


def log(world, user, *, services, people, day="2026-11-12"):
    return activity_record(user=user, data={
        "client_id": str(uuid.uuid4()), "date": day, "unit": world.village_a1.code, "kind": "guidance",
        "services": services, "people_count": people})[0]


def test_leader_sees_the_overdue_report_in_red_with_one_button_until_it_is_sent(client, world, team):
    page = home(client, world.leader_a1)
    card = page.split('id="report-2026-11"')[1].split("</form>")[0]
    assert "Báo cáo tháng 11/2026" in card and "Chưa bắt đầu" in card
    assert 'class="late">Quá hạn 1 ngày' in card and "hạn 29/11/2026" in card
    assert "Nhập báo cáo" in card and 'value="2026-11"' in card
    assert "Ghi nhật ký" in page and "Báo cáo tháng" in page
    submit_report(team, 2026, 11, {"CQ01": "12"}, by=world.leader_a1)
    card = home(client, world.leader_a1).split('id="report-2026-11"')[1].split("</form>")[0]
    assert "Quá hạn" not in card and "Đã gửi" in card and "gửi ngày 30/11/2026" in card and "trễ hạn" in card
    assert "Xem báo cáo" in card


def test_the_card_opens_the_months_report(client, world, team):
    client.force_login(world.leader_a1)
    response = client.post("/reports/open/", {"form": village_form().pk, "team": team.pk, "period": "2026-11"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Gửi báo cáo" in page


def test_days_left_are_counted_before_the_due_date(client, world, team, monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 26, 9, 0))
    card = home(client, world.leader_a1).split('id="report-2026-11"')[1].split("</form>")[0]
    assert "Hạn 29/11/2026" in card and "còn 3 ngày" in card and "Quá hạn" not in card


def test_last_months_report_shows_while_missing_or_returned_and_goes_once_sent(client, world, team):
    page = home(client, world.leader_a1)
    assert 'id="report-2026-10"' in page and "Quá hạn 32 ngày" in page  # due 29/10
    report = submit_report(team, 2026, 10, {"CQ01": "12"}, by=world.leader_a1)
    assert 'id="report-2026-10"' not in home(client, world.leader_a1)
    report_services.report_return(report=report, by=world.officer_a, comment="Thiếu số hộ được hướng dẫn.")
    card = home(client, world.leader_a1).split('id="report-2026-10"')[1].split("</form>")[0]
    assert "Bị trả lại" in card and "Thiếu số hộ được hướng dẫn." in card and "Sửa và gửi lại" in card


def test_last_months_report_closed_for_entry_is_not_offered(client, world, team, monkeypatch):
    form = village_form()
    form.close_after_days = 3  # December closes on 03/01/2027
    form.save(update_fields=["close_after_days"])
    freeze(monkeypatch, datetime.datetime(2027, 1, 3, 9, 0))
    assert 'id="report-2026-12"' in home(client, world.leader_a1)
    freeze(monkeypatch, datetime.datetime(2027, 1, 4, 9, 0))
    page = home(client, world.leader_a1)
    assert 'id="report-2027-01"' in page and 'id="report-2026-12"' not in page


def test_leader_sees_what_the_team_logged_this_month_by_pillar(client, world, team):
    log(world, world.leader_a1, services=["vneid"], people=5)
    log(world, world.member_a1, services=["vneid", "thanh-toan-qr"], people=3)
    log(world, world.member_a1, services=["vneid"], people=7, day="2026-10-20")  # last month
    section = home(client, world.leader_a1).split('id="team-month"')[1].split("</section>")[0]
    assert "Tổ đã ghi trong tháng 11/2026" in section and "2 lần hỗ trợ, 8 người được giúp" in section
    assert "Chính quyền số</th><td class=\"num\">8 người" in section
    assert "Kinh tế số</th><td class=\"num\">3 người" in section


def test_member_sees_his_own_entries_and_his_next_training(client, world, team):
    person = Person.objects.filter(memberships__team=team).order_by("id").last()
    person.user = world.member_a1
    person.save(update_fields=["user"])
    log(world, world.member_a1, services=["vneid"], people=4)
    log(world, world.leader_a1, services=["vneid"], people=9)  # the leader's, not his
    course = training.course_create(by=world.province_admin, province=world.province, title="VNeID mức 2 cho tổ",
                                    topic=Topic.objects.get(code="dich-vu-cong"), partner=None, description="",
                                    submission_key=uuid.uuid4())
    training.session_add(by=world.province_admin, course=course, starts_at=timezone.now() + datetime.timedelta(days=3),
                         place="Nhà văn hóa thôn Nà Khà", online_link="", trainer_name="Nguyễn Văn An",
                         submission_key=uuid.uuid4())
    training.invite_teams(by=world.province_admin, course=course, teams=[team])
    page = home(client, world.member_a1)
    mine = page.split('id="my-month"')[1].split("</section>")[0]
    assert "1 lần hỗ trợ, 4 người được giúp" in mine and "12/11/2026" in mine
    nxt = page.split('id="next-training"')[1].split("</section>")[0]
    assert "VNeID mức 2 cho tổ" in nxt and "03/12/2026" in nxt and "Nhà văn hóa thôn Nà Khà" in nxt
    assert 'id="report-2026-11"' not in page and 'id="team-month"' not in page


def test_chairman_sees_decisions_waiting_for_his_signature(client, world):
    proposed = make_team(world, world.village_a2, established=False)
    make_team(world, world.village_b1, established=False)  # another commune's
    page = home(client, world.chairman_a)
    assert "Cần làm hôm nay" in page
    box = page.split('id="to-sign"')[1].split("</ul>")[0]
    assert f'href="/teams/{proposed.pk}/"' in box and "Thôn Khuổi Đăm" in box and "Tổ dân phố số 1" not in box
    assert "Thôn Khuổi Đăm" not in home(client, world.officer_b)


def test_partner_is_greeted_by_name_and_sees_its_courses_and_next_sessions(client, world):
    world.partner.full_name = "Ma Văn Tiến (VNPT Tuyên Quang)"
    world.partner.save()
    vnpt = Partner.objects.create(name="VNPT Tuyên Quang", province=world.province)
    vnpt.users.add(world.partner)
    course = training.course_create(by=world.partner, province=world.province, title="Thanh toán QR cho tổ",
                                    topic=Topic.objects.get(code="thanh-toan-dien-tu"), partner=vnpt, description="",
                                    submission_key=uuid.uuid4())
    training.session_add(by=world.partner, course=course, starts_at=timezone.now() + datetime.timedelta(days=2),
                         place="Hội trường xã Thượng Lâm", online_link="", trainer_name="Trần Thị Bình",
                         submission_key=uuid.uuid4())
    page = home(client, world.partner)
    assert "Chào Tiến</h1>" in page and "Quang)" not in page
    courses = page.split('id="partner-courses"')[1].split("</ul>")[0]
    assert "Thanh toán QR cho tổ" in courses and "02/12/2026" in courses
    assert "/units/" not in page  # a partner has no unit pages to open


def test_home_stays_a_few_queries_for_a_leader(client, world, team, django_assert_max_num_queries):
    log(world, world.leader_a1, services=["vneid"], people=5)
    client.force_login(world.leader_a1)
    with django_assert_max_num_queries(45):
        assert client.get("/").status_code == 200


def test_report_period_reads_as_people_write_it(world, team):
    report = report_services.report_open(form=village_form(), team=team, period=month_period(2026, 10))
    from tocns.reports.selectors import period_label

    assert period_label(report) == "tháng 10/2026"
