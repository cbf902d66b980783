"""The notice channels against fake Zalo and SMS servers on loopback."""

import hashlib
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tocns.lib.text import unaccent
from tocns.notify.channels import EmailChannel, Outcome, SmsChannel, ZaloChannel
from tocns.notify.models import ZaloToken

PHONE = "0912 345 678"


def zns(channel, request_id, phone=PHONE, template_id="tpl-1"):
    return channel.send(to_phone=phone, template_id=template_id, params={"name": "Nguyễn Văn An"},
                        request_id=request_id)


def seeded(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def expired_store():
    ZaloToken.objects.create(key="oa", access_token="at-old", refresh_token="rt-0", seed=seeded("rt-0"),
                             expires_at=timezone.now() - timedelta(minutes=1))


@pytest.mark.django_db
def test_token_expiring_mid_batch_is_refreshed_once_and_every_message_goes_once(fake):
    fake.expire_after_sends = 3
    channel = ZaloChannel()
    results = [zns(channel, f"n-{i}") for i in range(6)]
    assert [r.outcome for r in results] == [Outcome.SENT] * 6
    # The first refresh seeds the token; the second happens once, when it dies after the third send.
    assert fake.refreshes == 2
    assert fake.zns_sent == {f"n-{i}": 1 for i in range(6)}
    assert ZaloToken.objects.get().refresh_token == "rt-2"


@pytest.mark.django_db
def test_message_addressed_by_phone_in_84_form(fake):
    result = zns(ZaloChannel(), "n-1", phone="+84 912-345-678")
    assert result.sent and result.provider_id == "zmsg-1"
    assert fake.zns_sent["n-1"] == 1


def _send_in_thread(results, barrier, request_id):
    try:
        barrier.wait(timeout=2)
        results[request_id] = zns(ZaloChannel(), request_id)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_workers_refreshing_at_once_spend_the_refresh_token_once(fake):
    expired_store()
    fake.refresh_delay = 0.2  # the second worker arrives while the first is refreshing
    results = {}
    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=_send_in_thread, args=(results, barrier, f"w-{i}")) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=5)
    else:  # SQLite serialises writers; the second worker comes after the first
        for i in range(2):
            results[f"w-{i}"] = zns(ZaloChannel(), f"w-{i}")
    assert {k: r.outcome for k, r in results.items()} == {"w-0": Outcome.SENT, "w-1": Outcome.SENT}
    assert fake.refreshes == 1
    assert fake.refused_refreshes == 0
    assert fake.zns_sent == {"w-0": 1, "w-1": 1}


@pytest.mark.django_db
def test_a_spent_refresh_token_refused_is_a_configuration_error(fake):
    ZaloToken.objects.create(key="oa", refresh_token="rt-spent", seed=seeded("rt-0"))
    result = zns(ZaloChannel(), "n-1")
    assert result.outcome is Outcome.CONFIG
    assert result.code == "-14014"
    assert not fake.zns_sent


@pytest.mark.django_db
def test_a_new_refresh_token_in_the_environment_replaces_the_refused_one_once(fake, settings):
    ZaloToken.objects.create(key="oa", refresh_token="rt-spent", seed=seeded("rt-older"))
    channel = ZaloChannel()
    assert zns(channel, "n-1").sent and zns(channel, "n-2").sent
    # rt-0 from the environment was spent once; the rotated rt-1 is kept, not overwritten by rt-0.
    assert fake.refreshes == 1 and fake.refused_refreshes == 0
    assert ZaloToken.objects.get().refresh_token == "rt-1"


@pytest.mark.django_db
def test_quota_exhausted_stops_the_zalo_channel(fake):
    fake.quota_left = 1
    channel = ZaloChannel()
    assert zns(channel, "n-1").sent
    result = zns(channel, "n-2")
    assert result.outcome is Outcome.STOP_CHANNEL
    assert result.code == "-144"
    assert fake.zns_sent == {"n-1": 1}


@pytest.mark.django_db
def test_user_not_on_zalo_falls_back(fake):
    fake.not_on_zalo.add("84912345678")
    result = zns(ZaloChannel(), "n-1")
    assert result.outcome is Outcome.FALLBACK
    assert result.code == "-118"
    assert "not existed" in result.message


@pytest.mark.django_db
def test_wrong_template_is_a_configuration_error(fake):
    result = zns(ZaloChannel(), "n-1", template_id="tpl-unknown")
    assert result.outcome is Outcome.CONFIG
    assert result.code == "-109"


@pytest.mark.django_db
def test_zalo_unreachable_is_retried_later(fake, settings):
    fake.stop()
    result = zns(ZaloChannel(), "n-1")
    assert result.outcome is Outcome.RETRY
    fake.start()  # the fixture stops it again


@pytest.mark.django_db
def test_duplicate_sms_request_id_is_sent_once_and_counts_as_sent(fake):
    channel = SmsChannel()
    first = channel.send(to_phone=PHONE, text="Nhắc: nộp báo cáo tháng 11/2026", request_id="r-1")
    again = channel.send(to_phone=PHONE, text="Nhắc: nộp báo cáo tháng 11/2026", request_id="r-1")
    assert first.sent and again.sent
    assert again.provider_id == first.provider_id
    assert fake.sms_sent == {"r-1": 1}


def test_sms_text_is_unaccented_and_fits_one_message(fake):
    text = ("Tổ CNCĐ thôn Đồng Mới: còn 5 ngày để nộp báo cáo tháng 11/2026. "
            "Đồng chí Tổ trưởng vào ứng dụng Tổ công nghệ số để gửi báo cáo trước ngày 05/12/2026.")
    result = SmsChannel().send(to_phone=PHONE, text=text, request_id="r-2")
    sent = fake.sms_bodies[-1]
    assert result.sent and result.extra["parts"] == 1
    assert sent["content"].isascii() and len(sent["content"]) <= 160
    assert sent["content"].startswith("To CNCD thon Dong Moi: con 5 ngay de nop bao cao thang 11/2026.")
    assert sent["phone"] == "84912345678" and sent["brandname"] == "TOCNS"
    assert sent["callback_url"] == "http://127.0.0.1/notify/sms/receipt"


def test_unaccent_keeps_case_and_turns_d_bar_into_d():
    assert unaccent("  Đặng   Thị Hoà, xã Đạo Viện ") == "Dang Thi Hoa, xa Dao Vien"
    assert unaccent("Ỷ Lường, Nghĩa") == "Y Luong, Nghia"
    assert unaccent("") == "" and unaccent(None) == ""


def test_sms_gateway_error_is_retried(fake):
    fake.sms_status = 503
    result = SmsChannel().send(to_phone=PHONE, text="Nhắc", request_id="r-3")
    assert result.outcome is Outcome.RETRY
    assert not fake.sms_sent


def test_sms_to_a_number_that_is_not_vietnamese_falls_back(fake):
    result = SmsChannel().send(to_phone="12345", text="Nhắc", request_id="r-4")
    assert result.outcome is Outcome.FALLBACK
    assert not fake.sms_bodies


@pytest.mark.django_db
def test_a_channel_without_credentials_is_off_and_sends_nothing(fake, settings):
    settings.ZALO_APP_ID = settings.ZALO_SECRET_KEY = settings.ZALO_REFRESH_TOKEN = ""
    settings.SMS_API_KEY = ""
    for channel in (ZaloChannel(), SmsChannel()):
        assert channel.configured() is False
        result = channel.send(to_phone=PHONE, text="Nhắc", template_id="tpl-1", request_id="r-5")
        assert result.outcome is Outcome.CONFIG and result.code == "not_configured"
    assert not fake.sms_bodies and not fake.zns_sent and fake.refreshes == 0


def test_email_goes_through_django_mail_backend(mailoutbox):
    result = EmailChannel().send(to_email="an@example.vn", subject="Nhắc báo cáo", text="Còn 5 ngày",
                                 request_id="e-1")
    assert result.sent
    assert [(m.to, m.subject) for m in mailoutbox] == [(["an@example.vn"], "Nhắc báo cáo")]


def test_email_without_address_falls_back():
    assert EmailChannel().send(to_email="", text="x", request_id="e-2").outcome is Outcome.FALLBACK
