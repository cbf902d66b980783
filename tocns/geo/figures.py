"""Villages' household and population figures (số hộ, số nhân khẩu; plan II.2.1: the aim is every
household): typed one village at a time by the commune office, or imported from an Excel file.

Every change is a new VillageFigures row (the latest in force, the earlier kept). Which villages a
user may change is decided by the caller (the pages know the user's scope; geo knows no other app)
and handed in as `allowed`, a queryset of villages."""

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.lib.sheets import read_table
from tocns.lib.text import clean_spaces, fold

from .models import VILLAGE_KINDS, AdminUnit, FigureSource, VillageFigures

MAX_HOUSEHOLDS = 100000  # a village of 100,000 households is a typing error
MAX_FIGURE_ROWS = 20000
EARLIEST = date(2000, 1, 1)


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

def current_figures(villages: QuerySet) -> dict[int, VillageFigures]:
    """{village id: the figures in force} for these villages (those without figures are absent)."""
    return {f.village_id: f for f in VillageFigures.objects.current().filter(village__in=villages)}


def figures_history(village: AdminUnit) -> QuerySet:
    return VillageFigures.objects.filter(village=village).select_related("recorded_by").order_by("-version")


# --------------------------------------------------------------------------------------------
# Checking one set of figures
# --------------------------------------------------------------------------------------------

def _number(text, label: str) -> tuple[int | None, str | None]:
    """(value, None) or (None, message). Accepts 1.234 and 1,234 as thousands (Vietnamese habit)."""
    if isinstance(text, int):
        value = text
    else:
        text = clean_spaces(str(text or "")).replace(" ", "")
        if not text:
            return None, None
        if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", text):
            text = text.replace(".", "").replace(",", "")
        if not re.fullmatch(r"-?\d+", text):
            return None, _("%(label)s «%(text)s» không phải là số nguyên.") % {"label": label, "text": text}
        value = int(text)
    if value < 0:
        return None, _("%(label)s không được âm.") % {"label": label}
    if value > MAX_HOUSEHOLDS * 20:
        return None, _("%(label)s quá lớn (%(n)s).") % {"label": label, "n": value}
    return value, None


def _as_of(text, today: date) -> tuple[date | None, str | None]:
    """A date dd/mm/yyyy, or a year (then 31/12 of that year, or today for this year). Blank: today."""
    if isinstance(text, date):
        day = text
    else:
        text = clean_spaces(str(text or ""))
        if not text:
            return today, None
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            day = today if year == today.year else date(year, 12, 31) if 2000 <= year < today.year else None
            if day is None:
                return None, _("Năm số liệu «%(text)s» không hợp lệ.") % {"text": text}
            return day, None
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text) or re.fullmatch(
            r"(\d{4})-(\d{2})-(\d{2})(?: 00:00:00)?", text)
        if not match:
            return None, _("Ngày số liệu «%(text)s» không hợp lệ: ghi dd/mm/yyyy hoặc năm.") % {"text": text}
        a, b, c = (int(g) for g in match.groups())
        try:
            day = date(a, b, c) if a > 31 else date(c, b, a)
        except ValueError:
            return None, _("Ngày số liệu «%(text)s» không có thật.") % {"text": text}
    if day > today:
        return None, _("Ngày số liệu không được sau hôm nay.")
    if day < EARLIEST:
        return None, _("Ngày số liệu quá xa (trước năm 2000).")
    return day, None


def check_figures(households, population, as_of, *, today: date | None = None) -> tuple[dict, dict]:
    """({households, population, as_of}, {field: message}) from what was typed."""
    today = today or timezone.localdate()
    errors: dict = {}
    h, error = _number(households, _("Số hộ"))
    if error:
        errors["households"] = error
    elif h is None:
        errors["households"] = _("Cần ghi số hộ.")
    elif h > MAX_HOUSEHOLDS:
        errors["households"] = _("Số hộ quá lớn cho một thôn (%(n)s).") % {"n": h}
    p, error = _number(population, _("Số nhân khẩu"))
    if error:
        errors["population"] = error
    elif p is not None and h is not None and p < h:
        errors["population"] = _("Số nhân khẩu (%(p)s) không thể ít hơn số hộ (%(h)s).") % {"p": p, "h": h}
    day, error = _as_of(as_of, today)
    if error:
        errors["as_of"] = error
    return {"households": h, "population": p, "as_of": day}, errors


def _write(*, village: AdminUnit, values: dict, current: VillageFigures | None, source: str, user,
           demo: bool = False) -> VillageFigures | None:
    """A new row in force, the previous kept as history; None when nothing changed."""
    if current is not None and (current.households, current.population, current.as_of) == (
            values["households"], values["population"], values["as_of"]):
        return None
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    return VillageFigures.objects.create(
        village=village, commune_id=village.commune_id, province_id=village.province_id,
        households=values["households"], population=values["population"], as_of=values["as_of"],
        version=(current.version + 1) if current else 1, source=source,
        recorded_by=user if getattr(user, "is_authenticated", False) else None, is_demo=demo)


def _audit(user, action: str, obj, summary: str, data: dict, commune_id=None) -> None:
    from tocns.audit.services import audit_record

    audit_record(actor=user, action=action, obj=obj, summary=summary, data=data, commune_id=commune_id)


@transaction.atomic
def village_figures_set(*, village: AdminUnit, households, population, as_of, was: int | None, user,
                        allowed: QuerySet) -> VillageFigures | None:
    """Record a village's figures typed on the page. `was` is the version the page showed (0 when it
    showed none): if someone saved since, the change is refused rather than silently overwritten.
    Returns the new figures, or None when they were the same as those in force."""
    village = AdminUnit.objects.select_for_update().get(pk=village.pk)  # one writer per village at a time
    if not allowed.filter(pk=village.pk).exists() or village.kind not in VILLAGE_KINDS:
        raise ValidationError(_("Bạn không sửa được số liệu của thôn này."))
    current = VillageFigures.objects.current().filter(village=village).first()
    if was is None or (current.version if current else 0) != was:
        raise ValidationError(_("Trong lúc bạn sửa, người khác đã lưu số liệu của thôn này. Trang đã hiện lại số "
                                "mới nhất; hãy xem rồi sửa lại."), code="stale")
    values, errors = check_figures(households, population, as_of)
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    figures = _write(village=village, values=values, current=current, source=FigureSource.TYPED, user=user)
    if figures is not None:
        _audit(user, "village_figures.update", figures,
               _("Số hộ, nhân khẩu của %(v)s: %(h)s hộ, %(p)s nhân khẩu (tính đến %(d)s)") % {
                   "v": village.name, "h": figures.households, "p": figures.population or "—",
                   "d": f"{figures.as_of:%d/%m/%Y}"},
               {"village": village.code, "before": [current.households, current.population] if current else None,
                "after": [figures.households, figures.population], "as_of": figures.as_of.isoformat()})
    return figures


# --------------------------------------------------------------------------------------------
# Import from Excel: every row checked first, each problem reported by its row number, then all or nothing
# --------------------------------------------------------------------------------------------

TEMPLATE_HEADERS = ["Mã thôn", "Tên thôn, tổ dân phố", "Xã, phường", "Số hộ", "Số nhân khẩu",
                    "Ngày số liệu (dd/mm/yyyy hoặc năm)"]


@dataclass
class FigureRow:
    row: int
    code: str = ""
    name: str = ""
    commune: str = ""
    households: str = ""
    population: str = ""
    as_of: str = ""
    village_id: int | None = None
    village_name: str = ""
    errors: list = field(default_factory=list)


def _header_role(text: str) -> str | None:
    h = fold(clean_spaces(text))
    if not h:
        return None
    if h.startswith("ma"):
        return "code"
    if "nhan khau" in h or "dan so" in h:
        return "population"
    if "so ho" in h or h == "ho":
        return "households"
    if "ngay" in h or "nam" in h:
        return "as_of"
    if h.startswith(("xa", "phuong")) or "commune" in h:
        return "commune"
    if "thon" in h or "to dan pho" in h or h.startswith("ten"):
        return "name"
    return None


def read_figure_rows(data: bytes, file_name: str) -> list[FigureRow]:
    """The rows of the file, numbered as the spreadsheet shows them; the header row is found by its
    words (the template's, or close to them), else the template's column order is assumed."""
    table = read_table(data, file_name, max_rows=MAX_FIGURE_ROWS)
    columns = {"code": 0, "name": 1, "commune": 2, "households": 3, "population": 4, "as_of": 5}
    start = 0
    for index, cells in enumerate(table):
        if not any(c.strip() for c in cells):
            continue
        roles = [_header_role(c) for c in cells]
        if "households" in roles:
            columns = {role: roles.index(role) for role in columns if role in roles}
            start = index + 1
            break
        if index > 5:
            break
    rows = []
    for index in range(start, len(table)):
        cells = table[index]
        if not any(c.strip() for c in cells):
            continue

        def cell(role, cells=cells):
            col = columns.get(role)
            return cells[col].strip() if col is not None and col < len(cells) else ""

        rows.append(FigureRow(row=index + 1, **{role: cell(role) for role in columns}))
    return rows


class _Villages:
    """Finds a row's village by code, or by name within the commune written (or the user's only commune)."""

    def __init__(self, province: AdminUnit, allowed: QuerySet):
        self.allowed = set(allowed.values_list("pk", flat=True))
        villages = list(AdminUnit.objects.filter(province=province, kind__in=VILLAGE_KINDS).active()
                        .select_related("parent"))
        self.by_code = {v.code.lower(): v for v in villages}
        self.by_name: dict[str, list[AdminUnit]] = {}
        for v in villages:
            self.by_name.setdefault(v.name_folded, []).append(v)

    @staticmethod
    def _commune_matches(village: AdminUnit, text: str) -> bool:
        wanted = fold(text)
        name = village.parent.name_folded if village.parent else ""
        core = re.sub(r"^(xa|phuong|dac khu) ", "", name)
        return wanted in {name, core, village.parent.code if village.parent else ""}

    def find(self, row: FigureRow) -> tuple[AdminUnit | None, str | None]:
        if row.code:
            village = self.by_code.get(row.code.lower())
            if village is None:
                return None, _("Không có thôn, tổ dân phố nào mang mã «%(code)s».") % {"code": row.code}
        elif row.name:
            candidates = self.by_name.get(fold(row.name), [])
            if row.commune:
                candidates = [v for v in candidates if self._commune_matches(v, row.commune)]
            mine = [v for v in candidates if v.pk in self.allowed]
            if len(mine) > 1:
                return None, _("Có nhiều thôn tên «%(name)s»: hãy ghi mã thôn.") % {"name": row.name}
            if not mine and len(candidates) > 1:
                return None, _("Có nhiều thôn tên «%(name)s» ngoài phạm vi của bạn.") % {"name": row.name}
            village = (mine or candidates or [None])[0]
            if village is None:
                where = _(" trong %(c)s") % {"c": row.commune} if row.commune else ""
                return None, _("Không tìm thấy thôn, tổ dân phố «%(name)s»%(where)s.") % {
                    "name": row.name, "where": where}
        else:
            return None, _("Thiếu mã thôn hoặc tên thôn.")
        if village.pk not in self.allowed:
            return None, _("Thôn «%(name)s» (%(commune)s) không thuộc phạm vi của bạn.") % {
                "name": village.name, "commune": village.parent.name if village.parent else ""}
        return village, None


def check_figure_rows(*, province: AdminUnit, allowed: QuerySet, rows: list[FigureRow],
                      today: date | None = None) -> list[FigureRow]:
    """Check every row: the village (known, in the user's scope, once in the file) and the figures."""
    finder = _Villages(province, allowed)
    seen: dict[int, int] = {}
    for row in rows:
        village, error = finder.find(row)
        if error:
            row.errors.append(error)
        else:
            row.village_id, row.village_name = village.pk, village.name
            if village.pk in seen:
                row.errors.append(_("Thôn «%(name)s» đã có ở dòng %(row)s.") % {"name": village.name,
                                                                                 "row": seen[village.pk]})
            else:
                seen[village.pk] = row.row
        _values, errors = check_figures(row.households, row.population, row.as_of, today=today)
        row.errors.extend(errors[name] for name in ("households", "population", "as_of") if name in errors)
    return rows


@dataclass
class FigureImportResult:
    rows: list
    changed: int = 0
    unchanged: int = 0

    @property
    def errors(self) -> list:
        return [r for r in self.rows if r.errors]


@transaction.atomic
def village_figures_import(*, province: AdminUnit, allowed: QuerySet, data: bytes, file_name: str,
                           user) -> FigureImportResult:
    """Import a file of villages' figures: every row is checked first; if any row is wrong nothing is
    written and each problem is reported with its row number. A file sent twice changes nothing the
    second time (rows equal to the figures in force are left alone)."""
    rows = read_figure_rows(data, file_name)
    if not rows:
        raise ValidationError(_("Tệp không có dòng số liệu nào."))
    rows = check_figure_rows(province=province, allowed=allowed, rows=rows)
    result = FigureImportResult(rows=rows)
    if result.errors:
        return result
    villages = {v.pk: v for v in AdminUnit.objects.select_for_update().filter(pk__in=[r.village_id for r in rows])}
    current = {f.village_id: f for f in VillageFigures.objects.current().filter(village_id__in=villages)}
    for row in rows:
        values, _errors = check_figures(row.households, row.population, row.as_of)
        written = _write(village=villages[row.village_id], values=values, current=current.get(row.village_id),
                         source=FigureSource.IMPORTED, user=user)
        if written is None:
            result.unchanged += 1
        else:
            result.changed += 1
    if result.changed:
        communes = {v.commune_id for v in villages.values()}
        _audit(user, "village_figures.import", province,
               _("Nhập số hộ, nhân khẩu từ tệp %(file)s: %(n)s thôn thay đổi, %(u)s không đổi") % {
                   "file": file_name[:100], "n": result.changed, "u": result.unchanged},
               {"file": file_name[:255], "changed": result.changed, "unchanged": result.unchanged,
                "villages": [r.village_id for r in rows][:2000]},
               commune_id=communes.pop() if len(communes) == 1 else None)
    return result


def figure_rows_as_dicts(rows: list[FigureRow]) -> list[dict]:
    return [asdict(r) for r in rows]
