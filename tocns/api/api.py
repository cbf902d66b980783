"""The JSON API under /api/v1/. Endpoints only call selectors and services, and every one of
them is filtered to the caller's scope: out-of-scope objects answer 404."""

import functools
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router, Schema
from ninja.errors import AuthenticationError
from ninja.pagination import paginate
from ninja.responses import Status

from tocns.accounts.selectors import search_units, unit_for_user_or_404
from tocns.audit.services import record_read
from tocns.fieldwork.services import activities_record_batch, activity_record
from tocns.fieldwork.surveys import answers_record_batch
from tocns.reports.selectors import can_edit, report_for_user_or_404
from tocns.reports.services import report_save
from tocns.teams.selectors import members_on, team_for_user_or_404, teams_for_user

from . import people_api, reports_api
from .auth import BearerToken, session_auth
from .clients import refusal
from .models import ApiClient
from .paging import BoundedPagination
from .schemas import (
    ActivityIn,
    ActivityOneIn,
    ActivityOut,
    AnswerIn,
    AnswerResult,
    BatchResult,
    IsoDate,
    MeOut,
    ReportSaveIn,
    ReportSaveResult,
    TeamDetailOut,
    TeamOut,
    UnitOut,
)

logger = logging.getLogger("tocns.api")

# Statuses any operation can answer besides its own (auth, scope, validation, machine clients'
# limit, a fault), each with the shared error body; added to every operation of the schema.
COMMON_ERRORS = {
    # Refused by the request filter (tocns.lib.security) before the API: a NUL or non-UTF-8 character.
    "400": "Yêu cầu có ký tự không hợp lệ (ký tự rỗng, mã không phải UTF-8) / Malformed request",
    "401": "Chưa đăng nhập, hoặc mã truy cập sai, đã thu hồi hay hết hạn / Not authenticated",
    "403": "Không được phép (thiếu mã CSRF, hoặc hệ thống kết nối không được dùng thao tác này) / Forbidden",
    "404": "Không tìm thấy, hoặc ngoài phạm vi của bạn / Not found or out of your scope",
    "422": "Dữ liệu gửi lên không hợp lệ / Validation error",
    "429": "Quá số yêu cầu cho phép (hệ thống kết nối); xem tiêu đề Retry-After / Rate limited",
    "500": "Lỗi máy chủ / Server error",
}


class TocnsAPI(NinjaAPI):
    """The NinjaAPI with two additions: every operation is guarded for machine clients (GET only,
    their groups, their per-minute limit, one audit row a request: tocns.api.clients), a wrong method
    answers 405 in JSON; and the schema lists the common error statuses on every operation."""

    def _get_bound_routers(self):
        fresh = self._bound_routers_cache is None
        routers = super()._get_bound_routers()
        if fresh:
            for bound in routers:
                for path_view in bound.path_operations.values():
                    path_view._not_allowed = functools.partial(_not_allowed, path_view)
                    for operation in path_view.operations:
                        operation._run_checks = functools.partial(_checked, operation, operation._run_checks)
        return routers

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
            "title": "Error", "type": "object", "required": ["detail"],
            "properties": {"detail": {"title": "Detail", "description": "Thông báo lỗi, hoặc (422) danh sách lỗi"}},
        }
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                # ninja writes an operation's own statuses with int keys: make every key a string, or
                # its own 400 and the common "400" would both be written and a parser keeps only one.
                responses = {str(status): body for status, body in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for status, description in COMMON_ERRORS.items():
                    own = responses.get(status)
                    if own is None:
                        responses[status] = {
                            "description": description,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                        }
                        continue
                    # The operation's own answer, or the common one (the request filter's 400).
                    content = own.setdefault("content", {}).setdefault("application/json", {})
                    if "schema" in content and content["schema"] != {"$ref": "#/components/schemas/Error"}:
                        content["schema"] = {"anyOf": [content["schema"], {"$ref": "#/components/schemas/Error"}]}
                    own["description"] = f"{own.get('description', '')} · {description}".strip(" ·")
                if "requestBody" in operation:
                    responses.setdefault("413", {
                        "description": "Dữ liệu gửi lên quá lớn / Payload too large",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    })
                responses["429"].setdefault("headers", {"Retry-After": {
                    "description": "Số giây cần chờ / seconds to wait", "schema": {"type": "integer"}}})
        return schema


def _checked(operation, run_checks, request):
    error = run_checks(request)
    if error is None and isinstance(getattr(request, "auth", None), ApiClient):
        refused = refusal(request, operation)
        if refused is not None:
            status, detail, headers = refused
            error = api.create_response(request, {"detail": detail}, status=status)
            for name, value in headers.items():
                error[name] = value
    return error


def _not_allowed(path_view):
    allowed = sorted({method for operation in path_view.operations for method in operation.methods})
    response = api.create_response(None, {"detail": _("Phương thức không được hỗ trợ ở địa chỉ này.")}, status=405)
    response["Allow"] = ", ".join(allowed)
    return response


api = TocnsAPI(
    title="Tổ công nghệ số cộng đồng – API",
    version="1",
    description=("API của phần mềm quản lý Tổ công nghệ số cộng đồng. Đăng nhập bằng phiên (cookie, kèm mã CSRF "
                 "khi gửi dữ liệu) hoặc bằng mã truy cập API tạo ở trang «Mã truy cập API» (có hạn dùng): gửi "
                 "tiêu đề `Authorization: Bearer <mã>`, không cần mã CSRF. Hệ thống kết nối (LGSP…) do Quản trị "
                 "cấp tỉnh đăng ký dùng mã riêng theo cùng cách: chỉ đọc (GET), chỉ các nhóm API được chọn, "
                 "giới hạn số yêu cầu mỗi phút (429, `Retry-After`). Mọi lỗi trả JSON `{\"detail\": …}`."),
    # The token first: a request that brings one is judged by it alone (a bad one answers 401),
    # and the session's CSRF check is not applied to it.
    auth=[BearerToken(), session_auth],
    urls_namespace="api",
)

units = Router(tags=["Đơn vị hành chính"])


class UnitFilter(Schema):
    q: str = ""
    parent: str | None = None
    level: str = ""


@units.get("/units", response=list[UnitOut])
@paginate(BoundedPagination)
def list_units(request, filters: Query[UnitFilter]):
    parent = unit_for_user_or_404(request.user, code=filters.parent) if filters.parent else None
    return search_units(request.user, query=filters.q, parent=parent, level=filters.level).order_by("code")


@units.get("/units/{code}", response=UnitOut)
def get_unit(request, code: str):
    return unit_for_user_or_404(request.user, code=code)


teams = Router(tags=["Tổ công nghệ số cộng đồng"])


class TeamFilter(Schema):
    commune: str | None = None
    status: str = ""


@teams.get("/teams", response=list[TeamOut])
@paginate(BoundedPagination)
def list_teams(request, filters: Query[TeamFilter]):
    qs = teams_for_user(request.user).order_by("commune__code", "unit__code")
    if filters.commune:
        qs = qs.filter(commune__code=filters.commune)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


@teams.get("/teams/{team_id}", response=TeamDetailOut)
def get_team(request, team_id: int, on: IsoDate | None = None):
    """A team and its members, today or on a past day (`on=2026-09-01`)."""
    team = team_for_user_or_404(request.user, team_id)
    team.members = members_on(team, on)
    record_read(actor=request.user, action="members.api", obj=team, people=[m.person_id for m in team.members],
                summary=_("Đọc danh sách thành viên %(team)s qua API") % {"team": team})
    return team


fieldwork = Router(tags=["Nhật ký hoạt động"])
MAX_BATCH = 500


@fieldwork.post("/activities", response={200: ActivityOut, 201: ActivityOut, 400: dict})
def post_activity(request, payload: ActivityOneIn):
    """Store one activity made on the phone. The same `client_id` again answers 200 with the
    activity stored the first time; nothing is stored twice."""
    try:
        activity, created = activity_record(user=request.user, data=payload.dict())
    except ValidationError as exc:
        return Status(400, {"detail": exc.message_dict})
    return Status(201 if created else 200, activity)


def _not_the_owner(request):
    """A phone's queue belongs to the member who made it (the page sends `X-Tocns-Owner`, the user
    id it was signed in with). Under another account it is refused whole, before anything is looked at."""
    owner = request.headers.get("X-Tocns-Owner")
    if owner is not None and owner != str(request.user.pk):
        return Status(409, {"detail": {"owner": [_("Các mục này được ghi khi một tài khoản khác đăng nhập: hãy "
                                                   "đăng nhập bằng tài khoản đó để gửi.")]}})
    return None


@fieldwork.post("/activities/batch", response={200: list[BatchResult], 400: dict, 409: dict})
def post_activities(request, payload: list[ActivityIn]):
    """The phone's whole queue at once; each entry is stored, found already stored, or refused
    with its reasons, independently of the others."""
    if refused := _not_the_owner(request):
        return refused
    if len(payload) > MAX_BATCH:
        return Status(400, {"detail": {"batch": [_("Tối đa %(n)s mục một lần.") % {"n": MAX_BATCH}]}})
    outcomes = activities_record_batch(user=request.user, entries=[entry.dict() for entry in payload])
    results = [{"client_id": o.client_id, "status": o.status, "errors": o.errors, "activity": o.stored}
               for o in outcomes]
    return Status(200, results)


@fieldwork.post("/survey-answers/batch", response={200: list[AnswerResult], 400: dict, 409: dict},
                tags=["Khảo sát"])
def post_survey_answers(request, payload: list[AnswerIn]):
    """Filled questionnaires queued on the phone; like activities, each `client_id` is stored once."""
    if refused := _not_the_owner(request):
        return refused
    if len(payload) > MAX_BATCH:
        return Status(400, {"detail": {"batch": [_("Tối đa %(n)s mục một lần.") % {"n": MAX_BATCH}]}})
    outcomes = answers_record_batch(user=request.user, entries=[entry.dict() for entry in payload])
    return Status(200, [{"client_id": o.client_id, "status": o.status, "errors": o.errors, "answer": o.stored}
                        for o in outcomes])


reports = Router(tags=["Báo cáo"])


@reports.post("/reports/batch", response={200: list[ReportSaveResult], 400: dict, 409: dict})
def post_reports(request, payload: list[ReportSaveIn]):
    """Monthly reports filled on the phone with no connection, sent when it comes back. Each entry
    is one save (a draft, or sending it) made on `version`; its `client_id` is the page's save key,
    so an entry sent twice is applied once. The rules are the report page's (reports.services)."""
    if refused := _not_the_owner(request):
        return refused
    if len(payload) > MAX_BATCH:
        return Status(400, {"detail": {"batch": [_("Tối đa %(n)s mục một lần.") % {"n": MAX_BATCH}]}})
    return Status(200, [_report_from_phone(request.user, entry) for entry in payload])


def _report_from_phone(user, entry: ReportSaveIn) -> dict:
    answer = {"client_id": entry.client_id, "status": "refused"}
    try:
        report = report_for_user_or_404(user, entry.report)
    except Http404:
        report = None
    if report is None or not can_edit(user, report):
        return answer | {"errors": {"report": [_("Không tìm thấy báo cáo này, hoặc bạn không nhập được báo cáo này.")]}}
    applied = bool(entry.client_id) and entry.client_id == report.last_save_key
    values = {code: "" if value is None else str(value) for code, value in entry.values.items()}
    try:
        saved = report_save(report=report, values=values, comments=entry.comments, texts=entry.texts,
                            version=entry.version, save_key=entry.client_id, submit=entry.submit, by=user)
    except ValidationError as exc:
        return answer | {"errors": exc.message_dict if hasattr(exc, "error_dict") else {"report": exc.messages}}
    return answer | {"status": "duplicate" if applied else "stored", "version": saved.version,
                     "state": saved.get_status_display(), "to_fix": saved.values.exclude(raw="").count()}


@api.get("/me", response=MeOut, tags=["Tài khoản"])
def me(request):
    user = request.user
    return {
        "username": user.username, "full_name": user.full_name, "phone": user.phone,
        "assignments": [
            {"role": a.role, "unit_code": a.unit.code if a.unit_id else "", "unit_name": a.area_name}
            for a in user.assignments.active().select_related("unit")
        ],
    }


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Không tìm thấy.")}, status=404)


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    response = api.create_response(request, {"detail": _("Chưa đăng nhập, hoặc mã truy cập sai, đã thu hồi hay "
                                                         "hết hạn.")}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("Không được phép.")}, status=403)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Exception)
def server_error(request, exc):
    """A fault: logged with its trace (for the operators), answered in JSON without it."""
    logger.exception("API %s %s", getattr(request, "method", ""), getattr(request, "path", ""))
    return api.create_response(request, {"detail": _("Lỗi máy chủ. Hãy thử lại sau; nếu vẫn lỗi, báo cho quản trị.")},
                               status=500)


api.add_router("", units)
api.add_router("", teams)
api.add_router("", fieldwork)
api.add_router("", reports)
# Issue #16: every part of the plan.
api.add_router("", reports_api.router)
api.add_router("", people_api.router)


# Last: any other address under /api/v1/ answers 404 in JSON, not Django's HTML page.
fallback = Router(auth=None)


@fallback.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"], "/{path:rest}",
                        include_in_schema=False)
def unknown_address(request, rest: str):
    raise Http404


api.add_router("", fallback)
