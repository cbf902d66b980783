"""Who may see whose requests: the province admin the province's people, a commune officer his
commune's. Anything else answers 404."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tocns.accounts.models import Role
from tocns.accounts.selectors import scope_for
from tocns.lib.text import fold
from tocns.teams.models import Person

from .models import OPEN_STATUSES, RequestStatus, RightsRequest
from .services import working_days_after


def _office_q(user, *, province: str = "province", commune: str = "commune") -> Q:
    scope = scope_for(user)
    condition = Q(pk__in=[])
    if scope.has_role(Role.PROVINCE_ADMIN):
        condition |= Q(**{f"{province}_id__in": scope.province_ids})
    if scope.has_role(Role.COMMUNE_OFFICER):
        condition |= Q(**{f"{commune}_id__in": scope.commune_ids})
    return condition


def people_for_office(user) -> QuerySet:
    return Person.objects.filter(_office_q(user))


def person_for_office_or_404(user, pk: int) -> Person:
    person = people_for_office(user).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def search_people(user, text: str) -> QuerySet:
    people = people_for_office(user).select_related("commune")
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 6:
        return people.filter(phone__contains=digits.removeprefix("84")[-9:])
    return people.filter(full_name_folded__contains=fold(text))


def requests_for_user(user) -> QuerySet:
    return RightsRequest.objects.filter(_office_q(user)).select_related("person", "commune", "received_by")


def request_for_user_or_404(user, pk: int) -> RightsRequest:
    request = requests_for_user(user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def open_first(requests: QuerySet) -> QuerySet:
    return requests.filter(status__in=OPEN_STATUSES).order_by("acknowledge_by", "received_at")


def requests_to_acknowledge(user) -> QuerySet:
    """Received and not yet acknowledged, with the deadline today, tomorrow's working day or past."""
    near = working_days_after(timezone.localdate(), 1)
    return requests_for_user(user).filter(status=RequestStatus.RECEIVED, acknowledge_by__lte=near).order_by(
        "acknowledge_by", "received_at")
