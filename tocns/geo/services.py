"""State changes for administrative units: loading, importing villages, merges and splits."""

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward

from tocns.audit.services import audit_record
from tocns.lib.sheets import read_table
from tocns.lib.text import clean_spaces, fold, has_diacritics

from .models import (
    COMMUNE_KINDS,
    VILLAGE_KINDS,
    AdminUnit,
    ProvinceProfile,
    ProvinceWord,
    UnitChange,
    UnitChangeKind,
    UnitKind,
    VillageImport,
    VillageImportStatus,
)
from .selectors import default_word

# --------------------------------------------------------------------------------------------
# Loading provinces and communes from the vietnam-provinces package
# --------------------------------------------------------------------------------------------

_KIND_FROM_PACKAGE = {
    VietNamDivisionType.TINH: UnitKind.PROVINCE,
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: UnitKind.PROVINCE,
    VietNamDivisionType.XA: UnitKind.XA,
    VietNamDivisionType.PHUONG: UnitKind.PHUONG,
    VietNamDivisionType.DAC_KHU: UnitKind.DAC_KHU,
}


@dataclass
class LoadResult:
    province: AdminUnit
    created: int = 0
    updated: int = 0
    retired: int = 0
    reactivated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.retired + self.reactivated


def province_code_str(code: int | str) -> str:
    return f"{int(code):02d}"


def commune_code_str(code: int | str) -> str:
    return f"{int(code):05d}"


def _package_province(code: str) -> Province:
    try:
        return Province.from_code(ProvinceCode(int(code)))
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            _("Không có tỉnh, thành phố nào mang mã %(code)s.") % {"code": code}
        ) from exc


def _upsert(unit: AdminUnit | None, values: dict, result: LoadResult) -> AdminUnit:
    if unit is None:
        unit = AdminUnit(**values)
        unit.save()
        if unit.province_id is None:  # a province points to itself
            unit.province = unit
            unit.save(update_fields=["province"])
        if unit.kind in COMMUNE_KINDS and unit.commune_id is None:
            unit.commune = unit
            unit.save(update_fields=["commune"])
        result.created += 1
        return unit
    changed = [k for k, v in values.items() if getattr(unit, k) != v]
    if unit.retired_on is not None:
        unit.retired_on = None
        changed.append("retired_on")
        result.reactivated += 1
    elif changed:
        result.updated += 1
    else:
        result.unchanged += 1
    for k in changed:
        if k in values:
            setattr(unit, k, values[k])
    if changed:
        unit.save(update_fields=changed)
    return unit


@transaction.atomic
def units_load_from_package(*, province_code: str, today: date | None = None) -> LoadResult:
    """Create or update a province and its communes from the package; retire the ones the
    package no longer lists. Running it twice changes nothing."""
    today = today or timezone.localdate()
    package_province = _package_province(province_code)
    code = province_code_str(package_province.code)
    existing = AdminUnit.objects.filter(code=code).first()
    result = LoadResult(province=existing)  # type: ignore[arg-type]
    province = _upsert(
        existing,
        {"code": code, "name": package_province.name,
         "kind": _KIND_FROM_PACKAGE[package_province.division_type], "parent": None},
        result,
    )
    result.province = province
    city = package_province.division_type == VietNamDivisionType.THANH_PHO_TRUNG_UONG
    province_profile_start(province, word=ProvinceWord.THANH_PHO if city else ProvinceWord.TINH)

    current = {
        u.code: u
        for u in AdminUnit.objects.filter(parent=province, kind__in=COMMUNE_KINDS)
    }
    seen = set()
    for ward in Ward.iter_by_province(package_province.code):
        ward_code = commune_code_str(ward.code)
        seen.add(ward_code)
        _upsert(
            current.get(ward_code),
            {"code": ward_code, "name": ward.name, "kind": _KIND_FROM_PACKAGE[ward.division_type],
             "parent": province, "province": province},
            result,
        )
    for ward_code, unit in current.items():
        if ward_code not in seen and unit.retired_on is None:
            unit.retired_on = today
            unit.save(update_fields=["retired_on"])
            result.retired += 1
    return result


# --------------------------------------------------------------------------------------------
# Finding a commune from what a person typed
# --------------------------------------------------------------------------------------------

_COMMUNE_PREFIXES = {"xa ": UnitKind.XA, "phuong ": UnitKind.PHUONG, "dac khu ": UnitKind.DAC_KHU}


def _strip_commune_prefix(text: str) -> tuple[str, str | None]:
    """("Xã Thượng Lâm") -> ("Thượng Lâm", "xa"); the kind is None when no prefix was written."""
    text = clean_spaces(text)
    folded = fold(text)
    for prefix, kind in _COMMUNE_PREFIXES.items():
        if folded.startswith(prefix):
            return text[len(prefix):].strip(), kind
    return text, None


class CommuneIndex:
    """Looks up the communes of one province by code or by name, with or without diacritics
    and with or without "Xã"/"Phường"."""

    def __init__(self, province: AdminUnit):
        self.communes = list(AdminUnit.objects.filter(parent=province, kind__in=COMMUNE_KINDS).active())
        self.by_code = {u.code: u for u in self.communes}
        self.by_folded_core: dict[str, list[AdminUnit]] = {}
        for unit in self.communes:
            core, _kind = _strip_commune_prefix(unit.name)
            self.by_folded_core.setdefault(fold(core), []).append(unit)

    def find(self, text: str) -> tuple[AdminUnit | None, str | None]:
        """Return (commune, None) or (None, error message)."""
        text = clean_spaces(text)
        if not text:
            return None, _("Thiếu tên hoặc mã xã/phường.")
        if text.isdigit():
            unit = self.by_code.get(commune_code_str(text))
            if unit is None:
                return None, _("Không có xã/phường mang mã %(code)s trong tỉnh.") % {"code": text}
            return unit, None
        core, kind = _strip_commune_prefix(text)
        candidates = self.by_folded_core.get(fold(core), [])
        if kind is not None:
            candidates = [u for u in candidates if u.kind == kind]
        if len(candidates) > 1 and has_diacritics(core):
            exact = [u for u in candidates
                     if _strip_commune_prefix(u.name)[0].lower() == core.lower()]
            candidates = exact or candidates
        if not candidates:
            return None, _("Không tìm thấy xã/phường «%(name)s» trong tỉnh.") % {"name": text}
        if len(candidates) > 1:
            names = ", ".join(f"{u.name} ({u.code})" for u in candidates)
            return None, _(
                "Tên «%(name)s» trùng với nhiều đơn vị: %(names)s. Hãy ghi mã xã/phường."
            ) % {"name": text, "names": names}
        return candidates[0], None


# --------------------------------------------------------------------------------------------
# Village import: read a file, check every row, then write all or only the good rows
# --------------------------------------------------------------------------------------------

MAX_IMPORT_ROWS = 20000
_CODE_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,20}$")
_VILLAGE_KIND_WORDS = {
    "thon": UnitKind.THON, "ban": UnitKind.THON, "xom": UnitKind.THON, "lang": UnitKind.THON,
    "ap": UnitKind.THON, "buon": UnitKind.THON, "village": UnitKind.THON,
    "to dan pho": UnitKind.TO_DAN_PHO, "tdp": UnitKind.TO_DAN_PHO, "to": UnitKind.TO_DAN_PHO,
    "khu pho": UnitKind.TO_DAN_PHO, "khu": UnitKind.TO_DAN_PHO,
}


@dataclass
class RawVillageRow:
    row: int
    commune: str = ""
    name: str = ""
    kind: str = ""
    code: str = ""


@dataclass
class CheckedVillageRow:
    row: int
    commune_input: str
    name: str
    kind_input: str
    code_input: str
    commune_id: int | None = None
    commune_name: str = ""
    kind: str = ""
    code: str = ""
    action: str = ""  # create / update / unchanged
    unit_id: int | None = None
    errors: list[str] = field(default_factory=list)


def _header_role(cell: str) -> str | None:
    h = fold(cell)
    if not h:
        return None
    if "loai" in h or h == "kind":
        return "kind"
    if h in {"ma", "code", "ma thon", "ma don vi", "ma thon/to dan pho", "ma thon, to dan pho"}:
        return "code"
    if "xa" in h.split("/")[0].split() or "phuong" in h or "commune" in h:
        return "commune"
    if "thon" in h or "to dan pho" in h or h in {"ten", "village", "name"}:
        return "name"
    return None


def _rows_from_table(table: list[list[str]]) -> list[RawVillageRow]:
    columns = {"commune": 0, "name": 1, "kind": 2, "code": 3}
    start = 0
    for index, cells in enumerate(table):
        if not any(c.strip() for c in cells):
            continue
        roles = [_header_role(c) for c in cells]
        if "commune" in roles and "name" in roles:
            columns = {role: roles.index(role) for role in ("commune", "name", "kind", "code")
                       if role in roles}
            start = index + 1
        break
    rows = []
    for index in range(start, len(table)):
        cells = table[index]
        if not any(c.strip() for c in cells):
            continue

        def cell(role, cells=cells):
            col = columns.get(role)
            return cells[col].strip() if col is not None and col < len(cells) else ""

        rows.append(RawVillageRow(row=index + 1, commune=cell("commune"), name=cell("name"),
                                  kind=cell("kind"), code=cell("code")))
    return rows


def read_village_file(data: bytes, file_name: str) -> list[RawVillageRow]:
    """Read an .xlsx or .csv file into raw rows, numbered as the spreadsheet shows them."""
    return _rows_from_table(read_table(data, file_name, max_rows=MAX_IMPORT_ROWS))


def _village_kind(text: str, commune: AdminUnit | None) -> str | None:
    folded = fold(text)
    if not folded:
        # Unwritten: a ward's villages are residential groups, a commune's are thôn.
        return UnitKind.TO_DAN_PHO if commune and commune.kind == UnitKind.PHUONG else UnitKind.THON
    return _VILLAGE_KIND_WORDS.get(folded)


def check_village_rows(province: AdminUnit, raw_rows: list[RawVillageRow]) -> list[CheckedVillageRow]:
    """Check every row against the database and against the other rows of the file."""
    index = CommuneIndex(province)
    villages = list(AdminUnit.objects.filter(province=province, kind__in=VILLAGE_KINDS).active())
    by_name = {(v.parent_id, v.name_folded): v for v in villages}
    by_code = {v.code: v for v in AdminUnit.objects.filter(code__in=[
        r.code.strip() for r in raw_rows if r.code.strip()])}
    seen_names: dict[tuple[int, str], int] = {}
    seen_codes: dict[str, int] = {}
    checked = []
    for raw in raw_rows:
        row = CheckedVillageRow(row=raw.row, commune_input=raw.commune, name=clean_spaces(raw.name),
                                kind_input=raw.kind, code_input=raw.code.strip())
        commune, error = index.find(raw.commune)
        if error:
            row.errors.append(error)
        else:
            row.commune_id, row.commune_name = commune.pk, commune.name
        if not row.name:
            row.errors.append(_("Thiếu tên thôn/tổ dân phố."))
        elif len(row.name) > 200:
            row.errors.append(_("Tên thôn/tổ dân phố dài quá 200 ký tự."))
        kind = _village_kind(raw.kind, commune)
        if kind is None:
            row.errors.append(_("Loại «%(kind)s» không hợp lệ: ghi «thôn» hoặc «tổ dân phố».")
                              % {"kind": raw.kind})
        else:
            row.kind = kind
        if row.code_input and not _CODE_PATTERN.match(row.code_input):
            row.errors.append(_("Mã «%(code)s» không hợp lệ: chỉ gồm chữ, số, dấu chấm, gạch; "
                                "tối đa 20 ký tự.") % {"code": row.code_input})
        if commune and row.name:
            key = (commune.pk, fold(row.name))
            if key in seen_names:
                row.errors.append(_("Trùng với dòng %(row)s (cùng xã, cùng tên).")
                                  % {"row": seen_names[key]})
            else:
                seen_names[key] = raw.row
        if row.code_input:
            if row.code_input in seen_codes:
                row.errors.append(_("Mã %(code)s trùng với dòng %(row)s.")
                                  % {"code": row.code_input, "row": seen_codes[row.code_input]})
            else:
                seen_codes[row.code_input] = raw.row
        if not row.errors:
            _decide_action(row, commune, by_name, by_code)
        checked.append(row)
    return checked


def _decide_action(row: CheckedVillageRow, commune: AdminUnit, by_name, by_code) -> None:
    existing = by_name.get((commune.pk, fold(row.name)))
    coded = by_code.get(row.code_input) if row.code_input else None
    if coded is not None and (coded.parent_id != commune.pk or not coded.is_village
                              or (existing is not None and coded.pk != existing.pk)):
        row.errors.append(_("Mã %(code)s đã dùng cho «%(name)s».")
                          % {"code": row.code_input, "name": coded.name})
        return
    unit = coded or existing
    if unit is None:
        row.action, row.code = "create", row.code_input
        return
    row.unit_id, row.code = unit.pk, row.code_input or unit.code
    same = unit.name == row.name and unit.kind == row.kind and unit.code == row.code
    row.action = "unchanged" if same else "update"


def village_import_preview(*, province: AdminUnit, data: bytes, file_name: str, user=None) -> VillageImport:
    rows = check_village_rows(province, read_village_file(data, file_name))
    if not rows:
        raise ValidationError(_("Tệp không có dòng dữ liệu nào."))
    return VillageImport.objects.create(
        province=province, file_name=file_name[:255], uploaded_by=user,
        rows=[asdict(r) for r in rows],
    )


def _next_village_codes(commune: AdminUnit):
    prefix = f"{commune.code}-"
    used = {c for c in AdminUnit.objects.filter(code__startswith=prefix).values_list("code", flat=True)}
    n = 0
    while True:
        n += 1
        code = f"{prefix}{n:03d}"
        if code not in used:
            yield code


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


@transaction.atomic
def village_rows_apply(*, province: AdminUnit, raw_rows: list[RawVillageRow],
                       only_valid: bool = False, demo: bool = False) -> tuple[ImportResult, list]:
    """Check the rows again against the database as it is now and write them.

    When a row is bad nothing is written, unless `only_valid` asks for the good rows only.
    Returns the result and the checked rows (with their errors)."""
    rows = check_village_rows(province, raw_rows)
    bad = [r for r in rows if r.errors]
    if bad and not only_valid:
        return ImportResult(skipped=len(bad)), rows
    result = ImportResult(skipped=len(bad))
    communes = {u.pk: u for u in AdminUnit.objects.filter(pk__in={r.commune_id for r in rows if r.commune_id})}
    code_sources = {}
    new_units = []
    reserved = {r.code for r in rows if r.code and not r.errors}
    for row in rows:
        if row.errors:
            continue
        commune = communes[row.commune_id]
        if row.action == "unchanged":
            result.unchanged += 1
        elif row.action == "update":
            unit = AdminUnit.objects.select_for_update().get(pk=row.unit_id)
            unit.name, unit.kind, unit.code = row.name, row.kind, row.code
            unit.save(update_fields=["name", "kind", "code"])
            result.updated += 1
        else:
            code = row.code
            if not code:
                if commune.pk not in code_sources:
                    code_sources[commune.pk] = _next_village_codes(commune)
                code = next(code_sources[commune.pk])
                while code in reserved:
                    code = next(code_sources[commune.pk])
                reserved.add(code)
            unit = AdminUnit(code=code, name=row.name, kind=row.kind, parent=commune,
                             commune=commune, province=province, is_demo=demo)
            unit.name_folded = fold(unit.name)
            new_units.append(unit)
            result.created += 1
    AdminUnit.objects.bulk_create(new_units, batch_size=1000)
    return result, rows


def village_import_apply(*, village_import: VillageImport, only_valid: bool = False) -> ImportResult:
    """Confirm a previewed import. A second confirmation of the same import writes nothing."""
    with transaction.atomic():
        locked = VillageImport.objects.select_for_update().get(pk=village_import.pk)
        if locked.status == VillageImportStatus.APPLIED:
            return ImportResult(**{k: v for k, v in locked.result.items() if k in ImportResult.__annotations__})
        raw = [RawVillageRow(row=r["row"], commune=r["commune_input"], name=r["name"],
                             kind=r["kind_input"], code=r["code_input"]) for r in locked.rows]
        result, rows = village_rows_apply(province=locked.province, raw_rows=raw, only_valid=only_valid)
        if any(r.errors for r in rows) and not only_valid:
            locked.rows = [asdict(r) for r in rows]
            locked.save(update_fields=["rows"])
            raise ValidationError(
                _("Tệp còn %(n)s dòng lỗi: chưa nhập dòng nào. Sửa tệp, hoặc chọn chỉ nhập các dòng hợp lệ.")
                % {"n": sum(1 for r in rows if r.errors)}
            )
        locked.status = VillageImportStatus.APPLIED
        locked.applied_at = timezone.now()
        locked.result = asdict(result)
        locked.rows = [asdict(r) for r in rows]
        locked.save(update_fields=["status", "applied_at", "result", "rows"])
    village_import.refresh_from_db()
    return result


# --------------------------------------------------------------------------------------------
# Merges and splits of villages
# --------------------------------------------------------------------------------------------

def _check_change_common(effective_date: date, decision_number: str) -> dict:
    errors = {}
    if effective_date > timezone.localdate():
        errors["effective_date"] = _("Ngày có hiệu lực không được sau hôm nay.")
    if not clean_spaces(decision_number):
        errors["decision_number"] = _("Cần ghi số quyết định (ví dụ 15/QĐ-UBND).")
    return errors


def _new_village(*, commune: AdminUnit, name: str, kind: str, code: str = "") -> AdminUnit:
    code = code or next(_next_village_codes(commune))
    if AdminUnit.objects.filter(code=code).exists():
        raise ValidationError({"new_code": _("Mã %(code)s đã được dùng.") % {"code": code}})
    return AdminUnit.objects.create(code=code, name=clean_spaces(name), kind=kind, parent=commune,
                                    commune=commune, province=commune.province)


@transaction.atomic
def units_merge(*, units: list[AdminUnit], effective_date: date, decision_number: str,
                decision_date: date | None = None, note: str = "", survivor: AdminUnit | None = None,
                new_name: str = "", new_kind: str = "", new_code: str = "", user=None) -> UnitChange:
    """Merge villages of one commune into one: either one of them stays (the survivor) or a
    new village takes all their places. The others are retired, never deleted."""
    errors = _check_change_common(effective_date, decision_number)
    units = list(AdminUnit.objects.select_for_update().filter(pk__in=[u.pk for u in units]))
    if len(units) < 2:
        errors["units"] = _("Chọn ít nhất hai thôn/tổ dân phố để sáp nhập.")
    elif any(not u.is_village for u in units):
        errors["units"] = _("Chỉ sáp nhập được thôn, tổ dân phố.")
    elif len({u.parent_id for u in units}) > 1:
        errors["units"] = _("Các thôn phải thuộc cùng một xã/phường.")
    elif any(not u.is_active for u in units):
        errors["units"] = _("Có thôn đã thôi sử dụng từ trước.")
    new_name = clean_spaces(new_name)
    if survivor is None and not new_name:
        errors["new_name"] = _("Chọn thôn được giữ lại hoặc ghi tên thôn mới.")
    if survivor is not None and new_name:
        errors["new_name"] = _("Chỉ chọn một: giữ lại một thôn, hoặc lập thôn mới.")
    if survivor is not None and survivor.pk not in {u.pk for u in units}:
        errors["survivor"] = _("Thôn được giữ lại phải nằm trong các thôn sáp nhập.")
    if new_name and new_kind not in VILLAGE_KINDS:
        errors["new_kind"] = _("Chọn loại: thôn hoặc tổ dân phố.")
    if errors:
        raise ValidationError(errors)
    commune = units[0].commune
    change = UnitChange.objects.create(
        kind=UnitChangeKind.MERGE, effective_date=effective_date, decision_number=clean_spaces(decision_number),
        decision_date=decision_date, note=note, commune=commune, province=commune.province, recorded_by=user,
    )
    successor = survivor or _new_village(commune=commune, name=new_name, kind=new_kind, code=new_code)
    retired = [u for u in units if u.pk != successor.pk]
    for unit in retired:
        unit.retired_on = effective_date
        unit.save(update_fields=["retired_on"])
    change.retired_units.set(retired)
    change.successor_units.set([successor])
    return change


@transaction.atomic
def unit_split(*, unit: AdminUnit, new_names: list[str], new_kind: str, effective_date: date,
               decision_number: str, decision_date: date | None = None, note: str = "",
               user=None) -> UnitChange:
    """Split one village into several new ones; the old village is retired."""
    errors = _check_change_common(effective_date, decision_number)
    unit = AdminUnit.objects.select_for_update().get(pk=unit.pk)
    names = [clean_spaces(n) for n in new_names if clean_spaces(n)]
    if not unit.is_village:
        errors["unit"] = _("Chỉ chia tách được thôn, tổ dân phố.")
    elif not unit.is_active:
        errors["unit"] = _("Thôn này đã thôi sử dụng từ trước.")
    if len(names) < 2:
        errors["new_names"] = _("Ghi ít nhất hai tên thôn mới, mỗi tên một dòng.")
    elif len({fold(n) for n in names}) != len(names):
        errors["new_names"] = _("Các tên thôn mới bị trùng nhau.")
    else:
        taken = set(AdminUnit.objects.filter(parent_id=unit.parent_id, retired_on__isnull=True)
                    .exclude(pk=unit.pk).values_list("name_folded", flat=True))
        clash = [n for n in names if fold(n) in taken]
        if clash:
            errors["new_names"] = _("Xã đã có thôn mang tên: %(names)s.") % {"names": ", ".join(clash)}
    if new_kind not in VILLAGE_KINDS:
        errors["new_kind"] = _("Chọn loại: thôn hoặc tổ dân phố.")
    if errors:
        raise ValidationError(errors)
    commune = unit.commune
    change = UnitChange.objects.create(
        kind=UnitChangeKind.SPLIT, effective_date=effective_date, decision_number=clean_spaces(decision_number),
        decision_date=decision_date, note=note, commune=commune, province=commune.province, recorded_by=user,
    )
    successors = [_new_village(commune=commune, name=n, kind=new_kind) for n in names]
    unit.retired_on = effective_date
    unit.save(update_fields=["retired_on"])
    change.retired_units.set([unit])
    change.successor_units.set(successors)
    return change


# --------------------------------------------------------------------------------------------
# A province's profile: what differs between provinces, kept as data (models.ProvinceProfile)
# --------------------------------------------------------------------------------------------

# The values each province starts with, by province code (its plan, its portal links): data beside
# the units, read when the province is loaded; the province admin edits them afterwards.
PROFILE_DATA = Path(__file__).resolve().parent / "data" / "province_profiles.json"
PROFILE_FIELDS = ("word", "plan_number", "plan_date", "plan_title", "portal_links")
MAX_PORTAL_LINKS = 5


def _profile_data(code: str) -> dict:
    data = json.loads(PROFILE_DATA.read_text(encoding="utf-8")) if PROFILE_DATA.exists() else {}
    return data.get(code, {})


def province_profile_start(province: AdminUnit, *, word: str | None = None) -> ProvinceProfile:
    """The province's profile, made once from the data file (and `word`, from the units data) when it
    has none; an existing profile, maybe edited by the admin, is left as it is."""
    existing = ProvinceProfile.objects.filter(province=province).first()
    if existing is not None:
        return existing
    values = _profile_data(province.code)
    day = values.get("plan_date")
    profile = ProvinceProfile(province=province, word=values.get("word") or word or default_word(province),
                              plan_number=values.get("plan_number", ""),
                              plan_date=date.fromisoformat(day) if day else None,
                              portal_links=values.get("portal_links", []))
    if values.get("plan_title"):
        profile.plan_title = values["plan_title"]
    profile.save()
    return profile


def _clean_links(links, errors: dict) -> list[dict]:
    """Each link a name and an http(s) address; errors keyed link_<n>_name / link_<n>_url (1-based)."""
    cleaned = []
    for index, link in enumerate(links or [], start=1):
        name, url = clean_spaces(link.get("name", "")), (link.get("url") or "").strip()
        if not name and not url:
            continue
        if not name:
            errors[f"link_{index}_name"] = _("Ghi tên của liên kết, ví dụ Cổng thông tin điện tử của tỉnh.")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in url:
            errors[f"link_{index}_url"] = _("Ghi địa chỉ đầy đủ, bắt đầu bằng https://, ví dụ https://tinh.gov.vn.")
        cleaned.append({"name": name, "url": url})
    if len(cleaned) > MAX_PORTAL_LINKS:
        errors["portal_links"] = _("Ghi tối đa %(count)s liên kết.") % {"count": MAX_PORTAL_LINKS}
    return cleaned


@transaction.atomic
def province_profile_change(*, province: AdminUnit, values: dict, version: int, by) -> ProvinceProfile:
    """The province admin changes the profile. A page opened before someone else's save carries the
    old `version` and is refused, so nobody overwrites a change he has not seen; every change goes
    to the audit log with the old and new values."""
    province_profile_start(province)
    profile = ProvinceProfile.objects.select_for_update().get(province=province)
    if profile.version != version:
        raise ValidationError(
            _("Thông tin của tỉnh vừa được %(who)s thay đổi lúc %(at)s. Hãy xem các giá trị mới bên dưới rồi sửa "
              "lại nếu cần.") % {
                "who": profile.updated_by.get_full_name() if profile.updated_by else _("người khác"),
                "at": timezone.localtime(profile.updated_at).strftime("%H:%M %d/%m/%Y")},
            code="stale")
    errors: dict = {}
    new = {name: values.get(name, getattr(profile, name)) for name in PROFILE_FIELDS}
    if new["word"] not in ProvinceWord.values:
        errors["word"] = _("Chọn tỉnh hoặc thành phố.")
    new["plan_number"] = clean_spaces(new["plan_number"] or "")
    if new["plan_number"] and ("/" not in new["plan_number"] or len(new["plan_number"]) > 50):
        errors["plan_number"] = _("Ghi số như trên kế hoạch, ví dụ 10/KH-UBND.")
    if new["plan_date"] and new["plan_date"] > timezone.localdate():
        errors["plan_date"] = _("Ngày ban hành không thể sau hôm nay.")
    if new["plan_number"] and not new["plan_date"]:
        errors["plan_date"] = _("Ghi ngày ban hành kế hoạch, ví dụ 17/07/2025.")
    new["plan_title"] = clean_spaces(new["plan_title"] or "")
    if not new["plan_title"]:
        errors["plan_title"] = _("Ghi trích yếu của kế hoạch, ví dụ: tổ chức triển khai Tổ công nghệ số cộng đồng.")
    elif len(new["plan_title"]) > 300:
        errors["plan_title"] = _("Trích yếu dài quá 300 ký tự.")
    new["portal_links"] = _clean_links(new["portal_links"], errors)
    if errors:
        raise ValidationError(errors)
    changed = [name for name in PROFILE_FIELDS if getattr(profile, name) != new[name]]
    if not changed:
        return profile
    old = {name: getattr(profile, name) for name in changed}
    for name in changed:
        setattr(profile, name, new[name])
    profile.version += 1
    profile.updated_by = by if getattr(by, "is_authenticated", False) else None
    profile.save()
    labels = {name: str(ProvinceProfile._meta.get_field(name).verbose_name) for name in changed}
    audit_record(actor=by, action="province_profile.change", obj=profile, province_id=province.pk, commune_id=None,
                 summary=_("Đổi thông tin của tỉnh: %(fields)s") % {"fields": ", ".join(labels.values())},
                 data={"version": profile.version,
                       "old": {name: _plain(old[name]) for name in changed},
                       "new": {name: _plain(new[name]) for name in changed}})
    return profile


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value
