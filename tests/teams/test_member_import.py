import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from tocns.audit.models import AuditEntry
from tocns.teams.choices import MemberRole, Occupation, Position, TeamStatus
from tocns.teams.member_files import (
    application_entries_from_file,
    member_template_xlsx,
    members_export_xlsx,
    members_import_apply,
    members_import_check,
)
from tocns.teams.models import Membership, Person
from tocns.teams.services import application_submit_join, membership_end, membership_start, team_propose

from ..factories import xlsx

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
HEADER = ["Họ và tên", "Giới tính", "Năm sinh", "Số điện thoại", "Vai trò trong tổ", "Thôn nơi ở"]
FULL_HEADER = ["Họ và tên", "Giới tính", "Năm sinh", "Số điện thoại", "Số Zalo", "Thư điện tử", "Thành phần",
               "Nơi công tác", "Chức vụ", "Thôn nơi ở", "Kỹ năng số", "Vai trò trong tổ", "Dân tộc",
               "Đồng ý cung cấp dân tộc"]
NAMES = ["Giàng Seo Chứ", "Triệu Thị Nhất", "Hoàng Văn Páo", "Sùng Mí Lử", "Nông Thị Hoa", "Đặng Văn Quẩy",
         "Ma Văn Thắng", "Lục Văn Sinh"]


def member(name, phone, *, year=1990, gender="Nam", role="", village=""):
    return [name, gender, year, phone, role, village]


def crowd(n, *, role=""):
    return [member(name, f"09070000{i:02d}", role=role) for i, name in enumerate(NAMES[:n])]


def counts():
    return Person.objects.count(), Membership.objects.count()


@pytest.fixture
def team(world):
    return team_propose(unit=world.village_a1)  # a village team: at most 5 members besides collaborators


def refused(team, data, file_name="thanh-vien.xlsx", by=None) -> list[str]:
    """Apply a file that must be refused; check nothing was written and return its messages."""
    before = counts()
    with pytest.raises(ValidationError) as exc:
        members_import_apply(team, data, file_name, by)
    assert counts() == before
    return exc.value.messages


# ---- a good file ------------------------------------------------------------------------------

def test_a_good_file_imports_every_row_with_normalised_phones(world, team):
    data = xlsx([FULL_HEADER,
                 ["Giàng Seo Chứ", "Nam", 1985, 912345678, "", "", "giao vien", "Trường Tiểu học Thượng Lâm",
                  "Trưởng thôn, Tổ trưởng tổ dân phố", "Nà Khà", "Dùng VNeID", "Tổ trưởng", "Mông", "Có"],
                 ["  Triệu   Thị Nhất ", "nữ", "1990", "+84 905 000 001", "0905.000.002", "nhat@example.vn",
                  "Đoàn thanh niên", "", "bi thu doan thanh nien cap thon", "thon khuoi dam", "", "to pho", "", ""],
                 ["Hoàng Văn Páo", "", 2001.0, "0904.000.003", "", "", "", "", "", "", "", "", "", ""]])
    memberships = members_import_apply(team, data, "thanh-vien.xlsx", world.officer_a)

    assert [(m.person.full_name, m.person.phone, m.role) for m in memberships] == [
        ("Giàng Seo Chứ", "0912345678", MemberRole.LEADER),
        ("Triệu Thị Nhất", "0905000001", MemberRole.DEPUTY),
        ("Hoàng Văn Páo", "0904000003", MemberRole.MEMBER),  # an empty role is a member
    ]
    chu, nhat, pao = (m.person for m in memberships)
    assert (chu.occupation, chu.position, chu.home_village, chu.birth_year) == (
        Occupation.TEACHER, Position.VILLAGE_HEAD, world.village_a1, 1985)
    assert chu.ethnic_group == "Mông" and chu.ethnic_group_consent_at is not None
    assert (nhat.gender, nhat.zalo_phone, nhat.position, nhat.home_village) == (
        "female", "0905000002", Position.VILLAGE_YOUTH_SECRETARY, world.village_a2)
    assert (pao.occupation, pao.birth_year, pao.commune) == (Occupation.RESIDENT, 2001, world.commune_a)
    assert all(m.start_date == timezone.localdate() and m.created_by == world.officer_a for m in memberships)
    assert AuditEntry.objects.filter(action="team.import_members", object_id=team.pk).count() == 1
    assert AuditEntry.objects.filter(action="membership.start").count() == 3


def test_headers_are_matched_without_diacritics_or_case_in_any_column_order(world, team):
    data = xlsx([["STT", "so dien thoai", "NAM SINH", "ho va ten", "vai tro trong to", "thon noi o"],
                 [1, "0907 000 001", 1979, "Lục Văn Sinh", "cong tac vien", "Thôn Nà Khà"]])
    rows, errors = members_import_check(team, data, "a.xlsx")
    assert errors == []
    assert (rows[0]["full_name"], rows[0]["phone"], rows[0]["role"]) == (
        "Lục Văn Sinh", "0907000001", MemberRole.COLLABORATOR)
    assert rows[0]["data"]["home_village"] == world.village_a1


def test_empty_rows_are_skipped_and_rows_keep_their_excel_numbers(team):
    data = xlsx([HEADER, member("Giàng Seo Chứ", "0907000001"), [], [None, None, None],
                 member("Sùng Mí Lử", "12345")])
    rows, errors = members_import_check(team, data, "a.xlsx")
    assert [row["row"] for row in rows] == [2, 5]
    assert [row for row, _message in errors] == [5]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_csv_with_or_without_bom_imports(world, team, encoding):
    text = ("Họ và tên,Năm sinh,Số điện thoại,Chức vụ,Thôn nơi ở\n"
            'Nông Thị Hoa,1988,0907000005,"Trưởng thôn, Tổ trưởng tổ dân phố",khuoi dam\n'
            "\n"
            "Ma Văn Thắng,1992,907000006,,\n")
    memberships = members_import_apply(team, text.encode(encoding), "thanh-vien.csv", world.officer_a)
    hoa, thang = (m.person for m in memberships)
    assert (hoa.full_name, hoa.position, hoa.home_village) == ("Nông Thị Hoa", Position.VILLAGE_HEAD, world.village_a2)
    assert thang.phone == "0907000006"


def test_an_existing_person_with_the_same_phone_is_reused_not_duplicated(world, team):
    known = Person.objects.create(full_name="Lý Thị Mai", phone="0912345678", province=world.province,
                                  commune=world.commune_a)
    before = Person.objects.count()
    memberships = members_import_apply(team, xlsx([HEADER, member("LY THI MAI", "0912 345 678", gender="Nữ")]),
                                       "a.xlsx", world.officer_a)
    assert memberships[0].person == known
    assert Person.objects.count() == before


def test_importing_the_same_file_twice_writes_nothing_new(world, team):
    data = xlsx([HEADER, *crowd(3)])
    members_import_apply(team, data, "a.xlsx", world.officer_a)
    after_first = counts()
    messages = refused(team, data)
    assert counts() == after_first == (3, 3)
    assert len(messages) == 3 and all("đã là thành viên của tổ" in m for m in messages)
    assert [m.split(":")[0] for m in messages] == ["Dòng 2", "Dòng 3", "Dòng 4"]


def test_collaborators_are_not_counted_toward_the_cap(world, team):
    data = xlsx([HEADER, *crowd(5), *crowd(8, role="Cộng tác viên")[5:]])
    memberships = members_import_apply(team, data, "a.xlsx", world.officer_a)
    assert len(memberships) == 8 and team.memberships.active().counted().count() == 5


# ---- bad files: every error with its row number, nothing written -----------------------------

@pytest.mark.parametrize(("cells", "expected"), [
    ({"Số điện thoại": "12345"}, "Số điện thoại: “12345” không phải số điện thoại Việt Nam"),
    ({"Năm sinh": YEAR - 10}, "Năm sinh: Người tham gia phải từ 15 tuổi trở lên"),
    ({"Năm sinh": YEAR - 101}, f"Năm sinh: Năm sinh {YEAR - 101} làm người này hơn 100 tuổi"),
    ({"Năm sinh": "199x"}, "Năm sinh: Năm sinh phải là một số"),
    ({"Họ và tên": ""}, "Họ và tên: Hãy nhập họ và tên."),
    ({"Dân tộc": "Xyz", "Đồng ý cung cấp dân tộc": "Có"}, "Dân tộc: “Xyz” không có trong danh mục 54 dân tộc"),
    ({"Giới tính": "Khác"}, "Giới tính: «Khác» không có trong danh sách (Nam; Nữ)"),
    ({"Thôn nơi ở": "Thôn Không Có"}, "Thôn nơi ở: không có thôn, tổ dân phố «Thôn Không Có» trong Xã Thượng Lâm"),
    ({"Thôn nơi ở": "Tổ dân phố số 1"}, "Thôn nơi ở: không có thôn"),  # a village of another commune
    ({"Thư điện tử": "mai@"}, "Thư điện tử: Địa chỉ thư điện tử không đúng dạng."),
    ({"Vai trò trong tổ": "Chủ tịch"}, "Vai trò trong tổ: «Chủ tịch» không hợp lệ"),
])
def test_a_bad_cell_is_reported_with_its_row_and_column_and_nothing_is_written(team, cells, expected):
    good = dict(zip(FULL_HEADER, ["Giàng Seo Chứ", "Nam", 1985, "0907000001"] + [""] * 10, strict=True))
    bad = {**good, "Họ và tên": "Triệu Thị Nhất", "Số điện thoại": "0907000002", **cells}
    data = xlsx([FULL_HEADER, list(good.values()), list(bad.values())])
    _rows, errors = members_import_check(team, data, "a.xlsx")
    assert [row for row, _message in errors] == [3]
    assert errors[0][1].startswith(expected)
    assert refused(team, data) == [f"Dòng 3: {errors[0][1]}"]


def test_an_ethnic_group_without_consent_imports_the_person_without_it_and_says_so_on_the_row(world, team):
    good = dict(zip(FULL_HEADER, ["Giàng Seo Chứ", "Nam", 1985, "0907000001"] + [""] * 10, strict=True))
    rows = [{**good, "Dân tộc": "Tày"},
            {**good, "Họ và tên": "Triệu Thị Nhất", "Số điện thoại": "0907000002", "Dân tộc": "Dao",
             "Đồng ý cung cấp dân tộc": "Không"},
            {**good, "Họ và tên": "Hoàng Văn Páo", "Số điện thoại": "0907000003", "Dân tộc": "Mông",
             "Đồng ý cung cấp dân tộc": "Có"}]
    data = xlsx([FULL_HEADER, *[list(row.values()) for row in rows]])
    checked, errors = members_import_check(team, data, "a.xlsx")
    assert errors == []
    assert [row["notes"] for row in checked][2] == []
    assert all("Không ghi dân tộc: chưa có sự đồng ý" in row["notes"][0] for row in checked[:2])
    memberships = members_import_apply(team, data, "a.xlsx", world.officer_a)
    people = [m.person for m in memberships]
    assert [(p.full_name, p.ethnic_group) for p in people] == [
        ("Giàng Seo Chứ", ""), ("Triệu Thị Nhất", ""), ("Hoàng Văn Páo", "Mông")]
    assert people[0].ethnic_group_consent_at is None and people[2].ethnic_group_consent_at is not None


def test_import_refuses_whole_file_when_one_row_is_bad(team):
    data = xlsx([HEADER, *crowd(3), member("Ma Văn Thắng", "0907 000 099", year=YEAR - 5)])
    messages = refused(team, data)
    assert len(messages) == 1 and messages[0].startswith("Dòng 5: Năm sinh:")


def test_every_bad_row_is_reported_not_only_the_first(team):
    data = xlsx([HEADER, member("Giàng Seo Chứ", "abc"), member("Triệu Thị Nhất", "0907000002"),
                 member("Hoàng Văn Páo", "0907000003", year="")])
    _rows, errors = members_import_check(team, data, "a.xlsx")
    assert [row for row, _message in errors] == [2, 4]


def test_the_same_phone_twice_in_the_file_is_refused_on_the_second_row_naming_the_first(team):
    data = xlsx([HEADER, member("Giàng Seo Chứ", "0907000001"), member("Triệu Thị Nhất", "0907000002"),
                 member("Hoàng Văn Páo", "+84 907 000 001")])
    _rows, errors = members_import_check(team, data, "a.xlsx")
    assert errors == [(4, "Số điện thoại: số 0907 000 001 trùng với dòng 2.")]
    refused(team, data)


def test_a_phone_on_file_for_someone_with_another_name_is_refused(world, team):
    Person.objects.create(full_name="Lý Thị Mai", phone="0912345678", province=world.province,
                          commune=world.commune_a)
    data = xlsx([HEADER, member("Lò Văn Bằng", "0912 345 678")])
    _rows, errors = members_import_check(team, data, "a.xlsx")
    assert errors[0][0] == 2 and "đã có trong danh sách với tên Lý Thị Mai" in errors[0][1]
    refused(team, data)


def test_someone_already_in_the_team_is_refused(world, team):
    person = Person.objects.create(full_name="Giàng Seo Chứ", phone="0907000001", province=world.province,
                                   commune=world.commune_a)
    membership_start(team=team, person=person, role=MemberRole.MEMBER)
    _rows, errors = members_import_check(team, xlsx([HEADER, member("giang seo chu", "0907000001")]), "a.xlsx")
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert errors == [(2, f"Giàng Seo Chứ đã là thành viên của tổ (thành viên từ ngày {today}).")]


def test_a_former_member_may_come_back(world, team):
    person = Person.objects.create(full_name="Giàng Seo Chứ", phone="0907000001", province=world.province,
                                   commune=world.commune_a)
    old = membership_start(team=team, person=person, role=MemberRole.MEMBER, start_date=datetime.date(2025, 1, 1))
    membership_end(membership=old, end_date=datetime.date(2025, 6, 1))
    (membership,) = members_import_apply(team, xlsx([HEADER, member("Giàng Seo Chứ", "0907000001")]), "a.xlsx",
                                         world.officer_a)
    assert membership.person == person and membership.pk != old.pk


def test_a_second_leader_in_the_file_is_refused(team):
    data = xlsx([HEADER, member("Giàng Seo Chứ", "0907000001", role="Tổ trưởng"),
                 member("Triệu Thị Nhất", "0907000002", role="Tổ phó"),
                 member("Hoàng Văn Páo", "0907000003", role="to truong")])
    _rows, errors = members_import_check(team, data, "a.xlsx")
    assert errors == [(4, "Vai trò trong tổ: tệp ghi hai tổ trưởng (dòng 2 và dòng này); mỗi tổ chỉ có một "
                          "tổ trưởng.")]
    refused(team, data)


def test_a_leader_when_the_team_already_has_one_is_refused(world, team):
    leader = Person.objects.create(full_name="Lý Thị Mai", phone="0912345678", province=world.province,
                                   commune=world.commune_a)
    membership_start(team=team, person=leader, role=MemberRole.LEADER)
    data = xlsx([HEADER, member("Giàng Seo Chứ", "0907000001", role="Tổ trưởng")])
    _rows, errors = members_import_check(team, data, "a.xlsx")
    assert errors[0][0] == 2 and "tổ đã có tổ trưởng (Lý Thị Mai)" in errors[0][1]
    refused(team, data)


def test_rows_over_the_cap_are_refused_with_a_hint_to_add_them_as_collaborators(world, team):
    person = Person.objects.create(full_name="Lý Thị Mai", phone="0912345678", province=world.province,
                                   commune=world.commune_a)
    membership_start(team=team, person=person, role=MemberRole.MEMBER)
    data = xlsx([HEADER, *crowd(6)])  # 1 on file + 6 = 7 for 5 seats: rows 6 and 7 do not fit
    _rows, errors = members_import_check(team, data, "a.xlsx")
    assert [row for row, _message in errors] == [6, 7]
    assert "Tổ đã đủ 5 thành viên" in errors[0][1] and "«Cộng tác viên»" in errors[0][1]
    refused(team, data)


def test_a_dissolved_team_gets_one_error_for_the_whole_file(team):
    team.status = TeamStatus.DISSOLVED
    team.save(update_fields=["status"])
    data = xlsx([HEADER, *crowd(3)])
    rows, errors = members_import_check(team, data, "a.xlsx")
    assert rows == [] and len(errors) == 1 and errors[0][0] == 0 and "đã giải thể" in errors[0][1]
    assert refused(team, data) == [errors[0][1]]


def test_a_file_without_the_required_columns_is_refused_at_its_header(team):
    _rows, errors = members_import_check(team, xlsx([["Họ và tên", "Giới tính"], ["Giàng Seo Chứ", "Nam"]]),
                                         "a.xlsx")
    assert errors == [(1, "Thiếu cột «Năm sinh», «Số điện thoại».")]


@pytest.mark.parametrize(("data", "file_name", "expected"), [
    (b"%PDF-1.4", "danh-sach.pdf", "Chỉ nhận tệp Excel (.xlsx) hoặc CSV"),
    (b"not a zip", "danh-sach.xlsx", "Không đọc được tệp Excel"),
    ("Họ và tên,Năm sinh,Số điện thoại\n\n".encode(), "a.csv", "Tệp không có dòng dữ liệu nào"),
    ("Tên thôn,Loại\nThôn A,thôn\n".encode(), "a.csv", "Không tìm thấy dòng tiêu đề"),
])
def test_an_unusable_file_is_one_error_for_the_whole_file(team, data, file_name, expected):
    rows, errors = members_import_check(team, data, file_name)
    assert rows == [] and len(errors) == 1 and errors[0][0] == 0 and errors[0][1].startswith(expected)


# ---- a group list sent with a public join application ----------------------------------------

def test_a_group_list_file_becomes_entries_of_one_join_application(world, team):
    data = xlsx([FULL_HEADER,
                 ["Vàng Thị Dợ", "Nữ", 1996, 907000021, "", "", "Hội phụ nữ", "", "Không có chức vụ nào", "Nà Khà",
                  "", "Tổ trưởng", "", ""],
                 ["Bàn Văn Tủa", "Nam", 1994, "0907 000 022", "", "", "", "", "", "", "", "", "", ""]])
    entries, errors = application_entries_from_file(team, data, "danh-sach.xlsx")
    assert errors == []  # the post and role columns are the officer's to fill, not read here
    assert [(e["full_name"], e["phone"]) for e in entries] == [("Vàng Thị Dợ", "0907000021"),
                                                               ("Bàn Văn Tủa", "0907000022")]
    application = application_submit_join(team=team, entries=entries, contact_name="Vàng Thị Dợ",
                                          contact_phone="0907000021", submission_key="k-1")
    assert application.is_group and application.entries.get(phone="0907000021").home_village == world.village_a1
    assert Membership.objects.count() == 0


def test_a_group_list_file_says_nothing_about_who_holds_a_phone(world, team):
    Person.objects.create(full_name="Lý Thị Mai", phone="0912345678", province=world.province,
                          commune=world.commune_a)
    entries, errors = application_entries_from_file(team, xlsx([HEADER, member("Lò Văn Bằng", "0912345678")]),
                                                    "a.xlsx")
    assert errors == [] and entries[0]["full_name"] == "Lò Văn Bằng"  # checked by the approver, not told here


def test_a_group_list_file_is_refused_row_by_row_and_when_too_long(team):
    entries, errors = application_entries_from_file(
        team, xlsx([HEADER, member("Vàng Thị Dợ", "0907000021"), member("Bàn Văn Tủa", "0907000021")]), "a.xlsx")
    assert entries == [] and errors == [(3, "Số điện thoại: số 0907 000 021 trùng với dòng 2.")]
    many = xlsx([HEADER, *[member(f"Người {n}", f"0907{n:06d}") for n in range(51)]])
    entries, errors = application_entries_from_file(team, many, "a.xlsx")
    assert entries == [] and errors == [(0, "Tệp quá lớn: tối đa 50 dòng.")]


# ---- the template -----------------------------------------------------------------------------

def test_the_template_has_the_columns_an_example_row_and_drop_down_lists(world):
    book = load_workbook(io.BytesIO(member_template_xlsx(commune=world.commune_a)))
    sheet = book.worksheets[0]
    # The occupation column is headed as commune lists head it (a "Thành phần" column is read too).
    assert [c.value for c in sheet[1]] == [("Nghề nghiệp" if c == "Thành phần" else c) for c in FULL_HEADER]
    assert sheet["A2"].value == "Nguyễn Văn A" and sheet["J2"].value in ("Thôn Nà Khà", "Thôn Khuổi Đăm")
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["B2"] == '"Nam,Nữ"' and lists["L2"] == '"Tổ trưởng,Tổ phó,Thành viên,Cộng tác viên"'
    assert {"G2", "I2", "J2", "M2", "N2"} <= set(lists)  # occupation, position, village, ethnic group, consent
    occupations = [c.value for c in book["Danh mục"]["A"][1:] if c.value]
    assert "Cán bộ, công chức" in occupations and len(occupations) == len(Occupation.choices)


def test_the_template_example_row_must_be_removed_but_a_filled_template_imports(world, team):
    book = load_workbook(io.BytesIO(member_template_xlsx(commune=world.commune_a)))
    out = io.BytesIO()
    book.save(out)
    _rows, errors = members_import_check(team, out.getvalue(), "mau.xlsx")
    assert errors == [(2, "Đây là dòng ví dụ của tệp mẫu: hãy xóa dòng này.")]
    sheet = book.worksheets[0]
    sheet["A2"], sheet["D2"] = "Vàng Thị Dợ", "0907 000 010"
    sheet.append(["Bàn Văn Tủa", "Nam", 1995, "0907000011"])
    book.save(out := io.BytesIO())
    memberships = members_import_apply(team, out.getvalue(), "mau.xlsx", world.officer_a)
    assert [m.person.full_name for m in memberships] == ["Vàng Thị Dợ", "Bàn Văn Tủa"]
    assert memberships[0].person.ethnic_group == "Tày" and memberships[0].person.occupation == Occupation.TEACHER


# ---- export -----------------------------------------------------------------------------------

def export_rows(data: bytes) -> tuple[list, list[list]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return sheet, rows


def test_the_export_has_one_row_per_membership_and_no_ethnic_group_unless_asked(world, team):
    data = xlsx([FULL_HEADER, ["Giàng Seo Chứ", "Nam", 1985, "0912345678", "", "", "Giáo viên", "Trường TH",
                               "", "Nà Khà", "", "Tổ trưởng", "Mông", "Có"]])
    members_import_apply(team, data, "a.xlsx", world.officer_a)
    # What a stranger typed on the public join form must stay text in the officer's Excel.
    trap = Person.objects.create(full_name="=1+1", phone="0907000002", province=world.province,
                                 commune=world.commune_a)
    membership_start(team=team, person=trap, role=MemberRole.MEMBER)
    memberships = Membership.objects.filter(team=team).order_by("id")

    sheet, rows = export_rows(members_export_xlsx(memberships, title="Danh sách Tổ CNSCĐ Thôn Nà Khà"))
    assert rows[0][0] == "Danh sách Tổ CNSCĐ Thôn Nà Khà" and sheet["A1"].font.bold
    assert sheet.freeze_panes == "C4"
    header = rows[2]
    assert header == ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Số điện thoại", "Số Zalo", "Thư điện tử",
                      "Thành phần", "Chức vụ", "Nơi công tác", "Thôn nơi ở", "Tổ", "Vai trò", "Từ ngày", "Đến ngày"]
    first = dict(zip(header, rows[3], strict=True))
    assert first["Họ và tên"] == "Giàng Seo Chứ" and first["Số điện thoại"] == "0912 345 678"
    assert (first["Giới tính"], first["Thành phần"], first["Thôn nơi ở"], first["Tổ"], first["Vai trò"]) == (
        "Nam", "Giáo viên", "Thôn Nà Khà", "Thôn Nà Khà", "Tổ trưởng")
    assert first["Từ ngày"].date() == timezone.localdate() and sheet["N4"].number_format == "DD/MM/YYYY"
    assert "Mông" not in [value for row in rows for value in row]
    assert rows[4][1] == "=1+1" and sheet["B5"].data_type == "s"  # a name is never a formula
    assert len(rows) == 5

    _sheet, rows = export_rows(members_export_xlsx(memberships, include_ethnic_group=True, title="Có dân tộc"))
    assert rows[2][-1] == "Dân tộc" and rows[3][-1] == "Mông"


def test_a_whole_commune_exports_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    teams = [team_propose(unit=world.village_a1), team_propose(unit=world.village_a2)]
    for index, team in enumerate(teams):
        data = xlsx([HEADER, *[member(name, f"09080000{index}{i}", village="Khuổi Đăm")
                               for i, name in enumerate(NAMES[index * 3:index * 3 + 3])]])
        members_import_apply(team, data, "a.xlsx", world.officer_a)
    memberships = Membership.objects.filter(team__commune=world.commune_a).order_by("team__unit__name", "id")
    with django_assert_max_num_queries(1):
        data = members_export_xlsx(memberships, title="Xã Thượng Lâm")
    _sheet, rows = export_rows(data)
    assert len(rows) == 3 + 6
    assert {row[11] for row in rows[3:]} == {"Thôn Nà Khà", "Thôn Khuổi Đăm"}
    assert [row[0] for row in rows[3:]] == [1, 2, 3, 4, 5, 6]


def test_the_import_page_names_each_row_imported_without_its_ethnic_group(client, world, team):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(world.officer_a)
    good = dict(zip(FULL_HEADER, ["Giàng Seo Chứ", "Nam", 1985, "0907000001"] + [""] * 10, strict=True))
    data = xlsx([FULL_HEADER, list({**good, "Dân tộc": "Tày"}.values())])
    url = reverse("teams:members_import", args=[team.pk])
    checked = client.post(url, {"file": SimpleUploadedFile("ds.xlsx", data)}).content.decode()
    assert "Tệp hợp lệ: 1 người" in checked and "Dòng 2: Không ghi dân tộc" in checked
    done = client.post(url, {"file": SimpleUploadedFile("ds.xlsx", data), "confirm": "1"}, follow=True)
    assert "Dòng 2: Không ghi dân tộc: chưa có sự đồng ý" in done.content.decode()
    assert Person.objects.get(phone="0907000001").ethnic_group == ""
