"""Village teams' reports uploaded by the commune office as one Excel sheet (issue #14, item 5).

Communes receive their villages' figures as Excel files over Zalo. The officer downloads a sheet for
a form and a period, one row per team of his commune that owes it, fills it in and uploads it.
Every cell is checked by the rules a leader meets when typing (checks.check_cells and the form's
validation rules; empty is missing, never 0). Nothing is written at upload: the rows and their
problems are kept in a ReportUpload until the officer confirms. Confirming re-checks every row and
writes the clean ones in one transaction through services.report_open / report_save: submitted in
the team's name, recorded as sent by the officer, the warnings he saw confirmed with his reason.
A report the team already sent is skipped, never overwritten. The same file again, or a second tap
on "confirm", changes nothing. A refused change raises a ValidationError with a Vietnamese message
and writes nothing."""

import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from tocns.audit.services import audit_record
from tocns.geo.models import AdminUnit
from tocns.lib.sheets import LIST_HEADER_ROW, is_blank, read_table, start_list_sheet, workbook_bytes
from tocns.lib.text import fold

from . import services
from .checks import check_cells
from .choices import Level, PeriodType, ReportAction, ReportStatus, UploadStatus, ValueType
from .models import Indicator, Report, ReportForm, ReportUpload
from .periods import Period, parse_period
from .rules import rules_for_form, violations
from .selectors import expected_teams

# A commune has a few dozen villages; a sheet ten times longer is not a commune's sheet.
MAX_SHEET_ROWS = 500
FIXED_COLUMNS = 3  # team code, village, team; the indicators follow
HEADER_SEARCH_ROWS = 10
# The title ends with "(form code · period key)", so an upload can tell a sheet of another form or
# period even after the officer renamed the file.
TITLE_TAIL = re.compile(r"\(([^()·]+?) · ([0-9]{4}(?:-Q[1-4]|-[0-9]{1,2})?)\)\s*$")

# What confirming will do with a row.
WRITE, SKIP, EMPTY, ERROR = "write", "skip", "empty", "error"


def upload_forms(province=None):
    """The forms a commune office may upload: village teams' forms with a period (not ad-hoc), national
    and its province's."""
    return ReportForm.objects.for_province(province).filter(is_active=True, level=Level.VILLAGE_TEAM).exclude(
        period_type=PeriodType.ONCE).order_by("period_type", "code")


def sheet_indicators(form: ReportForm) -> list[Indicator]:
    """The indicators typed into the sheet: the form's, without those computed from two others."""
    return [indicator for indicator in services.form_indicators(form) if not indicator.is_computed]


def sheet_teams(form: ReportForm, period: Period, commune: AdminUnit) -> list:
    """The teams of the commune that owe this form for the period (as on the completeness page),
    one per village, by village name."""
    teams, seen = [], set()
    for team in expected_teams(form, period, commune).order_by("unit__name_folded", "-established_on"):
        if team.unit_id not in seen:
            seen.add(team.unit_id)
            teams.append(team)
    return teams


def header_text(indicator: Indicator) -> str:
    """"CQ01 – Số người được hướng dẫn … (người)": the code first, as the upload reads it."""
    return f"{indicator.code} – {indicator.name} ({indicator.unit_of_measure})"


def sheet_title(form: ReportForm, period: Period, commune: AdminUnit) -> str:
    return _("%(form)s – %(period)s – %(commune)s (%(code)s · %(key)s)") % {
        "form": form.name, "period": period.label, "commune": commune.name, "code": form.code, "key": period.key}


def period_for(form: ReportForm, key: str) -> Period:
    """The period a key names for this form, refused when it is of another kind or not begun."""
    try:
        period = parse_period(key, form.period_rule)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None
    if period.kind != form.period_type:
        raise ValidationError({"period": _("Mẫu “%(form)s” báo cáo theo %(kind)s: hãy chọn kỳ phù hợp.") % {
            "form": form.name, "kind": PeriodType(form.period_type).label.lower()}})
    if period.start > timezone.localdate():
        raise ValidationError({"period": _("Kỳ %(period)s chưa bắt đầu: chưa báo cáo được.") % {
            "period": period.label}})
    return period


# ---- the sheet that goes out -------------------------------------------------------------------

def upload_sheet_xlsx(*, form: ReportForm, period: Period, commune: AdminUnit) -> bytes:
    """The sheet to fill: a title, a note, the header (frozen), one row per team that owes the
    report, one column per indicator. Sensitive indicators are in it: only the commune office,
    which may see them, downloads it."""
    indicators = sheet_indicators(form)
    teams = sheet_teams(form, period, commune)
    headers = [_("Mã tổ"), _("Thôn, tổ dân phố"), _("Tên tổ"), *[header_text(i) for i in indicators]]
    book = Workbook()
    sheet = book.active
    sheet.title = _("Báo cáo %(key)s") % {"key": period.key}
    note = _("Ghi số liệu của từng tổ vào các ô; để trống ô chưa có số liệu (ô trống là chưa báo cáo, khác "
             "với 0). Không sửa ba cột đầu và dòng tiêu đề. Báo cáo tổ đã gửi sẽ được giữ nguyên. Tải tệp lúc "
             "%(at)s.") % {"at": timezone.localtime().strftime("%H:%M %d/%m/%Y")}
    start_list_sheet(sheet, title=sheet_title(form, period, commune), note=note, headers=headers)
    for team in teams:
        sheet.append([team.unit.code, team.unit.name, str(team)])
    last_row = LIST_HEADER_ROW + len(teams)
    for row in range(LIST_HEADER_ROW + 1, last_row + 1):
        sheet.cell(row=row, column=1).number_format = "@"  # a code such as 02269-007 stays as written
        for offset, indicator in enumerate(indicators, start=FIXED_COLUMNS + 1):
            sheet.cell(row=row, column=offset).number_format = (
                "#,##0" if indicator.value_type == ValueType.INTEGER else "#,##0.##")
    widths = [max([len(str(team.unit.code)) for team in teams] + [8]) + 3,
              min(max([len(team.unit.name) for team in teams] + [16]) + 3, 40),
              min(max([len(str(team)) for team in teams] + [16]) + 3, 45)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for index in range(FIXED_COLUMNS + 1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 22
    # Long indicator names wrap inside a tall header rather than making each column very wide.
    longest = max([len(header_text(i)) for i in indicators] + [0])
    sheet.row_dimensions[LIST_HEADER_ROW].height = min(15 * (longest // 20 + 1), 160)
    for cell in sheet[LIST_HEADER_ROW]:
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheet.freeze_panes = f"{get_column_letter(FIXED_COLUMNS + 1)}{LIST_HEADER_ROW + 1}"
    sheet.print_title_rows = f"{LIST_HEADER_ROW}:{LIST_HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    return workbook_bytes(book)


def upload_sheet_filename(form: ReportForm, period: Period, commune: AdminUnit) -> str:
    """"nhap-bao-cao-02269-thang-thon-2026-10.xlsx"."""
    return f"nhap-bao-cao-{commune.code}-{form.code.lower()}-{period.key.lower()}.xlsx"


# ---- the sheet that comes in -------------------------------------------------------------------

def _read_sheet(data: bytes, file_name: str, form: ReportForm, period: Period):
    """The sheet's rows as [{"row": n, "code": …, "name": …, "values": {code: text}}], the codes of
    the columns found, and the columns not read. File-level faults raise a ValidationError."""
    table = read_table(data, file_name, max_rows=MAX_SHEET_ROWS)
    first = fold(_("Mã tổ"))
    header_index = next((index for index, cells in enumerate(table[:HEADER_SEARCH_ROWS])
                         if cells and fold(cells[0]).strip() == first), None)
    if header_index is None:
        raise ValidationError(_("Không tìm thấy dòng tiêu đề có cột “Mã tổ”: hãy dùng tệp mẫu tải từ trang này."))
    for cells in table[:header_index]:
        found = TITLE_TAIL.search(cells[0]) if cells else None
        if found and (found.group(1).strip(), found.group(2)) != (form.code, period.key):
            raise ValidationError(_("Tệp này là của mẫu %(file_form)s, kỳ %(file_period)s; trang đang nhập mẫu "
                                    "%(form)s, kỳ %(period)s. Hãy chọn đúng mẫu và kỳ, hoặc tải tệp mẫu mới.") % {
                "file_form": found.group(1).strip(), "file_period": found.group(2), "form": form.code,
                "period": period.key})
    by_code = {indicator.code: indicator for indicator in sheet_indicators(form)}
    upper = {code.upper(): code for code in by_code}
    columns, ignored = {}, []
    for position, text in enumerate(table[header_index][FIXED_COLUMNS:], start=FIXED_COLUMNS):
        head = text.strip()
        if not head:
            continue
        code = upper.get(re.split(r"\s|–", head, maxsplit=1)[0].strip().upper())
        if code is None:
            ignored.append(head[:60])
        elif code in columns.values():
            raise ValidationError(_("Cột của chỉ số %(code)s có hai lần (cột %(a)s và %(b)s): chỉ giữ một.") % {
                "code": code, "a": get_column_letter(next(p for p, c in columns.items() if c == code) + 1),
                "b": get_column_letter(position + 1)})
        else:
            columns[position] = code
    if not columns:
        raise ValidationError(_("Tệp không có cột chỉ số nào của mẫu “%(form)s”: hãy dùng tệp mẫu tải từ trang "
                                "này.") % {"form": form.name})
    rows = []
    for index in range(header_index + 1, len(table)):
        cells = table[index]
        if is_blank(cells):
            continue

        def cell(position, cells=cells):
            return cells[position].strip() if position < len(cells) else ""

        rows.append({"row": index + 1, "code": cell(0), "name": cell(1),
                     "values": {code: cell(position) for position, code in columns.items()}})
    return rows, list(columns.values()), ignored


def _draft_values(report: Report | None, codes_in_sheet) -> tuple[dict, dict]:
    """What a draft already holds for the indicators the sheet has no column for (kept), and every
    cell's explanation (kept: the sheet has no place for them)."""
    if report is None:
        return {}, {}
    kept, comments = {}, {}
    for value in report.values.all():
        code = value.indicator.code
        if value.comment:
            comments[code] = value.comment
        if code not in codes_in_sheet and value.value is not None:
            kept[code] = str(value.value)
    return kept, comments


def _problem(column: str, message: str) -> dict:
    return {"column": column, "message": message}


def check_rows(*, form: ReportForm, period: Period, commune: AdminUnit, rows: list[dict],
               columns: list[str]) -> list[dict]:
    """Each row as confirming would treat it: its team, the state (write / skip / empty / error),
    its errors and warnings by column, in the file's order. Reads only."""
    indicators = sheet_indicators(form)
    order = {indicator.code: n for n, indicator in enumerate(indicators)}
    rules = rules_for_form(form, commune.province_id)
    teams = {team.unit.code: team for team in sheet_teams(form, period, commune)}
    villages = set(AdminUnit.objects.villages().filter(commune=commune, code__in=[r["code"] for r in rows])
                   .values_list("code", flat=True))
    reports = {report.unit_id: report for report in Report.objects.filter(
        form=form, period_key=period.key, unit__in=[team.unit_id for team in teams.values()])
        .prefetch_related("values__indicator")}
    seen: dict[str, int] = {}
    checked = []
    for source in rows:
        code, typed = source["code"], dict(source["values"])
        row = {"row": source["row"], "code": code, "name": source.get("name", ""), "team": None,
               "values": typed, "errors": [], "warnings": [], "state": ERROR, "report": None, "note": ""}
        checked.append(row)
        has_figures = any(text.strip() for text in typed.values())
        team = teams.get(code)
        if not code:
            row["errors"].append(_problem(_("Mã tổ"), _("Thiếu mã tổ ở cột A.")))
            continue
        if code not in villages:
            row["errors"].append(_problem(_("Mã tổ"), _("Mã %(code)s không phải tổ thôn, tổ dân phố nào của "
                                                        "%(commune)s: dòng này không được nhập.") % {
                "code": code, "commune": commune.name}))
            continue
        if team is None:
            row["errors"].append(_problem(_("Mã tổ"), _("Thôn mang mã %(code)s không có tổ phải gửi báo cáo "
                                                        "%(period)s (chưa thành lập hoặc đã giải thể).") % {
                "code": code, "period": period.label}))
            continue
        row["team"], row["name"] = team.pk, team.unit.name
        if code in seen:
            row["errors"].append(_problem(_("Mã tổ"), _("Tổ này đã có ở dòng %(row)s: mỗi tổ một dòng.") % {
                "row": seen[code]}))
            continue
        seen[code] = source["row"]
        report = reports.get(team.unit_id)
        row["report"] = report.pk if report is not None else None
        if report is not None and report.status in services.SUBMITTED:
            row["state"] = SKIP
            if report.submitted_at is not None:
                row["note"] = _("Tổ đã gửi báo cáo kỳ này lúc %(at)s: giữ nguyên, không ghi đè.") % {
                    "at": timezone.localtime(report.submitted_at).strftime("%H:%M %d/%m/%Y")}
            else:
                row["note"] = _("Tổ đã gửi báo cáo kỳ này: giữ nguyên, không ghi đè.")
            continue
        if not has_figures:
            row["state"], row["note"] = EMPTY, _("Dòng chưa có số liệu: không ghi.")
            continue
        probe = report if report is not None else Report(
            form=form, unit=team.unit, status=ReportStatus.DRAFT, period_start=period.start, period_end=period.end)
        if not services.entry_open(probe):
            row["errors"].append(_problem("", _("Đã hết thời hạn nhập báo cáo này: hãy mở lại báo cáo của tổ rồi "
                                                "tải tệp lên lại.")))
            continue
        kept, comments = _draft_values(report, columns)
        cells = check_cells(indicators, {**kept, **typed}, comments=comments, usual=services.usual_values(probe))
        for indicator in indicators:
            result = cells[indicator.code]
            if result.error:
                row["errors"].append(_problem(indicator.code, result.error))
            elif result.warning:
                row["errors"].append(_problem(indicator.code, result.warning + " " + _(
                    "Tệp Excel không có chỗ ghi giải thích: hãy nhập báo cáo của tổ này trên trang báo cáo.")))
        if not row["errors"]:
            values = {code: result.value for code, result in cells.items()}
            for violation in violations(rules, values):
                column = ", ".join(sorted(violation.codes, key=lambda c: order.get(c, len(order))))
                problem = {**_problem(column, violation.describe()), "rule": violation.rule.pk}
                (row["errors"] if violation.blocks else row["warnings"]).append(problem)
        row["state"] = ERROR if row["errors"] else WRITE
    return checked


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def earlier_import(*, commune: AdminUnit, data: bytes) -> ReportUpload | None:
    """The confirmed upload of this very file (same SHA-256) for this commune, if any."""
    return ReportUpload.objects.filter(commune=commune, file_hash=_hash(data),
                                       status=UploadStatus.CONFIRMED).order_by("confirmed_at").first()


@transaction.atomic
def upload_check(*, form: ReportForm, period: Period, commune: AdminUnit, data: bytes, file_name: str,
                 by) -> ReportUpload:
    """Read and check a filled sheet and keep it for confirmation; no report is touched. The same
    file already imported returns that earlier upload (confirmed) and keeps nothing new. A newer
    upload for the same form and period sets aside the one still waiting, so an old page cannot
    confirm figures the officer has since replaced."""
    earlier = earlier_import(commune=commune, data=data)
    if earlier is not None:
        return earlier
    rows, columns, ignored = _read_sheet(data, file_name, form, period)
    checked = check_rows(form=form, period=period, commune=commune, rows=rows, columns=columns)
    missing = [i.code for i in sheet_indicators(form) if i.code not in columns]
    ReportUpload.objects.filter(commune=commune, form=form, period_key=period.key,
                                status=UploadStatus.CHECKED).update(status=UploadStatus.DISCARDED)
    return ReportUpload.objects.create(
        form=form, period_key=period.key, province=commune.province, commune=commune,
        file_name=(file_name or "")[:200], file_hash=_hash(data), rows=checked, status=UploadStatus.CHECKED,
        outcome={"missing_columns": missing, "ignored_columns": ignored}, created_by=by)


@transaction.atomic
def upload_confirm(*, upload: ReportUpload, by, reason: str = "") -> ReportUpload:
    """Write the clean rows of a checked upload: open each team's report if missing, set its
    values and submit it, as entered by `by`; warnings are confirmed with `reason`. Every row is
    checked again first (a team may have sent its report meanwhile: it is then skipped). The upload
    row is locked, so a second confirmation, even at the same moment, writes nothing."""
    upload = ReportUpload.objects.select_for_update().select_related("form", "commune").get(pk=upload.pk)
    if upload.status == UploadStatus.CONFIRMED:
        return upload
    if upload.status == UploadStatus.DISCARDED:
        raise ValidationError(_("Lần tải tệp này đã được thay bằng lần tải sau hoặc đã huỷ: không nhập được."),
                              code="discarded")
    earlier = ReportUpload.objects.filter(commune=upload.commune, file_hash=upload.file_hash,
                                          status=UploadStatus.CONFIRMED).exclude(pk=upload.pk).first()
    if earlier is not None:
        raise ValidationError(_("Tệp này đã được nhập lúc %(at)s: không nhập lại.") % {
            "at": timezone.localtime(earlier.confirmed_at).strftime("%H:%M %d/%m/%Y")}, code="same_file")
    form, commune = upload.form, upload.commune
    period = parse_period(upload.period_key, form.period_rule)
    columns = sorted({code for row in upload.rows for code in row["values"]})
    rows = check_rows(form=form, period=period, commune=commune, rows=upload.rows, columns=columns)
    reason = reason.strip()
    if any(row["state"] == WRITE and row["warnings"] for row in rows) and not reason:
        raise ValidationError({"reason": _("Có cảnh báo ở các dòng sẽ ghi: hãy ghi lý do xác nhận.")})
    teams = {team.pk: team for team in sheet_teams(form, period, commune)}
    written, refused = [], []
    for row in rows:
        if row["state"] != WRITE:
            continue
        team = teams[row["team"]]
        try:
            with transaction.atomic():
                report = services.report_open(form=form, period=period, team=team, by=by)
                kept, comments = _draft_values(report, columns)
                values = {**kept, **row["values"]}
                # The officer's one reason confirms each warning of the row (kept by report_save).
                report = services.report_save(
                    report=report, values=values, comments=comments, version=report.version,
                    save_key=f"upload-{upload.pk}-{team.pk}", submit=True,
                    reasons={warning["rule"]: reason for warning in row["warnings"]}, by=by)
                event = report.events.filter(action=ReportAction.SUBMITTED).order_by("-id").first()
                if event is not None:
                    event.comment = _("Cán bộ xã nhập từ tệp Excel “%(file)s”.") % {"file": upload.file_name}
                    event.save(update_fields=["comment"])
        except ValidationError as exc:
            row["state"] = ERROR
            row["errors"].append(_problem("", " ".join(exc.messages)))
            refused.append(row["row"])
        else:
            row["report"] = report.pk
            written.append(report.pk)
    upload.rows = rows
    upload.status, upload.confirmed_at = UploadStatus.CONFIRMED, timezone.now()
    upload.outcome = {**upload.outcome, "written": written, "refused": refused,
                      "skipped": [row["report"] for row in rows if row["state"] == SKIP],
                      "reason": reason}
    upload.save(update_fields=["rows", "status", "confirmed_at", "outcome"])
    audit_record(actor=by, action="report.upload", obj=upload, province_id=upload.province_id,
                 commune_id=upload.commune_id,
                 summary=_("Nhập %(n)s báo cáo của các tổ từ tệp “%(file)s” (%(period)s)") % {
                     "n": len(written), "file": upload.file_name, "period": period.label},
                 data={"written": written, "form": form.code, "period": period.key})
    return upload


@transaction.atomic
def upload_discard(*, upload: ReportUpload, by) -> ReportUpload:
    """Set aside an upload waiting for confirmation (a confirmed one stays as it is)."""
    upload = ReportUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status == UploadStatus.CHECKED:
        upload.status = UploadStatus.DISCARDED
        upload.save(update_fields=["status"])
    return upload


def row_counts(rows: list[dict]) -> dict[str, int]:
    counts = dict.fromkeys((WRITE, SKIP, EMPTY, ERROR), 0)
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    return counts


__all__ = ["check_rows", "earlier_import", "period_for", "row_counts", "sheet_indicators",
           "sheet_teams", "upload_check", "upload_confirm", "upload_discard", "upload_forms",
           "upload_sheet_filename", "upload_sheet_xlsx"]
