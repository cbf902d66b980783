"""Reports through the JSON API (issue #16): the catalogue, reports and their values, a leader's
save or send, roll-ups and completeness, each the report pages' selectors and services seen as
JSON, in the caller's scope. The clock stands at 10:00 on 20/11/2026."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.test import RequestFactory

from tocns.accounts.selectors import Scope
from tocns.api import reports_api
from tocns.api.schemas_reports import RollupFilter
from tocns.reports import selectors
from tocns.reports.choices import ReportAction, ReportStatus, Visibility
from tocns.reports.models import Indicator, ReportEvent, RuleConfirmation, ValidationRule
from tocns.reports.periods import month_period, parse_period
from tocns.reports.services import report_open, report_save

from ..factories import make_team, make_user
from ..reports.factories import established_long_ago, freeze, submit_report, village_form

pytestmark = pytest.mark.django_db

SENSITIVE = "XH03"
PEOPLE_PER_SESSION = "Số người được tuyên truyền không thể ít hơn số buổi tuyên truyền"
FILES_PER_PERSON = "Số hồ sơ dịch vụ công thường không quá 3 lần số người được hướng dẫn VNeID"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))


@pytest.fixture
def teams(world):
    return {
        "a1": established_long_ago(make_team(world, world.village_a1, members=1)),
        "a2": established_long_ago(make_team(world, world.village_a2, members=1)),
        "xa": established_long_ago(make_team(world, world.commune_a, members=1)),
        "b1": established_long_ago(make_team(world, world.village_b1, members=1)),
    }


@pytest.fixture
def october(teams):
    """October's reports: CQ01 is 120 + 30 + 5 in Thượng Lâm and 7 in Minh Xuân; a1 says 0 sessions
    (TT01) and leaves CQ02 empty; a1's XH03 (4321) is sensitive."""
    Indicator.objects.filter(code=SENSITIVE).update(visibility=Visibility.SENSITIVE)
    return {
        "a1": submit_report(teams["a1"], 2026, 10, {"CQ01": "120", SENSITIVE: "4321", "TT01": "0"},
                            texts={"difficulties": "Sóng yếu ở Khuổi Đăm"}),
        "a2": submit_report(teams["a2"], 2026, 10, {"CQ01": "30"}),
        "xa": submit_report(teams["xa"], 2026, 10, {"CQ01": "5", "HT02.SO": "300", "HT02.TONG": "400"}),
        "b1": submit_report(teams["b1"], 2026, 10, {"CQ01": "7"}),
    }


@pytest.fixture
def draft(teams):
    """November's report of Nà Khà, opened and not yet saved."""
    return report_open(form=village_form(), team=teams["a1"], period=month_period(2026, 11))


def get(client, user, path, **params):
    client.force_login(user)
    return client.get(f"/api/v1{path}", params)


def save(client, user, report, **body):
    client.force_login(user)
    data = {"client_id": uuid.uuid4().hex, "version": report.version,
            "values": {"CQ01": 12, "TT01": 2, "TT02": 45}, "texts": {"difficulties": "Sóng yếu"}} | body
    return client.post(f"/api/v1/reports/{report.pk}/save", json.dumps(data), content_type="application/json")


# ---- every endpoint, for a leader, an officer and the province admin ------------------------------------

@pytest.mark.parametrize("persona, oversees", [("leader_a1", False), ("officer_a", True), ("province_admin", True)])
def test_each_endpoint_answers_the_leader_the_officer_and_the_province_admin(client, world, october, persona,
                                                                             oversees):
    user = getattr(world, persona)
    report = october["a1"]
    assert get(client, user, "/indicators").status_code == 200
    assert get(client, user, "/forms").status_code == 200
    listed = get(client, user, "/reports", period="2026-10").json()
    assert report.pk in [item["id"] for item in listed["items"]]
    assert get(client, user, f"/reports/{report.pk}").json()["unit_code"] == world.village_a1.code
    for path in ("/rollups", "/completeness"):
        answer = get(client, user, path, unit=world.commune_a.code, period="2026-10")
        # The roll-up and completeness pages are for those who oversee a commune or the province.
        assert answer.status_code == (200 if oversees else 404), path
        assert answer["Content-Type"].startswith("application/json")


def test_another_communes_report_is_not_found(client, world, october):
    answer = get(client, world.officer_b, f"/reports/{october['a1'].pk}")
    assert answer.status_code == 404 and answer.json() == {"detail": "Không tìm thấy."}
    assert get(client, world.leader_a1, f"/reports/{october['a2'].pk}").status_code == 404  # another village
    assert save(client, world.officer_b, october["a1"]).status_code == 404
    listed = get(client, world.officer_b, "/reports").json()
    assert [item["unit_code"] for item in listed["items"]] == [world.village_b1.code]


# ---- the catalogue ----------------------------------------------------------------------------------------

def test_indicators_carry_code_name_unit_pillar_and_the_sensitive_ones_only_for_those_who_see_them(client, world,
                                                                                                     october):
    for user in (world.leader_a1, world.officer_a, world.province_admin):
        items = {i["code"]: i for i in get(client, user, "/indicators", limit=500).json()["items"]}
        assert items[SENSITIVE]["visibility"] == "sensitive"
        assert items["CQ01"]["unit_of_measure"] and items["CQ01"]["pillar"] == "government"
        assert items["HT02"]["numerator"] == "HT02.SO" and items["HT02"]["denominator"] == "HT02.TONG"
    for user in (world.member_a1, world.partner):
        codes = [i["code"] for i in get(client, user, "/indicators", limit=500).json()["items"]]
        assert "CQ01" in codes and SENSITIVE not in codes


def test_forms_list_their_indicators_in_order(client, world, october):
    forms = {f["code"]: f for f in get(client, world.officer_a, "/forms").json()["items"]}
    form = village_form()
    village = forms["THANG-THON"]
    assert village["level"] == "village_team" and village["version"] == form.version
    assert [line["indicator"] for line in village["lines"]] == [
        line.indicator.code for line in form.lines.select_related("indicator").order_by("order", "id")]
    assert [line["order"] for line in village["lines"]] == list(range(1, len(village["lines"]) + 1))
    member_lines = [line["indicator"] for f in get(client, world.member_a1, "/forms").json()["items"]
                    for line in f["lines"]]
    assert SENSITIVE not in member_lines


# ---- reports ------------------------------------------------------------------------------------------------

def test_reports_are_filtered_by_unit_form_period_and_status(client, world, teams, october):
    submit_report(teams["a1"], 2026, 9, {"CQ01": "9"}, submit=False)  # September's draft
    admin = world.province_admin

    def ids(**params):
        return sorted(item["id"] for item in get(client, admin, "/reports", **params).json()["items"])

    assert ids(unit=world.commune_a.code, period="2026-10") == sorted(october[k].pk for k in ("a1", "a2", "xa"))
    assert ids(unit=world.village_a1.code, status="draft") == [
        r.pk for r in teams["a1"].reports.filter(status=ReportStatus.DRAFT)]
    assert ids(form="THANG-XA") == [october["xa"].pk]
    item = get(client, admin, "/reports", unit=world.village_b1.code).json()["items"][0]
    assert item == item | {"unit_code": world.village_b1.code, "unit_name": "Tổ dân phố số 1", "form": "THANG-THON",
                           "period_key": "2026-10", "status": "submitted", "on_time": False, "accepted_at": None,
                           "version": october["b1"].version}
    assert item["submitted_at"]


def test_bad_filters_answer_422_and_unknown_codes_404_with_a_json_detail(client, world, october):
    officer = world.officer_a
    for params in ({"period": "2026-13"}, {"period": "tháng 10"}, {"status": "sent"}):
        answer = get(client, officer, "/reports", **params)
        assert answer.status_code == 422 and answer.json()["detail"], params
    # The schema's pattern refuses it and the detail names the parameter; the rollup's parser, past
    # the pattern (a month 13 of a valid shape is caught there too), says how to write a key.
    assert get(client, officer, "/reports", period="x").json()["detail"][0]["loc"] == ["query", "period"]
    for params in ({"unit": "99999"}, {"unit": world.commune_b.code}, {"form": "KHONG-CO"}):
        answer = get(client, officer, "/reports", **params)
        assert answer.status_code == 404 and answer.json()["detail"], params
    assert get(client, officer, "/rollups", unit=world.commune_a.code, period="2026-Q5").status_code == 422
    assert get(client, officer, "/rollups", unit=world.commune_b.code, period="2026-10").status_code == 404
    assert get(client, officer, "/completeness", unit=world.village_a1.code, period="2026-10").status_code == 404
    assert get(client, officer, "/completeness", unit=world.commune_a.code, period="2026-Q4",
               form="THANG-THON").status_code == 422


def test_a_value_not_entered_is_null_and_zero_stays_zero(client, world, october):
    report = get(client, world.officer_a, f"/reports/{october['a1'].pk}").json()
    values = {v["indicator"]: v for v in report["values"]}
    assert values["TT01"]["value"] == 0 and values["CQ01"]["value"] == 120
    assert values["CQ02"]["value"] is None
    assert report["difficulties"] == "Sóng yếu ở Khuổi Đăm" and report["status"] == "submitted"
    assert report["can_edit"] is False  # sent: no longer typed in


def test_a_reports_sensitive_line_is_hidden_from_the_teams_member_as_on_the_page(client, world, october):
    pk = october["a1"].pk
    for user in (world.leader_a1, world.officer_a, world.province_admin):
        values = {v["indicator"]: v["value"] for v in get(client, user, f"/reports/{pk}").json()["values"]}
        assert values[SENSITIVE] == 4321
    answer = get(client, world.member_a1, f"/reports/{pk}")
    text = answer.content.decode()
    assert answer.status_code == 200 and "CQ01" in text and SENSITIVE not in text and "4321" not in text


# ---- saving and sending ---------------------------------------------------------------------------------------

def test_the_leader_saves_a_draft_then_sends_it(client, world, draft):
    answer = save(client, world.leader_a1, draft, values={"CQ01": 12, "TT01": "0"})
    assert answer.status_code == 200
    saved = answer.json()
    assert saved == saved | {"id": draft.pk, "version": draft.version + 1, "status": "draft", "duplicate": False}
    draft.refresh_from_db()
    assert draft.values.get(indicator__code="TT01").value == 0
    assert draft.values.get(indicator__code="CQ02").value is None
    sent = save(client, world.leader_a1, draft, submit=True).json()
    assert sent["status"] == "submitted" and sent["status_label"] == "Đã gửi"
    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED and draft.submitted_by == world.leader_a1


def test_the_same_client_id_twice_stores_once(client, world, draft):
    key = uuid.uuid4().hex
    first = save(client, world.leader_a1, draft, client_id=key, submit=True)
    again = save(client, world.leader_a1, draft, client_id=key, submit=True)  # the answer was lost on the way
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["duplicate"] is True and again.json()["version"] == first.json()["version"]
    assert ReportEvent.objects.filter(report=draft, action=ReportAction.SUBMITTED).count() == 1
    assert ReportEvent.objects.filter(report=draft).exclude(action=ReportAction.CREATED).count() == 1


def test_a_save_on_an_older_version_answers_409_and_the_newer_one_stays(client, world, draft):
    report_save(report=draft, values={"CQ01": "7"}, version=draft.version, save_key="officer")
    answer = save(client, world.leader_a1, draft)  # built on the version before the officer's
    assert answer.status_code == 409
    body = answer.json()
    assert "vừa được người khác sửa" in body["detail"]["version"][0] and body["version"] == draft.version + 1
    draft.refresh_from_db()
    assert draft.values.get(indicator__code="CQ01").value == 7


def test_a_broken_rule_refuses_sending_with_its_message(client, world, draft):
    ValidationRule.objects.create(name="Người/buổi", left="TT02", operator="ge", right="TT01", strength="block",
                                  message=PEOPLE_PER_SESSION)
    answer = save(client, world.leader_a1, draft, values={"CQ01": 12, "TT01": 50, "TT02": 3}, submit=True)
    assert answer.status_code == 400
    detail = answer.json()["detail"]
    assert PEOPLE_PER_SESSION in " ".join(detail["TT02"]) and PEOPLE_PER_SESSION in " ".join(detail["TT01"])
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT and draft.version == 1  # nothing written
    # A draft is kept as typed: the rule only stops sending.
    assert save(client, world.leader_a1, draft, values={"CQ01": 12, "TT01": 50, "TT02": 3}).status_code == 200


def test_a_warning_rule_needs_a_reason_then_sends_with_it(client, world, draft):
    rule = ValidationRule.objects.create(name="Hồ sơ/người", left="CQ02", operator="le", right="CQ01 * 3",
                                         strength="warn", message=FILES_PER_PERSON)
    values = {"CQ01": 2, "CQ02": 40, "TT01": 1, "TT02": 20}
    refused = save(client, world.leader_a1, draft, values=values, submit=True)
    assert refused.status_code == 400
    body = refused.json()
    assert FILES_PER_PERSON in " ".join(body["detail"]["CQ02"])
    assert [(w["rule"], w["indicators"]) for w in body["warnings"]] == [(rule.pk, ["CQ01", "CQ02"])]
    assert body["warnings"][0]["reason_error"]
    sent = save(client, world.leader_a1, draft, values=values, submit=True,
                reasons={str(rule.pk): "Hỗ trợ cả hồ sơ của thôn bên cạnh"})
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    assert RuleConfirmation.objects.get(report=draft).reason == "Hỗ trợ cả hồ sơ của thôn bên cạnh"


def test_unknown_indicator_codes_are_refused_and_the_member_cannot_save(client, world, draft):
    answer = save(client, world.leader_a1, draft, values={"CQ01": 1, "KHONG": 3})
    assert answer.status_code == 400 and "KHONG" in answer.json()["detail"]
    assert save(client, world.member_a1, draft).status_code == 404
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_decimal_typed_as_a_json_number_is_never_read_as_thousands(client, world, draft):
    answer = save(client, world.leader_a1, draft, values={"CQ01": 1.234}, submit=True)
    assert answer.status_code == 400 and "CQ01" in answer.json()["detail"]  # a count: whole numbers only
    draft.refresh_from_db()
    assert not draft.values.filter(value=1234).exists()


# ---- roll-ups and completeness ------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["commune_a", "province"])
def test_the_rollup_through_the_api_equals_the_selectors_numbers(client, world, october, where):
    unit = getattr(world, where)
    user = world.officer_a if where == "commune_a" else world.province_admin
    body = get(client, user, "/rollups", unit=unit.code, period="2026-10").json()
    rollup = selectors.rollup(unit=unit, period=parse_period("2026-10"))
    totals = {line["indicator"]: line["total"] for line in body["lines"]}
    assert totals == {code: (float(v) if v is not None else None) for code, v in rollup.total.items()}
    assert body["report_count"] == rollup.report_count == (3 if where == "commune_a" else 4)
    assert totals["CQ01"] == (155 if where == "commune_a" else 162) and totals["TT01"] == 0
    assert totals["CQ02"] is None  # no report gave it: null, not 0
    lines = {line["indicator"]: line for line in body["lines"]}
    assert lines["CQ01"]["reports"] == (3 if where == "commune_a" else 4) and lines["TT01"]["reports"] == 1
    assert lines["HT02"]["total"] == 75.0 and lines["HT02"]["reports"] is None
    children = {c["unit_code"]: c["values"] for c in body["children"]}
    assert children == {child.code: {code: (float(v) if v is not None else None)
                                     for code, v in ((i.code, values.get(i.code)) for i in rollup.indicators)}
                        for child, values in rollup.rows}


def test_the_rollup_keeps_a_sensitive_indicator_from_whoever_does_not_see_it(client, world, october):
    body = get(client, world.officer_a, "/rollups", unit=world.commune_a.code, period="2026-10").json()
    assert {line["indicator"]: line["total"] for line in body["lines"]}[SENSITIVE] == 4321
    body = get(client, world.officer_a, "/rollups", unit=world.commune_a.code, period="2026-10",
               form="THANG-THON").json()
    assert "HT02.SO" not in [line["indicator"] for line in body["lines"]]  # asked by the commune team's form only
    # A gateway's service user (core's machine clients): read-only over the province, no office role.
    machine = make_user(full_name="Cổng LGSP")
    machine._tocns_scope = Scope(province_ids=frozenset({world.province.pk}))
    request = RequestFactory().get("/api/v1/rollups")
    request.user = machine
    body = reports_api.get_rollup(request, RollupFilter(unit=world.province.code, period="2026-10"))
    codes = [line["indicator"] for line in body["lines"]]
    assert "CQ01" in codes and SENSITIVE not in codes
    assert all(SENSITIVE not in child["values"] for child in body["children"])


def test_completeness_counts_per_child_unit(client, world, teams, october):
    body = get(client, world.officer_a, "/completeness", unit=world.commune_a.code, period="2026-10",
               form="THANG-THON").json()
    assert len(body) == 1
    counts = body[0]
    expected = selectors.completeness(form=village_form(), period=parse_period("2026-10"), unit=world.commune_a)
    assert (counts["expected"], counts["submitted"], counts["on_time"], counts["late"], counts["missing"]) == (
        expected.expected, expected.submitted, expected.on_time, expected.late, expected.missing) == (2, 2, 0, 2, 0)
    assert {c["unit_code"] for c in counts["children"]} == {world.village_a1.code, world.village_a2.code}
    assert "phone" not in json.dumps(body) and "leader" not in json.dumps(body)  # no names, no numbers

    november = get(client, world.province_admin, "/completeness", unit=world.province.code, period="2026-11").json()
    village = next(f for f in november if f["form"] == "THANG-THON")
    per_commune = {c["unit_code"]: c for c in village["children"]}
    assert per_commune[world.commune_a.code] == per_commune[world.commune_a.code] | {
        "expected": 2, "submitted": 0, "missing": 2}
    assert per_commune[world.commune_b.code]["expected"] == 1
    assert {f["form"] for f in november} == {"THANG-THON", "THANG-XA"}


def test_rollup_figures_are_decimal_exact_for_large_counts(client, world, teams):
    submit_report(teams["a1"], 2026, 10, {"CQ01": "123456789"})
    body = get(client, world.officer_a, "/rollups", unit=world.commune_a.code, period="2026-10").json()
    assert Decimal(str({line["indicator"]: line["total"] for line in body["lines"]}["CQ01"])) == 123456789


def test_a_number_json_cannot_type_is_refused_beside_its_cell_never_a_server_error(client, world, draft):
    client.force_login(world.leader_a1)
    body = '{"client_id": "k1", "version": 1, "submit": true, "values": {"CQ01": Infinity, "TT01": 1, "TT02": 5}}'
    answer = client.post(f"/api/v1/reports/{draft.pk}/save", body, content_type="application/json")
    assert answer.status_code == 400 and "CQ01" in answer.json()["detail"]


def test_a_version_written_as_a_whole_float_is_the_integer_the_schema_promises(client, world, draft):
    # JSON, and the schema's "integer", count 1.0 as a whole number: a strict body must take it.
    client.force_login(world.leader_a1)
    body = '{"client_id": "k2", "version": ' + f"{draft.version}.0" + ', "values": {"CQ01": 3}}'
    answer = client.post(f"/api/v1/reports/{draft.pk}/save", body, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["version"] == draft.version + 1
    for refused in ('"1"', "true", "1.5"):
        body = '{"client_id": "k3", "version": ' + refused + ', "values": {}}'
        assert client.post(f"/api/v1/reports/{draft.pk}/save", body,
                           content_type="application/json").status_code == 422


def test_the_report_list_costs_the_same_few_queries_for_one_report_or_many(client, world, teams, october,
                                                                           django_assert_max_num_queries):
    for key in ("a1", "a2", "xa", "b1"):
        submit_report(teams[key], 2026, 11, {"CQ01": "1"})
    client.force_login(world.province_admin)
    with django_assert_max_num_queries(7):
        answer = client.get("/api/v1/reports", {"limit": 500})
    assert answer.json()["count"] == len(answer.json()["items"]) == 8


def test_a_machine_client_reads_every_report_endpoint_but_never_a_sensitive_figure_nor_saves(client, world,
                                                                                            october):
    from tocns.api.services import api_client_create

    _machine, secret = api_client_create(province=world.province, name="Cổng LGSP", groups=["reports"],
                                         per_minute=6000)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    report = october["a1"]
    for path, params in [("/indicators", {"limit": 500}), ("/forms", {}), ("/reports", {"period": "2026-10"}),
                         (f"/reports/{report.pk}", {}), ("/rollups", {"unit": "08", "period": "2026-10"}),
                         ("/completeness", {"unit": "08", "period": "2026-10"})]:
        answer = client.get(f"/api/v1{path}", params, **headers)
        assert answer.status_code == 200, path
        assert SENSITIVE not in answer.content.decode() and "4321" not in answer.content.decode(), path
    assert get(client, world.officer_a, "/rollups", unit="08", period="2026-10").status_code == 404  # his commune only
    answer = client.post(f"/api/v1/reports/{report.pk}/save", "{}", content_type="application/json", **headers)
    assert answer.status_code == 403
