"""Targets: the province gives communes theirs, a commune splits its own among villages, an Excel import,
and progress against them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tocns.audit.models import AuditEntry
from tocns.reports import catalogue, selectors
from tocns.reports.models import Indicator, Target
from tocns.reports.settings_selectors import progress, village_split

from ..factories import make_team, xlsx
from .factories import commune_team_form, established_long_ago, submit_report

pytestmark = pytest.mark.django_db
HEADER = ["Mã đơn vị", "Mã chỉ số", "Năm", "Chỉ tiêu"]


def code(name: str) -> Indicator:
    return Indicator.objects.get(code=name)


def targets(year: int = 2026) -> dict:
    return {(t.unit.code, t.indicator.code): t.value for t in Target.objects.filter(year=year).select_related(
        "unit", "indicator")}


# ---- bulk entry ----------------------------------------------------------------------------------

def test_province_admin_gives_every_commune_its_target_in_one_form(client, world):
    url = reverse("report_settings:targets_communes", args=[code("CQ01").pk, 2026])
    client.force_login(world.province_admin)
    page = client.get(url).content.decode()
    assert "Xã Thượng Lâm" in page and "Phường Minh Xuân" in page and "Phường Thục Phán" not in page
    response = client.post(url, {f"t_{world.commune_a.pk}": "1.200", f"t_{world.commune_b.pk}": "850"}, follow=True)
    assert "2 mới" in response.content.decode()
    assert targets() == {("02269", "CQ01"): 1200, ("02212", "CQ01"): 850}
    target = Target.objects.get(unit=world.commune_a)
    assert (target.province, target.commune, target.set_by) == (world.province, world.commune_a,
                                                               world.province_admin)
    client.post(url, {f"t_{world.commune_a.pk}": "1.300", f"t_{world.commune_b.pk}": ""})
    assert targets() == {("02269", "CQ01"): 1300}  # emptied: no target any more
    assert AuditEntry.objects.filter(action="targets.set").count() == 2


def test_a_bad_target_is_shown_next_to_its_commune_and_nothing_is_saved(client, world):
    url = reverse("report_settings:targets_communes", args=[code("CQ01").pk, 2026])
    client.force_login(world.province_admin)
    page = client.post(url, {f"t_{world.commune_a.pk}": "1.200", f"t_{world.commune_b.pk}": "-4"}).content.decode()
    row = page[page.index(f'id="field-t_{world.commune_b.pk}"'):]
    assert "Chỉ tiêu không được âm." in row[:row.index("</tr>")]
    assert not Target.objects.exists()


@pytest.mark.parametrize("indicator, raw, words", [
    ("CQ01", "12,5", "số nguyên"),
    ("HT01", "120", "quá 100%"),
    ("CQ01", "nhiều", "Hãy nhập một số"),
])
def test_a_target_must_fit_its_indicator(world, indicator, raw, words):
    with pytest.raises(ValidationError) as exc:
        catalogue.targets_set(indicator=code(indicator), year=2026, values={world.commune_a: raw},
                              by=world.province_admin)
    assert words in exc.value.message_dict[f"t_{world.commune_a.pk}"][0]


def test_a_share_target_may_have_decimals(world):
    catalogue.targets_set(indicator=code("HT01"), year=2026, values={world.commune_a: "85,5"},
                          by=world.province_admin)
    assert targets() == {("02269", "HT01"): Decimal("85.5")}


def test_only_the_province_gives_a_commune_its_target(client, world):
    with pytest.raises(ValidationError):
        catalogue.targets_set(indicator=code("CQ01"), year=2026, values={world.commune_a: 10}, by=world.officer_a)
    with pytest.raises(ValidationError):
        catalogue.targets_set(indicator=code("CQ01"), year=2026, values={world.village_b1: 10}, by=world.officer_a)
    client.force_login(world.officer_a)
    assert client.get(reverse("report_settings:targets_communes", args=[code("CQ01").pk, 2026])).status_code == 404
    assert not Target.objects.exists()


def test_a_retired_indicator_gets_no_new_targets(world):
    catalogue.indicator_retire(indicator=code("TO01"), by=world.province_admin)
    with pytest.raises(ValidationError):
        catalogue.targets_set(indicator=code("TO01"), year=2026, values={world.commune_a: 10},
                              by=world.province_admin)


# ---- the commune splits its target ---------------------------------------------------------------

def test_villages_that_do_not_add_up_to_the_commune_get_a_warning_not_a_refusal(client, world):
    cq01 = code("CQ01")
    catalogue.targets_set(indicator=cq01, year=2026, values={world.commune_a: 100}, by=world.province_admin)
    url = reverse("report_settings:targets_villages", args=[cq01.pk, 2026, world.commune_a.code])
    client.force_login(world.officer_a)
    page = client.get(url).content.decode()
    assert "Thôn Nà Khà" in page and "Tổ dân phố số 1" not in page and "chỉ tiêu tỉnh giao cho xã" in page
    response = client.post(url, {f"t_{world.village_a1.pk}": "60", f"t_{world.village_a2.pk}": "30"}, follow=True)
    page = response.content.decode()
    assert "Tổng các thôn thấp hơn chỉ tiêu của xã 10 người." in page and "Đã lưu chỉ tiêu" in page
    assert targets()[(world.village_a1.code, "CQ01")] == 60  # saved all the same
    split = village_split(indicator=cq01, commune=world.commune_a, year=2026)
    assert (split.commune_target, split.villages_sum, split.gap) == (100, 90, -10)

    response = client.post(url, {f"t_{world.village_a1.pk}": "80", f"t_{world.village_a2.pk}": "30"}, follow=True)
    assert "Tổng các thôn cao hơn chỉ tiêu của xã 10 người." in response.content.decode()
    response = client.post(url, {f"t_{world.village_a1.pk}": "70", f"t_{world.village_a2.pk}": "30"}, follow=True)
    assert 'id="split-warning"' not in response.content.decode()
    assert not village_split(indicator=cq01, commune=world.commune_a, year=2026).differs


def test_the_chairman_also_splits_and_a_share_is_never_summed(world):
    catalogue.targets_set(indicator=code("HT01"), year=2026, values={world.commune_a: 80}, by=world.province_admin)
    catalogue.targets_set(indicator=code("HT01"), year=2026, values={world.village_a1: 70, world.village_a2: 90},
                          by=world.chairman_a)
    assert not village_split(indicator=code("HT01"), commune=world.commune_a, year=2026).differs


# ---- import --------------------------------------------------------------------------------------

def upload(client, rows, *, confirm=True, name="chi-tieu.xlsx", content=None):
    data = content if content is not None else xlsx(rows)
    post = {"file": SimpleUploadedFile(name, data)}
    if confirm:
        post["confirm"] = "1"
    return client.post(reverse("report_settings:targets_import"), post)


def test_a_good_file_is_imported_whole_and_a_second_time_changes_nothing(client, world):
    rows = [["Chỉ tiêu năm 2026 giao cho các xã"], HEADER, ["02269", "CQ01", 2026, 300],
            ["02212", "cq01", "2026", "1.200"], [], [world.village_a1.code, "HT01", 2026, "85,5"]]
    client.force_login(world.province_admin)
    response = upload(client, rows)
    assert response.status_code == 302
    assert targets() == {("02269", "CQ01"): 300, ("02212", "CQ01"): 1200, (world.village_a1.code, "HT01"): 85.5}
    page = client.get(response.url).content.decode()
    assert "3 mới" in page
    again = catalogue.targets_import_apply(data=xlsx(rows), file_name="chi-tieu.xlsx", by=world.province_admin)
    assert again == {"created": 0, "updated": 0, "unchanged": 3}


def test_each_bad_row_is_named_by_its_number_and_nothing_is_written(client, world):
    rows = [HEADER,
            ["02269", "CQ01", 2026, 300],      # 2: good, but not written either
            ["01273", "CQ01", 2026, 10],       # 3: another province's commune
            ["02212", "XX99", 2026, 10],       # 4
            ["02212", "CQ02", 1999, 10],       # 5
            ["02212", "CQ03", 2026, -5],       # 6
            ["02269", "CQ01", 2026, 310],      # 7: the same as row 2
            ["99999", "CQ01", 2026, 1],        # 8: no such unit, said like an out-of-scope one
            ["02212", "CQ04", 2026, "2,5"],    # 9
            ["02212", "CQ04", "", 5]]          # 10
    rows_found, errors = catalogue.targets_import_check(data=xlsx(rows), file_name="t.xlsx", by=world.province_admin)
    by_row = {}
    for number, message in errors:
        by_row.setdefault(number, []).append(message)
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "Mã đơn vị 01273 không thuộc địa bàn bạn được giao chỉ tiêu." in by_row[3]
    assert "Mã đơn vị 99999 không thuộc địa bàn bạn được giao chỉ tiêu." in by_row[8]
    assert "Không có chỉ số mã XX99." in by_row[4]
    assert "Năm từ 2020 đến 2031." in by_row[5]
    assert "Chỉ tiêu: Chỉ tiêu không được âm." in by_row[6]
    assert "Trùng với dòng 2 (cùng đơn vị, chỉ số và năm)." in by_row[7]
    assert "số nguyên" in by_row[9][0] and "Thiếu năm." in by_row[10]

    client.force_login(world.province_admin)
    page = upload(client, rows).content.decode()
    assert "Dòng 3" in page and "Dòng 10" in page and "chưa nhập gì" in page
    assert not Target.objects.exists()
    with pytest.raises(ValidationError) as exc:
        catalogue.targets_import_apply(data=xlsx(rows), file_name="t.xlsx", by=world.province_admin)
    assert exc.value.messages[0].startswith("Dòng 3: ")
    assert not Target.objects.exists()


def test_a_commune_officer_imports_only_their_villages_targets(world):
    rows = [HEADER, [world.village_a1.code, "CQ01", 2026, 40], [world.commune_a.code, "CQ01", 2026, 100],
            [world.village_b1.code, "CQ01", 2026, 40]]
    _rows, errors = catalogue.targets_import_check(data=xlsx(rows), file_name="t.xlsx", by=world.officer_a)
    assert [number for number, _message in errors] == [3, 4]
    with pytest.raises(ValidationError):
        catalogue.targets_import_apply(data=xlsx(rows), file_name="t.xlsx", by=world.officer_a)
    catalogue.targets_import_apply(data=xlsx(rows[:2]), file_name="t.xlsx", by=world.officer_a)
    assert targets() == {(world.village_a1.code, "CQ01"): 40}


def test_a_csv_saved_by_excel_is_read_too(world):
    content = "Mã đơn vị;Mã chỉ số;Năm;Chỉ tiêu\n02269;CQ01;2026;1.200\n".encode("utf-8-sig")
    catalogue.targets_import_apply(data=content, file_name="chi-tieu.csv", by=world.province_admin)
    assert targets() == {("02269", "CQ01"): 1200}


def test_a_file_without_the_columns_or_of_another_kind_is_refused_whole(client, world):
    _rows, errors = catalogue.targets_import_check(data=xlsx([["Xã", "Số"], ["02269", 1]]), file_name="t.xlsx",
                                                   by=world.province_admin)
    assert errors[0][0] == 0 and "Mã đơn vị, Mã chỉ số, Năm, Chỉ tiêu" in errors[0][1]
    _rows, errors = catalogue.targets_import_check(data=b"x", file_name="t.pdf", by=world.province_admin)
    assert errors == [(0, "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")]


def test_the_template_lists_the_codes_to_use(client, world):
    import io

    from openpyxl import load_workbook

    client.force_login(world.officer_a)
    response = client.get(reverse("report_settings:targets_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == HEADER
    codes = {row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert codes == {world.village_a1.code, world.village_a2.code}


# ---- progress ------------------------------------------------------------------------------------

@pytest.fixture
def reported(world):
    """Monthly team reports of 2026; the sums the tests expect are worked out by hand beside them."""
    a1 = established_long_ago(make_team(world, world.village_a1, members=1))
    a2 = established_long_ago(make_team(world, world.village_a2, members=1))
    xa = established_long_ago(make_team(world, world.commune_a, members=1))
    b1 = established_long_ago(make_team(world, world.village_b1, members=1))
    submit_report(a1, 2026, 10, {"CQ01": "12"})
    submit_report(a1, 2026, 11, {"CQ01": "8"})
    submit_report(a2, 2026, 9, {"CQ01": "3"})
    submit_report(a2, 2026, 10, {"CQ01": "5"})
    submit_report(xa, 2026, 10, {"CQ01": "100", "HT01.SO": "400", "HT01.TONG": "1000"})
    submit_report(xa, 2026, 11, {"CQ01": "1000", "HT01.SO": "999"}, form=commune_team_form(), submit=False)
    submit_report(b1, 2026, 10, {"CQ01": "7"})
    return {"a1": a1, "a2": a2, "xa": xa, "b1": b1}


def test_progress_adds_the_years_sent_reports_against_the_targets(world, reported):
    cq01, ht01 = code("CQ01"), code("HT01")
    catalogue.targets_set(indicator=cq01, year=2026, values={world.commune_a: 256, world.commune_b: 70},
                          by=world.province_admin)
    catalogue.targets_set(indicator=ht01, year=2026, values={world.commune_a: 80}, by=world.province_admin)
    catalogue.targets_set(indicator=cq01, year=2026, values={world.village_a1: 100, world.village_a2: 50},
                          by=world.officer_a)

    commune = {row.indicator.code: row for row in progress(unit=world.commune_a, year=2026).rows}
    # 12 + 8 (Nà Khà) + 3 + 5 (Khuổi Đăm) + 100 (commune team); the draft's 1000 does not count.
    assert (commune["CQ01"].done, commune["CQ01"].target, commune["CQ01"].share) == (128, 256, Decimal("50.0"))
    # A share is count over base from the latest sent figures: 400 / 1000.
    assert (commune["HT01"].done, commune["HT01"].share) == (Decimal("40.0"), Decimal("50.0"))
    assert {r["indicator"].code: r["done"] for r in selectors.targets_progress(unit=world.commune_a, year=2026)} == {
        "CQ01": 128, "HT01": Decimal("40.0")}

    province = progress(unit=world.province, year=2026, indicator=cq01)
    row = {r.indicator.code: r for r in province.rows}["CQ01"]
    # 128 + 7, against the communes' 256 + 70 since the province has no target of its own.
    assert (row.done, row.target, row.from_children, row.share) == (135, 326, True, Decimal("41.4"))
    children = {unit.code: (r.done, r.target, r.share) for unit, r in province.children}
    assert children == {"02269": (128, 256, Decimal("50.0")), "02212": (7, 70, Decimal("10.0"))}

    assert (row.share_text, children_text(province)) == ("41,4%", ["10%", "50%"])  # Minh Xuân, then Thượng Lâm

    villages = {unit.name: (r.done, r.target, r.share) for unit, r in progress(
        unit=world.commune_a, year=2026, indicator=cq01).children}
    assert villages == {"Thôn Nà Khà": (20, 100, Decimal("20.0")), "Thôn Khuổi Đăm": (8, 50, Decimal("16.0"))}


def children_text(result) -> list[str]:
    return [row.share_text for _unit, row in result.children]


def test_next_years_progress_starts_from_nothing(world, reported):
    catalogue.targets_set(indicator=code("CQ01"), year=2027, values={world.commune_a: 300}, by=world.province_admin)
    row = progress(unit=world.commune_a, year=2027).rows[0]
    assert (row.done, row.target, row.share) == (None, 300, None)


def test_the_progress_page_shows_the_commune_its_own_figures(client, world, reported):
    catalogue.targets_set(indicator=code("CQ01"), year=2026, values={world.commune_a: 256}, by=world.province_admin)
    client.force_login(world.officer_a)
    page = client.get(reverse("report_settings:progress") + "?year=2026").content.decode()
    assert "Xã Thượng Lâm" in page and "Đạt 128 / chỉ tiêu 256 người" in page and "<strong>50%</strong>" in page


def test_the_province_ranks_its_communes_on_results_against_targets(client, world, reported):
    cq01 = code("CQ01")
    catalogue.targets_set(indicator=cq01, year=2026, values={world.commune_a: 256, world.commune_b: 70},
                          by=world.province_admin)
    client.force_login(world.province_admin)
    url = reverse("report_settings:progress") + f"?year=2026&indicator={cq01.pk}"
    by_name = client.get(url).context["progress"].children
    ranked = client.get(url + "&xep=ti-le").context["progress"].children
    assert [u.code for u, _r in by_name] == ["02212", "02269"]  # Minh Xuân (10%), Thượng Lâm (50%)
    assert [(u.code, r.share) for u, r in ranked] == [("02269", Decimal("50.0")), ("02212", Decimal("10.0"))]
