"""Schemas of the reports part of the JSON API (issue #16): indicators, forms, reports and their
values, roll-ups and completeness. Codes everywhere (unit codes, indicator codes, period keys);
a figure not entered is null, never 0."""

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool, StrictFloat, StrictInt, StrictStr

from .schemas import WholeNumber

# What tocns.reports.periods.parse_period reads, so the schema says what the server takes.
PERIOD_KEY = r"^(19|20)[0-9]{2}(-(0[1-9]|1[0-2])|-[Qq][1-4])?$"
ReportStatusCode = Literal["draft", "submitted", "returned", "accepted"]


def local(moment: datetime | None) -> datetime | None:
    """Times in Vietnam time (+07:00), as the rest of the API gives them."""
    return timezone.localtime(moment) if moment is not None else None


class IndicatorOut(Schema):
    code: str
    name: str
    unit_of_measure: str
    pillar: str
    pillar_label: str
    value_type: str
    aggregation: str
    visibility: str  # normal, public, sensitive
    numerator: str | None = None  # a ratio's parts, by code
    denominator: str | None = None
    retired_on: date | None = None


class FormLineOut(Schema):
    order: int
    section: str  # the heading the line is shown under ("" keeps the pillar's heading)
    indicator: str  # its code
    name: str
    unit_of_measure: str


class FormOut(Schema):
    code: str
    name: str
    version: int
    level: str  # village_team, commune_team, commune
    period_type: str  # month, quarter, year, once
    period_rule: str
    due_day: int
    is_active: bool
    lines: list[FormLineOut]


class ReportFilter(Schema):
    unit: str | None = Field(None, description="Mã đơn vị: báo cáo của đơn vị đó và các đơn vị bên dưới")
    form: str | None = Field(None, description="Mã mẫu báo cáo, ví dụ THANG-THON")
    period: str | None = Field(None, pattern=PERIOD_KEY, description="Kỳ báo cáo: 2026-10, 2026-Q4 hoặc 2026")
    status: ReportStatusCode | None = Field(None, description="draft, submitted, returned hoặc accepted")


class ReportOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    commune_code: str
    form: str  # the form's code
    period_key: str
    period_label: str
    due_on: date
    status: str
    status_label: str
    submitted_at: datetime | None
    on_time: bool | None
    accepted_at: datetime | None
    version: int

    # Resolved from the report (a list pages a queryset: only the page's reports are built).
    @staticmethod
    def resolve_id(obj) -> int:
        return obj["id"] if isinstance(obj, dict) else obj.pk

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj["unit_code"] if isinstance(obj, dict) else obj.unit.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj["unit_name"] if isinstance(obj, dict) else obj.unit.name

    @staticmethod
    def resolve_commune_code(obj) -> str:
        return obj["commune_code"] if isinstance(obj, dict) else obj.commune.code

    @staticmethod
    def resolve_form(obj) -> str:
        return obj["form"] if isinstance(obj, dict) else obj.form.code

    @staticmethod
    def resolve_period_label(obj) -> str:
        from tocns.reports.selectors import period_label

        return obj["period_label"] if isinstance(obj, dict) else str(period_label(obj))

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj["status_label"] if isinstance(obj, dict) else str(obj.get_status_display())

    @staticmethod
    def resolve_submitted_at(obj) -> datetime | None:
        return local(obj["submitted_at"] if isinstance(obj, dict) else obj.submitted_at)

    @staticmethod
    def resolve_accepted_at(obj) -> datetime | None:
        if isinstance(obj, dict):
            return local(obj["accepted_at"])
        return local(obj.reviewed_at) if obj.status == "accepted" else None


class ValueOut(Schema):
    indicator: str  # its code
    name: str
    unit_of_measure: str
    section: str
    value: float | None  # null: not entered (kept apart from 0)
    typed: str  # what a draft keeps in a cell while it is not an acceptable number, "" otherwise
    comment: str


class ReportDetailOut(ReportOut):
    submitted_by: str  # the sender's name, nothing more about him
    review_comment: str
    can_edit: bool  # whether the caller may save this report now (POST /reports/{id}/save)
    values: list[ValueOut]
    results: str
    difficulties: str
    proposals: str


class ReportSaveBody(Schema):
    """One save of a report, as the report page makes it. Send the whole report: an indicator left
    out of `values` is saved empty, a comment left out is cleared (texts left out stay)."""

    model_config = ConfigDict(strict=True)  # JSON types as the schema says them

    client_id: str = Field(..., min_length=1, max_length=64,
                           description="Khoá lần lưu: gửi lại cùng khoá thì không thay đổi gì")
    version: WholeNumber = Field(..., ge=0, description="Phiên bản của báo cáo mà người nhập đã sửa trên đó")
    # By indicator code, as typed; null or "" is empty. JSON types are kept (false is not a 0).
    values: dict[str, StrictStr | StrictInt | StrictFloat | None] = {}
    comments: dict[str, str] = {}  # by indicator code
    texts: dict[str, str] = {}  # results, difficulties, proposals
    submit: StrictBool = False
    reasons: dict[str, str] = {}  # by rule id: why a figure a warning rule questions is right


class SaveOut(Schema):
    id: int
    version: int
    status: str
    status_label: str
    duplicate: bool  # this client_id was applied before: nothing changed
    to_fix: int  # cells a draft keeps with a wrong value


class WarningOut(Schema):
    rule: int  # send its reason as reasons["<rule>"]
    message: str
    indicators: list[str]
    reason_error: str


class SaveRefused(Schema):
    detail: dict[str, list[str]]  # by indicator code, or "report", "values", "reasons"
    warnings: list[WarningOut] = []  # warning rules that need a reason before sending


class SaveConflict(Schema):
    detail: dict[str, list[str]]  # {"version": [message]}
    version: int  # the report's version now: load it again, then save on it
    status: str


class UnitFigures(Schema):
    unit_code: str
    unit_name: str
    values: dict[str, float | None]  # by indicator code; null where no report gave a value


class RollupLine(Schema):
    indicator: str
    name: str
    unit_of_measure: str
    aggregation: str
    total: float | None  # null when no report gave a value
    reports: int | None  # reports that gave a value for it (null for a ratio, computed from two others)


class RollupOut(Schema):
    unit_code: str
    unit_name: str
    period_key: str
    period_label: str
    report_count: int  # submitted or accepted monthly team reports summed
    as_of: datetime
    lines: list[RollupLine]
    children: list[UnitFigures]  # a province's communes, or a commune's own team and its villages


class CompletenessCounts(Schema):
    expected: int
    submitted: int
    on_time: int
    late: int
    missing: int


class CompletenessChild(CompletenessCounts):
    unit_code: str
    unit_name: str


class CompletenessOut(CompletenessCounts):
    form: str
    form_name: str
    period_key: str
    period_label: str
    as_of: datetime
    children: list[CompletenessChild]


class CompletenessFilter(Schema):
    unit: str = Field(..., description="Mã tỉnh hoặc mã xã, phường")
    period: str = Field(..., pattern=PERIOD_KEY, description="Kỳ báo cáo: 2026-10, 2026-Q4 hoặc 2026")
    form: str | None = Field(None, description="Mã mẫu; bỏ trống: mọi mẫu của kỳ đó")


class RollupFilter(Schema):
    unit: str = Field(..., description="Mã tỉnh hoặc mã xã, phường")
    period: str = Field(..., pattern=PERIOD_KEY, description="Kỳ báo cáo: 2026-10, 2026-Q4 hoặc 2026")
    form: str | None = Field(None, description="Mã mẫu: chỉ các chỉ số mẫu đó hỏi")
