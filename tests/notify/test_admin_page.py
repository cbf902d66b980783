"""The province admin's notice pages: the channels and today's sends, the failures to send again,
and every kind of notice previewed with real data."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tocns.notify.models import AttemptOutcome, ChannelState, DeliveryAttempt, DeliveryStatus, NoticeKind
from tocns.notify.services import notify

from ..factories import make_team, make_unit

pytestmark = pytest.mark.django_db

CHANNELS = reverse("notify:channels")
TEMPLATES = reverse("notify:templates")
LONG_COMMENT = ("Số người được hướng dẫn cài VNeID mức 2 chưa khớp với danh sách kèm theo; thiếu ảnh buổi sinh hoạt "
                "ngày 12; phần khó khăn cần ghi rõ thôn nào còn thiếu sóng và đề xuất cụ thể.")


@pytest.fixture
def no_channels(settings):
    """No credentials in the environment except the SMS key, whose value must never be shown."""
    settings.ZALO_APP_ID = settings.ZALO_SECRET_KEY = settings.ZALO_REFRESH_TOKEN = ""
    settings.SMS_API_URL, settings.SMS_BRANDNAME = "", ""
    settings.SMS_API_KEY = "khoa-bi-mat-9911"
    settings.ZALO_TEMPLATES = {NoticeKind.REPORT_DUE_5: "251234"}


def returned(team, *, phone="0987654321", name="Giàng Seo Chứ", comment="Thiếu số người được hướng dẫn."):
    return notify(kind=NoticeKind.REPORT_RETURNED, about=team, name=name, phone=phone,
                  params={"unit": team.unit.name, "report": "11/2026", "comment": comment})


def failed(team, **kwargs):
    notice = returned(team, **kwargs)
    now = timezone.now()
    DeliveryAttempt.objects.create(notification=notice, channel="zalo", request_id=f"tocns-{notice.pk}-zalo",
                                   started_at=now, finished_at=now, outcome=AttemptOutcome.FALLBACK, code="-118",
                                   message="Zalo account not existed")
    DeliveryAttempt.objects.create(notification=notice, channel="sms", request_id=f"tocns-{notice.pk}-sms",
                                   started_at=now, finished_at=now, outcome=AttemptOutcome.RETRY, code="90",
                                   message="gateway busy")
    notice.status = DeliveryStatus.FAILED
    notice.save(update_fields=["status"])
    return notice


def sent_today(team, channel="sms"):
    notice = returned(team, phone="0977000111")
    DeliveryAttempt.objects.create(notification=notice, channel=channel, request_id=f"tocns-{notice.pk}-{channel}",
                                   started_at=timezone.now(), finished_at=timezone.now(),
                                   outcome=AttemptOutcome.SENT, provider_id="m-1")
    notice.status = DeliveryStatus.SENT
    notice.save(update_fields=["status"])
    return notice


def other_province_team(world):
    village = make_unit(name="Thôn Nà Pồng", kind="thon", parent=world.other_commune)
    return make_team(world, village)


def tasks_for(notice) -> int:
    return DBTaskResult.objects.filter(status="READY", args_kwargs__args=[notice.pk]).count()


def test_admin_sees_channel_states_todays_sends_and_a_failure_and_sends_it_again(client, world, no_channels):
    team = make_team(world)
    ChannelState.objects.create(channel="sms", stopped_at=timezone.now(), stopped_code="20",
                                stopped_reason="Tài khoản hết tiền")
    ChannelState.objects.create(channel="zalo", quota_remaining=480, quota_at=timezone.now(),
                                config_error="-131 template not approved", config_error_at=timezone.now())
    sent_today(team)
    notice = failed(team)
    client.force_login(world.province_admin)

    page = client.get(CHANNELS).content.decode()
    assert "Chưa cấu hình: thiếu ZALO_APP_ID, ZALO_SECRET_KEY, ZALO_REFRESH_TOKEN" in page
    assert "thiếu SMS_API_URL, SMS_BRANDNAME" in page
    assert "khoa-bi-mat-9911" not in page
    assert "Tài khoản hết tiền" in page and "Mở lại kênh" in page
    assert "-131 template not approved" in page and "Hạn mức còn lại: 480 tin" in page
    assert "Chưa có mẫu ZNS (đi thẳng SMS): Nhắc báo cáo, còn 1 ngày" in page
    assert "Nhắc báo cáo, còn 5 ngày;" not in page  # it has its template
    assert "Báo cáo bị trả lại</td><td class=\"num\">0</td><td class=\"num\">1</td>" in page
    assert f'id="notice-{notice.pk}"' in page and "Giàng Seo Chứ" in page
    assert "•••••••321" in page and "0987654321" not in page and "0987 654 321" not in page
    assert "Zalo · -118 · Zalo account not existed — Không nhận được qua kênh này" in page
    assert "Tin nhắn SMS · 90 · gateway busy" in page
    assert "thư chỉ được ghi lại trên máy chủ" in page  # the console mail backend of the tests

    before = tasks_for(notice)
    answer = client.post(reverse("notify:retry", args=[notice.pk]), follow=True)
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.QUEUED
    assert tasks_for(notice) == before + 1
    assert answer.redirect_chain[-1][0].startswith(CHANNELS)
    content = answer.content.decode()
    assert "Đã cho gửi lại thông báo" in content
    assert f'id="notice-{notice.pk}"' not in content
    assert "Không có thông báo nào bị lỗi." in content


def test_waiting_notices_count_those_held_for_the_night(client, world, no_channels):
    team = make_team(world)
    returned(team)
    held = returned(team, phone="0966000222")
    held.next_attempt_at = timezone.now() + timedelta(hours=8)
    held.save(update_fields=["next_attempt_at"])
    client.force_login(world.province_admin)
    page = client.get(CHANNELS).content.decode()
    assert "2 thông báo đang chờ gửi, trong đó 1 chờ qua giờ nghỉ đêm" in page


def test_a_stopped_channel_is_opened_again_from_its_button(client, world, no_channels):
    ChannelState.objects.create(channel="sms", stopped_at=timezone.now(), stopped_code="20",
                                stopped_reason="Tài khoản hết tiền")
    client.force_login(world.province_admin)
    answer = client.post(reverse("notify:resume", args=["sms"]), follow=True)
    assert ChannelState.objects.get(channel="sms").stopped_at is None
    assert "Đã mở lại kênh Tin nhắn SMS." in answer.content.decode()
    assert "Tài khoản hết tiền" not in answer.content.decode()


def test_a_retry_of_a_notice_still_waiting_says_why_and_changes_nothing(client, world, no_channels):
    notice = returned(make_team(world))
    client.force_login(world.province_admin)
    answer = client.post(reverse("notify:retry", args=[notice.pk]), follow=True)
    assert "đang ở trạng thái “Chờ gửi”: không gửi lại." in answer.content.decode()
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.QUEUED and tasks_for(notice) == 1


def test_another_provinces_failure_is_not_listed_and_its_retry_answers_404(client, world, no_channels):
    mine, theirs = failed(make_team(world)), failed(other_province_team(world), name="Nông Văn Dìn")
    client.force_login(world.province_admin)
    page = client.get(CHANNELS).content.decode()
    assert f'id="notice-{mine.pk}"' in page
    assert f'id="notice-{theirs.pk}"' not in page and "Nông Văn Dìn" not in page
    assert client.post(reverse("notify:retry", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == DeliveryStatus.FAILED


def test_a_channel_alert_addressed_to_the_admin_is_listed_though_it_has_no_province(client, world, no_channels):
    alert = notify(kind=NoticeKind.CHANNEL_ALERT, recipient=world.province_admin,
                   params={"channel": "Zalo", "reason": "hết hạn mức", "at": "08:00 25/11/2026"})
    alert.status = DeliveryStatus.FELL_BACK
    alert.save(update_fields=["status"])
    client.force_login(world.province_admin)
    assert f'id="notice-{alert.pk}"' in client.get(CHANNELS).content.decode()


@pytest.mark.parametrize("persona", ["commune_officer", "team_leader", "commune_chairman"])
def test_other_roles_get_404_on_every_notice_page(client, world, no_channels, persona):
    notice = failed(make_team(world))
    ChannelState.objects.create(channel="sms", stopped_at=timezone.now(), stopped_reason="Tài khoản hết tiền")
    client.force_login(world.personas()[persona])
    assert client.get(CHANNELS).status_code == 404
    assert client.get(TEMPLATES).status_code == 404
    assert client.post(reverse("notify:retry", args=[notice.pk])).status_code == 404
    assert client.post(reverse("notify:resume", args=["sms"])).status_code == 404
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.FAILED
    assert ChannelState.objects.get(channel="sms").stopped_at is not None


def test_templates_page_shows_every_kind_with_its_sms_unaccented_and_flags_an_overlong_one(client, world,
                                                                                          no_channels):
    team = make_team(world)
    returned(team, comment=LONG_COMMENT)
    client.force_login(world.province_admin)
    page = client.get(TEMPLATES).content.decode()
    for label in NoticeKind.labels:
        assert f"<h2>{label}</h2>" in page
    returned_card = page.split('id="kind-report_returned"')[1].split("</section>")[0]
    assert "Bao cao 11/2026 cua Thon Na Kha bi tra lai. Can sua: So nguoi duoc huong dan cai VNeID" in returned_card
    assert "Dài quá 160 ký tự: gửi thành 2 tin nối nhau" in returned_card
    assert "comment bị cắt bớt" in returned_card  # ZNS takes 100 characters a value
    # A reminder is previewed from the real team and this month, and fits one SMS.
    due_card = page.split('id="kind-report_due_5"')[1].split("</section>")[0]
    assert "To CNSCD Thon Na Kha chua gui bao cao thang" in due_card
    assert "Dài quá 160" not in due_card and "Mã mẫu ZNS: 251234" in due_card
    # Nothing real to show for these yet: said so, nothing invented.
    for kind in ("application_received", "feedback_answered", "training_invitation", "general"):
        card = page.split(f'id="kind-{kind}"')[1].split("</section>")[0]
        assert "Chưa có dữ liệu để xem thử" in card


def test_the_menu_shows_the_notice_page_to_the_province_admin_only(client, world):
    for persona, user in world.personas().items():
        client.force_login(user)
        shows = CHANNELS in client.get(reverse("accounts:profile")).content.decode()
        assert shows == (persona == "province_admin"), persona


def test_overdue_preview_lists_the_communes_teams_that_have_not_sent_this_month(client, world, no_channels):
    from ..reports.factories import established_long_ago, submit_report

    waiting = make_team(world, world.village_a1, members=1)
    done = established_long_ago(make_team(world, world.village_a2))
    today = timezone.localdate()
    submit_report(done, today.year, today.month, {"TT01": "2"})
    client.force_login(world.province_admin)
    card = client.get(TEMPLATES).content.decode().split('id="kind-report_overdue"')[1].split("</section>")[0]
    assert "Xã Thượng Lâm: 1 tổ chưa gửi báo cáo tháng" in card
    assert f"– {waiting.unit.name}: tổ trưởng Giàng Seo Chứ 1," in card
    assert "Khuổi Đăm" not in card
