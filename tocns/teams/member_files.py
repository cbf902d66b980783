"""A team's members as spreadsheets: a template to fill in, an import that checks every row before
writing anything, and an export of who serves where.

Each row of an import goes through PersonForm, the same rules as the pages and the public join form,
so a rule about a person's details is written once. Like the village import, a file with one bad row
writes nothing: the officer gets every error with its row number as Excel shows it (the header is
row 1), fixes the file and sends it again. Error row 0 means the whole file."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tocns.audit.services import audit_record
from tocns.geo.models import AdminUnit
from tocns.lib.phone import format_phone, normalize_phone
from tocns.lib.sheets import LIST_HEADER_ROW, is_blank, read_table, start_list_sheet, workbook_bytes
from tocns.lib.text import clean_spaces, fold
from tocns.lib.workbook import finish_table

from .choices import ETHNIC_GROUPS, Gender, MemberRole, Occupation, Position, TeamStatus
from .forms import PersonForm
from .models import Membership, Person, Team
from .services import PERSON_FIELDS, membership_start, person_find_by_phone, person_save, team_cap

MAX_ROWS = 1000
PUBLIC_MAX_ROWS = 50  # a group list sent by someone not signed in
TEMPLATE_ROWS = 1000  # rows of the template that carry the drop-down lists
HEADER_SEARCH_ROWS = 10  # the header may sit under a title, as in the export

# Other ways people head a column, folded (no diacritics, lower case), besides the labels themselves.
_HEADER_ALIASES = {
    "full_name": {"ho ten", "ho va ten", "ten", "ho ten thanh vien", "ho va ten thanh vien"},
    "gender": {"gioi", "gioi tinh", "nam/nu"},
    "birth_year": {"nam sinh", "sinh nam", "ngay sinh", "ngay thang nam sinh", "ngay, thang, nam sinh",
                   "ngay/thang/nam sinh", "sinh ngay"},
    "phone": {"so dien thoai", "dien thoai", "sdt", "so dt", "dt", "di dong", "so di dong"},
    "zalo_phone": {"so zalo", "zalo"},
    "email": {"thu dien tu", "email", "e-mail", "mail"},
    "occupation": {"thanh phan", "nghe nghiep", "nghe", "nghe nghiep/thanh phan", "thanh phan/nghe nghiep",
                   "nghe nghiep, thanh phan", "doi tuong"},
    "workplace": {"noi cong tac", "co quan", "don vi cong tac", "co quan cong tac"},
    "position": {"chuc vu", "chuc danh", "chuc vu, chuc danh", "chuc vu/chuc danh", "chuc vu hien nay",
                 "chuc vu dang giu"},
    "home_village": {"thon noi o", "noi o", "thon", "thon, to dan pho", "thon/to dan pho", "thon, to dan pho noi o"},
    "digital_skills": {"ky nang so", "ky nang"},
    "role": {"vai tro trong to", "vai tro"},
    "ethnic_group": {"dan toc"},
    "ethnic_group_consent": {"dong y cung cap dan toc", "dong y", "dong y cung cap thong tin dan toc"},
}
_REQUIRED_COLUMNS = ("full_name", "birth_year", "phone")
_VILLAGE_PREFIXES = ("to dan pho", "khu pho", "tdp", "thon", "ban", "xom", "lang", "ap", "buon", "khu", "to")
_YES = {"co", "x", "dong y", "co dong y", "da dong y", "yes", "y", "1", "true", "ok", "v", "✓", "✔"}
_NO = {"", "khong", "khong dong y", "no", "n", "0", "false", "-"}
_EXAMPLE = {"full_name": "Nguyễn Văn A", "phone": "0912 345 678"}


def _columns() -> list[tuple[str, str]]:
    """(key, label) of the import template's columns, in the template's order."""
    return [
        ("full_name", _("Họ và tên")),
        ("gender", _("Giới tính")),
        ("birth_year", _("Năm sinh")),
        ("phone", _("Số điện thoại")),
        ("zalo_phone", _("Số Zalo")),
        ("email", _("Thư điện tử")),
        ("occupation", _("Nghề nghiệp")),
        ("workplace", _("Nơi công tác")),
        ("position", _("Chức vụ")),
        ("home_village", _("Thôn nơi ở")),
        ("digital_skills", _("Kỹ năng số")),
        ("role", _("Vai trò trong tổ")),
        ("ethnic_group", _("Dân tộc")),
        ("ethnic_group_consent", _("Đồng ý cung cấp dân tộc")),
    ]


# A list that writes the birth year under "Nam" or under "Nữ" (gender and year in one): those two
# columns, alone or under a merged "Năm sinh" heading.
_SPLIT_YEAR = {"nam": "birth_year_male", "nu": "birth_year_female"}
# Columns nobody needs named as "not read".
_QUIET_COLUMNS = {"stt", "tt", "so tt", "so thu tu", "thu tu"}


def _labels() -> dict[str, str]:
    return {**dict(_columns()), "birth_year_male": _("Năm sinh (Nam)"), "birth_year_female": _("Năm sinh (Nữ)")}


# ---- template ----------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F5F8B")
_EXAMPLE_FONT = Font(italic=True, color="7F7F7F")
_WIDTHS = {"full_name": 26, "gender": 10, "birth_year": 10, "phone": 16, "zalo_phone": 16, "email": 26,
           "occupation": 30, "workplace": 28, "position": 34, "home_village": 20, "digital_skills": 36,
           "role": 16, "ethnic_group": 14, "ethnic_group_consent": 14}


def _list_validation(formula: str, column: str, title: str) -> DataValidation:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False,
                                showErrorMessage=True, errorStyle="warning", errorTitle=title,
                                error=_("Giá trị này không có trong danh sách. Hãy chọn trong danh sách thả xuống."))
    validation.add(f"{column}2:{column}{TEMPLATE_ROWS}")
    return validation


def member_template_xlsx(*, commune: AdminUnit | None = None) -> bytes:
    """The import template: header row, one example row, drop-down lists, a sheet of instructions.

    Given a commune, the "Thôn nơi ở" column also offers that commune's active villages."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Danh sách thành viên")
    columns = _columns()
    labels = dict(columns)
    letters = {key: get_column_letter(i) for i, (key, _label) in enumerate(columns, start=1)}
    sheet.append([label for _key, label in columns])
    for cell in sheet[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheet.row_dimensions[1].height = 32
    villages = list(AdminUnit.objects.active().villages().filter(commune=commune).order_by("name_folded")
                    .values_list("name", flat=True)) if commune is not None else []
    example = {
        "full_name": _EXAMPLE["full_name"], "gender": Gender.MALE.label, "birth_year": 1990,
        "phone": _EXAMPLE["phone"], "zalo_phone": "", "email": "", "occupation": Occupation.TEACHER.label,
        "workplace": _("Trường Tiểu học xã"), "position": "", "home_village": villages[0] if villages else "",
        "digital_skills": _("Hướng dẫn dùng VNeID, nộp hồ sơ trực tuyến"), "role": MemberRole.MEMBER.label,
        "ethnic_group": "Tày", "ethnic_group_consent": _("Có"),
    }
    sheet.append([str(example[key]) if key != "birth_year" else example[key] for key, _label in columns])
    for cell in sheet[2]:
        cell.font = _EXAMPLE_FONT
    for key, letter in letters.items():
        sheet.column_dimensions[letter].width = _WIDTHS[key]
    for key in ("phone", "zalo_phone"):  # typed as text, so Excel keeps the leading 0
        sheet.column_dimensions[letters[key]].number_format = "@"
    sheet.freeze_panes = "B2"

    # Lists with commas inside a value ("Cán bộ, công chức") cannot be written inline: they live on a sheet.
    lists = book.create_sheet(_("Danh mục"))
    lists_title = lists.title.replace("'", "''")
    values = {
        "occupation": [str(label) for label in Occupation.labels],
        "position": [str(label) for value, label in Position.choices if value],
        "ethnic_group": ETHNIC_GROUPS,
        "home_village": villages,
    }
    for index, key in enumerate(values, start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=labels[key]).font = Font(bold=True)
        lists.column_dimensions[letter].width = _WIDTHS[key] + 4
        for row, value in enumerate(values[key], start=2):
            lists.cell(row=row, column=index, value=value)
        if values[key]:
            formula = f"'{lists_title}'!${letter}$2:${letter}${len(values[key]) + 1}"
            sheet.add_data_validation(_list_validation(formula, letters[key], labels[key]))
    lists.protection.sheet = True
    inline = {
        "gender": [str(label) for label in Gender.labels],
        "role": [str(label) for label in MemberRole.labels],
        "ethnic_group_consent": [_("Có"), _("Không")],
    }
    for key, options in inline.items():
        formula = '"' + ",".join(options) + '"'
        sheet.add_data_validation(_list_validation(formula, letters[key], labels[key]))

    guide = book.create_sheet(_("Hướng dẫn"))
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 100
    notes = [
        (_("Cách nhập"), _("Mỗi dòng một người, bắt đầu từ dòng 2. Không sửa dòng tiêu đề. Xóa dòng ví dụ "
                           "(Nguyễn Văn A) trước khi nhập. Nếu có dòng lỗi, chưa dòng nào được nhập: sửa theo "
                           "thông báo rồi nhập lại cả tệp.")),
        (_("Họ và tên"), _("Bắt buộc.")),
        (_("Giới tính"), _("Nam hoặc Nữ.")),
        (_("Năm sinh"), _("Bắt buộc, 4 chữ số (ngày sinh đầy đủ như 12/05/1990 cũng được). Người tham gia từ 15 "
                          "đến 100 tuổi. Danh sách ghi năm sinh dưới hai cột «Nam», «Nữ» cũng nhập được.")),
        (_("Số điện thoại"), _("Bắt buộc, mỗi người một số. Số đã có trong danh sách thì dùng lại người đó "
                               "(họ tên phải trùng).")),
        (_("Số Zalo"), _("Nếu khác số điện thoại.")),
        (_("Nghề nghiệp"), _("Chọn trong danh sách, hoặc ghi như danh sách của xã (Giáo viên, Công an xã, Cán bộ "
                             "y tế, Làm ruộng…): được đọc theo thành phần kế hoạch nêu; không khớp thì ghi là "
                             "«%(other)s». Để trống là «%(default)s». Cột có tiêu đề «Thành phần» cũng được đọc.")
         % {"default": Occupation.RESIDENT.label, "other": Occupation.OTHER.label}),
        (_("Chức vụ"), _("Chức vụ kế hoạch nêu cho tổ trưởng, tổ phó (xem trang Danh mục), hoặc ghi như danh sách của "
                         "xã: «Trưởng thôn Nà Khà», «Bí thư chi đoàn». Chức vụ khác được ghi vào nơi công tác. "
                         "Nghề nghiệp ghi «Trưởng thôn» cũng được hiểu là chức vụ đó.")),
        (_("Thôn nơi ở"), _("Tên thôn, tổ dân phố thuộc xã của tổ; có dấu hay không dấu, có chữ «Thôn» hay "
                            "không đều được.")),
        (_("Vai trò trong tổ"), _("Tổ trưởng, Tổ phó, Thành viên hoặc Cộng tác viên; để trống là Thành viên. "
                                  "Mỗi tổ một tổ trưởng, một tổ phó. Cộng tác viên không tính vào số thành viên "
                                  "tối đa của tổ.")),
        (_("Dân tộc"), _("Không bắt buộc. Đây là dữ liệu cá nhân nhạy cảm: chỉ ghi khi người đó đồng ý, và ghi "
                         "«Có» ở cột Đồng ý cung cấp dân tộc.")),
    ]
    notes.append((_("Cột khác"), _("Cột không có trong mẫu (STT, Ghi chú…) không được đọc; trang nhập nêu tên các "
                                   "cột đó để bạn biết.")))
    for label, text in notes:
        guide.append([label, text])
    for row in guide.iter_rows():
        row[0].font = Font(bold=True)
        row[0].alignment = Alignment(vertical="top")
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    return _book_bytes(book)


def _book_bytes(book: Workbook) -> bytes:
    return workbook_bytes(book)  # text typed on a public form is never a formula


# ---- reading -----------------------------------------------------------------------------------

def _header_key(text: str) -> str | None:
    folded = fold(text)
    if "(" in folded:  # "Số điện thoại (bắt buộc)"
        folded = folded.split("(", 1)[0]
    folded = clean_spaces(folded.replace("*", "")).strip(" :.")
    if not folded:
        return None
    if folded in _SPLIT_YEAR:
        return _SPLIT_YEAR[folded]
    for key, label in _columns():
        if folded == fold(label) or folded in _HEADER_ALIASES[key]:
            return key
    return None


def _split_year_subheader(table: list[list[str]], index: int, keys: list) -> bool:
    """A two-row heading: "Năm sinh" merged over "Nam" and "Nữ" on the row below. The positions of
    those two take the split-year keys; returns whether the row below was such a sub-heading."""
    if index + 1 >= len(table):
        return False
    below = [_header_key(cell) for cell in table[index + 1]]
    if not set(_SPLIT_YEAR.values()) <= set(below) or "full_name" in below:
        return False
    for position, key in enumerate(below):
        if key in _SPLIT_YEAR.values():
            while len(keys) <= position:
                keys.append(None)
            if keys[position] in (None, "birth_year", "gender"):
                keys[position] = key
    return True


def _read_rows(data: bytes, file_name: str, *, max_rows: int,
               warnings: list | None = None) -> tuple[list[dict], list[tuple[int, str]]]:
    """Rows of the file as {"row": n, "values": {key: text}}, or errors about the file's header.
    Columns that are not read are named in `warnings` (a list of (row, message)), not refused."""
    try:
        table = read_table(data, file_name, max_rows=max_rows)
    except ValidationError as exc:
        return [], [(0, message) for message in exc.messages]
    labels = _labels()
    header = next(((index, keys) for index, keys in enumerate(
        [_header_key(cell) for cell in cells] for cells in table[:HEADER_SEARCH_ROWS]) if "full_name" in keys), None)
    if header is None:
        return [], [(0, _("Không tìm thấy dòng tiêu đề có cột «%(column)s»: hãy dùng tệp mẫu.")
                     % {"column": labels["full_name"]})]
    header_row, keys = header[0] + 1, list(header[1])
    data_from = header_row + 1 if _split_year_subheader(table, header[0], keys) else header_row
    columns, errors, unread = {}, [], []
    for position, key in enumerate(keys):
        if key is None:
            text = clean_spaces(table[header[0]][position]) if position < len(table[header[0]]) else ""
            if text and fold(text).strip(" .:") not in _QUIET_COLUMNS:
                unread.append(f"«{text}» ({get_column_letter(position + 1)})")
            continue  # STT and other columns are not read
        if key in columns:
            errors.append((header_row, _("Cột «%(column)s» có hai lần (cột %(first)s và %(second)s): chỉ giữ một.")
                           % {"column": labels[key], "first": get_column_letter(columns[key] + 1),
                              "second": get_column_letter(position + 1)}))
        else:
            columns[key] = position
    if "birth_year_male" in columns and "birth_year_female" in columns:
        if "birth_year" in columns:  # "Năm sinh" over the split columns is their heading only
            del columns["birth_year"]
        columns_with_year = {**columns, "birth_year": None}
    else:
        columns_with_year = columns
        for key in _SPLIT_YEAR.values():  # one of them alone is not a year column
            columns.pop(key, None)
    missing = [labels[key] for key in _REQUIRED_COLUMNS if key not in columns_with_year]
    if missing:
        errors.append((header_row, _("Thiếu cột %(columns)s.") % {
            "columns": ", ".join(f"«{label}»" for label in missing)}))
    if errors:
        return [], errors
    if unread and warnings is not None:
        warnings.append((header_row, _("Các cột sau không được đọc: %(columns)s. Nếu cần, hãy đổi tiêu đề theo "
                                       "tệp mẫu.") % {"columns": ", ".join(unread)}))
    rows = []
    for index in range(data_from, len(table)):
        cells = table[index]
        values = {key: cells[col].strip() if col < len(cells) else "" for key, col in columns.items()}
        if is_blank(list(values.values())):
            continue  # an empty row, or one with only a number in the STT column
        rows.append({"row": index + 1, "values": values})
    return rows, []


def _choice_lookup(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Folded label (or code) -> code. Each comma-separated part of a label also works when it names
    one choice only: "Trưởng thôn" or "Tổ trưởng tổ dân phố" for "Trưởng thôn, Tổ trưởng tổ dân phố"."""
    lookup: dict[str, str] = {}
    parts: dict[str, set[str]] = {}
    for value, label in choices:
        lookup[fold(str(label))] = value
        if value:
            lookup[fold(value)] = value
        for part in str(label).split(","):
            parts.setdefault(fold(part), set()).add(value)
    for part, values in parts.items():
        if part and len(values) == 1:
            lookup.setdefault(part, next(iter(values)))
    lookup.update(extra or {})
    return lookup


def _compact(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


_ETHNIC_ALIASES = {"hmong": "Mông", "ede": "Ê Đê", "jrai": "Gia Rai", "bahnar": "Ba Na", "khome": "Khmer"}


def _ethnic_group(text: str) -> str:
    """The official spelling of an ethnic group, whatever the accents, spaces or hyphens; else the text
    unchanged, for PersonForm to refuse with its own message."""
    compact = _compact(text)
    if compact.startswith("dantoc"):
        compact = compact[len("dantoc"):]
    for name in ETHNIC_GROUPS:
        if _compact(name) == compact:
            return name
    return _ETHNIC_ALIASES.get(compact, text)


def _village_core(name: str) -> str:
    folded = fold(name)
    for prefix in _VILLAGE_PREFIXES:
        if folded.startswith(prefix + " "):
            return folded[len(prefix) + 1:].strip()
    return folded


class _VillageIndex:
    """The active villages of the team's commune, found by name with or without diacritics and
    with or without "Thôn" / "Tổ dân phố"."""

    def __init__(self, commune: AdminUnit):
        self.commune = commune
        self.by_core: dict[str, list[AdminUnit]] = {}
        for village in AdminUnit.objects.active().villages().filter(commune=commune):
            self.by_core.setdefault(_village_core(village.name), []).append(village)
            if fold(village.name) != _village_core(village.name):
                self.by_core.setdefault(fold(village.name), []).append(village)

    def find(self, text: str) -> tuple[AdminUnit | None, str | None]:
        text = clean_spaces(text)
        candidates = list({v.pk: v for v in self.by_core.get(fold(text), [])
                           + self.by_core.get(_village_core(text), [])}.values())
        if len(candidates) > 1:  # "Nà Khà" and "Na Kha": written with diacritics, the exact one wins
            exact = [v for v in candidates if clean_spaces(v.name).lower() == text.lower()
                     or _strip_prefix(v.name).lower() == _strip_prefix(text).lower()]
            candidates = exact or candidates
        if not candidates:
            return None, _("không có thôn, tổ dân phố «%(name)s» trong %(commune)s.") % {
                "name": text, "commune": self.commune.name}
        if len(candidates) > 1:
            return None, _("«%(name)s» trùng tên với nhiều nơi: %(names)s. Hãy ghi đủ tên, có dấu.") % {
                "name": text, "names": ", ".join(sorted(v.name for v in candidates))}
        return candidates[0], None


def _strip_prefix(name: str) -> str:
    """The name without its leading kind word, diacritics kept: "Thôn Nà Khà" -> "Nà Khà"."""
    name = clean_spaces(name)
    core = _village_core(name)
    return name[len(name) - len(core):] if core != fold(name) else name


# ---- checking ----------------------------------------------------------------------------------

_CHOICES = {"gender": Gender.choices, "occupation": Occupation.choices, "position": Position.choices,
            "role": MemberRole.choices}


# What commune lists write in "Nghề nghiệp", folded, to the plan's occupations; the first that
# matches a whole word group wins, so "cán bộ y tế" is a health worker and "hội nông dân" not a farmer.
_OCCUPATION_WORDS = [
    (("cong an",), Occupation.COMMUNE_POLICE),
    (("y te", "bac si", "y si", "dieu duong", "ho sinh", "duoc si", "tram y te", "nhan vien y te"),
     Occupation.HEALTH_WORKER),
    (("giao vien", "co giao", "thay giao", "giang vien", "nha giao"), Occupation.TEACHER),
    (("buu dien", "buu chinh", "vien thong", "vnpt", "viettel", "mobifone", "vnpost"), Occupation.POSTAL_TELECOM),
    (("cong nghe thong tin", "cntt", "tin hoc", "phan mem"), Occupation.IT_BUSINESS),
    (("cuu chien binh", "ccb"), Occupation.VETERANS),
    (("hoi nong dan", "hnd"), Occupation.FARMERS_UNION),
    (("hoi phu nu", "hoi lhpn", "lhpn", "phu nu"), Occupation.WOMENS_UNION),
    (("doan thanh nien", "doan vien", "chi doan", "bi thu doan", "tncs"), Occupation.YOUTH_UNION),
    (("dang vien", "bi thu chi bo", "chi bo"), Occupation.PARTY_MEMBER),
    (("can bo", "cong chuc", "vien chuc", "ubnd", "uy ban"), Occupation.OFFICIAL),
    (("nong dan", "lam ruong", "lam nong", "trong trot", "chan nuoi", "tu do", "kinh doanh", "buon ban",
      "hoc sinh", "sinh vien", "noi tro", "lao dong", "cong nhan", "huu tri", "nghi huu"), Occupation.RESIDENT),
]
_DEPUTY_WORDS = ("pho truong thon", "pho to truong", "pho bi thu", "pho chu tich")


def _has_words(folded: str, words) -> bool:
    return any(re.search(rf"(^|[^a-z0-9]){re.escape(word)}($|[^a-z0-9])", folded) for word in words)


def _position_from_text(text: str, *, is_commune: bool) -> str | None:
    """The plan's post that a free-text post names ("Trưởng thôn Nà Khà", "Bí thư chi đoàn",
    "Phó Trưởng phòng VH-XH"), or None. A deputy of a post ("Phó trưởng thôn") is not that post."""
    folded = clean_spaces(fold(text).replace("-", " "))
    if _has_words(folded, _DEPUTY_WORDS):
        return None
    if _has_words(folded, ("truong thon", "to truong to dan pho", "to truong tdp", "truong xom", "truong khu pho",
                           "truong ap")):
        return Position.VILLAGE_HEAD
    if _has_words(folded, ("phong van hoa", "phong vh xh", "phong vhxh", "van hoa xa hoi", "vh xh", "vhxh")) and \
            _has_words(folded, ("truong phong", "lanh dao", "pho truong phong")):
        return Position.VHXH_LEADER
    if _has_words(folded, ("bi thu chi doan", "bi thu doan", "bi thu doan thanh nien")):
        if _has_words(folded, ("chi doan", "thon", "to dan pho", "ban", "xom")):
            return Position.VILLAGE_YOUTH_SECRETARY
        if _has_words(folded, ("xa", "phuong", "dac khu")):
            return Position.COMMUNE_YOUTH_SECRETARY
        return Position.COMMUNE_YOUTH_SECRETARY if is_commune else Position.VILLAGE_YOUTH_SECRETARY
    return None


def _occupation_from_text(text: str) -> str | None:
    folded = clean_spaces(fold(text).replace("-", " "))
    for words, occupation in _OCCUPATION_WORDS:
        if _has_words(folded, words):
            return occupation
    return None


_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})|(\d{4})-(\d{2})-(\d{2})([ T].*)?")


def _birth_year_text(text: str) -> str:
    """A year from what lists hold: 1990, 1990.0 (a CSV from another program), 12/05/1990, 1990-05-12
    (a date cell); anything else unchanged, for PersonForm to refuse with its own message."""
    text = text.strip()
    if re.fullmatch(r"\d{4}\.0+", text):
        return text.split(".")[0]
    match = _DATE.fullmatch(text)
    if match:
        return match.group(3) or match.group(4)
    return text


class _Lookups:
    def __init__(self, team: Team):
        self.gender = _choice_lookup(Gender.choices, {"m": Gender.MALE, "f": Gender.FEMALE, "nam gioi": Gender.MALE,
                                                      "nu gioi": Gender.FEMALE, "ong": Gender.MALE,
                                                      "ba": Gender.FEMALE})
        self.occupation = _choice_lookup(Occupation.choices)
        self.position = _choice_lookup(Position.choices, {"khong": "", "-": ""})
        self.role = _choice_lookup(MemberRole.choices, {"ctv": MemberRole.COLLABORATOR, "tv": MemberRole.MEMBER})
        self.villages = _VillageIndex(team.commune)
        self.is_commune = team.unit.is_commune


def _form_data(values: dict, lookups: _Lookups) -> tuple[dict, dict[str, str], list[str]]:
    """PersonForm's data from a row's cells, the errors of cells that name no known value, and notes
    about what was left out."""
    errors: dict[str, str] = {}
    notes: list[str] = []
    labels = _labels()
    values = dict(values)
    male, female = values.pop("birth_year_male", ""), values.pop("birth_year_female", "")
    if male and female:
        errors["birth_year"] = _("ghi năm sinh ở một trong hai cột «Nam», «Nữ», không ghi cả hai.")
    elif male or female:
        values["birth_year"] = male or female
        values["gender"] = values.get("gender") or str(Gender.MALE.label if male else Gender.FEMALE.label)
    data = {key: values.get(key, "") for key in ("full_name", "birth_year", "phone", "zalo_phone", "email",
                                                 "workplace", "digital_skills")}
    data["birth_year"] = _birth_year_text(data["birth_year"])

    def choice(key: str, lookup: dict, default: str = "") -> str:
        text = values.get(key, "")
        if not text:
            return default
        if fold(text) in lookup:
            return lookup[fold(text)]
        errors[key] = _("«%(value)s» không có trong danh sách (%(choices)s).") % {
            "value": text, "choices": "; ".join(str(label) for value, label in _CHOICES[key] if value)}
        return ""

    data["gender"] = choice("gender", lookups.gender)
    # Occupation and post as commune lists write them: free text, read for what the plan lists.
    occupation_text = values.get("occupation", "")
    data["occupation"] = Occupation.RESIDENT
    if occupation_text:
        data["occupation"] = lookups.occupation.get(fold(occupation_text)) or _occupation_from_text(occupation_text)
        if data["occupation"] is None and _position_from_text(occupation_text, is_commune=lookups.is_commune):
            data["occupation"] = Occupation.OTHER  # "Trưởng thôn": a post, read below, not an occupation
        elif data["occupation"] is None:
            data["occupation"] = Occupation.OTHER
            notes.append(_("%(column)s «%(value)s» không thuộc thành phần nào kế hoạch nêu: ghi là «%(other)s».") % {
                "column": labels["occupation"], "value": occupation_text, "other": Occupation.OTHER.label})
    position_text = values.get("position", "")
    data["position"] = ""
    if position_text:
        position = lookups.position.get(fold(position_text))
        if position is None:
            position = _position_from_text(position_text, is_commune=lookups.is_commune)
        if position is None:
            # A post the plan does not name ("Phó Chủ tịch Hội Nông dân") is kept with the workplace.
            data["workplace"] = ", ".join(part for part in (position_text, data["workplace"]) if part)[:200]
            notes.append(_("%(column)s «%(value)s» không phải chức vụ kế hoạch nêu cho tổ trưởng, tổ phó: ghi vào "
                           "nơi công tác.") % {"column": labels["position"], "value": position_text})
        else:
            data["position"] = position
    elif occupation_text:  # "Nghề nghiệp: Trưởng thôn" says the post too
        data["position"] = _position_from_text(occupation_text, is_commune=lookups.is_commune) or ""
    data["home_village"] = ""
    if values.get("home_village"):
        village, error = lookups.villages.find(values["home_village"])
        if error:
            errors["home_village"] = error
        else:
            data["home_village"] = str(village.pk)
    data["ethnic_group"] = _ethnic_group(values["ethnic_group"]) if values.get("ethnic_group") else ""
    consent = fold(values.get("ethnic_group_consent", ""))
    if consent in _YES:
        data["ethnic_group_consent"] = "on"
    elif consent not in _NO:
        errors["ethnic_group_consent"] = _("«%(value)s»: ghi «Có» khi người đó đồng ý, không thì để trống.") % {
            "value": values["ethnic_group_consent"]}
    elif data["ethnic_group"]:
        # Sensitive data without a recorded consent (Law 91/2025): the person is imported, the
        # ethnic group is not kept, and the row says so.
        data["ethnic_group"] = ""
        notes.append(_("Không ghi dân tộc: chưa có sự đồng ý của người này (cột «Đồng ý cung cấp dân tộc»)."))
    return data, errors, notes


def _checked_rows(team: Team, data: bytes, file_name: str, *, max_rows: int = MAX_ROWS,
                  officer: bool = True, warnings: list | None = None) -> tuple[list[dict], list[tuple[int, str]]]:
    """Read a file and check each row on its own (PersonForm) and against the other rows (the example
    row left in, the same phone twice). Nothing here looks at who is already on file.

    Without `officer`, the role and post columns are not read: those are the officer's to record."""
    if team.status == TeamStatus.DISSOLVED:
        return [], [(0, _("%(team)s đã giải thể: không nhập thêm thành viên được.") % {"team": team})]
    raw_rows, errors = _read_rows(data, file_name, max_rows=max_rows, warnings=warnings)
    if errors:
        return [], errors
    if not raw_rows:
        return [], [(0, _("Tệp không có dòng dữ liệu nào: mỗi người một dòng, dưới dòng tiêu đề."))]
    labels, lookups = _labels(), _Lookups(team)
    example_phone = normalize_phone(_EXAMPLE["phone"])
    seen_phones: dict[str, int] = {}
    rows = []
    for raw in raw_rows:
        values = raw["values"]
        if not officer:
            values = {key: value for key, value in values.items() if key not in ("role", "position")}
        form_data, cell_errors, notes = _form_data(values, lookups)
        form = PersonForm(data=form_data, commune=team.commune)
        form.is_valid()
        messages = [f"{labels[key]}: {message}" for key, message in cell_errors.items()]
        for key, field_errors in form.errors.items():
            if key in cell_errors:
                continue
            prefix = f"{labels[key]}: " if key in labels else ""
            messages.extend(prefix + message for message in field_errors)
        role_text = values.get("role", "")
        role = lookups.role.get(fold(role_text)) if role_text else MemberRole.MEMBER
        if role is None:
            messages.append(_("%(column)s: «%(value)s» không hợp lệ: ghi Tổ trưởng, Tổ phó, Thành viên hoặc "
                              "Cộng tác viên.") % {"column": labels["role"], "value": role_text})
        cleaned = form.cleaned_data
        row = {"row": raw["row"], "full_name": cleaned.get("full_name") or clean_spaces(values.get("full_name")),
               "phone": cleaned.get("phone") or "", "role": role or "", "person": None, "errors": messages,
               "data": cleaned, "duplicate": False, "notes": notes}
        phone = row["phone"]
        if phone == example_phone and fold(row["full_name"]) == fold(_EXAMPLE["full_name"]):
            messages[:] = [_("Đây là dòng ví dụ của tệp mẫu: hãy xóa dòng này.")]
        elif phone in seen_phones:
            messages.append(_("%(column)s: số %(phone)s trùng với dòng %(row)s.") % {
                "column": labels["phone"], "phone": format_phone(phone), "row": seen_phones[phone]})
            row["duplicate"] = True
        elif phone:
            seen_phones[phone] = raw["row"]
        rows.append(row)
    return rows, []


def _errors_of(rows: list[dict]) -> list[tuple[int, str]]:
    return [(row["row"], message) for row in rows for message in row["errors"]]


def members_import_check(team: Team, data: bytes, file_name: str,
                         warnings: list | None = None) -> tuple[list[dict], list[tuple[int, str]]]:
    """Check every row of a member file for `team` without writing anything.

    Returns (rows, errors). Each row is a dict: row (number in Excel), full_name, phone (normalised),
    role (code), data (PersonForm's cleaned data for person_save, None when the row has errors),
    person (the Person already on file with that phone, or None) and errors (that row's messages).
    Errors are (row number, Vietnamese message); row 0 is about the whole file. What is read but not
    refused (columns not read) is added to `warnings` as (row number, message)."""
    team = Team.objects.select_related("unit", "province", "commune").get(pk=team.pk)
    rows, errors = _checked_rows(team, data, file_name, warnings=warnings)
    if errors:
        return [], errors

    # Against what is on file, and against the team's seats.
    labels = _labels()
    people = {p.phone: p for p in Person.objects.filter(phone__in={row["phone"] for row in rows if row["phone"]})}
    active = list(team.memberships.active().select_related("person"))
    active_by_person = {m.person_id: m for m in active}
    holders = {m.role: m for m in active if m.role in (MemberRole.LEADER, MemberRole.DEPUTY)}
    cap, counted = team_cap(team), sum(1 for m in active if m.role != MemberRole.COLLABORATOR)
    seen_roles: dict[str, int] = {}
    wanting_seats = []  # rows that would take a counted place, if nothing else is wrong with them
    for row in rows:
        messages, phone, role = row["errors"], row["phone"], row["role"]
        seated = not row["duplicate"]  # would this row take a place in the team?
        person = people.get(phone) if phone else None
        if person is not None and row["full_name"] and fold(person.full_name) != fold(row["full_name"]):
            messages.append(_("%(column)s: số %(phone)s đã có trong danh sách với tên %(holder)s, khác tên trong "
                              "tệp (%(name)s). Hãy kiểm tra lại số hoặc tên.") % {
                "column": labels["phone"], "phone": format_phone(phone), "holder": person.full_name,
                "name": row["full_name"]})
        elif person is not None:
            row["person"] = person
            membership = active_by_person.get(person.pk)
            if membership is not None:
                messages.append(_("%(name)s đã là thành viên của tổ (%(role)s từ ngày %(day)s).") % {
                    "name": person.full_name, "role": membership.get_role_display().lower(),
                    "day": membership.start_date.strftime("%d/%m/%Y")})
                seated = False
        if role in (MemberRole.LEADER, MemberRole.DEPUTY) and seated:
            label = MemberRole(role).label.lower()
            if role in holders:
                messages.append(_("%(column)s: tổ đã có %(role)s (%(name)s). Hãy kết thúc vai trò của người cũ "
                                  "trước, hoặc ghi vai trò khác.") % {
                    "column": labels["role"], "role": label, "name": holders[role].person.full_name})
            elif role in seen_roles:
                messages.append(_("%(column)s: tệp ghi hai %(role)s (dòng %(first)s và dòng này); mỗi tổ chỉ có "
                                  "một %(role)s.") % {"column": labels["role"], "role": label,
                                                     "first": seen_roles[role]})
            else:
                seen_roles[role] = row["row"]
        if role and role != MemberRole.COLLABORATOR and seated:
            wanting_seats.append(row)
    # The seats left go to the rows that are otherwise right, in file order: a row with its own error
    # takes no seat, so it never makes a later row "over the cap".
    free = max(cap - counted, 0)
    seated_rows = [row for row in wanting_seats if not row["errors"]]
    fitting = [row["row"] for row in seated_rows[:free]]
    for row in seated_rows[free:]:
        if free:
            text = _("Tổ đã đủ %(cap)s thành viên (không kể cộng tác viên): tổ đang có %(now)s người, %(free)s chỗ "
                     "còn lại đã dành cho dòng %(rows)s; người ở dòng này vượt quá. Có thể ghi vai trò "
                     "«%(collaborator)s» hoặc bớt người.") % {
                "cap": cap, "now": counted, "free": free, "rows": ", ".join(str(n) for n in fitting),
                "collaborator": MemberRole.COLLABORATOR.label}
        else:
            text = _("Tổ đã đủ %(cap)s thành viên (không kể cộng tác viên): tổ đang có %(now)s người, không còn chỗ; "
                     "người ở dòng này vượt quá. Có thể ghi vai trò «%(collaborator)s».") % {
                "cap": cap, "now": counted, "collaborator": MemberRole.COLLABORATOR.label}
        row["errors"].append(text)
    for row in rows:
        row["data"] = None if row["errors"] else {name: row["data"].get(name) for name in PERSON_FIELDS}
        del row["duplicate"]
    return rows, _errors_of(rows)


def application_entries_from_file(team: Team, data: bytes, file_name: str,
                                  notes: list[str] | None = None) -> tuple[list[dict], list[tuple[int, str]]]:
    """The people of a group list sent with a public join application, from the same template.

    Returns (entries, errors): entries are PersonForm's cleaned data, one per row, for
    application_submit_join; there are none when any row has an error. Posts and roles in the file
    are not taken (the officer records them), and nothing is said about who already holds a phone
    number: the sender is not signed in. What was left out of a row (an ethnic group without its
    consent) is added to `notes`, one line a row, for the sender to read."""
    team = Team.objects.select_related("unit", "province", "commune").get(pk=team.pk)
    warnings: list = []
    rows, errors = _checked_rows(team, data, file_name, max_rows=PUBLIC_MAX_ROWS, officer=False, warnings=warnings)
    errors = errors or _errors_of(rows)
    if errors:
        return [], errors
    if notes is not None:
        notes.extend(_line(row, message) for row, message in warnings)
        notes.extend(_line(row["row"], note) for row in rows for note in row.get("notes", []))
    return [{key: value for key, value in row["data"].items() if key != "position"} for row in rows], []


def _line(row: int, message: str) -> str:
    return _("Dòng %(row)s: %(message)s") % {"row": row, "message": message} if row else message


# ---- importing ---------------------------------------------------------------------------------

def members_import_apply(team: Team, data: bytes, file_name: str, by) -> list[Membership]:
    """Add every person of the file to `team`, or nobody.

    The team row is locked, the file checked again against the database as it is now, and if any
    row has an error a ValidationError carrying every "Dòng N: ..." message is raised and nothing is
    written. Otherwise each row reuses the person on file with that phone, or creates one, and
    starts a membership from today. Importing the same file again reports every row as already a
    member, so nothing doubles."""
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        rows, errors = members_import_check(team, data, file_name)
        if errors:
            raise ValidationError([_line(row, message) for row, message in errors], code="import_invalid")
        memberships, created = [], 0
        for row in rows:
            try:
                person = row["person"] or person_find_by_phone(row["phone"])
                if person is not None and fold(person.full_name) != fold(row["full_name"]):
                    raise ValidationError(_("Số %(phone)s vừa được ghi cho %(holder)s.") % {
                        "phone": format_phone(row["phone"]), "holder": person.full_name})
                if person is None:
                    person = person_save(data=row["data"], commune=team.commune, by=by)
                    created += 1
                memberships.append(membership_start(team=team, person=person, role=row["role"], by=by))
            except ValidationError as exc:  # someone changed the team or the people since the check
                raise ValidationError([_line(row["row"], message) for message in exc.messages],
                                      code="import_invalid") from exc
        audit_record(actor=by, action="team.import_members", obj=team,
                     summary=_("Nhập %(count)s người vào %(team)s từ tệp %(file)s") % {
                         "count": len(memberships), "team": team, "file": file_name},
                     data={"file": file_name[:255], "memberships": [m.pk for m in memberships],
                           "people_created": created})
    return memberships


# ---- export ------------------------------------------------------------------------------------

_DATE_COLUMNS = slice(13, 15)  # Từ ngày, Đến ngày: real dates, so Excel sorts and filters them


def _text(value) -> str:
    return str(value) if value else ""


def members_export_xlsx(memberships, *, include_ethnic_group: bool = False, title: str) -> bytes:
    """One row per membership, for one team or a whole commune (pass a queryset, or a list already
    loaded with its people and teams). The ethnic group, sensitive personal data, is written only
    when `include_ethnic_group` is True."""
    if isinstance(memberships, QuerySet):
        memberships = memberships.select_related("person__home_village", "team__unit")
    columns = [
        (_("STT"), 6), (_("Họ và tên"), 26), (_("Giới tính"), 9), (_("Năm sinh"), 9), (_("Số điện thoại"), 15),
        (_("Số Zalo"), 15), (_("Thư điện tử"), 24), (_("Thành phần"), 24), (_("Chức vụ"), 28),
        (_("Nơi công tác"), 24), (_("Thôn nơi ở"), 18), (_("Tổ"), 20), (_("Vai trò"), 14), (_("Từ ngày"), 12),
        (_("Đến ngày"), 12),
    ]
    if include_ethnic_group:
        columns.append((_("Dân tộc"), 12))
    book = Workbook()
    sheet = book.active
    sheet.title = _("Danh sách")
    start_list_sheet(sheet, title=title, note=_("Xuất ngày %(day)s") % {
        "day": timezone.localdate().strftime("%d/%m/%Y")}, headers=[label for label, _width in columns])
    widths = [width for _label, width in columns]
    count = 0
    for count, membership in enumerate(memberships, start=1):
        person = membership.person
        values = [
            count, person.full_name, _text(person.gender and person.get_gender_display()), person.birth_year,
            format_phone(person.phone), format_phone(person.zalo_phone), person.email,
            _text(person.get_occupation_display()), _text(person.position and person.get_position_display()),
            person.workplace, person.home_village.name if person.home_village else "", membership.team.unit.name,
            _text(membership.get_role_display()), membership.start_date, membership.end_date,
        ]
        if include_ethnic_group:
            values.append(person.ethnic_group)
        sheet.append(values)
        cells = sheet[sheet.max_row]
        for index, cell in enumerate(cells):
            widths[index] = max(widths[index], min(len(str(cell.value or "")) + 2, 50))
        for cell in cells[_DATE_COLUMNS]:
            cell.number_format = "DD/MM/YYYY"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    finish_table(sheet, header_row=LIST_HEADER_ROW, key_columns=2, plain_columns={4})  # 4: the year of birth
    return _book_bytes(book)
