"""Every spreadsheet the app writes goes through one writer (tocns.lib.sheets.workbook_bytes, and
csv_bytes for a .csv): text that a spreadsheet would take for a formula (= + - − @ tab CR at the
start) is written as text, shown as typed (issue #12: the survey export wrote its title as a live
formula). Each export is opened as a user gets it, with hostile text in the fields that reach it."""

import datetime
import io
import json
import re
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tocns.accounts.models import User
from tocns.fieldwork import feedback as feedback_rules
from tocns.fieldwork import surveys
from tocns.fieldwork.models import Feedback
from tocns.geo.models import AdminUnit
from tocns.lib.sheets import csv_bytes, looks_like_formula, workbook_bytes
from tocns.reports.models import Indicator
from tocns.teams.models import Person

from ..factories import make_team
from ..reports.factories import established_long_ago, freeze

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\u22121+2"]
COMMUNE = "=1+2"  # the commune's name reaches nearly every export
ROOT = Path(__file__).resolve().parents[2]


def cells(content: bytes) -> dict[str, list]:
    """Every written cell of every sheet, after checking none of them is a formula."""
    book = load_workbook(io.BytesIO(content))
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if looks_like_formula(cell.value):  # text, and stays text when someone edits the cell
                    assert cell.data_type == "s" and cell.quotePrefix, f"{sheet.title}!{cell.coordinate}"
                if cell.value is not None:
                    found.setdefault(sheet.title, []).append(cell.value)
    return found


def assert_kept_as_typed(content: bytes, planted) -> dict[str, list]:
    found = cells(content)
    texts = [value for values in found.values() for value in values if isinstance(value, str)]
    for value in planted:
        assert any(value in text for text in texts), f"{value!r} is not in the file as typed"
    return found


# ---- the writer itself --------------------------------------------------------------------------

@pytest.mark.parametrize("value", HOSTILE)
def test_text_that_starts_like_a_formula_is_written_as_text_and_read_back_as_typed(value):
    book = Workbook()
    book.active.append([value, "Thôn Nà Khà", 12, -3])
    book.active["B2"] = value
    sheet = load_workbook(io.BytesIO(workbook_bytes(book))).active
    for coordinate in ("A1", "B2"):
        assert sheet[coordinate].value == value and sheet[coordinate].data_type == "s"
        assert sheet[coordinate].quotePrefix  # Excel and LibreOffice keep it text when it is edited
    assert sheet["B1"].quotePrefix is False and sheet["C1"].value == 12 and sheet["D1"].value == -3


def test_a_csv_cell_that_starts_like_a_formula_gets_an_apostrophe_and_nothing_else_changes():
    text = csv_bytes([["Tên", "Ghi chú", "Số"], *[[value, "Nà Khà, Bắc Mê", 5] for value in HOSTILE]])
    assert text.startswith("\ufeff".encode())
    import csv

    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Tên", "Ghi chú", "Số"]
    assert [row[0] for row in rows[1:]] == ["'" + value for value in HOSTILE]
    assert all(row[1:] == ["Nà Khà, Bắc Mê", "5"] for row in rows[1:])
    assert not any(looks_like_formula(cell) for row in rows for cell in row)


def test_no_module_saves_a_workbook_or_writes_a_csv_but_through_the_writer():
    offenders = []
    for path in (ROOT / "tocns").rglob("*.py"):
        if path.name == "sheets.py" and path.parent.name == "lib":
            continue
        source = path.read_text(encoding="utf-8")
        if "Workbook(" in source and ("workbook_bytes" not in source or re.search(r"book\.save\(", source)):
            offenders.append(str(path.relative_to(ROOT)))
        if "csv.writer" in source or "DictWriter" in source:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# ---- every export, as a user gets it --------------------------------------------------------------

@pytest.fixture
def hostile_world(world, monkeypatch):
    """The world with its communes, villages and people renamed to hostile text."""
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))
    team = established_long_ago(make_team(world, world.village_a1, members=2))
    AdminUnit.objects.filter(pk=world.commune_a.pk).update(name=COMMUNE)
    AdminUnit.objects.filter(pk=world.village_a1.pk).update(name=HOSTILE[4])
    AdminUnit.objects.filter(pk=world.village_a2.pk).update(name=HOSTILE[5])
    User.objects.filter(pk=world.leader_a1.pk).update(full_name=HOSTILE[1])
    people = list(Person.objects.filter(memberships__team=team).distinct())
    Person.objects.filter(pk=people[0].pk).update(full_name=HOSTILE[3], workplace=HOSTILE[2],
                                                  digital_skills=HOSTILE[6], home_village=world.village_a2)
    Person.objects.filter(pk=people[1].pk).update(full_name=HOSTILE[6], workplace=HOSTILE[4])
    world.team = team
    return world


pytestmark = pytest.mark.django_db


def test_the_survey_title_is_text_in_the_summary_sheet_and_no_answer_is_a_formula(client, hostile_world):
    world = hostile_world
    survey = surveys.survey_create(user=world.officer_a, owner=world.commune_a, title=HOSTILE[0], description="",
                                   submission_key=uuid.uuid4())
    single = surveys.question_add(user=world.officer_a, survey=survey, text=HOSTILE[1], kind="single",
                                  choices=[HOSTILE[2], "Chưa"], required=True, submission_key=uuid.uuid4())
    surveys.survey_assign(user=world.officer_a, survey=survey, teams=[world.team],
                          deadline=datetime.date(2026, 11, 30))
    client.force_login(world.leader_a1)
    answer = {"client_id": str(uuid.uuid4()), "survey": survey.pk, "unit": world.village_a1.code,
              "values": {str(single.pk): HOSTILE[2]}, "made_at": "2026-11-20T09:00:00+07:00"}
    response = client.post("/api/v1/survey-answers/batch", json.dumps([answer]), content_type="application/json")
    assert response.status_code == 200, response.content
    client.force_login(world.officer_a)
    content = client.get(f"/nhat-ky/khao-sat/{survey.pk}/tai-ve/").content
    summary = load_workbook(io.BytesIO(content))["Tổng hợp"]
    assert summary["A1"].value == HOSTILE[0] and summary["A1"].data_type == "s"
    assert_kept_as_typed(content, [HOSTILE[0], HOSTILE[1], HOSTILE[2], COMMUNE, HOSTILE[4], HOSTILE[1]])


def test_member_lists_and_the_template_write_names_villages_and_workplaces_as_text(client, hostile_world):
    world = hostile_world
    client.force_login(world.officer_a)
    team_file = client.get(reverse("teams:members_export", args=[world.team.pk])).content
    assert_kept_as_typed(team_file, [HOSTILE[3], HOSTILE[2], HOSTILE[4], HOSTILE[5], HOSTILE[6]])
    commune_file = client.get(reverse("teams:commune_members_export", args=[world.commune_a.code])).content
    assert_kept_as_typed(commune_file, [HOSTILE[3], HOSTILE[2], HOSTILE[6]])
    template = client.get(reverse("teams:members_template", args=[world.team.pk])).content
    assert_kept_as_typed(template, [HOSTILE[4], HOSTILE[5]])


def test_the_feedback_export_writes_what_a_citizen_typed_as_text(client, hostile_world):
    world = hostile_world
    for n, value in enumerate(HOSTILE):
        feedback_rules.feedback_submit(unit=world.village_a1, content=value + " không vào được VNeID", channel="team",
                                       citizen_name=value, citizen_phone="0912 345 678", consent=True,
                                       submission_key=f"k{n}", by=world.leader_a1)
    stored = [text for item in Feedback.objects.all() for text in (item.content, item.citizen_name)]
    assert sum(looks_like_formula(text) for text in stored) >= 10  # the service trims spaces, not the rest
    client.force_login(world.officer_a)
    content = client.get(reverse("fieldwork:feedback_export"), {"ho_ten": "1"}).content
    assert_kept_as_typed(content, stored)


def test_the_overview_rollup_and_target_template_write_unit_and_indicator_names_as_text(client, hostile_world,
                                                                                        tmp_path):
    world = hostile_world
    Indicator.objects.filter(code="CQ01").update(name=HOSTILE[0])
    client.force_login(world.officer_a)
    assert_kept_as_typed(client.get("/tong-quan/excel/").content, [COMMUNE])
    client.force_login(world.province_admin)
    assert_kept_as_typed(client.get("/tong-quan/excel/").content, [COMMUNE])
    rollup = client.get(reverse("reports:rollup"), {"unit": world.commune_a.code, "period": "2026-10",
                                                    "format": "xlsx"})
    assert rollup.status_code == 200
    assert_kept_as_typed(rollup.content, [COMMUNE, HOSTILE[4], HOSTILE[5]])
    out = tmp_path / "tong-hop.xlsx"
    call_command("export_rollup", period="2026-10", unit="08", out=str(out), stdout=io.StringIO())
    assert_kept_as_typed(out.read_bytes(), [COMMUNE])
    template = client.get(reverse("report_settings:targets_template")).content
    assert_kept_as_typed(template, [HOSTILE[0], COMMUNE, HOSTILE[4]])
