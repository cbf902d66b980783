"""Read queries of the outbox: a notice's messages, a user's inbox, and the province admin's pages.

Domain models (teams, reports, training, feedback) are read through the app registry, as the audit
pages do, so `notify` still imports no domain app."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.lib.phone import format_phone
from tocns.lib.text import unaccent

from .channels import channels
from .channels.sms import SINGLE, parts
from .delivery import channel_stopped
from .kinds import TEMPLATES, render, zalo_data
from .models import (
    AttemptOutcome,
    ChannelState,
    DeliveryAttempt,
    DeliveryStatus,
    NoticeKind,
    Notification,
    ZaloToken,
)
from .services import reference_for


def notifications_about(obj) -> QuerySet:
    return Notification.objects.filter(reference=reference_for(obj))


def notifications_for_user(user) -> QuerySet:
    return Notification.objects.filter(recipient=user)


# The province admin's pages -----------------------------------------------------------------------
# The environment settings each channel needs before it sends anything (names only, never values).
REQUIRED_SETTINGS = {
    "zalo": ("ZALO_APP_ID", "ZALO_SECRET_KEY", "ZALO_REFRESH_TOKEN"),
    "sms": ("SMS_API_URL", "SMS_API_KEY", "SMS_BRANDNAME"),
    "email": ("EMAIL_BACKEND",),
}
# Without these the channel sends, but its delivery receipts are refused.
RECEIPT_SETTINGS = {"zalo": ("ZALO_OA_SECRET_KEY",), "sms": ("SMS_CALLBACK_URL", "SMS_CALLBACK_TOKEN")}
# Django's mail backends that keep the mail on the server (development, tests): "configured", yet nobody gets it.
LOCAL_MAIL_BACKENDS = ("console", "locmem", "dummy", "filebased")


def notices_for_admin(user, province_ids) -> QuerySet:
    """The notices of the provinces he administers, and those addressed to him (channel alerts)."""
    return Notification.objects.filter(Q(province_id__in=list(province_ids)) | Q(recipient=user))


@dataclass
class ChannelView:
    name: str
    label: str
    configured: bool
    missing: list[str]
    receipts_missing: list[str]
    state: ChannelState | None
    stopped: bool
    kinds_without_template: list[str] = field(default_factory=list)
    note: str = ""


def channel_overview(now: datetime | None = None) -> list[ChannelView]:
    """Every channel, in fallback order, as the admin needs to judge it (install-wide)."""
    now = now or timezone.now()
    states = {state.channel: state for state in ChannelState.objects.all()}
    # Zalo rotates the refresh token: once seeded, the current one lives in the token store.
    stored_token = ZaloToken.objects.exclude(refresh_token="").exists()
    views = []
    for channel in channels():
        missing = [name for name in REQUIRED_SETTINGS.get(channel.name, ()) if not getattr(settings, name, "")
                   and not (name == "ZALO_REFRESH_TOKEN" and stored_token)]
        configured = channel.configured()
        receipts = [name for name in RECEIPT_SETTINGS.get(channel.name, ()) if not getattr(settings, name, "")]
        state = states.get(channel.name)
        view = ChannelView(name=channel.name, label=channel.label, configured=configured, missing=missing,
                           receipts_missing=receipts, state=state, stopped=channel_stopped(state, now))
        backend_module = settings.EMAIL_BACKEND.rsplit(".", 1)[0].rsplit(".", 1)[-1]
        if channel.name == "email" and backend_module in LOCAL_MAIL_BACKENDS:
            view.note = _("Máy chủ chưa có hộp thư gửi đi: thư chỉ được ghi lại trên máy chủ, không đến người nhận "
                          "(EMAIL_BACKEND).")
        if channel.name == "zalo":
            view.kinds_without_template = [str(label) for value, label in NoticeKind.choices
                                           if value != NoticeKind.GENERAL and not channel.template_for(value)]
        views.append(view)
    return views


def _today_start() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def sends_today(notices: QuerySet) -> dict:
    """Messages that went out today (Vietnam date), by kind and channel, with the totals."""
    rows = (DeliveryAttempt.objects.filter(outcome=AttemptOutcome.SENT, started_at__gte=_today_start(),
                                           notification__in=notices)
            .values("notification__kind", "channel").annotate(n=Count("id")).order_by())
    names = [channel.name for channel in channels()]
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["notification__kind"], {})[row["channel"]] = row["n"]
    labels = dict(NoticeKind.choices)
    table = [{"kind": labels.get(kind, kind), "cells": [by_channel.get(name, 0) for name in names],
              "total": sum(by_channel.values())} for kind, by_channel in counts.items()]
    table.sort(key=lambda row: -row["total"])
    totals = [sum(row["cells"][i] for row in table) for i in range(len(names))]
    return {"rows": table, "totals": totals, "total": sum(totals)}


def waiting_counts(notices: QuerySet, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    queued = notices.filter(status=DeliveryStatus.QUEUED)
    return {"queued": queued.count(), "held": queued.filter(next_attempt_at__gt=now).count()}


def failed_notices(notices: QuerySet) -> QuerySet:
    """Notices no channel carried, newest first, with their attempts (the reasons)."""
    return (notices.filter(status__in=(DeliveryStatus.FAILED, DeliveryStatus.FELL_BACK))
            .prefetch_related(Prefetch("delivery_attempts", queryset=DeliveryAttempt.objects.order_by(
                "started_at", "id"))).order_by("-created_at", "-id"))


def masked_phone(phone: str) -> str:
    """Only the last three digits: enough to tell two people apart, not to call them."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if not digits:
        return ""
    return "•" * max(len(digits) - 3, 0) + digits[-3:]


# Previews of each kind, with real data -------------------------------------------------------------
@dataclass
class KindPreview:
    kind: str
    label: str
    audience: str
    source: str = ""  # where the data came from
    subject: str = ""
    body: str = ""
    sms: str = ""
    sms_length: int = 0
    sms_parts: int = 0
    too_long: bool = False
    template_id: str = ""
    zalo: dict = field(default_factory=dict)
    zalo_cut: list[str] = field(default_factory=list)  # parameters longer than ZNS takes
    has_data: bool = False


def _model(label: str):
    return apps.get_model(label)


def _month_label(day: date) -> str:
    # The same words as the reminders use for a monthly period.
    return _("báo cáo %(period)s") % {"period": _("tháng %(m)s/%(y)s") % {"m": f"{day.month:02d}", "y": day.year}}


def _month_due(day: date, due_day: int) -> date:
    return date(day.year, day.month, min(due_day, calendar.monthrange(day.year, day.month)[1]))


def _real_team(province_ids):
    Team = _model("teams.Team")
    return (Team.objects.filter(province_id__in=province_ids, status="established").select_related("unit", "commune")
            .order_by("-established_on", "-id").first())


def _monthly_form(level: str):
    return (_model("reports.ReportForm").objects.filter(is_active=True, level=level, period_type="month")
            .order_by("code").first())


def _sample_due(province_ids, days: int):
    team, form = _real_team(province_ids), _monthly_form("village_team")
    if team is None or form is None:
        return None
    today = timezone.localdate()
    params = {"unit": str(team), "report": _month_label(today), "due": _month_due(today, form.due_day)
              .strftime("%d/%m/%Y"), "days": str(days),
              "hint": _("Hãy vào mục Báo cáo để nhập và gửi; nếu chưa làm xong, hãy lưu nháp rồi gửi trước hạn.")}
    return params, _("%(team)s, tháng này (chưa có thông báo nào loại này)") % {"team": team}


def _missing_lines(teams) -> str:
    """One line per team, as the overdue reminder writes them: its leader and phone, if any."""
    leaders = {m.team_id: m.person for m in _model("teams.Membership").objects.filter(
        team__in=teams, role="leader", end_date__isnull=True).select_related("person")}
    lines = []
    for team in teams:
        leader = leaders.get(team.pk)
        if leader is not None and leader.phone:
            lines.append(_("– %(unit)s: tổ trưởng %(name)s, %(phone)s") % {
                "unit": team.unit.name, "name": leader.full_name, "phone": format_phone(leader.phone)})
        else:
            lines.append(_("– %(unit)s: chưa có tổ trưởng") % {"unit": team.unit.name})
    return "\n".join(lines)


def _sample_overdue(province_ids):
    team, form = _real_team(province_ids), _monthly_form("village_team")
    if team is None or form is None:
        return None
    today = timezone.localdate()
    # The commune's teams that have not sent this month's report.
    sent = _model("reports.Report").objects.filter(form=form, period_key=f"{today:%Y-%m}", submitted_at__isnull=False)
    teams = list(_model("teams.Team").objects.filter(commune=team.commune, status="established")
                 .exclude(pk__in=sent.values("team_id")).select_related("unit").order_by("unit__name"))
    if not teams:
        return None
    params = {"unit": team.commune.name, "count": str(len(teams)), "report": _month_label(today),
              "due": _month_due(today, form.due_day).strftime("%d/%m/%Y"),
              "lines": _missing_lines(teams)}
    return params, _("Các tổ của %(commune)s chưa gửi báo cáo tháng này (chưa có thông báo nào loại này)") % {
        "commune": team.commune.name}


def _sample_returned(province_ids):
    Report = _model("reports.Report")
    report = (Report.objects.filter(province_id__in=province_ids, status="returned").select_related("unit")
              .order_by("-reviewed_at", "-id").first())
    if report is not None:
        return {"unit": report.unit.name, "report": report.period_start.strftime("%m/%Y"),
                "comment": report.review_comment}, _("Báo cáo bị trả lại gần nhất")
    team = _real_team(province_ids)
    if team is None:
        return None
    params = {"unit": team.unit.name, "report": timezone.localdate().strftime("%m/%Y"), "comment": ""}
    return params, _("%(team)s, tháng này (chưa có báo cáo nào bị trả lại nên chưa có lời nhận xét)") % {
        "team": team}


def _sample_requested(province_ids):
    ReportRequest = _model("reports.ReportRequest")
    request = ReportRequest.objects.filter(province_id__in=province_ids).order_by("-created_at", "-id").first()
    if request is None:
        return None
    commune = request.communes.order_by("name").first()
    if commune is None:
        return None
    params = {"unit": commune.name, "title": request.title, "start": request.period_start.strftime("%d/%m/%Y"),
              "end": request.period_end.strftime("%d/%m/%Y"), "due": request.due_on.strftime("%d/%m/%Y")}
    return params, _("Yêu cầu báo cáo đột xuất gần nhất")


def _application_params(application, result: str = "", note: str = "") -> dict:
    return {"name": application.contact_name, "team": str(application.team), "result": result, "note": note,
            "application": application.get_kind_display().lower(), "code": application.tracking_code}


def _sample_application_received(province_ids):
    Application = _model("teams.Application")
    application = (Application.objects.filter(province_id__in=province_ids).select_related("team__unit")
                   .order_by("-submitted_at", "-id").first())
    if application is None:
        return None
    return _application_params(application), _("Đơn gần nhất")


def _sample_application_decided(province_ids):
    Application = _model("teams.Application")
    application = (Application.objects.filter(province_id__in=province_ids, status__in=("approved", "rejected"))
                   .select_related("team__unit").order_by("-decided_at", "-id").first())
    if application is None:
        return None
    day = timezone.localtime(application.decided_at).strftime("%d/%m/%Y") if application.decided_at else ""
    kind = application.get_kind_display().lower()
    if application.status == "rejected":
        params = _application_params(application, _("Đơn của bạn chưa được chấp thuận"), _(
            "Đơn %(kind)s %(team)s chưa được chấp thuận. Lý do: %(answer)s") % {
            "kind": kind, "team": application.team, "answer": application.answer})
    elif application.kind == "leave":
        params = _application_params(application, _("Đơn xin ra khỏi tổ đã được chấp thuận"), _(
            "Bạn đã thôi tham gia %(team)s từ ngày %(day)s. Cảm ơn bạn đã đóng góp.") % {
            "team": application.team, "day": day})
    else:
        names = ", ".join(application.entries.values_list("full_name", flat=True)) or application.contact_name
        params = _application_params(application, _("Đơn đăng ký tham gia đã được chấp thuận"), _(
            "Chào mừng bạn đến với %(team)s. Từ ngày %(day)s: %(names)s.") % {
            "team": application.team, "day": day, "names": names})
    return params, _("Đơn được quyết định gần nhất")


def _sample_feedback(province_ids):
    Feedback = _model("fieldwork.Feedback")
    rows = Feedback.objects.filter(province_id__in=province_ids).select_related("commune")
    feedback = rows.exclude(answer="").order_by("-answered_at", "-id").first()
    source = _("Ý kiến đã trả lời gần nhất")
    if feedback is None:
        feedback = rows.order_by("-received_at", "-id").first()
        source = _("Ý kiến gần nhất (chưa được trả lời nên chưa có nội dung trả lời)")
    if feedback is None:
        return None
    return {"code": feedback.code, "answer": feedback.answer,
            "by": feedback.forwarded_to or feedback.commune.name}, source


def _sample_training(province_ids):
    Course = _model("training.Course")
    course = Course.objects.filter(province_id__in=province_ids).order_by("-created_at", "-id").first()
    if course is None:
        return None
    session = (course.sessions.filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
               or course.sessions.order_by("-starts_at").first())
    if session is None:
        starts, place = _("sẽ báo sau"), _("sẽ báo sau")
    else:
        starts = timezone.localtime(session.starts_at).strftime("%H:%M %d/%m/%Y")
        place = session.place or (_("học trực tuyến") if session.online_link else _("sẽ báo sau"))
    invitation = course.invitations.select_related("person").order_by("id").first()
    name = invitation.person.full_name if invitation is not None else ""
    params = {"name": name, "course": course.title, "starts": starts, "place": place}
    return params, _("Khoá tập huấn gần nhất: %(course)s") % {"course": course.title}


def _sample_channel_alert(province_ids):
    state = ChannelState.objects.filter(stopped_at__isnull=False).order_by("-stopped_at", "-id").first()
    if state is not None:
        params = {"channel": state.get_channel_display(), "reason": state.stopped_reason or state.stopped_code,
                  "at": timezone.localtime(state.stopped_at).strftime("%H:%M %d/%m/%Y")}
        return params, _("Lần tạm dừng kênh hiện có")
    # No stop on record: the first channel, with the words the alert uses when the provider gives none.
    first = channels()[0]
    label = dict(ChannelState._meta.get_field("channel").choices).get(first.name, first.label)
    params = {"channel": str(label), "reason": _("hết hạn mức"), "at": timezone.localtime().strftime("%H:%M %d/%m/%Y")}
    return params, _("Kênh %(channel)s, lý do mặc định khi nhà cung cấp không ghi lý do") % {"channel": label}


SAMPLES = {
    NoticeKind.REPORT_DUE_5: lambda ids: _sample_due(ids, 5),
    NoticeKind.REPORT_DUE_1: lambda ids: _sample_due(ids, 1),
    NoticeKind.REPORT_OVERDUE: _sample_overdue,
    NoticeKind.REPORT_RETURNED: _sample_returned,
    NoticeKind.REPORT_REQUESTED: _sample_requested,
    NoticeKind.APPLICATION_RECEIVED: _sample_application_received,
    NoticeKind.APPLICATION_DECIDED: _sample_application_decided,
    NoticeKind.FEEDBACK_ANSWERED: _sample_feedback,
    NoticeKind.TRAINING_INVITATION: _sample_training,
    NoticeKind.CHANNEL_ALERT: _sample_channel_alert,
}


def sample_params(kind: str, user, province_ids):
    """The parameters to preview `kind` with, each with where it comes from, best first: the newest
    notice of that kind the admin may see, then real rows of his provinces. Nothing is made up: a
    kind without either yields nothing."""
    province_ids = list(province_ids)
    notice = notices_for_admin(user, province_ids).filter(kind=kind).order_by("-created_at", "-id").first()
    if notice is not None and notice.params:
        yield dict(notice.params), _("Thông báo gần nhất, %(at)s") % {
            "at": timezone.localtime(notice.created_at).strftime("%H:%M %d/%m/%Y")}
    builder = SAMPLES.get(kind)
    if builder is not None and (built := builder(province_ids)) is not None:
        yield built


def kind_previews(user, province_ids) -> list[KindPreview]:
    zalo = next(channel for channel in channels() if channel.name == "zalo")
    labels = dict(NoticeKind.choices)
    previews = []
    for kind, template in TEMPLATES.items():
        preview = KindPreview(kind=kind, label=str(labels.get(kind, kind)), audience=str(template.audience),
                              template_id=zalo.template_for(kind))
        for params, source in sample_params(kind, user, province_ids):
            try:
                preview.subject, preview.body, short = render(kind, params)
            except (KeyError, ValueError, TypeError):
                continue  # stored before the kind's text changed: not a faithful preview, try the next
            preview.source = source
            # As the SMS channel sends it (delivery falls back to the subject when there is no short text).
            preview.sms = unaccent(short or preview.subject)
            preview.sms_length, preview.sms_parts = len(preview.sms), parts(preview.sms)
            preview.too_long = preview.sms_length > SINGLE
            preview.zalo = zalo_data(kind, params)
            preview.zalo_cut = [key for key, value in preview.zalo.items()
                                if len(str(params.get(key, ""))) > len(value)]
            preview.has_data = True
            break
        previews.append(preview)
    return previews
