import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tocns.audit.models import AuditEntry
from tocns.privacy import services
from tocns.privacy.models import Consent, RequestKind, RequestStatus
from tocns.teams.models import Membership
from tocns.teams.services import application_submit_join

from ..factories import make_person, make_team, make_user

pytestmark = pytest.mark.django_db


def test_anonymising_clears_who_the_person_is_and_keeps_every_membership(world):
    team = make_team(world, world.village_a1, members=3)
    person = team.memberships.get(role="member", person__full_name__startswith="Triệu").person
    person.ethnic_group, person.ethnic_group_consent_at, person.phone_public = "Tày", timezone.now(), True
    person.email, person.workplace, person.home_village = "nhat@example.vn", "Trường Tiểu học", world.village_a1
    person.gender = "female"
    person.user = make_user(full_name=person.full_name, phone="0905111222", role="team_member",
                            unit=world.village_a1)
    person.save()
    before = (Membership.objects.count(), team.memberships.active().count())

    services.person_anonymise(person=person, by=world.officer_a)

    person.refresh_from_db()
    assert person.full_name == "Đã ẩn danh" and person.phone is None and person.ethnic_group == ""
    assert (person.birth_year, person.email, person.workplace, person.home_village) == (None, "", "", None)
    assert person.phone_public is False and person.gender == "female"  # kept: totals by gender stay right
    assert (Membership.objects.count(), team.memberships.active().count()) == before
    person.user.refresh_from_db()
    assert person.user.is_active is False and person.user.phone is None
    assert not Consent.objects.filter(person=person, withdrawn_at=None).exists()
    entry = AuditEntry.objects.get(action="person.anonymise")
    assert entry.actor == world.officer_a and entry.people == [person.pk]


def test_anonymising_twice_is_refused(world):
    person = make_person(world)
    services.person_anonymise(person=person, by=world.officer_a)
    with pytest.raises(ValidationError, match="đã được ẩn danh"):
        services.person_anonymise(person=person, by=world.officer_a)


def test_the_application_that_named_the_person_is_anonymised_too(world):
    team = make_team(world, world.village_a1)
    application = application_submit_join(
        team=team, entries=[{"full_name": "Lò Thị Dung", "phone": "0987000111", "birth_year": 1995}],
        contact_name="Lò Thị Dung", contact_phone="0987000111", channel="online", submission_key=str(uuid.uuid4()))
    person = make_person(world, full_name="Lò Thị Dung", phone="0987000111")
    application.entries.update(person=person)
    services.person_anonymise(person=person, by=world.officer_a)
    application.refresh_from_db()
    entry = application.entries.get()
    assert (application.contact_name, application.contact_phone) == ("Đã ẩn danh", "")
    assert (entry.full_name, entry.phone, entry.birth_year) == ("Đã ẩn danh", "", None)


def test_an_erasure_request_is_done_by_the_anonymisation(world):
    person = make_person(world)
    request = services.request_register(person=person, kind=RequestKind.ERASURE, by=world.officer_a,
                                        submission_key=uuid.uuid4(), received_on=timezone.localdate())
    with pytest.raises(ValidationError, match="Ẩn danh người này"):
        services.request_complete(request=request, by=world.officer_a)
    services.person_anonymise(person=person, by=world.officer_a, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE


def test_feedback_sent_from_the_persons_phone_loses_the_name_and_phone(world):
    from tocns.fieldwork.models import Feedback

    person = make_person(world, full_name="Lò Thị Dung", phone="0987000222")
    feedback = Feedback.objects.create(
        code="PA-TEST2", content="Xin hướng dẫn VssID", citizen_name="Lò Thị Dung", citizen_phone="0987000222",
        consent_at=timezone.now(), unit=world.village_a1, province=world.province, commune=world.commune_a,
        answer_due_on=timezone.localdate(), channel="public", submission_key=str(uuid.uuid4()))
    services.person_anonymise(person=person, by=world.officer_a)
    feedback.refresh_from_db()
    assert (feedback.citizen_name, feedback.citizen_phone, feedback.content) == ("", "", "Xin hướng dẫn VssID")
