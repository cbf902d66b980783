"""Delivery receipts: Zalo's signed webhook and the SMS gateway's callback mark notices delivered."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tocns.notify.delivery import deliver
from tocns.notify.models import (
    ChannelState,
    DeliveryAttempt,
    DeliveryStatus,
    NoticeKind,
    Notification,
)
from tocns.notify.services import notify, preference_set

from .fakes import APP_ID, OA_SECRET_KEY, SECRET_KEY, zalo_signed

ZALO_URL, SMS_URL = "/api/v1/notify/zalo", "/api/v1/notify/sms"
SMS_TOKEN = "callback-token-1"
PHONE = "0912 345 678"
DELIVERY_MS = "1764480000000"  # 30/11/2025 05:20 UTC, as Zalo writes delivery_time
DELIVERED_AT = datetime(2025, 11, 30, 5, 20, tzinfo=UTC)
DAYTIME = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 17:00 in Vietnam, outside quiet hours


@pytest.fixture
def receipts(settings):
    settings.ZALO_APP_ID, settings.ZALO_SECRET_KEY = APP_ID, SECRET_KEY
    settings.ZALO_OA_SECRET_KEY = OA_SECRET_KEY
    settings.ZALO_TEMPLATES = {kind: "tpl-1" for kind in NoticeKind.values}
    settings.SMS_CALLBACK_TOKEN = SMS_TOKEN


def sent_notice(channel="zalo", provider_id="zmsg-7", outcome="sent", status=DeliveryStatus.SENT):
    """A notice the worker has sent on `channel`, with its attempt, as `delivery.mark` leaves it."""
    at = timezone.now() - timedelta(minutes=1)
    notice = Notification.objects.create(kind=NoticeKind.GENERAL, subject="Họp tổ", body="Họp tổ lúc 8 giờ",
                                         short_text="Hop to luc 8 gio", phone="0912345678", status=status,
                                         channel=channel, attempts=1, sent_at=at, provider_id=provider_id)
    DeliveryAttempt.objects.create(notification=notice, channel=channel, request_id=f"tocns-{notice.pk}-{channel}",
                                   started_at=at, finished_at=at, outcome=outcome, provider_id=provider_id)
    return notice


def received(msg_id="zmsg-7", delivery_time=DELIVERY_MS, **message):
    return {"app_id": APP_ID, "sender": {"id": "oa-1"}, "recipient": {"id": "user-1"},
            "event_name": "user_received_message",
            "message": {"msg_id": msg_id, "delivery_time": delivery_time, **message},
            "timestamp": "1764480001000"}


def post_zalo(client, event, *, secret=OA_SECRET_KEY, signature=None, raw=None):
    body, mac = zalo_signed(event, secret=secret)
    headers = {} if signature == "" else {"X-ZEvent-Signature": signature or mac}
    return client.post(ZALO_URL, data=raw if raw is not None else body, content_type="application/json",
                       headers=headers)


def sms_params(notice, *, success="1", failed="0", token=SMS_TOKEN):
    params = {"SMSID": notice.provider_id, "RequestId": f"tocns-{notice.pk}-sms", "SendStatus": "5",
              "SendSuccess": success, "SendFailed": failed, "TotalPrice": "700", "TotalReceiver": "1",
              "TotalSent": "1", "TypeId": "2", "telcoid": "1", "phonenumber": "84912345678"}
    if token is not None:
        params["token"] = token
    return params


def everything():
    """Every outbox row as stored, to prove a refused or unknown receipt changed nothing."""
    return (list(Notification.objects.order_by("pk").values()), list(DeliveryAttempt.objects.order_by("pk").values()),
            list(ChannelState.objects.order_by("pk").values()))


# Zalo --------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_signed_receipt_marks_the_notice_delivered_at_its_delivery_time(client, receipts):
    notice = sent_notice()
    response = post_zalo(client, received())
    assert response.status_code == 200
    assert response.json()["ok"] is True
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.DELIVERED
    assert notice.delivered_at == DELIVERED_AT
    assert notice.get_status_display() == "Đã đến máy"


@pytest.mark.django_db
def test_the_same_receipt_twice_changes_nothing_more(client, receipts):
    notice = sent_notice()
    assert post_zalo(client, received()).status_code == 200
    before = everything()
    again = post_zalo(client, received(delivery_time="1764490000000"))  # Zalo's retry, later
    assert again.status_code == 200
    assert everything() == before
    notice.refresh_from_db()
    assert notice.delivered_at == DELIVERED_AT


@pytest.mark.django_db
def test_receipt_without_delivery_time_counts_as_delivered_now(client, receipts):
    notice = sent_notice()
    event = received()
    del event["message"]["delivery_time"]
    start = timezone.now()
    assert post_zalo(client, event).status_code == 200
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.DELIVERED
    assert start <= notice.delivered_at <= timezone.now()


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["wrong_mac", "no_header", "body_changed", "other_app", "no_prefix"])
def test_bad_signature_answers_403_and_changes_nothing(client, receipts, tamper):
    sent_notice()
    before = everything()
    event = received()
    if tamper == "wrong_mac":
        response = post_zalo(client, event, signature="mac=" + "0" * 64)
    elif tamper == "no_header":
        response = post_zalo(client, event, signature="")
    elif tamper == "body_changed":  # signed for one message, delivered with another id
        _body, mac = zalo_signed(received(msg_id="zmsg-1"))
        response = post_zalo(client, event, signature=mac)
    elif tamper == "other_app":  # another app's call, signed with our key
        response = post_zalo(client, {**event, "app_id": "app-2"})
    else:
        _body, mac = zalo_signed(event)
        response = post_zalo(client, event, signature=mac.removeprefix("mac="))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert everything() == before


@pytest.mark.django_db
def test_signature_made_with_the_app_secret_instead_of_the_oa_secret_is_refused(client, receipts):
    sent_notice()
    before = everything()
    assert post_zalo(client, received(), secret=SECRET_KEY).status_code == 403
    assert everything() == before


@pytest.mark.django_db
def test_without_the_oa_secret_setting_every_receipt_is_refused(client, receipts, settings):
    settings.ZALO_OA_SECRET_KEY = ""
    sent_notice()
    before = everything()
    assert post_zalo(client, received(), secret="").status_code == 403
    assert everything() == before


@pytest.mark.django_db
def test_body_that_is_not_json_answers_403_and_changes_nothing(client, receipts):
    sent_notice()
    before = everything()
    response = post_zalo(client, received(), raw=b"event_name=user_received_message")
    assert response.status_code == 403
    assert everything() == before


@pytest.mark.django_db
def test_signed_but_unreadable_event_answers_400(client, receipts):
    notice = sent_notice()
    before = everything()
    event = received()
    event["message"] = "zmsg-7"
    assert post_zalo(client, event).status_code == 400
    assert post_zalo(client, received(delivery_time="hôm qua")).status_code == 400
    assert everything() == before
    assert Notification.objects.get(pk=notice.pk).status == DeliveryStatus.SENT


@pytest.mark.django_db
def test_timestamp_sent_as_a_json_number_is_signed_as_its_digits(client, receipts):
    notice = sent_notice()
    assert post_zalo(client, {**received(), "timestamp": 1764480001000}).status_code == 200
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.DELIVERED


@pytest.mark.django_db
def test_unknown_msg_id_answers_200_and_changes_nothing(client, receipts):
    sent_notice()
    before = everything()
    response = post_zalo(client, received(msg_id="zmsg-someone-else"))
    assert response.status_code == 200
    assert response.json()["result"] == "unknown"
    assert everything() == before


@pytest.mark.django_db
def test_receipt_by_tracking_id_delivers_a_notice_the_sweep_left_unknown(client, receipts):
    # The worker died after calling Zalo: no msg_id was kept, the sweep settled it as sent, unknown.
    notice = sent_notice(provider_id="", outcome="unknown")
    Notification.objects.filter(pk=notice.pk).update(last_error="Máy gửi dừng giữa chừng")
    response = post_zalo(client, received(msg_id="zmsg-99", tracking_id=f"tocns-{notice.pk}-zalo"))
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.DELIVERED
    assert notice.last_error == ""


@pytest.mark.django_db
@pytest.mark.parametrize("status", [DeliveryStatus.QUEUED, DeliveryStatus.SENDING, DeliveryStatus.FELL_BACK])
def test_receipt_for_a_notice_not_sent_leaves_it_to_the_worker(client, receipts, status):
    sent_notice(status=status)
    before = everything()
    assert post_zalo(client, received()).status_code == 200
    assert everything() == before


@pytest.mark.django_db
def test_other_events_are_accepted_and_change_nothing(client, receipts):
    sent_notice()
    before = everything()
    follow = {"app_id": APP_ID, "oa_id": "oa-1", "event_name": "follow", "follower": {"id": "user-1"},
              "timestamp": "1764480001000"}
    response = post_zalo(client, follow)
    assert response.status_code == 200
    assert response.json()["result"] == "ignored"
    assert everything() == before


def template_event(new_status, template_id="tpl-1"):
    return {"app_id": APP_ID, "oa_id": "oa-1", "event_name": "change_template_status", "template_id": template_id,
            "status": {"prev_status": "ENABLE", "new_status": new_status}, "reason": "Nội dung vi phạm",
            "timestamp": "1764480001000"}


@pytest.mark.django_db
def test_template_disabled_shows_on_the_zalo_channel_state(client, receipts):
    assert post_zalo(client, template_event("DISABLE")).status_code == 200
    state = ChannelState.objects.get(channel="zalo")
    assert state.config_error_at is not None
    assert "tpl-1" in state.config_error and "DISABLE" in state.config_error
    assert "Nội dung vi phạm" in state.config_error


@pytest.mark.django_db
def test_template_enabled_or_not_ours_changes_nothing(client, receipts):
    before = everything()
    assert post_zalo(client, template_event("ENABLE")).status_code == 200
    assert post_zalo(client, template_event("REJECT", template_id="tpl-draft")).status_code == 200
    assert everything() == before


@pytest.mark.django_db
def test_providers_reach_the_receipts_without_session_or_csrf_token_over_https(receipts, settings):
    settings.SECURE_SSL_REDIRECT = True
    provider = Client(enforce_csrf_checks=True)
    zalo_notice, sms_notice = sent_notice(), sent_notice(channel="sms", provider_id="sms-77")
    body, mac = zalo_signed(received())
    assert provider.post(ZALO_URL, data=body, content_type="application/json", secure=True,
                         headers={"X-ZEvent-Signature": mac}).status_code == 200
    assert provider.post(f"{SMS_URL}?token={SMS_TOKEN}", sms_params(sms_notice, token=None),
                         secure=True).status_code == 200
    assert {n.status for n in Notification.objects.filter(pk__in=[zalo_notice.pk, sms_notice.pk])} == {
        DeliveryStatus.DELIVERED}


@pytest.mark.django_db
def test_zalo_webhook_takes_only_post(client, receipts):
    assert client.get(ZALO_URL).status_code == 405


# SMS ----------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_sms_callback_with_the_right_token_marks_delivered(client, receipts):
    notice = sent_notice(channel="sms", provider_id="sms-77")
    response = client.get(SMS_URL, sms_params(notice))
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.DELIVERED
    assert notice.delivered_at is not None
    before = everything()
    assert client.get(SMS_URL, sms_params(notice)).status_code == 200  # the gateway retries its callback
    assert everything() == before


@pytest.mark.django_db
def test_sms_callback_posted_as_a_form_with_the_token_in_the_url(client, receipts):
    notice = sent_notice(channel="sms", provider_id="sms-77")
    params = sms_params(notice, token=None)
    response = client.post(f"{SMS_URL}?token={SMS_TOKEN}", params)
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.DELIVERED


@pytest.mark.django_db
def test_sms_callback_found_by_our_request_id(client, receipts):
    notice = sent_notice(channel="sms", provider_id="sms-77")
    params = {**sms_params(notice), "SMSID": ""}
    assert client.get(SMS_URL, params).status_code == 200
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.DELIVERED


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["wrong-token", "", None])
def test_sms_callback_with_a_wrong_or_missing_token_answers_403_and_changes_nothing(client, receipts, token):
    notice = sent_notice(channel="sms", provider_id="sms-77")
    before = everything()
    response = client.get(SMS_URL, sms_params(notice, token=token))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert everything() == before


@pytest.mark.django_db
def test_sms_callback_refused_while_no_token_is_set(client, receipts, settings):
    settings.SMS_CALLBACK_TOKEN = ""
    notice = sent_notice(channel="sms", provider_id="sms-77")
    before = everything()
    assert client.get(SMS_URL, sms_params(notice, token="")).status_code == 403
    assert everything() == before


@pytest.mark.django_db
def test_failed_sms_receipt_marks_the_notice_failed(client, receipts):
    notice = sent_notice(channel="sms", provider_id="sms-77")
    assert client.get(SMS_URL, sms_params(notice, success="0", failed="1")).status_code == 200
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.FAILED
    assert notice.last_error == "sms: gateway reports not delivered"


@pytest.mark.django_db
def test_failed_sms_receipt_after_delivered_keeps_it_delivered(client, receipts):
    notice = sent_notice(channel="sms", provider_id="sms-77")
    assert client.get(SMS_URL, sms_params(notice)).status_code == 200
    before = everything()
    assert client.get(SMS_URL, sms_params(notice, success="0", failed="1")).status_code == 200
    assert everything() == before
    assert Notification.objects.get(pk=notice.pk).status == DeliveryStatus.DELIVERED


@pytest.mark.django_db
def test_delivered_sms_receipt_after_a_failed_one_marks_delivered(client, receipts):
    notice = sent_notice(channel="sms", provider_id="sms-77")
    client.get(SMS_URL, sms_params(notice, success="0", failed="1"))
    assert client.get(SMS_URL, sms_params(notice)).status_code == 200
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.DELIVERED
    assert notice.last_error == ""


@pytest.mark.django_db
def test_unknown_sms_id_answers_200_and_changes_nothing(client, receipts):
    sent_notice(channel="sms", provider_id="sms-77")
    before = everything()
    response = client.get(SMS_URL, {"token": SMS_TOKEN, "SMSID": "sms-other", "RequestId": "",
                                     "SendSuccess": "1", "SendFailed": "0"})
    assert response.status_code == 200
    assert response.json()["result"] == "unknown"
    assert everything() == before


@pytest.mark.django_db
def test_sms_receipt_with_the_right_token_but_no_ids_answers_400(client, receipts):
    sent_notice(channel="sms", provider_id="sms-77")
    before = everything()
    assert client.get(SMS_URL, {"token": SMS_TOKEN, "SendSuccess": "1"}).status_code == 400
    assert client.get(SMS_URL, {"token": SMS_TOKEN, "SMSID": "sms-77", "SendSuccess": "một"}).status_code == 400
    assert everything() == before


# Through the worker and the fake providers -----------------------------------------------------
@pytest.mark.django_db
def test_notice_sent_by_zalo_is_delivered_by_the_receipt_for_its_msg_id(client, receipts, fake):
    notice = notify(kind=NoticeKind.GENERAL, phone=PHONE, subject="Họp tổ", body="Họp tổ lúc 8 giờ")
    assert deliver(notice.pk, now=DAYTIME) == "sent"
    notice.refresh_from_db()
    assert notice.channel == "zalo" and notice.provider_id
    assert post_zalo(client, received(msg_id=notice.provider_id)).status_code == 200
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.DELIVERED


@pytest.mark.django_db
@pytest.mark.parametrize("by", ["SMSID", "RequestId"])
def test_notice_sent_by_sms_is_delivered_by_the_gateway_callback(client, receipts, fake, by):
    preference_set(phone=PHONE, choice="sms", consent=True)
    notice = notify(kind=NoticeKind.GENERAL, phone=PHONE, subject="Họp tổ", body="Họp tổ lúc 8 giờ")
    assert deliver(notice.pk, now=DAYTIME) == "sent"
    notice.refresh_from_db()
    assert notice.channel == "sms" and notice.provider_id
    params = {"token": SMS_TOKEN, "SendSuccess": "1", "SendFailed": "0", "SendStatus": "5",
              "SMSID": notice.provider_id if by == "SMSID" else "",
              "RequestId": f"tocns-{notice.pk}-sms" if by == "RequestId" else ""}
    assert client.get(SMS_URL, params).status_code == 200
    notice.refresh_from_db()
    assert notice.status == DeliveryStatus.DELIVERED
