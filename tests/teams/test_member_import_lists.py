"""The member import reads lists as communes keep them: "Nghề nghiệp" and "Chức vụ" in their own words,
"Giới tính", "Năm sinh" (a year, a date, or the year under "Nam" / "Nữ"); unknown columns are named;
and a row's own error never turns into a "team full" error for the rows after it."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tocns.teams import services
from tocns.teams.choices import Gender, MemberRole, Occupation, Position
from tocns.teams.member_files import member_template_xlsx, members_import_apply, members_import_check
from tocns.teams.models import Person
from tocns.teams.services import team_propose

from ..factories import xlsx

pytestmark = pytest.mark.django_db
LIST_HEADER = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Số điện thoại", "Nghề nghiệp", "Chức vụ",
               "Vai trò trong tổ"]


@pytest.fixture
def team(world):
    return team_propose(unit=world.village_a1)  # a village team: 5 members besides collaborators


def imported(team, rows, header=LIST_HEADER, by=None):
    data = xlsx([header, *rows])
    checked, errors = members_import_check(team, data, "danh-sach-xa.xlsx")
    assert errors == []
    members_import_apply(team, data, "danh-sach-xa.xlsx", by)
    return {p.full_name: p for p in Person.objects.all()}


def test_a_village_head_written_in_the_occupation_column_leads_without_a_warning(world, team):
    people = imported(team, [
        [1, "Hà Văn Sình", "Nam", 1972, "0907000001", "Trưởng thôn", "", "Tổ trưởng"],
        [2, "Ma Thị Hồng", "Nữ", 1998, "0907000002", "Đoàn viên", "Bí thư chi đoàn thôn Nà Khà", "Tổ phó"],
    ])
    head, deputy = people["Hà Văn Sình"], people["Ma Thị Hồng"]
    assert head.position == Position.VILLAGE_HEAD and head.occupation == Occupation.OTHER
    assert deputy.position == Position.VILLAGE_YOUTH_SECRETARY and deputy.occupation == Occupation.YOUTH_UNION
    assert services.expected_holder_warnings(team) == []


@pytest.mark.parametrize(("text", "occupation"), [
    ("Giáo viên", Occupation.TEACHER), ("giao vien truong mam non", Occupation.TEACHER),
    ("Công an xã", Occupation.COMMUNE_POLICE), ("Cán bộ y tế", Occupation.HEALTH_WORKER),
    ("Y sĩ trạm y tế", Occupation.HEALTH_WORKER), ("Nhân viên VNPT", Occupation.POSTAL_TELECOM),
    ("Hội Nông dân", Occupation.FARMERS_UNION), ("Làm ruộng", Occupation.RESIDENT),
    ("Cựu chiến binh", Occupation.VETERANS), ("Công chức", Occupation.OFFICIAL),
    ("Can bo, cong chuc", Occupation.OFFICIAL), ("Hội phụ nữ", Occupation.WOMENS_UNION),
])
def test_occupations_in_the_communes_words_with_or_without_diacritics(world, team, text, occupation):
    people = imported(team, [[1, "Lò Thị Dung", "Nữ", 1990, "0907000001", text, "", ""]])
    assert people["Lò Thị Dung"].occupation == occupation


def test_an_occupation_the_plan_does_not_name_is_other_and_the_row_says_so(world, team):
    rows, errors = members_import_check(team, xlsx([LIST_HEADER, [1, "Lò Thị Dung", "Nữ", 1990, "0907000001",
                                                                   "Phi hành gia", "", ""]]), "a.xlsx")
    assert errors == [] and rows[0]["data"]["occupation"] == Occupation.OTHER
    assert "«Phi hành gia» không thuộc thành phần nào kế hoạch nêu" in rows[0]["notes"][0]


def test_a_post_the_plan_does_not_name_is_kept_with_the_workplace(world, team):
    header = [*LIST_HEADER, "Nơi công tác"]
    people = imported(team, [[1, "Hoàng Văn Páo", "Nam", 1980, "0907000001", "Nông dân",
                              "Phó Chủ tịch Hội Nông dân xã", "", "UBMTTQ xã"],
                             [2, "Đặng Văn Quẩy", "Nam", 1981, "0907000002", "", "Phó trưởng thôn", "", ""]],
                      header=header)
    assert people["Hoàng Văn Páo"].position == "" and people["Hoàng Văn Páo"].workplace == (
        "Phó Chủ tịch Hội Nông dân xã, UBMTTQ xã")
    assert people["Đặng Văn Quẩy"].position == ""  # a deputy village head is not the village head


def test_gender_and_birth_year_as_lists_write_them(world, team):
    header = ["TT", "Họ và tên", "Giới tính", "Ngày sinh", "Số điện thoại"]
    people = imported(team, [[1, "Lò Thị Dung", "nu", "12/05/1990", "0907000001"],
                             [2, "Hà Văn Sình", "M", "1985-03-02", "0907000002"]], header=header)
    assert (people["Lò Thị Dung"].gender, people["Lò Thị Dung"].birth_year) == (Gender.FEMALE, 1990)
    assert (people["Hà Văn Sình"].gender, people["Hà Văn Sình"].birth_year) == (Gender.MALE, 1985)


def test_the_birth_year_under_nam_or_nu_gives_the_gender_too(world, team):
    data = xlsx([["STT", "Họ và tên", "Năm sinh", None, "Số điện thoại"],
                 [None, None, "Nam", "Nữ", None],
                 [1, "Hà Văn Sình", 1972, None, "0907000001"],
                 [2, "Ma Thị Hồng", None, 1998, "0907000002"]])
    rows, errors = members_import_check(team, data, "a.xlsx")
    assert errors == [] and [r["row"] for r in rows] == [3, 4]
    members_import_apply(team, data, "a.xlsx", None)
    assert Person.objects.get(full_name="Hà Văn Sình").gender == Gender.MALE
    dung = Person.objects.get(full_name="Ma Thị Hồng")
    assert (dung.gender, dung.birth_year) == (Gender.FEMALE, 1998)


def test_an_unknown_column_is_named_as_a_warning_not_an_error(client, world, team):
    header = [*LIST_HEADER, "Ghi chú", "Số CCCD"]
    data = xlsx([header, [1, "Lò Thị Dung", "Nữ", 1990, "0907000001", "Giáo viên", "", "", "mới", "0123"]])
    warnings = []
    rows, errors = members_import_check(team, data, "a.xlsx", warnings=warnings)
    assert errors == [] and len(rows) == 1
    assert warnings == [(1, "Các cột sau không được đọc: «Ghi chú» (I), «Số CCCD» (J). Nếu cần, hãy đổi tiêu đề "
                            "theo tệp mẫu.")]
    client.force_login(world.officer_a)
    response = client.post(reverse("teams:members_import", args=[team.pk]),
                           {"file": _upload(data)})
    page = response.content.decode()
    assert "«Ghi chú» (I)" in page and "Tệp hợp lệ: 1 người" in page


def _upload(data, name="danh-sach.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_a_rows_own_error_is_not_followed_by_team_full_errors_on_the_next_rows(world, team):
    names = ["Giàng Seo Chứ", "Triệu Thị Nhất", "Hoàng Văn Páo", "Sùng Mí Lử", "Nông Thị Hoa"]
    rows = [[i, name, "Nam", 1990, f"09070000{i:02d}", "", "", ""] for i, name in enumerate(names, start=1)]
    rows[1][4] = "12345"  # row 3: a wrong phone
    rows.append([6, "Đặng Văn Quẩy", "Nam", 1990, "0907000006", "", "", ""])  # 6 rows, 5 seats
    _rows, errors = members_import_check(team, xlsx([LIST_HEADER, *rows]), "a.xlsx")
    # Row 3's error only: without it, five rows fit the five seats.
    assert [row for row, _message in errors] == [3]
    assert "không phải số điện thoại" in errors[0][1]


def test_rows_over_the_cap_say_which_rows_took_the_seats(world, team):
    rows = [[i, f"Người thứ {i}", "Nam", 1990, f"09070000{i:02d}", "", "", ""] for i in range(1, 8)]
    _rows, errors = members_import_check(team, xlsx([LIST_HEADER, *rows]), "a.xlsx")
    assert [row for row, _message in errors] == [7, 8]
    assert "5 chỗ còn lại đã dành cho dòng 2, 3, 4, 5, 6" in errors[0][1] and "«Cộng tác viên»" in errors[0][1]


def test_the_template_has_the_occupation_column_as_lists_head_it(world):
    book = load_workbook(io.BytesIO(member_template_xlsx(commune=world.commune_a)))
    header = [c.value for c in book.worksheets[0][1]]
    assert {"Nghề nghiệp", "Chức vụ", "Giới tính", "Năm sinh"} <= set(header)
    guide = {row[0].value: row[1].value for row in book["Hướng dẫn"].iter_rows()}
    assert "Trưởng thôn" in guide["Chức vụ"] and "Thành phần" in guide["Nghề nghiệp"]


def test_the_collaborator_hint_still_lets_a_full_file_in(world, team):
    rows = [[i, f"Người thứ {i}", "Nam", 1990, f"09070000{i:02d}", "", "", ""] for i in range(1, 6)]
    rows.append([6, "Người thứ 6", "Nam", 1990, "0907000006", "", "", "Cộng tác viên"])
    imported(team, rows)
    assert team.memberships.active().filter(role=MemberRole.COLLABORATOR).count() == 1
