import pytest
from django.core import mail

from tocns.notify.models import DeliveryStatus, Notification
from tocns.notify.services import deliver_pending, notify

pytestmark = pytest.mark.django_db


def test_a_message_without_an_address_is_kept_for_the_app(world):
    notification = notify(subject="Đơn đã được duyệt", body="Chào mừng", recipient=world.member_a1)
    assert notification.status == DeliveryStatus.IN_APP and not mail.outbox


def test_email_goes_out_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(subject="Đơn đã được duyệt", body="Chào mừng", email="a@example.vn", name="Lò Thị Dung")
    assert mail.outbox[0].to == ["a@example.vn"]
    assert Notification.objects.get().status == DeliveryStatus.SENT


def test_a_failed_email_is_kept_and_sent_again_later(world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notify.test_outbox.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify(subject="Thông báo", body="Nội dung", email="a@example.vn")
    failed = Notification.objects.get()
    assert failed.status == DeliveryStatus.FAILED and "mạng" in failed.last_error and failed.attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_pending() == 1
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.SENT and failed.attempts == 2


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mất mạng")
