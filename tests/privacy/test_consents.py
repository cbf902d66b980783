import pytest
from django.utils import timezone

from tocns.privacy.models import Consent, ConsentPurpose
from tocns.privacy.services import NOTICE_VERSIONS
from tocns.teams import services as teams
from tocns.teams.forms import PersonForm

from ..factories import make_person, person_data

pytestmark = pytest.mark.django_db


def test_consent_given_on_the_persons_form_is_recorded_per_purpose_with_the_notice_version(world):
    form = PersonForm(person_data(ethnic_group="Tày", ethnic_group_consent="on"), commune=world.commune_a)
    assert form.is_valid()
    person = teams.person_save(data=form.cleaned_data, commune=world.commune_a, by=world.officer_a)
    consent = Consent.objects.get(person=person)
    assert consent.purpose == ConsentPurpose.ETHNIC_GROUP and consent.withdrawn_at is None
    assert consent.notice_version == NOTICE_VERSIONS[ConsentPurpose.ETHNIC_GROUP]
    assert consent.given_at == person.ethnic_group_consent_at


def test_saving_again_records_nothing_twice_and_turning_a_choice_off_withdraws_it(world):
    person = make_person(world, phone_public=True)
    person.save()
    assert Consent.objects.filter(person=person, purpose=ConsentPurpose.PHONE_PUBLIC).count() == 1
    person.phone_public = False
    person.save()
    consent = Consent.objects.get(person=person, purpose=ConsentPurpose.PHONE_PUBLIC)
    assert consent.withdrawn_at is not None
    person.phone_public = True
    person.save()  # given again: a new row, the old one kept as history
    assert Consent.objects.filter(person=person, purpose=ConsentPurpose.PHONE_PUBLIC).count() == 2


def test_no_consent_is_recorded_for_a_person_who_gave_none(world):
    make_person(world, ethnic_group_consent_at=None)
    assert not Consent.objects.exists()


def test_a_person_with_an_ethnic_group_consent_has_its_time(world):
    at = timezone.now()
    person = make_person(world, ethnic_group="Dao", ethnic_group_consent_at=at)
    assert Consent.objects.get(person=person).given_at == at
