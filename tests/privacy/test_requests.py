import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tocns.audit.models import AuditEntry
from tocns.privacy import services
from tocns.privacy.models import Consent, ConsentPurpose, RequestKind, RequestStatus, RightsRequest
from tocns.privacy.services import working_days_after

from ..factories import make_person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("received, due", [
    ("2026-11-23", "2026-11-25"),  # Monday → Wednesday
    ("2026-11-26", "2026-11-30"),  # Thursday → Monday
    ("2026-11-27", "2026-12-01"),  # Friday → Tuesday
    ("2026-11-28", "2026-12-01"),  # received on a Saturday → Tuesday
    ("2026-11-29", "2026-12-01"),  # received on a Sunday → Tuesday
])
def test_the_acknowledgement_is_due_two_working_days_later_skipping_weekends(received, due):
    assert working_days_after(datetime.date.fromisoformat(received)).isoformat() == due


def register(world, person, kind=RequestKind.ACCESS, **extra):
    extra.setdefault("received_on", timezone.localdate())
    return services.request_register(person=person, kind=kind, by=world.officer_a, submission_key=uuid.uuid4(),
                                     **extra)


def test_a_request_is_registered_with_who_received_it_and_its_deadline(world):
    person = make_person(world)
    request = register(world, person, details="Xin bản dữ liệu")
    assert (request.status, request.received_by, request.commune) == (RequestStatus.RECEIVED, world.officer_a,
                                                                      world.commune_a)
    assert request.acknowledge_by == working_days_after(request.received_on)
    assert AuditEntry.objects.filter(action="rights_request.receive", person_ids=f"|{person.pk}|").exists()


def test_the_same_submission_again_registers_nothing_twice(world):
    person = make_person(world)
    key = uuid.uuid4()
    for _ in range(2):
        services.request_register(person=person, kind=RequestKind.ACCESS, by=world.officer_a, submission_key=key,
                                  received_on=timezone.localdate())
    assert RightsRequest.objects.count() == 1


def test_a_withdrawal_must_name_the_consent_and_a_future_day_is_refused(world):
    person = make_person(world)
    with pytest.raises(ValidationError) as exc:
        register(world, person, RequestKind.WITHDRAWAL, received_on=timezone.localdate() + datetime.timedelta(days=1))
    assert set(exc.value.message_dict) == {"purpose", "received_on"}
    assert not RightsRequest.objects.exists()


def test_acknowledged_then_done_and_a_second_hand_is_told_it_was_already_handled(world):
    request = register(world, make_person(world))
    stale = RightsRequest.objects.get(pk=request.pk)
    services.request_acknowledge(request=request, by=world.officer_a)
    with pytest.raises(ValidationError, match="vừa được người khác xử lý"):
        services.request_acknowledge(request=stale, by=world.province_admin)
    services.request_complete(request=request, by=world.officer_a, answer="Đã gửi tệp qua Zalo")
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE and request.answer == "Đã gửi tệp qua Zalo"


def test_a_refusal_needs_its_reason(world):
    request = register(world, make_person(world), RequestKind.CORRECTION)
    with pytest.raises(ValidationError) as exc:
        services.request_refuse(request=request, by=world.officer_a, reason="  ")
    assert "lý do" in exc.value.message_dict["reason"][0]
    services.request_refuse(request=request, by=world.officer_a, reason="Thông tin đang đúng với giấy tờ")
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED and request.answer == "Thông tin đang đúng với giấy tờ"


def test_withdrawing_the_ethnic_group_consent_clears_the_ethnic_group(world):
    person = make_person(world, ethnic_group="Tày", ethnic_group_consent_at=timezone.now())
    assert Consent.objects.filter(person=person, purpose=ConsentPurpose.ETHNIC_GROUP, withdrawn_at=None).exists()
    request = register(world, person, RequestKind.WITHDRAWAL, purpose=ConsentPurpose.ETHNIC_GROUP)
    services.request_complete(request=request, by=world.officer_a)
    person.refresh_from_db()
    assert person.ethnic_group == "" and person.ethnic_group_consent_at is None
    consent = Consent.objects.get(person=person, purpose=ConsentPurpose.ETHNIC_GROUP)
    assert consent.withdrawn_at is not None and consent.withdrawn_by == world.officer_a
    request.refresh_from_db()
    assert "dân tộc" in request.answer


def test_withdrawing_the_public_phone_consent_takes_the_phone_off_the_public_page(world):
    person = make_person(world, phone_public=True)
    request = register(world, person, RequestKind.WITHDRAWAL, purpose=ConsentPurpose.PHONE_PUBLIC)
    services.request_complete(request=request, by=world.officer_a)
    person.refresh_from_db()
    assert person.phone_public is False
    assert not Consent.objects.filter(person=person, purpose=ConsentPurpose.PHONE_PUBLIC, withdrawn_at=None).exists()
