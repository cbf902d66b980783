"""The outbox and its worker: one row per notice, carried by Zalo, SMS or email, never twice."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tocns.notify import delivery
from tocns.notify.channels import EmailChannel, SmsChannel, ZaloChannel
from tocns.notify.models import AttemptOutcome, ChannelChoice, ChannelState, DeliveryStatus, NoticeKind, Notification
from tocns.notify.services import notice_retry, notify, preference_set

from ..factories import make_team, run_outbox, sign_in_verified
from ..reports.factories import established_long_ago, submit_report

pytestmark = pytest.mark.django_db

PHONE = "0912345678"
REMINDER = {"unit": "Tổ CNS thôn Nà Khà", "report": "báo cáo tháng 11/2026", "due": "30/11/2026", "days": "5",
            "hint": "Hãy vào mục Báo cáo."}
NOON = timezone.make_aware(datetime.datetime(2026, 11, 25, 12, 0))


def remind(phone=PHONE, key="r-1", **extra):
    return notify(kind=NoticeKind.REPORT_DUE_5, params=REMINDER, name="Hoàng Văn Chu", phone=phone, key=key, **extra)


def carry(notice, now=NOON, steps=6) -> list[str]:
    """Let the worker carry one notice until it rests, as the tasks would, at a fixed time."""
    seen = []
    for _ in range(steps):
        notice.refresh_from_db()
        if notice.status != DeliveryStatus.QUEUED:
            break
        seen.append(delivery.deliver(notice.pk, now=max(now, notice.next_attempt_at or now)))
    notice.refresh_from_db()
    return seen


def tried(notice) -> list[tuple[str, str]]:
    return list(notice.delivery_attempts.values_list("channel", "outcome"))


def test_a_notice_is_written_with_its_task_and_nothing_goes_out_until_the_worker_runs(fake):
    notice = remind()
    assert notice.status == DeliveryStatus.QUEUED
    assert DBTaskResult.objects.filter(status="READY", args_kwargs__args=[notice.pk]).exists()
    assert not fake.zns_sent and not fake.sms_sent
    assert notice.subject == "Nhắc gửi báo cáo tháng 11/2026: còn 5 ngày"
    assert notice.short_text == ("Tổ CNS thôn Nà Khà chua gui báo cáo tháng 11/2026. Han: 30/11/2026 (con 5 ngay). "
                                 "Vao ung dung To CNS de gui.")


def test_the_same_key_queues_one_notice(fake):
    assert remind(key="due5:TQ:1") == remind(key="due5:TQ:1")
    assert Notification.objects.count() == 1


def test_a_notice_with_no_phone_and_no_email_stays_in_the_app(world):
    notice = notify(kind=NoticeKind.REPORT_DUE_5, params=REMINDER, recipient=world.member_a1, phone="", email="")
    world.member_a1.refresh_from_db()
    if not world.member_a1.phone:
        assert notice.status == DeliveryStatus.IN_APP


def test_zalo_carries_a_reminder_and_the_quota_left_is_kept(fake):
    fake.quota_left = 500
    notice = remind()
    assert carry(notice) == ["sent"]
    assert notice.status == DeliveryStatus.SENT and notice.channel == "zalo" and notice.provider_id == "zmsg-1"
    assert fake.zns_sent == {f"tocns-{notice.pk}-zalo": 1}
    assert ChannelState.objects.get(channel="zalo").quota_remaining == 499


def test_someone_not_on_zalo_gets_the_sms_without_diacritics(fake):
    fake.not_on_zalo.add("84912345678")
    notice = remind()
    carry(notice)
    assert tried(notice) == [("zalo", AttemptOutcome.FALLBACK), ("sms", AttemptOutcome.SENT)]
    assert notice.status == DeliveryStatus.SENT and notice.channel == "sms"
    assert fake.sms_bodies[-1]["content"] == ("To CNS thon Na Kha chua gui bao cao thang 11/2026. Han: 30/11/2026 "
                                              "(con 5 ngay). Vao ung dung To CNS de gui.")
    assert len(fake.sms_bodies[-1]["content"]) <= 160


def test_quota_exhausted_stops_zalo_tells_the_admin_and_the_rest_go_by_sms(fake, world):
    fake.quota_left = 1
    first, second, third = remind(key="a"), remind(key="b", phone="0912345679"), remind(key="c", phone="0912345670")
    carry(first)
    carry(second)
    carry(third)
    assert first.channel == "zalo" and second.channel == "sms" and third.channel == "sms"
    assert tried(third) == [("sms", AttemptOutcome.SENT)]  # a stopped channel is not tried again
    state = ChannelState.objects.get(channel="zalo")
    assert state.stopped_code == "-144" and state.resume_at is not None  # a daily quota: back at midnight
    alert = Notification.objects.get(kind=NoticeKind.CHANNEL_ALERT, recipient=world.province_admin)
    assert alert.subject == "Kênh Zalo đã tạm dừng"


def test_a_channel_whose_daily_quota_is_back_is_used_again_after_midnight(fake, world):
    fake.quota_left = 0
    carry(remind(key="a"))
    fake.quota_left = 100
    midnight = timezone.make_aware(datetime.datetime(2026, 11, 26, 0, 0))
    delivery.sweep(now=midnight + timedelta(hours=8))
    later = remind(key="b", phone="0912345679")
    carry(later, now=midnight + timedelta(hours=8))
    assert later.channel == "zalo"


def test_a_template_error_goes_by_sms_and_shows_for_the_admin(fake, settings):
    settings.ZALO_TEMPLATES = {NoticeKind.REPORT_DUE_5: "tpl-unknown"}
    notice = remind()
    carry(notice)
    assert tried(notice) == [("zalo", AttemptOutcome.CONFIG), ("sms", AttemptOutcome.SENT)]
    assert ChannelState.objects.get(channel="zalo").config_error.startswith("-109")


def test_a_kind_without_a_zns_template_goes_by_sms(fake, settings):
    settings.ZALO_TEMPLATES = {}
    notice = remind()
    carry(notice)
    assert tried(notice) == [("sms", AttemptOutcome.SENT)]


def test_a_gateway_error_is_retried_with_growing_waits_then_given_up(fake, settings):
    settings.ZALO_APP_ID = ""  # Zalo off: SMS only
    fake.sms_status = 503
    notice = remind()
    assert delivery.deliver(notice.pk, now=NOON) == "retry"
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.QUEUED and notice.next_attempt_at == NOON + timedelta(seconds=60)
    assert delivery.deliver(notice.pk, now=NOON + timedelta(seconds=30)) == "not_due"
    carry(notice, steps=10)
    assert notice.status == DeliveryStatus.FAILED and notice.attempts == delivery.TRIES_PER_CHANNEL
    waits = [b.started_at - a.started_at for a, b in zip(notice.delivery_attempts.all(),
                                                         list(notice.delivery_attempts.all())[1:], strict=False)]
    assert waits == [timedelta(seconds=s) for s in delivery.BACKOFF]
    # Every call carried the same request id: had one gone through, the gateway would drop the rest.
    assert {body["request_id"] for body in fake.sms_bodies} == {f"tocns-{notice.pk}-sms"}


def test_the_admin_sends_a_failed_notice_again(fake, settings, world):
    settings.ZALO_APP_ID = ""
    fake.sms_status = 503
    notice = remind()
    carry(notice, steps=10)
    assert notice.status == DeliveryStatus.FAILED
    fake.sms_status = 200
    notice_retry(notification=notice, by=world.province_admin)
    carry(notice)
    assert notice.status == DeliveryStatus.SENT and notice.last_error == ""
    # Sent again on purpose: a new request id, which the gateway does not drop as a repeat.
    assert fake.sms_sent == {f"tocns-{notice.pk}-sms-2": 1}
    with pytest.raises(ValidationError):
        notice_retry(notification=notice, by=world.province_admin)


def test_a_reminder_made_at_night_waits_for_seven_in_the_morning(fake):
    night = timezone.make_aware(datetime.datetime(2026, 11, 25, 22, 30))
    notice = remind()
    assert delivery.deliver(notice.pk, now=night) == "quiet_hours"
    notice.refresh_from_db()
    morning = timezone.make_aware(datetime.datetime(2026, 11, 26, 7, 0))
    assert notice.next_attempt_at == morning and not fake.zns_sent
    assert DBTaskResult.objects.filter(run_after=morning, args_kwargs__args=[notice.pk]).exists()
    assert delivery.deliver(notice.pk, now=morning) == "sent"


def test_email_is_not_held_at_night(fake, settings, mailoutbox):
    settings.ZALO_APP_ID = settings.SMS_API_URL = ""
    notice = remind(phone="", email="chu@example.vn")
    assert carry(notice, now=timezone.make_aware(datetime.datetime(2026, 11, 25, 23, 0))) == ["sent"]
    assert mailoutbox[0].to == ["chu@example.vn"]


def test_a_person_who_chose_sms_is_not_sent_zalo(fake, world):
    preference_set(phone=PHONE, choice=ChannelChoice.SMS, consent=True, by=world.leader_a1)
    notice = remind()
    carry(notice)
    assert tried(notice) == [("sms", AttemptOutcome.SENT)]


def test_a_person_who_opted_out_reads_notices_only_in_the_app(fake, world):
    preference_set(phone="+84 912 345 678", choice=ChannelChoice.SMS, consent=True, by=world.leader_a1)
    preference_set(phone=PHONE, choice=ChannelChoice.APP, consent=False, by=world.leader_a1)
    notice = remind()
    carry(notice)
    assert notice.status == DeliveryStatus.IN_APP and not fake.zns_sent and not fake.sms_sent


def test_choosing_zalo_or_sms_needs_the_consent_box(world):
    with pytest.raises(ValidationError) as refused:
        preference_set(phone=PHONE, choice=ChannelChoice.ZALO, consent=False, by=world.leader_a1)
    assert "đồng ý" in refused.value.message_dict["consent"][0]


def test_a_worker_killed_after_an_sms_went_out_sends_it_once(fake, settings, monkeypatch):
    settings.ZALO_APP_ID = ""
    notice = remind()
    died = died_after_sending(monkeypatch)
    with pytest.raises(SystemExit):
        delivery.deliver(notice.pk, now=NOON)
    died.undo()
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.SENDING and sum(fake.sms_sent.values()) == 1
    assert delivery.sweep(now=NOON + timedelta(minutes=1))["resent"] == 0  # maybe still working: wait
    assert delivery.sweep(now=NOON + timedelta(minutes=6))["resent"] == 1
    carry(notice, now=NOON + timedelta(minutes=6))
    assert notice.status == DeliveryStatus.SENT
    assert fake.sms_sent == {f"tocns-{notice.pk}-sms": 1}  # the gateway dropped the repeat
    assert tried(notice) == [("sms", AttemptOutcome.INTERRUPTED), ("sms", AttemptOutcome.SENT)]


def test_a_worker_killed_after_a_zalo_message_went_out_does_not_repeat_it(fake, monkeypatch):
    notice = remind()
    died = died_after_sending(monkeypatch)
    with pytest.raises(SystemExit):
        delivery.deliver(notice.pk, now=NOON)
    died.undo()
    delivery.sweep(now=NOON + timedelta(minutes=6))
    run_outbox()
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.SENT and "không gửi lại" in notice.last_error
    assert sum(fake.zns_sent.values()) == 1 and not fake.sms_sent
    assert tried(notice) == [("zalo", AttemptOutcome.UNKNOWN)]


def test_two_workers_woken_for_one_notice_send_it_once(fake):
    notice = remind()
    zalo = ZaloChannel()
    assert delivery._claim(notice, zalo, NOON) is not None
    assert delivery._claim(notice, zalo, NOON) is None
    assert delivery.deliver(notice.pk, now=NOON) == "not_queued"


def test_the_worker_command_carries_what_is_queued(fake):
    notices = [remind(key=f"k{i}", phone=f"091234567{i}") for i in range(3)]
    run_outbox()
    for notice in notices:
        notice.refresh_from_db()
    # At night the worker holds them; by day they are sent.
    if delivery.quiet_until(timezone.now()) is None:
        assert {n.status for n in notices} == {DeliveryStatus.SENT} and sum(fake.zns_sent.values()) == 3
    else:
        assert {n.status for n in notices} == {DeliveryStatus.QUEUED} and not fake.zns_sent


def test_no_channel_is_called_while_the_officer_returns_a_report(fake, world, client, monkeypatch):
    calls = []
    for channel in (ZaloChannel, SmsChannel, EmailChannel):
        monkeypatch.setattr(channel, "send", lambda self, **kw: calls.append(self.name))
    team = established_long_ago(make_team(world, world.village_a1, members=2))
    report = submit_report(team, 2026, 10, {"CQ01": "5"}, by=world.leader_a1)
    sign_in_verified(client, world.officer_a)
    client.post(reverse("reports:review", args=[report.pk]), {"action": "return", "comment": "Thiếu CQ02"})
    notice = Notification.objects.get(kind=NoticeKind.REPORT_RETURNED)
    assert notice.status == DeliveryStatus.QUEUED and notice.phone == world.leader_a1.phone and calls == []


def died_after_sending(monkeypatch):
    """The worker process dies after the channel answered and before the outcome is written."""

    def die(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(delivery, "mark", die)
    return monkeypatch


def test_the_leader_chooses_sms_on_his_page_and_the_consent_is_kept(client, world):
    sign_in_verified(client, world.leader_a1)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Nhận thông báo" in page and 'name="notice_consent" checked' not in page  # no box ticked for him
    refused = client.post(reverse("accounts:profile"), {"notice_choice": "sms"}).content.decode()
    assert "Hãy đánh dấu đồng ý nhận tin nhắn qua số điện thoại này." in refused
    assert 'value="sms" checked' in refused  # what he picked stays picked beside the error
    client.post(reverse("accounts:profile"), {"notice_choice": "sms", "notice_consent": "on"})
    assert delivery.current_choice(world.leader_a1.phone) == ChannelChoice.SMS
    client.post(reverse("accounts:profile"), {"notice_choice": "app"})
    assert delivery.current_choice(world.leader_a1.phone) == ChannelChoice.APP
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Chỉ tin nhắn SMS" in page and page.count("<li>") >= 2  # both choices stay on record


def test_the_sweep_wakes_a_notice_whose_task_was_lost_but_not_one_still_waiting_its_turn(fake):
    from django_tasks_db.models import DBTaskResult

    waiting, lost = remind(key="w"), remind(key="l", phone="0912345679")
    DBTaskResult.objects.filter(args_kwargs__args=[lost.pk]).delete()
    later = timezone.now() + timedelta(minutes=15)
    assert delivery.sweep(now=later)["woken"] == 1
    assert DBTaskResult.objects.filter(status="READY", args_kwargs__args=[waiting.pk]).count() == 1
    assert DBTaskResult.objects.filter(status="READY", args_kwargs__args=[lost.pk]).count() == 1
