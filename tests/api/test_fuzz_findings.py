"""What the schema fuzzer found after the first fixes of issue #16, each kept fixed."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_the_served_schema_writes_each_status_once(client):
    raw = client.get("/api/v1/openapi.json").content

    def once(pairs):
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    schema = json.loads(raw, object_pairs_hook=once)
    save = schema["paths"]["/api/v1/reports/{report_id}/save"]["post"]["responses"]["400"]
    refs = json.dumps(save)
    assert "SaveRefused" in refs and "Error" in refs  # its own refusal, or the request filter's


@pytest.mark.parametrize("path, body", [
    ("/api/v1/activities/batch", [{"client_id": "x", "date": "2026-11-01", "unit": "", "kind": "individual",
                                   "services": [], "people_count": 1, "door_to_door": 0}]),
    ("/api/v1/reports/batch", [{"client_id": "x", "report": 1, "version": 0, "values": {}, "submit": 0}]),
    ("/api/v1/survey-answers/batch", [{"client_id": "x", "survey": 1, "unit": "", "values": {"q": False}}]),
    ("/api/v1/activities/batch", [{"client_id": "x", "date": "2026-11-01", "unit": "", "kind": "individual",
                                   "services": [], "people_count": 1, "minority_count": False}]),
    ("/api/v1/reports/batch", [{"client_id": "x", "report": 1, "version": False, "values": {}}]),
    ("/api/v1/survey-answers/batch", [{"client_id": "x", "survey": False, "unit": "", "values": {}}]),
])
def test_a_number_for_a_boolean_or_a_boolean_for_a_value_is_refused_with_422(client, world, path, body):
    client.force_login(world.leader_a1)
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 422


def test_an_unknown_report_status_or_period_is_refused_by_the_schema(client, world):
    client.force_login(world.officer_a)
    assert client.get("/api/v1/reports?status=established").status_code == 422
    assert client.get("/api/v1/reports?period=__main__").status_code == 422
    assert client.get("/api/v1/reports?period=2026-10&status=accepted").status_code == 200


def test_a_multipart_post_without_a_boundary_answers_json_400(client, world):
    client.force_login(world.leader_a1)
    response = client.generic("POST", "/api/v1/activities/batch", b"[]", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
