"""What needs a signed-in user now, newest first: the top of their home page."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tocns.accounts.models import Assignment, Role
from tocns.coordination.todo import todo_for as coordination_todo
from tocns.fieldwork.selectors import surveys_to_answer
from tocns.privacy.selectors import requests_to_acknowledge
from tocns.regulations.todo import todo_for as regulations_todo
from tocns.reports import selectors as reports
from tocns.reports.settings_selectors import requests_for_commune
from tocns.support.inbox import support_items
from tocns.teams.selectors import applications_to_decide
from tocns.teamtasks.inbox import difficulties_tasks_inbox

# Beyond this many, items of one kind fold into one line with a count.
FOLD_AFTER = 3
# Whoever holds none of these has nothing to review, acknowledge or take up for an office.
OFFICE_ROLES = (Role.PROVINCE_ADMIN, Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER)


@dataclass
class InboxItem:
    kind: str  # returned, due, review, application, rights_request
    text: str
    url: str
    at: datetime
    detail: str = ""
    report_id: int | None = None  # so a page that shows the report otherwise can leave it out


def inbox_for(user, *, with_due_reports: bool = True) -> list[InboxItem]:
    now = timezone.now()
    items = []
    # The sections below that serve an office (reports to review, a commune's own reports, rights
    # requests, the regulation, the Zalo group, difficulties and tasks waiting) each ask only for the
    # user's office assignments: a team leader or member, most users and all of submission day's,
    # skips them (about a tenth of the leader's home's CPU, measured for bench/load.py).
    office = Assignment.objects.active().filter(user=user, role__in=OFFICE_ROLES).exists()
    for report in reports.reports_returned_to(user)[:20]:
        items.append(InboxItem("returned", _("Báo cáo bị trả lại: %(unit)s, %(period)s") % {
            "unit": report.unit.name, "period": reports.period_label(report)},
            reverse("reports:detail", args=[report.pk]),
            report.reviewed_at or now, report.review_comment, report.pk))
    for due in reports.reports_due_for(user) if with_due_reports else []:
        items.append(InboxItem("due", ngettext(
            "Báo cáo %(period)s của %(unit)s: còn %(n)s ngày (hạn %(day)s)",
            "Báo cáo %(period)s của %(unit)s: còn %(n)s ngày (hạn %(day)s)", due.days_left) % {
            "period": due.period.label, "unit": due.team.unit.name, "n": due.days_left,
            "day": due.due_on.strftime("%d/%m/%Y")}, reverse("reports:list"), now))
    to_review = list(reports.reports_to_review(user)[:FOLD_AFTER + 1]) if office else []
    if len(to_review) > FOLD_AFTER:
        count = reports.reports_to_review(user).count()
        items.append(InboxItem("review", ngettext("%(n)s báo cáo chờ bạn xem xét", "%(n)s báo cáo chờ bạn xem xét",
                                                  count) % {"n": count}, reverse("reports:list"),
                               to_review[-1].submitted_at or now))
    else:
        for report in to_review:
            items.append(InboxItem("review", _("Chờ xem xét: báo cáo %(unit)s, %(period)s") % {
                "unit": report.unit.name, "period": reports.period_label(report)},
                reverse("reports:detail", args=[report.pk]), report.submitted_at or now))
    for commune in reports.communes_reporting_for(user) if office else []:
        for request in requests_for_commune(commune):
            items.append(InboxItem("due", _("Yêu cầu báo cáo đột xuất: %(title)s (%(unit)s), hạn %(day)s") % {
                "title": request.title, "unit": commune.name, "day": request.due_on.strftime("%d/%m/%Y")},
                reverse("report_settings:request_detail", args=[request.pk]), request.created_at))
    for row in surveys_to_answer(user):
        if not row["answered"]:
            survey = row["survey"]
            items.append(InboxItem("due", _("Khảo sát cần thu thập: %(title)s, hạn %(day)s") % {
                "title": survey.title, "day": row["deadline"].strftime("%d/%m/%Y")},
                reverse("fieldwork:survey_answer", args=[survey.pk]), survey.opened_at or now))
    pending = applications_to_decide(user)
    count = pending.count()
    if count:
        newest = pending.order_by("-submitted_at").first()
        items.append(InboxItem("application", ngettext("%(n)s đơn đang chờ bạn duyệt", "%(n)s đơn đang chờ bạn duyệt",
                                                       count) % {"n": count}, reverse("teams:applications"),
                               newest.submitted_at))
    today = timezone.localdate()
    for rights in requests_to_acknowledge(user)[:FOLD_AFTER] if office else []:
        # A person's request must be acknowledged within 2 working days (Law 91/2025).
        late = rights.acknowledge_by < today
        text = _("Quá hạn xác nhận yêu cầu của %(name)s (%(kind)s), hạn %(day)s") if late else _(
            "Xác nhận yêu cầu của %(name)s (%(kind)s) trước %(day)s")
        items.append(InboxItem("rights_request", text % {
            "name": rights.person.full_name, "kind": rights.get_kind_display().lower(),
            "day": rights.acknowledge_by.strftime("%d/%m/%Y")}, reverse("privacy:request", args=[rights.pk]),
            rights.received_at))
    for text, url, at in [*regulations_todo(user), *coordination_todo(user)] if office else []:
        items.append(InboxItem("due", text, url, at))
    items.extend(InboxItem(*row) for row in support_items(user, fold_after=FOLD_AFTER))
    if office:
        items.extend(difficulties_tasks_inbox(user, now, InboxItem))
    return sorted(items, key=lambda item: item.at, reverse=True)
