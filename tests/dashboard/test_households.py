"""The villages' figures pages and the households-reached share on the overview: the commune office
types its villages' figures (another commune's village answers 404), imports a file whose bad rows
are named by number, downloads a template of its own villages; the overview shows each share, says
"chưa có số hộ" where there are no figures, and puts both in its Excel file."""

import datetime
import io
import uuid

import pytest
from openpyxl import load_workbook

from tocns.demo.households import seed_households
from tocns.fieldwork.services import activities_record_batch
from tocns.geo.figures import TEMPLATE_HEADERS
from tocns.geo.models import AdminUnit, VillageFigures

from ..factories import make_team, make_unit, xlsx
from ..reports.factories import established_long_ago, freeze

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))


def save(client, village, households, population="", as_of="31/12/2025", was=0):
    return client.post(f"/so-ho/thon/{village.code}/", {"households": households, "population": population,
                                                        "as_of": as_of, "was": was})


def test_the_commune_officer_sees_his_villages_and_types_their_figures(client, world):
    client.force_login(world.officer_a)
    page = client.get("/so-ho/")
    assert page.status_code == 200
    assert [row["village"] for row in page.context["rows"]] == [world.village_a2, world.village_a1]  # by name
    assert "2 thôn chưa có số hộ" in page.content.decode()
    answer = save(client, world.village_a1, "135", "560")
    assert answer.status_code == 302 and answer["Location"].endswith(f"?unit=02269#v-{world.village_a1.code}")
    figures = VillageFigures.objects.current().get(village=world.village_a1)
    assert (figures.households, figures.population, figures.recorded_by) == (135, 560, world.officer_a)
    page = client.get("/so-ho/")
    assert "Đã lưu số liệu của Thôn Nà Khà: 135 hộ." in page.content.decode()
    assert "Đang dùng: 135 hộ, 560 nhân khẩu" in page.content.decode()


def test_bad_input_is_named_next_to_the_field_and_what_was_typed_stays(client, world):
    client.force_login(world.officer_a)
    answer = save(client, world.village_a1, "-4", "abc")
    html = answer.content.decode()
    assert answer.status_code == 400 and "Số hộ không được âm." in html
    assert "không phải là số nguyên" in html and 'value="abc"' in html and 'value="-4"' in html
    assert not VillageFigures.objects.exists()


def test_a_stale_page_is_refused_and_the_newest_figures_are_shown(client, world):
    client.force_login(world.officer_a)
    save(client, world.village_a1, "120")
    answer = save(client, world.village_a1, "99", was=0)  # typed on a page opened before that save
    html = answer.content.decode()
    assert answer.status_code == 400 and "người khác đã lưu" in html and 'value="120"' in html
    assert VillageFigures.objects.current().get(village=world.village_a1).households == 120


def test_the_village_page_shows_the_history_with_who_and_when(client, world):
    client.force_login(world.officer_a)
    save(client, world.village_a1, "120")
    save(client, world.village_a1, "126", was=1)
    page = client.get(f"/so-ho/thon/{world.village_a1.code}/")
    history = page.content.decode().split('id="history"')[1]
    assert history.index("126 hộ") < history.index("120 hộ") and "Lý Thị Mai" in history and "20/11/2026" in history


@pytest.mark.parametrize("persona", ["officer_b", "chairman_a", "leader_a1", "partner"])
def test_others_get_404_on_a_villages_figures(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(f"/so-ho/thon/{world.village_a1.code}/").status_code == 404
    assert save(client, world.village_a1, "120").status_code == 404
    assert not VillageFigures.objects.exists()
    if persona == "officer_b":
        assert client.get("/so-ho/?unit=02269").status_code == 404
    else:
        assert client.get("/so-ho/").status_code == 404


def test_the_menu_shows_the_page_to_those_it_answers(client, world):
    for persona, shown in (("officer_a", True), ("province_admin", True), ("chairman_a", False),
                           ("leader_a1", False)):
        client.force_login(getattr(world, persona))
        assert ('href="/so-ho/"' in client.get("/").content.decode()) is shown, persona


def test_the_province_admin_picks_a_commune_then_edits_its_villages(client, world):
    client.force_login(world.province_admin)
    page = client.get("/so-ho/")
    rows = {c.code: (c.with_figures, c.villages) for c in page.context["communes"]}
    assert rows == {"02269": (0, 2), "02212": (0, 1)}
    assert client.get("/so-ho/?unit=02212").context["rows"][0]["village"] == world.village_b1
    assert save(client, world.village_b1, "80").status_code == 302
    assert client.get("/so-ho/?unit=01273").status_code == 404  # another province


def test_an_import_with_bad_rows_names_them_and_writes_nothing(client, world):
    client.force_login(world.officer_a)
    data = xlsx([TEMPLATE_HEADERS, [world.village_a1.code, "", "", "150", "", ""],
                 [world.village_b1.code, "", "", "40", "", ""], [world.village_a2.code, "", "", "-2", "", ""]])
    answer = client.post("/so-ho/nhap/", {"file": _upload(data)})
    html = answer.content.decode()
    assert answer.status_code == 400 and "2 dòng có lỗi: chưa nhập dòng nào" in html
    assert "không thuộc phạm vi của bạn" in html and "không được âm" in html
    assert '<td class="num">3</td>' in html and '<td class="num">4</td>' in html
    assert not VillageFigures.objects.exists()
    good = xlsx([TEMPLATE_HEADERS, [world.village_a1.code, "", "", "150", "", ""]])
    answer = client.post("/so-ho/nhap/", {"file": _upload(good)})
    assert answer.status_code == 302 and VillageFigures.objects.get().households == 150


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("so-ho.xlsx", data)


def test_the_template_lists_only_the_users_villages_with_their_figures(client, world):
    client.force_login(world.officer_a)
    save(client, world.village_a1, "120", "500")
    answer = client.get("/so-ho/mau/")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == TEMPLATE_HEADERS
    assert {r[0]: r[3:5] for r in rows[1:]} == {world.village_a1.code: [120, 500], world.village_a2.code: [None, None]}


@pytest.fixture
def visited(world, django_capture_on_commit_callbacks):
    established_long_ago(make_team(world, world.village_a1, members=1))
    with django_capture_on_commit_callbacks(execute=True):
        activities_record_batch(user=world.leader_a1, entries=[
            {"client_id": str(uuid.uuid4()), "date": "2026-11-02", "unit": world.village_a1.code, "kind": "guidance",
             "services": ["vneid"], "people_count": 40, "households_count": 30, "door_to_door": True}])
    return world


def test_the_overview_shows_the_share_and_says_where_figures_are_missing(client, visited):
    world = visited
    client.force_login(world.officer_a)
    save(client, world.village_a1, "120")
    page = client.get("/tong-quan/?unit=02269")
    html = page.content.decode()
    assert 'id="households-share-year">25%' in html and "(30/120 hộ)" in html
    assert "1/2 thôn, tổ dân phố đã có số hộ." in html and "1 thôn chưa có số hộ" in html
    rows = {row["unit"].pk: row["households"] for row in page.context["o"].children}
    assert rows[world.village_a1.pk].share_year == 25 and rows[world.village_a2.pk].share_year is None
    children = html.split('id="children"')[1]
    assert "25%" in children and "chưa có số hộ" in children
    village = client.get(f"/tong-quan/?unit={world.village_a1.code}").content.decode()
    assert 'id="households-share-total">25%' in village
    other = client.get(f"/tong-quan/?unit={world.village_a2.code}").content.decode()
    assert "Chưa có số hộ" in other and "0%" not in other.split('id="households"')[1].split("</section>")[0]


def test_the_province_overview_and_its_excel_file_carry_the_share(client, visited):
    world = visited
    client.force_login(world.province_admin)
    save(client, world.village_a1, "60")
    html = client.get("/tong-quan/").content.decode()
    assert 'id="households-share-year">50%' in html
    book = load_workbook(io.BytesIO(client.get("/tong-quan/excel/").content))
    summary = {row[0]: row[1] for row in book["Tổng quan"].iter_rows(values_only=True)}
    assert summary["Tỷ lệ hộ được đến năm nay (%)"] == 50 and summary["Hộ được đến năm nay"] == 30
    units = list(book["Theo đơn vị"].iter_rows(values_only=True))
    header, by_code = units[2], {row[0]: row for row in units[3:]}  # after the title and the time made
    column = header.index("Tỷ lệ hộ được đến năm nay (%)")
    assert by_code["02269"][column] == 50 and by_code["02212"][header.index("Số hộ")] == "chưa có số hộ"


def test_the_demo_gives_most_villages_believable_figures_once(world):
    for n in range(40):
        make_unit(name=f"Thôn Mẫu {n}", kind="thon", parent=world.commune_a, is_demo=True)
    first = seed_households(world.province, size="small")
    again = seed_households(world.province, size="small")
    assert again.villages == again.versions == 0
    current = list(VillageFigures.objects.current())
    assert 25 <= first.villages == len(current) < 40  # some villages are left without figures
    assert all(60 <= f.households <= 250 and 3.7 <= f.population / f.households <= 4.7 and f.is_demo
               for f in current)
    assert VillageFigures.objects.filter(is_current=False).exists()  # a few corrected once: history
    assert AdminUnit.objects.filter(name="Thôn Nà Khà").get().figures.count() == 0  # not a demo village
