"""The scope matrix of the JSON API: every GET operation of /api/v1/openapi.json, for the
personas of two communes.

Commune A (Xã Thượng Lâm) has an object of each kind; the officer, a team leader, a team member
of commune B (Phường Minh Xuân) and a machine client over commune B must get 404 for each of A's
objects, and no list they read may contain one of A's codes or names. A's officer reads the same
requests and must see A's data (so a wrong entry in the table below cannot pass unnoticed).

The operations are read from the schema the server serves, so a new endpoint is in the matrix at
once; an operation with path parameters (or required query parameters) needs an entry in
`REQUESTS` saying which of A's objects to ask for, and the test fails until it has one.
"""

import datetime
import re
import uuid
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from tocns.accounts.models import Role
from tocns.api.clients import GROUPS
from tocns.api.services import api_client_create
from tocns.fieldwork.feedback import feedback_submit
from tocns.fieldwork.models import FeedbackChannel
from tocns.teams import services as team_services
from tocns.teams.forms import PersonForm
from tocns.training import services as training_services
from tocns.training.models import Topic

from ..factories import make_team, make_user, person_data
from ..reports.factories import established_long_ago, freeze, submit_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    # October 2026's reports are sent and late by then; the roll-up and completeness read them.
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))

SCHEMA_URL = "/api/v1/openapi.json"


@dataclass
class Objects:
    """Commune A's objects, one of each kind (and commune B's, so B's lists are not empty)."""

    world: object
    a: dict = field(default_factory=dict)
    b: dict = field(default_factory=dict)


A_TOKEN = "Thượng Lâm"  # in the name of commune A and of every person and course made for it here


def _rename(team, label: str) -> None:
    for i, membership in enumerate(team.memberships.order_by("id"), start=1):
        membership.person.full_name = f"{label} {i}"
        membership.person.save()


def _course(world, teams, title: str):
    by = world.province_admin
    course = training_services.course_create(by=by, province=world.province, title=title,
                                             topic=Topic.objects.get(code="dich-vu-cong"), partner=None,
                                             description="", submission_key=uuid.uuid4())
    training_services.session_add(by=by, course=course, starts_at=timezone.now(), place="Hội trường UBND xã",
                                  online_link="", trainer_name="Nguyễn Văn An", submission_key=uuid.uuid4())
    training_services.invite_teams(by=by, course=course, teams=teams)
    return course


def _application(team, commune, *, name: str, phone: str):
    form = PersonForm(person_data(full_name=name, phone=phone), commune=commune)
    assert form.is_valid(), form.errors
    entry = form.cleaned_data
    return team_services.application_submit_join(team=team, entries=[entry], contact_name=entry["full_name"],
                                                 contact_phone=entry["phone"], contact_email="",
                                                 submission_key=uuid.uuid4().hex)


def build_objects(world) -> Objects:
    objects = Objects(world=world)
    for side, village, label, phone in (("a", world.village_a1, f"Người {A_TOKEN}", "0987 111 222"),
                                        ("b", world.village_b1, "Người Minh Xuân", "0987 333 444")):
        kept = getattr(objects, side)
        team = established_long_ago(make_team(world, village, members=2))
        _rename(team, label)
        kept["team"] = team
        kept["report"] = submit_report(team, 2026, 10, {"CQ01": "12"})
        kept["application"] = _application(team, village.commune, name=f"Lò Thị {label}", phone=phone)
        kept["feedback"] = feedback_submit(unit=village, content=f"Không vào được VNeID ({label})",
                                           citizen_name=f"Bàn Thị {label}", citizen_phone="0912 888 999",
                                           consent=True, channel=FeedbackChannel.PUBLIC,
                                           submission_key=uuid.uuid4().hex)
        kept["course"] = _course(world, [team], title=f"Lớp dịch vụ công {label}")
    return objects


# Path (as in the schema) -> {"path": {...}, "query": {...}} naming one of commune A's objects.
# Every operation with a path parameter or a required query parameter must be here.
REQUESTS = {
    "/api/v1/units/{code}": lambda o: {"path": {"code": o.world.village_a1.code}},
    "/api/v1/teams/{team_id}": lambda o: {"path": {"team_id": o.a["team"].pk}},
    "/api/v1/reports/{report_id}": lambda o: {"path": {"report_id": o.a["report"].pk}},
    "/api/v1/rollups": lambda o: {"query": {"unit": o.world.commune_a.code, "period": "2026-10"}},
    "/api/v1/completeness": lambda o: {"query": {"unit": o.world.commune_a.code, "period": "2026-10"}},
    "/api/v1/applications/{application_id}": lambda o: {"path": {"application_id": o.a["application"].pk}},
    "/api/v1/feedback/{code}": lambda o: {"path": {"code": o.a["feedback"].code}},
    "/api/v1/training/courses/{course_id}": lambda o: {"path": {"course_id": o.a["course"].pk}},
    "/api/v1/training/courses/{course_id}/attendance": lambda o: {"path": {"course_id": o.a["course"].pk}},
}

# Operations whose answer names nothing of any commune, by nature: the catalogue.
NO_MARKER_EXPECTED = {"/api/v1/indicators", "/api/v1/forms"}


def get_operations(client) -> list[tuple[str, list[str], list[str]]]:
    """(path, path parameters, required query parameters) of every GET in the served schema."""
    schema = client.get(SCHEMA_URL).json()
    found = []
    for path, item in schema["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        params = operation.get("parameters", [])
        found.append((path, [p["name"] for p in params if p["in"] == "path"],
                      [p["name"] for p in params if p["in"] == "query" and p.get("required")]))
    return found


def markers_of_a(world) -> tuple[set[str], list[str]]:
    """Commune A's unit codes (matched whole) and names (matched inside any text)."""
    codes = {world.commune_a.code, world.village_a1.code, world.village_a2.code}
    names = [A_TOKEN, world.village_a1.name, world.village_a2.name]
    return codes, names


def strings_in(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
    elif value is not None:
        yield str(value)


def a_markers_in(payload, world, objects) -> set[str]:
    codes, names = markers_of_a(world)
    codes.add(objects.a["feedback"].code)
    seen = set()
    for text in strings_in(payload):
        if text in codes:
            seen.add(text)
        seen.update(name for name in names if name in text)
    return seen


def url_for(path: str, request: dict) -> tuple[str, dict]:
    url = re.sub(r"\{(\w+)\}", lambda m: str(request.get("path", {})[m.group(1)]), path)
    return url, request.get("query", {})


def b_personas(world) -> dict:
    """Commune B's officer, team leader and member, and a machine client over commune B (a user or
    a Bearer secret each)."""
    _client, secret = api_client_create(province=world.province, name="Cổng LGSP thử", communes=[world.commune_b],
                                        groups=list(GROUPS), per_minute=6000)
    return {
        "commune_officer_b": world.officer_b,
        "team_leader_b": make_user(full_name="Đinh Văn Hùng", role=Role.TEAM_LEADER, unit=world.village_b1),
        "team_member_b": make_user(full_name="Phạm Thị Hoa", role=Role.TEAM_MEMBER, unit=world.village_b1),
        # the ministry: every province's aggregates on its own pages, no unit's object here
        "national": make_user(full_name="Nguyễn Văn Khoa", role=Role.NATIONAL),
        "machine_client_b": secret,
    }


def get_as(client, caller, url, query):
    if isinstance(caller, str):
        client.logout()
        return client.get(url, query, HTTP_AUTHORIZATION=f"Bearer {caller}")
    client.force_login(caller)
    return client.get(url, query)


def test_every_get_operation_with_parameters_names_an_object_of_commune_a(client):
    missing = [path for path, path_params, required in get_operations(client)
               if (path_params or required) and path not in REQUESTS]
    assert not missing, ("add these operations to REQUESTS in tests/api/test_scope_matrix.py "
                         f"(which of commune A's objects to ask for): {missing}")


def test_the_matrix_covers_the_known_endpoints(client):
    paths = {path for path, _params, _required in get_operations(client)}
    assert {"/api/v1/units", "/api/v1/units/{code}", "/api/v1/teams", "/api/v1/teams/{team_id}",
            "/api/v1/me"} <= paths
    assert set(REQUESTS) <= paths, f"entries for operations that no longer exist: {set(REQUESTS) - paths}"


def test_commune_b_gets_404_for_commune_a_objects_and_never_sees_them_in_lists(client, world):
    objects = build_objects(world)
    problems = []
    personas_b = b_personas(world)
    operations = get_operations(client)
    assert operations
    for path, path_params, required in operations:
        if (path_params or required) and path not in REQUESTS:
            continue  # reported by the test above
        url, query = url_for(path, REQUESTS[path](objects) if path in REQUESTS else {})

        # A's officer first: the request names something of commune A that he can read.
        client.force_login(world.officer_a)
        seen = client.get(url, query)
        if seen.status_code != 200:
            problems.append(f"{path}: commune A's officer got {seen.status_code}, expected 200 (check REQUESTS)")
        elif path not in NO_MARKER_EXPECTED and not a_markers_in(seen.json(), world, objects):
            problems.append(f"{path}: commune A's officer sees nothing of commune A (check REQUESTS)")

        for persona, caller in personas_b.items():
            answer = get_as(client, caller, url, query)
            if persona.startswith("machine") and answer.status_code == 403:
                continue  # an endpoint no machine client may call (/me): refused whole, nothing shown
            if path_params:
                if answer.status_code != 404:
                    problems.append(f"{path} as {persona}: {answer.status_code}, expected 404 for A's object")
            elif answer.status_code == 404:
                continue  # the unit or object asked for is out of scope: nothing shown
            elif answer.status_code != 200:
                problems.append(f"{path} as {persona}: {answer.status_code}, expected 200 or 404")
            elif leaked := a_markers_in(answer.json(), world, objects):
                problems.append(f"{path} as {persona}: shows commune A's {sorted(leaked)}")
    assert not problems, "\n".join(problems)

