import re
import uuid
from datetime import date
from typing import Annotated, Any

from django.utils import timezone
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Strict, StrictBool, StrictFloat, StrictInt, StrictStr

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value):
    """A date is written yyyy-mm-dd: a number (`0.0`, read by pydantic as a Unix time) is refused."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("Ngày phải viết theo dạng yyyy-mm-dd, ví dụ 2026-09-01.")


# Use for every date taken from a query or a body: strict ISO date, anything else a 422.
IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]


def _whole_number(value):
    """JSON (and so the schema's "integer") counts 3.0 as a whole number; strict pydantic would not.
    Anything else goes on to the strict check unchanged (a "3" or a true stays refused)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# An integer field of a strict body: what the schema calls an integer, 3 or 3.0, and nothing else.
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


class ErrorOut(Schema):
    """Every error the API answers: `detail` is a message, or (422) the list of what was wrong."""
    detail: Any


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    level: str
    parent_code: str | None
    is_demo: bool
    retired_on: str | None

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_retired_on(obj) -> str | None:
        return obj.retired_on.isoformat() if obj.retired_on else None


class AssignmentOut(Schema):
    role: str
    unit_code: str
    unit_name: str


class MeOut(Schema):
    username: str
    full_name: str
    phone: str | None
    assignments: list[AssignmentOut]


class MemberOut(Schema):
    person_id: int
    full_name: str
    role: str
    role_label: str
    start_date: date
    end_date: date | None


class TeamOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    commune_code: str
    status: str
    established_on: date | None
    dissolved_on: date | None
    zalo_group_url: str

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_commune_code(obj) -> str:
        return obj.commune.code


class TeamDetailOut(TeamOut):
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj) -> list[dict]:
        return [{"person_id": m.person_id, "full_name": m.person.full_name, "role": m.role,
                 "role_label": m.get_role_display(), "start_date": m.start_date, "end_date": m.end_date}
                for m in obj.members]


class ActivityIn(Schema):
    # JSON types as the schema says them: a false is not a 0, a 0 is not a false (pydantic's lax
    # mode would read either as the other; the schema fuzzer flagged it).
    model_config = ConfigDict(strict=True)

    client_id: str
    date: str
    unit: str
    kind: str
    services: list[str] = []
    people_count: WholeNumber | str
    households_count: WholeNumber | str | None = None
    women_count: WholeNumber | str | None = None
    elderly_count: WholeNumber | str | None = None
    minority_count: WholeNumber | str | None = None
    door_to_door: StrictBool = False
    notes: str = ""
    made_at: str | None = None
    photo: str | None = None  # a data URL, resized on the phone to at most 300 KB


class PhoneEntryOut(Schema):
    """What every entry made on a phone answers with: its ids, its unit and when it was made."""

    client_id: str
    id: int
    unit: str
    made_at: str

    @staticmethod
    def resolve_client_id(obj) -> str:
        return str(obj.client_id)

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_made_at(obj) -> str:
        return timezone.localtime(obj.made_at).isoformat()


class ActivityOut(PhoneEntryOut):
    date: date
    kind: str
    services: list[str]
    people_count: int
    has_photo: bool
    received_at: str

    @staticmethod
    def resolve_has_photo(obj) -> bool:
        return bool(obj.photo)

    @staticmethod
    def resolve_services(obj) -> list[str]:
        return sorted(service.code for service in obj.services.all())

    @staticmethod
    def resolve_received_at(obj) -> str:
        return timezone.localtime(obj.received_at).isoformat()


class BatchResult(Schema):
    client_id: str
    status: str  # stored (new), duplicate (stored before), refused
    errors: dict[str, list[str]] = {}
    activity: ActivityOut | None = None


class AnswerIn(Schema):
    # JSON types as the schema says them: a false is not a 0, a 0 is not a false (pydantic's lax
    # mode would read either as the other; the schema fuzzer flagged it).
    model_config = ConfigDict(strict=True)

    client_id: str
    survey: WholeNumber
    unit: str
    values: dict[str, StrictStr | StrictInt | StrictFloat | list[StrictStr] | None] = {}  # by question id
    made_at: str | None = None


class AnswerOut(PhoneEntryOut):
    survey: int

    @staticmethod
    def resolve_survey(obj) -> int:
        return obj.survey_id


class AnswerResult(Schema):
    client_id: str
    status: str  # stored (new), duplicate (stored before), refused
    errors: dict[str, list[str]] = {}
    answer: AnswerOut | None = None


class ReportSaveIn(Schema):
    """One save of a monthly report made on the phone with no connection: a draft, or sending it."""

    # JSON types as the schema says them: a false is not a 0, a 0 is not a false (pydantic's lax
    # mode would read either as the other; the schema fuzzer flagged it).
    model_config = ConfigDict(strict=True)

    client_id: str  # the page's save key: the same one again changes nothing
    report: WholeNumber
    version: WholeNumber  # the report's version the page was built on
    values: dict[str, StrictStr | StrictInt | StrictFloat | None] = {}  # by indicator code, as typed
    comments: dict[str, str] = {}
    texts: dict[str, str] = {}  # results, difficulties, proposals
    submit: StrictBool = False


class ReportSaveResult(Schema):
    client_id: str
    status: str  # stored (new), duplicate (applied before), refused
    errors: dict[str, list[str]] = {}  # by indicator code, or "report"
    version: int | None = None  # the report's version now
    state: str = ""  # the report's status, as the page shows it
    to_fix: int = 0  # cells a draft keeps with a wrong value


class ActivityOneIn(ActivityIn):
    """One activity (POST /activities): its `client_id` is a UUID made on the phone. (In a batch,
    a bad entry is refused on its own, so ActivityIn keeps a plain string there.)"""
    client_id: Annotated[uuid.UUID, Strict(False)]  # a UUID written as a string
