import pytest
from django.core.exceptions import ValidationError

from tocns.audit.models import AuditEntry
from tocns.teams import services
from tocns.teams.forms import DecisionForm, PersonForm
from tocns.teams.models import Person

from ..factories import make_person, person_data

pytestmark = pytest.mark.django_db


def errors_for(world, **overrides):
    form = PersonForm(person_data(**overrides), commune=world.commune_a)
    form.is_valid()
    return form.errors


def test_phone_is_stored_in_one_form(world):
    form = PersonForm(person_data(phone="+84 987.654.321"), commune=world.commune_a)
    assert form.is_valid() and form.cleaned_data["phone"] == "0987654321"


@pytest.mark.parametrize("overrides, field, words", [
    ({"phone": ""}, "phone", "Hãy nhập số điện thoại"),
    ({"phone": "12345"}, "phone", "không phải số điện thoại Việt Nam"),
    ({"birth_year": "2020"}, "birth_year", "từ 15 tuổi trở lên"),
    ({"birth_year": "1900"}, "birth_year", "hơn 100 tuổi"),
    ({"birth_year": "năm"}, "birth_year", "phải là một số"),
    ({"ethnic_group": "Kinh Tày"}, "ethnic_group", "không có trong danh mục 54 dân tộc"),
    ({"ethnic_group": "Tày"}, "ethnic_group_consent", "đồng ý"),
    ({"full_name": " "}, "full_name", "họ và tên"),
])
def test_bad_person_details_get_a_vietnamese_message_next_to_the_field(world, overrides, field, words):
    errors = errors_for(world, **overrides)
    assert words in " ".join(errors[field])


def test_ethnic_group_with_consent_is_kept_with_the_time_of_consent(world):
    form = PersonForm(person_data(ethnic_group="Tày", ethnic_group_consent="on"), commune=world.commune_a)
    assert form.is_valid()
    person = services.person_save(data=form.cleaned_data, commune=world.commune_a, by=world.officer_a)
    assert person.ethnic_group == "Tày" and person.ethnic_group_consent_at is not None


def test_a_duplicate_person_by_phone_is_refused_and_nothing_written(world):
    make_person(world, full_name="Hoàng Văn Páo", phone="0987654321")
    form = PersonForm(person_data(), commune=world.commune_a)
    assert form.is_valid()
    with pytest.raises(ValidationError) as exc:
        services.person_save(data=form.cleaned_data, commune=world.commune_a)
    assert "đã có trong danh sách: Hoàng Văn Páo" in exc.value.message_dict["phone"][0]
    assert Person.objects.count() == 1


def test_editing_a_person_records_which_fields_changed(world):
    person = make_person(world, full_name="Hoàng Văn Páo", phone="0987654321")
    form = PersonForm(person_data(full_name="Hoàng Văn Páo", phone="0987654321", workplace="Bưu điện xã"),
                      commune=world.commune_a)
    assert form.is_valid()
    services.person_save(data=form.cleaned_data, commune=world.commune_a, person=person, by=world.officer_a)
    entry = AuditEntry.objects.get(action="person.update")
    assert "workplace" in entry.data["fields"] and entry.actor == world.officer_a


@pytest.mark.parametrize("number, ok", [("45/QĐ-UBND", True), ("45/qđ-ubnd", True), ("45/QD-UBND", True),
                                        ("QĐ 45", False), ("45", False)])
def test_decision_numbers_look_like_official_ones(number, ok):
    form = DecisionForm({"number": number, "signed_on": "05/01/2026", "signer_name": "Ma Văn Tiến",
                         "signer_title": "Chủ tịch UBND xã"})
    assert form.is_valid() is ok
    if ok:
        assert form.cleaned_data["number"] == "45/QĐ-UBND"
