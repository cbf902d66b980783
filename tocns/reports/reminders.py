"""Daily reminders about reports (plan II.2.3: teams report before the 30th; III.1: the province
urges and checks reporting).

- Five days and one day before a monthly team report is due, the leaders of every team that owes it
  and has not sent it are reminded.
- The day after it was due, each commune's VH-XH officers get one message listing the teams of
  their commune still missing, with the leaders' phones to call.
- Five days and one day before a commune's quarterly, annual or ad-hoc report is due, the
  officers of every commune that has not sent it are reminded.

Safe to run every day, and twice: each reminder is keyed (`due5:<form>:<unit>:<period>`,
`due1:…`, `late1:<form>:<commune>:<period>`) in ReminderLog and is never sent again."""

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from tocns.accounts.models import Assignment, Role
from tocns.geo.models import AdminUnit
from tocns.lib.phone import format_phone
from tocns.notify.models import NoticeKind
from tocns.teams.models import Team

from . import selectors
from .choices import Level, PeriodType
from .models import ReminderLog, ReportForm, ReportRequest
from .periods import Period, due_date, period_of
from .settings_selectors import request_period

BEFORE = ((5, "due5"), (1, "due1"))
AFTER = ((-1, "late1"),)


def _period_due_on(form: ReportForm, day: date) -> Period | None:
    """The form's period whose report is due on `day`, if any (a report is due in its period's last month)."""
    period = period_of(form.period_type, day, form.period_rule)
    return period if due_date(period, form.due_day) == day else None


def _once(key: str, send: Callable[[], None]) -> bool:
    """Send and log together; False (nothing sent) when the key was logged before."""
    with transaction.atomic():
        _log, created = ReminderLog.objects.get_or_create(key=key)
        if created:
            send()
    return created


def _holders(role: str, unit_ids) -> dict[int, list]:
    """{unit id: [users]} holding `role` on these units now."""
    out: dict[int, list] = {}
    for assignment in Assignment.objects.active().filter(role=role, unit_id__in=list(unit_ids),
                                                         user__is_active=True).select_related("user"):
        out.setdefault(assignment.unit_id, []).append(assignment.user)
    return out


NOTICE_KINDS = {"due5": NoticeKind.REPORT_DUE_5, "due1": NoticeKind.REPORT_DUE_1, "late1": NoticeKind.REPORT_OVERDUE}


def _send(users, *, kind: str, params: dict, about, key: str) -> None:
    from tocns.notify.services import notify

    for user in users:
        notify(kind=NOTICE_KINDS[kind], params=params, about=about, recipient=user, key=f"{key}:{user.pk}")


def _remind_leaders(form: ReportForm, period: Period, kind: str, days: int, missing, counts: Counter) -> None:
    leaders = _holders(Role.TEAM_LEADER, [row.unit.pk for row in missing])
    teams = Team.objects.select_related("unit").in_bulk([row.team_id for row in missing])
    due = due_date(period, form.due_day).strftime("%d/%m/%Y")
    for row in missing:
        team = teams[row.team_id]
        users = leaders.get(row.unit.pk)
        if not users:
            counts["no_recipient"] += 1
            continue
        report = _("báo cáo %(period)s") % {"period": period.label}
        if selectors.team_forms(form.level, row.unit.province_id).count() > 1:  # two forms side by side: say which
            report = f"{report} ({form.name})"
        params = {"unit": str(team), "report": report, "due": due,
                  "days": days, "hint": _("Hãy vào mục Báo cáo để nhập và gửi; nếu chưa làm xong, hãy lưu nháp "
                                          "rồi gửi trước hạn.")}
        key = f"{kind}:{form.code}:{row.unit.code}:{period.key}"
        sent = _once(key, lambda users=users, params=params, team=team, key=key: _send(
            users, kind=kind, params=params, about=team, key=key))
        counts["team_due" if sent else "already_sent"] += 1


def _missing_line(row) -> str:
    if row.leader_phone:
        return _("– %(unit)s: tổ trưởng %(name)s, %(phone)s") % {
            "unit": row.unit.name, "name": row.leader_name, "phone": format_phone(row.leader_phone)}
    return _("– %(unit)s: chưa có tổ trưởng") % {"unit": row.unit.name}


def _remind_officers_of_late_teams(form: ReportForm, period: Period, missing, counts: Counter) -> None:
    by_commune: dict[int, list] = {}
    for row in missing:
        by_commune.setdefault(row.unit.commune_id, []).append(row)
    officers = _holders(Role.COMMUNE_OFFICER, by_commune)
    communes = AdminUnit.objects.in_bulk(list(by_commune))
    due = due_date(period, form.due_day).strftime("%d/%m/%Y")
    for commune_id, rows in by_commune.items():
        users = officers.get(commune_id)
        if not users:
            counts["no_recipient"] += 1
            continue
        commune = communes[commune_id]
        params = {"unit": commune.name, "count": len(rows), "due": due,
                  "report": _("báo cáo %(period)s") % {"period": period.label},
                  "lines": "\n".join(_missing_line(row) for row in rows)}
        key = f"late1:{form.code}:{commune.code}:{period.key}"
        sent = _once(key, lambda users=users, params=params, commune=commune, key=key: _send(
            users, kind="late1", params=params, about=commune, key=key))
        counts["team_late" if sent else "already_sent"] += 1


def _remind_communes(*, form: ReportForm, label: str, key: str, due: date, days: int, kind: str, missing,
                     counts: Counter, counter: str, about) -> None:
    officers = _holders(Role.COMMUNE_OFFICER, [row.unit.pk for row in missing])
    for row in missing:
        users = officers.get(row.unit.pk)
        if not users:
            counts["no_recipient"] += 1
            continue
        params = {"unit": row.unit.name, "report": label, "due": due.strftime("%d/%m/%Y"), "days": days,
                  "hint": _("Mẫu: %(form)s. Vào mục Báo cáo để lập báo cáo; số liệu được lấy sẵn từ báo cáo đã "
                            "tiếp nhận của các tổ.") % {"form": form.name}}
        log_key = f"{kind}:{form.code}:{row.unit.code}:{key}"
        sent = _once(log_key, lambda users=users, params=params, about=about or row.unit, log_key=log_key: _send(
            users, kind=kind, params=params, about=about, key=log_key))
        counts[counter if sent else "already_sent"] += 1


def send_reminders(today: date) -> dict[str, int]:
    """Send the reminders due on `today`; returns how many messages of each kind went out
    (team_due, team_late, commune_due, request_due), how many were sent before (already_sent) and
    how many found nobody to send to (no_recipient)."""
    counts: Counter = Counter(team_due=0, team_late=0, commune_due=0, request_due=0, already_sent=0,
                              no_recipient=0)
    provinces = list(AdminUnit.objects.active().provinces())
    # National forms and every province's own: a province's form is asked of its province only.
    for form in selectors.team_forms(province=provinces):
        for offset, kind in BEFORE + AFTER:
            period = _period_due_on(form, today + timedelta(days=offset))
            if period is None:
                continue
            for province in provinces:
                if form.province_id not in (None, province.pk):
                    continue
                missing = selectors.completeness(form=form, period=period, unit=province).missing_rows
                if not missing:
                    continue
                if kind == "late1":
                    _remind_officers_of_late_teams(form, period, missing, counts)
                else:
                    _remind_leaders(form, period, kind, offset, missing, counts)
    for form in ReportForm.objects.for_province(provinces).filter(
            is_active=True, level=Level.COMMUNE, period_type__in=[PeriodType.QUARTER, PeriodType.YEAR]):
        for offset, kind in BEFORE:
            due = today + timedelta(days=offset)
            period = _period_due_on(form, due)
            if period is None:
                continue
            label = _("báo cáo %(period)s") % {"period": period.label}
            for province in provinces:
                if form.province_id not in (None, province.pk):
                    continue
                missing = selectors.completeness(form=form, period=period, unit=province).missing_rows
                _remind_communes(form=form, label=label, key=period.key, due=due, days=offset, kind=kind,
                                 missing=missing, counts=counts, counter="commune_due", about=None)
    for offset, kind in BEFORE:
        due = today + timedelta(days=offset)
        for request in ReportRequest.objects.filter(due_on=due, form__is_active=True).select_related(
                "form", "province"):
            missing = selectors.completeness(form=request.form, period=request_period(request),
                                             unit=request.province, request=request).missing_rows
            label = _("báo cáo đột xuất “%(title)s”") % {"title": request.title}
            _remind_communes(form=request.form, label=label, key=f"R{request.pk}", due=due, days=offset, kind=kind,
                             missing=missing, counts=counts, counter="request_due", about=request)
    return dict(counts)
