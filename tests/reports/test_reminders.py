"""Daily reminders: the right day, the right people, never twice, never to those who have sent."""

import datetime
import io
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tocns.accounts.models import Role
from tocns.notify.models import Notification
from tocns.reports import services
from tocns.reports.catalogue import request_create
from tocns.reports.models import ReminderLog, ReportForm
from tocns.reports.periods import quarter_period
from tocns.reports.reminders import send_reminders
from tocns.reports.settings_selectors import request_period

from ..factories import make_team, make_user, run_outbox
from .factories import established_long_ago, submit_report, village_form

pytestmark = pytest.mark.django_db

# The November 2026 village report is due by the end of the 29th (THANG-THON, due day 29).
FIVE_BEFORE, ONE_BEFORE, DAY_AFTER = datetime.date(2026, 11, 24), datetime.date(2026, 11, 28), datetime.date(
    2026, 11, 30)


def freeze(monkeypatch, day: datetime.date, hour: int = 7):
    aware = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, 0))
    monkeypatch.setattr(timezone, "now", lambda: aware)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    freeze(monkeypatch, datetime.date(2026, 11, 20), 10)


def run(monkeypatch, day: datetime.date) -> dict:
    freeze(monkeypatch, day)
    return send_reminders(day)


@pytest.fixture
def teams(world):
    leader_b1 = make_user(full_name="Hà Văn Sơn", phone="0904000009", role=Role.TEAM_LEADER, unit=world.village_b1)
    return {
        "a1": established_long_ago(make_team(world, world.village_a1, members=2)),  # leader_a1 signs in
        "a2": established_long_ago(make_team(world, world.village_a2, members=2)),  # its leader has no account
        "b1": established_long_ago(make_team(world, world.village_b1, members=2)),
        "leader_b1": leader_b1,
    }


def to(user):
    return Notification.objects.filter(recipient=user)


def test_leaders_who_have_not_sent_are_reminded_five_days_and_one_day_before(monkeypatch, world, teams):
    counts = run(monkeypatch, FIVE_BEFORE)
    assert counts["team_due"] == 2 and counts["no_recipient"] == 1  # Khuổi Đăm's leader has no account
    reminder = to(world.leader_a1).get()
    assert "tháng 11/2026" in reminder.subject and "còn 5 ngày" in reminder.subject
    assert "Tổ CNSCĐ Thôn Nà Khà" in reminder.body and "29/11/2026" in reminder.body
    assert to(teams["leader_b1"]).count() == 1
    assert not to(world.officer_a).exists() and not to(world.member_a1).exists()

    for quiet_day in (datetime.date(2026, 11, 25), datetime.date(2026, 11, 26), datetime.date(2026, 11, 27)):
        assert run(monkeypatch, quiet_day)["team_due"] == 0
    run(monkeypatch, ONE_BEFORE)
    assert [n.subject.endswith("còn 1 ngày") for n in to(world.leader_a1).order_by("id")] == [False, True]


def test_running_again_the_same_day_sends_nothing_twice(monkeypatch, world, teams):
    first = run(monkeypatch, FIVE_BEFORE)
    sent = Notification.objects.count()
    second = run(monkeypatch, FIVE_BEFORE)
    assert Notification.objects.count() == sent
    assert second["team_due"] == 0 and second["already_sent"] == first["team_due"]
    assert ReminderLog.objects.filter(key=f"due5:THANG-THON:{world.village_a1.code}:2026-11").exists()


def test_a_team_that_has_sent_its_report_is_not_reminded(monkeypatch, world, teams):
    submit_report(teams["a1"], 2026, 11, {"CQ01": "4"})
    submit_report(teams["b1"], 2026, 11, {"CQ01": "2"}, submit=False)  # a draft is not sent
    run(monkeypatch, FIVE_BEFORE)
    assert not to(world.leader_a1).exists()
    assert to(teams["leader_b1"]).count() == 1


def test_the_day_after_commune_officers_get_their_missing_teams_with_leaders_phones(monkeypatch, world, teams):
    submit_report(teams["a1"], 2026, 11, {"CQ01": "4"})
    counts = run(monkeypatch, DAY_AFTER)
    assert counts["team_late"] == 2 and counts["team_due"] == 0
    message = to(world.officer_a).get()
    assert message.subject == "Xã Thượng Lâm: 1 tổ chưa gửi báo cáo tháng 11/2026"
    leader = teams["a2"].memberships.get(role="leader").person
    assert f"Thôn Khuổi Đăm: tổ trưởng {leader.full_name}, {leader.phone_display}" in message.body
    assert "Thôn Nà Khà" not in message.body
    assert "Tổ dân phố số 1" in to(world.officer_b).get().body
    assert not to(world.chairman_a).exists() and not to(world.leader_a1).exists()
    assert run(monkeypatch, DAY_AFTER)["team_late"] == 0
    assert not run(monkeypatch, datetime.date(2026, 12, 1))["team_late"]


def send_commune_report(form, commune, period, request=None):
    report = services.report_open(form=form, unit=commune, period=period, request=request)
    return services.report_save(report=report, values={"TT01": "1"}, version=report.version, save_key=uuid.uuid4().hex,
                                submit=True)


def test_communes_that_owe_the_quarterly_report_are_reminded_before_it_is_due(monkeypatch, world):
    quarterly = ReportForm.objects.get(code="QUY-XA")  # due on the 20th of the quarter's last month
    freeze(monkeypatch, datetime.date(2026, 12, 10))
    send_commune_report(quarterly, world.commune_b, quarter_period(2026, 4))
    counts = run(monkeypatch, datetime.date(2026, 12, 15))
    assert counts["commune_due"] == 1
    message = to(world.officer_a).get()
    assert "quý IV/2026" in message.subject and "còn 5 ngày" in message.subject and "20/12/2026" in message.body
    assert not to(world.officer_b).exists() and not to(world.chairman_a).exists()
    assert run(monkeypatch, datetime.date(2026, 12, 19))["commune_due"] == 1
    assert run(monkeypatch, datetime.date(2026, 12, 19))["commune_due"] == 0


def test_the_annual_report_is_reminded_on_its_own_due_day(monkeypatch, world):
    counts = run(monkeypatch, datetime.date(2026, 12, 10))  # NAM-XA is due on 15 December
    assert counts["commune_due"] == 2
    assert "năm 2026" in to(world.officer_a).get().subject


def test_an_ad_hoc_request_is_reminded_to_the_communes_asked_that_have_not_sent(monkeypatch, world):
    form = ReportForm.objects.get(code="DOT-XUAT-XA")
    request = request_create(province=world.province, form=form, title="Kết quả Ngày hội VNeID",
                             period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2026, 11, 15),
                             due_on=datetime.date(2026, 11, 25), communes=[world.commune_a, world.commune_b],
                             by=world.province_admin)
    Notification.objects.all().delete()  # the announcement itself
    send_commune_report(form, world.commune_b, request_period(request), request)
    assert run(monkeypatch, datetime.date(2026, 11, 20))["request_due"] == 1  # five days before
    assert run(monkeypatch, FIVE_BEFORE)["request_due"] == 1                  # one day before
    subjects = list(to(world.officer_a).values_list("subject", flat=True).order_by("id"))
    assert subjects == ["Nhắc gửi báo cáo đột xuất “Kết quả Ngày hội VNeID”: còn 5 ngày",
                        "Nhắc gửi báo cáo đột xuất “Kết quả Ngày hội VNeID”: còn 1 ngày"]
    assert not to(world.officer_b).exists()
    assert ReminderLog.objects.filter(key=f"due1:DOT-XUAT-XA:02269:R{request.pk}").exists()


def test_an_email_goes_out_when_the_leader_has_one(monkeypatch, world, teams, django_capture_on_commit_callbacks,
                                                  mailoutbox):
    world.leader_a1.email = "chu.gs@example.vn"
    world.leader_a1.save(update_fields=["email"])
    run(monkeypatch, FIVE_BEFORE)
    assert not mailoutbox  # nothing is sent inside the run: the worker sends
    run_outbox()
    assert [m.to for m in mailoutbox] == [["chu.gs@example.vn"]]


def test_the_command_takes_a_date_and_prints_the_counts(monkeypatch, world, teams):
    out = io.StringIO()
    call_command("send_reminders", "--date", "2026-11-24", stdout=out)
    assert "2026-11-24: team_due=2" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "24/11/2026")


def test_with_two_village_forms_side_by_side_each_reminder_names_its_form(monkeypatch, world, teams):
    from tocns.reports.models import FormIndicator, Indicator

    health = ReportForm.objects.create(code="Y-TE-THON", name="Y tế số thôn", level="village_team",
                                       period_type="month", due_day=29)
    FormIndicator.objects.create(form=health, indicator=Indicator.objects.create(
        code="YT01", name="Người có hồ sơ sức khoẻ điện tử", pillar="society", unit_of_measure="người"))
    run(monkeypatch, FIVE_BEFORE)
    subjects = sorted(to(world.leader_a1).values_list("subject", flat=True))
    assert len(subjects) == 2 and any("Y tế số thôn" in s for s in subjects)
    assert subjects[0] != subjects[1]


def test_a_retired_form_starts_no_new_report(world, teams):
    from django.core.exceptions import ValidationError

    from tocns.reports.periods import month_period

    form = village_form()
    form.is_active = False
    form.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as refused:
        services.report_open(form=form, period=month_period(2026, 11), team=teams["a1"])
    assert "đã thôi dùng" in refused.value.messages[0]
