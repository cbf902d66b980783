"""Every error the API answers is JSON with a `detail`, and every operation of the schema lists the
common error statuses (issue #16: a schema fuzzer found HTML pages, an undocumented 401/403/404/422,
an anonymous POST answered "CSRF check Failed", `client_id: ""` refused while the schema allowed
it, and `on=0.0` taken as a date)."""

import json

import pytest
from django.test import Client

from tocns.api.api import api
from tocns.api.services import token_create

from ..factories import make_team

pytestmark = pytest.mark.django_db


def assert_json_error(response, status):
    assert response.status_code == status, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_anonymous_get_and_post_answer_401_in_json():
    strict = Client(enforce_csrf_checks=True)
    assert_json_error(strict.get("/api/v1/units"), 401)
    assert_json_error(strict.post("/api/v1/activities", "{}", content_type="application/json"), 401)
    assert_json_error(strict.post("/api/v1/activities/batch", "[]", content_type="application/json"), 401)


def test_a_bad_token_answers_401_and_says_bearer():
    response = Client().get("/api/v1/units", headers={"authorization": "Bearer nope"})
    assert_json_error(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_signed_in_session_without_csrf_answers_403_in_json(world):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.leader_a1)
    assert_json_error(strict.post("/api/v1/activities/batch", "[]", content_type="application/json"), 403)


def test_unknown_address_and_wrong_method_answer_json(client, world):
    client.force_login(world.officer_a)
    assert_json_error(client.get("/api/v1/khong-co"), 404)
    response = client.delete("/api/v1/units")
    assert_json_error(response, 405)
    assert "GET" in response["Allow"]


def test_out_of_scope_and_bad_input_answer_404_and_422_in_json(client, world):
    other = make_team(world, world.village_b1)
    client.force_login(world.officer_a)
    assert_json_error(client.get(f"/api/v1/teams/{other.pk}"), 404)
    assert_json_error(client.get("/api/v1/units?limit=0"), 422)
    assert_json_error(client.get("/api/v1/teams/abc"), 422)


def test_a_number_is_not_a_date(client, world):
    team = make_team(world, world.village_a1, members=1)
    client.force_login(world.officer_a)
    assert_json_error(client.get(f"/api/v1/teams/{team.pk}?on=0.0"), 422)
    assert_json_error(client.get(f"/api/v1/teams/{team.pk}?on=1700000000"), 422)
    assert_json_error(client.get(f"/api/v1/teams/{team.pk}?on=2026-13-40"), 422)
    assert client.get(f"/api/v1/teams/{team.pk}?on=2026-09-01").status_code == 200


def test_an_empty_client_id_is_refused_as_the_schema_says(world):
    _, secret = token_create(user=world.leader_a1, name="Điện thoại")
    world.leader_a1.api_access = True
    world.leader_a1.save(update_fields=["api_access"])
    body = {"client_id": "", "date": "2026-11-20", "unit": world.village_a1.code, "kind": "x", "people_count": 1}
    response = Client().post("/api/v1/activities", json.dumps(body), content_type="application/json",
                             headers={"authorization": f"Bearer {secret}"})
    assert_json_error(response, 422)
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    ref = schema["paths"]["/api/v1/activities"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    body_schema = schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
    assert body_schema["properties"]["client_id"]["format"] == "uuid"


def test_a_fault_answers_500_in_json_and_is_logged(client, world, monkeypatch, caplog):
    import tocns.api.api as module

    def broken(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(module, "search_units", broken)
    client.force_login(world.officer_a)
    assert_json_error(client.get("/api/v1/units"), 500)
    assert "hỏng" not in client.get("/api/v1/units").content.decode()
    assert any("RuntimeError" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_every_operation_lists_the_common_error_statuses(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "Error" in schema["components"]["schemas"]
    operations = [(path, method, op) for path, methods in schema["paths"].items() for method, op in methods.items()]
    assert len(operations) > 5
    for path, method, op in operations:
        missing = {"400", "401", "403", "404", "422", "429", "500"} - set(op["responses"])
        assert not missing, f"{method.upper()} {path} lacks {missing}"
