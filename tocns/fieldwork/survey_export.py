"""A survey's answers as an .xlsx file: one row per questionnaire filled in, a summary sheet
question by question, and the teams' progress. Only the answers the exporting user's scope
covers; surveys ask no names, and the person who recorded is a team member, not a citizen."""

from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tocns.lib.sheets import workbook_bytes
from tocns.lib.workbook import finish_table, write_title
from tocns.reports.exports import BORDER, HEADER_FILL

from .models import QuestionKind, Survey

DATE_TIME = "dd/mm/yyyy hh:mm"
DATE = "dd/mm/yyyy"
HEADER_ROW = 3  # below the title and the line saying when the file was made
NUMBER = "#,##0.##"


def survey_xlsx(survey: Survey, questions, answers, summary: list[dict], progress: list[dict]) -> bytes:
    with translation.override("vi"):
        book = Workbook()
        _answers_sheet(book.active, survey, questions, answers)
        _summary_sheet(book.create_sheet(_("Tổng hợp")), survey, summary)
        _progress_sheet(book.create_sheet(_("Tiến độ các tổ")), survey, progress)
        for sheet in book.worksheets:
            finish_table(sheet, header_row=HEADER_ROW, key_columns=1)
        return workbook_bytes(book)  # a survey's title or an answer is never a formula


def cell_value(question, value):
    if value in (None, "", []):
        return None
    if question.kind == QuestionKind.NUMBER:
        return Decimal(value)
    if isinstance(value, list):
        return "; ".join(value)
    return value


def _header(sheet, titles: list[str], widths: list[int]) -> None:
    sheet.append(titles)
    for column, cell in enumerate(sheet[sheet.max_row], start=1):
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = widths[min(column, len(widths)) - 1]
    sheet.freeze_panes = f"A{sheet.max_row + 1}"  # a string: asking for the cell would add a row


def _answers_sheet(sheet, survey: Survey, questions, answers) -> None:
    sheet.title = _("Phiếu trả lời")
    write_title(sheet, what=survey.title, unit=_("Phiếu trả lời"))
    fixed = [_("STT"), _("Xã, phường"), _("Thôn, tổ dân phố"), _("Tổ thu thập"), _("Người ghi"), _("Ghi lúc")]
    titles = fixed + [_("Câu %(n)s. %(text)s") % {"n": n, "text": q.text} for n, q in enumerate(questions, 1)]
    _header(sheet, titles, [6, 22, 22, 28, 22, 17, 30])
    numbers = [column for column, q in enumerate(questions, start=len(fixed) + 1) if q.kind == QuestionKind.NUMBER]
    # Row numbers are counted here: openpyxl's max_row walks every cell, too slow for 10,000 rows.
    for row, answer in enumerate(answers, start=HEADER_ROW + 1):
        made = timezone.localtime(answer.made_at).replace(tzinfo=None)
        sheet.append([row - HEADER_ROW, answer.commune.name, answer.unit.name, str(answer.team),
                      answer.recorded_by.full_name, made,
                      *[cell_value(q, answer.values.get(str(q.pk))) for q in questions]])
        sheet.cell(row=row, column=6).number_format = DATE_TIME
        for column in numbers:
            sheet.cell(row=row, column=column).number_format = NUMBER


def _summary_sheet(sheet, survey: Survey, summary: list[dict]) -> None:
    total = summary[0]["total"] if summary else 0
    write_title(sheet, what=survey.title, note=_("Tổng hợp. Số phiếu: %(n)s.") % {"n": total})
    _header(sheet, [_("Câu hỏi"), _("Lựa chọn hoặc số liệu"), _("Số phiếu"), _("Tỷ lệ (%)"), _("Giá trị")],
            [46, 34, 11, 11, 14])
    for n, row in enumerate(summary, start=1):
        question = row["question"]
        label = _("Câu %(n)s. %(text)s") % {"n": n, "text": question.text}
        sheet.append([label, _("Số phiếu có trả lời"), row["answered"], None, None])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        if question.kind == QuestionKind.NUMBER:
            for name, key in ((_("Tổng"), "sum"), (_("Trung bình"), "mean"), (_("Nhỏ nhất"), "least"),
                              (_("Lớn nhất"), "most")):
                sheet.append([None, name, None, None, row[key]])
                sheet.cell(row=sheet.max_row, column=5).number_format = NUMBER
        for choice in row.get("choices", []):
            sheet.append([None, choice["choice"], choice["count"], choice["percent"], None])
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _progress_sheet(sheet, survey: Survey, progress: list[dict]) -> None:
    write_title(sheet, what=survey.title, unit=_("Tiến độ các tổ"))
    _header(sheet, [_("Xã, phường"), _("Tổ"), _("Hạn hoàn thành"), _("Số phiếu"), _("Tình trạng")],
            [24, 34, 15, 10, 18])
    for row, line in enumerate(progress, start=HEADER_ROW + 1):
        state = _("Quá hạn, chưa có phiếu") if line["late"] else (_("Đã có phiếu") if line["answered"]
                                                                  else _("Chưa có phiếu"))
        sheet.append([line["commune"], line["team"], line["deadline"], line["answered"], state])
        sheet.cell(row=row, column=3).number_format = DATE
