"""Reading the "Bình dân học vụ số" platform's CSV export of completed courses (or the same columns
in an .xlsx): every row is checked first and each problem named by its row number; nothing is
written unless every row is good (the service then writes them all, skipping rows already there).

Columns, found by their heading (with or without diacritics, in any order):
  Họ và tên · Số điện thoại · Số định danh cá nhân (read, not kept) · Khóa học · Ngày hoàn thành
Other columns (Đơn vị, Kết quả, Mã chứng chỉ …) are ignored. A person is found by the phone number
(any common way of writing it), among the members of the teams the importer's scope covers; the
name must match that person's (diacritics aside). The course name gives the topic through the
province's table of platform courses, or the topic chosen in the form for names not in it."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.lib.phone import normalize_phone
from tocns.lib.sheets import is_blank, read_table
from tocns.lib.text import fold
from tocns.teams.models import Person

from .models import PlatformCourse, Topic

MAX_ROWS = 5000
HEADINGS = {
    "name": ("ho va ten", "ho ten", "ten hoc vien", "hoc vien", "full name", "name"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "phone"),
    "identity": ("so dinh danh ca nhan", "so dinh danh", "so cccd", "cccd", "can cuoc cong dan", "ma dinh danh"),
    "course": ("khoa hoc", "ten khoa hoc", "khoa hoc da hoan thanh", "course"),
    "day": ("ngay hoan thanh", "ngay hoan thanh khoa hoc", "thoi gian hoan thanh", "ngay cap chung nhan",
            "completed"),
}
REQUIRED = ("name", "phone", "course", "day")
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%dT%H:%M:%S")


@dataclass
class CompletionRow:
    number: int
    person: Person
    course_name: str
    completed_on: date
    topic: Topic


def _columns(header: list[str]) -> dict[str, int]:
    folded = [fold(cell).strip(" :*") for cell in header]
    found = {}
    for key, names in HEADINGS.items():
        for index, cell in enumerate(folded):
            if cell in names:
                found[key] = index
                break
    return found


def _day(text: str) -> date | None:
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def check_completion_rows(*, data: bytes, file_name: str, province, members, default_topic=None):
    """(good rows, [(row number, message)]). `members`: the Person queryset the importer may touch."""
    try:
        table = read_table(data, file_name, max_rows=MAX_ROWS)
    except ValidationError as exc:
        return [], [(0, message) for message in exc.messages]
    start = next((i for i, cells in enumerate(table) if not is_blank(cells)), None)
    if start is None:
        return [], [(0, _("Tệp không có dòng nào."))]
    columns = _columns(table[start])
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        labels = {"name": _("Họ và tên"), "phone": _("Số điện thoại"), "course": _("Khóa học"),
                  "day": _("Ngày hoàn thành")}
        return [], [(start + 1, _("Thiếu cột: %(cols)s.") % {"cols": ", ".join(labels[k] for k in missing)})]

    def cell(cells, key):
        index = columns.get(key)
        return (cells[index] if index is not None and index < len(cells) else "").strip()

    entries = [(number, cells) for number, cells in enumerate(table[start + 1:], start=start + 2)
               if not is_blank(cells)]
    if not entries:
        return [], [(0, _("Tệp chỉ có dòng tiêu đề, chưa có dòng nào."))]
    phones = {normalize_phone(cell(cells, "phone")) for _n, cells in entries} - {None}
    people = {p.phone: p for p in Person.objects.filter(phone__in=phones)}
    allowed = set(members.filter(phone__in=phones).values_list("pk", flat=True))
    topics = {row.name_folded: row.topic for row in PlatformCourse.objects.filter(province=province)
              .select_related("topic")}
    today = timezone.localdate()
    good, errors, seen = [], [], {}
    for number, cells in entries:
        problems = []
        name, raw_phone, course, raw_day = (cell(cells, k) for k in ("name", "phone", "course", "day"))
        phone = normalize_phone(raw_phone)
        person = people.get(phone) if phone else None
        if not raw_phone:
            problems.append(_("thiếu số điện thoại"))
        elif phone is None:
            problems.append(_("số điện thoại “%(p)s” không đúng") % {"p": raw_phone})
        elif person is None:
            problems.append(_("không tìm thấy người có số %(p)s") % {"p": raw_phone})
        elif person.pk not in allowed:
            problems.append(_("người có số %(p)s không thuộc các tổ trong phạm vi của bạn") % {"p": raw_phone})
        elif not name:
            problems.append(_("thiếu họ tên"))
        elif fold(name) != fold(person.full_name):
            problems.append(_("họ tên “%(name)s” không khớp với người có số này (%(real)s)") % {
                "name": name, "real": person.full_name})
        topic = topics.get(fold(course)) or default_topic
        if not course:
            problems.append(_("thiếu tên khóa học"))
        elif topic is None:
            problems.append(_("khóa học “%(c)s” chưa gắn với chủ đề nào") % {"c": course})
        day = _day(raw_day)
        if not raw_day:
            problems.append(_("thiếu ngày hoàn thành"))
        elif day is None:
            problems.append(_("ngày hoàn thành “%(d)s” không đúng dạng dd/mm/yyyy") % {"d": raw_day})
        elif day > today or day.year < 2000:
            problems.append(_("ngày hoàn thành %(d)s không hợp lý") % {"d": day.strftime("%d/%m/%Y")})
        if person is not None and course and day is not None:
            key = (person.pk, fold(course), day)
            if key in seen:
                problems.append(_("trùng với dòng %(n)s") % {"n": seen[key]})
            seen.setdefault(key, number)
        if problems:
            text = "; ".join(problems)
            errors.append((number, text[0].upper() + text[1:] + "."))
        else:
            good.append(CompletionRow(number=number, person=person, course_name=" ".join(course.split()),
                                      completed_on=day, topic=topic))
    return good, errors
