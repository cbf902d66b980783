"""Members, applications, citizen feedback and training in the JSON API (issue #16).

Every endpoint reads through the selectors the pages use, so it sees what the caller's pages show:
another commune's object answers 404 and lists leave its rows out. Personal fields follow the
pages' rules (a phone as on the team page, the ethnic group only for the roles that may see it and
only with consent, a citizen's name only with consent) and every read of them is audited.

A machine client (the provincial gateway) reads names, roles, dates, statuses and counts, never a
phone, an ethnic group or a citizen's contact: its service user holds an office's reach but not the
office's duty, and those fields are not needed to share figures (Law 91/2025: data minimisation)."""

from typing import Literal

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from tocns.accounts.selectors import scope_for, unit_for_user_or_404
from tocns.audit.services import record_read
from tocns.fieldwork import selectors as fieldwork_selectors
from tocns.fieldwork.feedback_export import shows_contact
from tocns.fieldwork.models import FeedbackStatus
from tocns.lib.text import fold
from tocns.teams import selectors as team_selectors
from tocns.teams.models import Membership
from tocns.training import selectors as training_selectors
from tocns.training.models import Attendance, Topic

from .models import ApiClient
from .paging import BoundedPagination
from .schemas_people import (
    ApplicationDetailOut,
    ApplicationOut,
    CommuneProficiencyOut,
    CourseDetailOut,
    CourseOut,
    FeedbackOut,
    MemberRowOut,
    SessionAttendanceOut,
)

router = Router()

MEMBERS = "Thành viên"
APPLICATIONS = "Đơn"
FEEDBACK = "Ý kiến người dân"
TRAINING = "Tập huấn"


class _Page:
    """A queryset the paginator slices; only the slice it keeps is described (and audited)."""

    def __init__(self, queryset, describe):
        self.queryset, self.describe = queryset, describe

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, part: slice) -> list:
        return self.describe(list(self.queryset[part]))


def _machine(request) -> bool:
    return isinstance(getattr(request, "auth", None), ApiClient)


def _oversees(user) -> bool:
    """The offices over units (commune office and chairman, province admin, a machine client's scope)."""
    scope = scope_for(user)
    return bool(scope.province_ids or scope.commune_ids)


def _in_unit(user, code: str | None, *, unit_field: str, commune_field: str) -> Q:
    """`unit=<code>`: a village's or a commune's rows; a code outside the scope answers 404."""
    if not code:
        return Q()
    unit = unit_for_user_or_404(user, code=code)
    if unit.is_commune:
        return Q(**{f"{commune_field}_id": unit.pk})
    return Q(**{f"{unit_field}_id": unit.pk})


# ---- members ---------------------------------------------------------------------------------------

class MemberFilter(Schema):
    unit: str | None = None
    team: int | None = None
    q: str = ""


@router.get("/members", response=list[MemberRowOut], tags=[MEMBERS])
@paginate(BoundedPagination)
def list_members(request, filters: Query[MemberFilter]):
    """Today's members of the teams the caller sees (as on the team pages), leader first by team.
    The phone as on the team page: the leader, the deputy and the offices see every phone, a
    teammate only those shared with the team. The ethnic group only to the province admin and the
    person's commune office, and only when the person agreed to give it."""
    user = request.user
    memberships = Membership.objects.active().filter(team__in=team_selectors.teams_for_user(user))
    memberships = memberships.filter(
        _in_unit(user, filters.unit, unit_field="team__unit", commune_field="team__commune"))
    if filters.team is not None:
        memberships = memberships.filter(team=team_selectors.team_for_user_or_404(user, filters.team))
    if folded := fold(filters.q):
        memberships = memberships.filter(person__full_name_folded__contains=folded)
    memberships = memberships.select_related("person", "team__unit", "team__commune").order_by(
        "team__commune__code", "team__unit__code", "team_id", "person__full_name_folded", "id")
    return _Page(memberships, lambda rows: _member_rows(request, rows))


def _member_rows(request, memberships: list) -> list[dict]:
    user, machine = request.user, _machine(request)
    roster: dict[int, bool] = {}
    rows = []
    for m in memberships:
        if m.team_id not in roster:
            roster[m.team_id] = team_selectors.can_see_roster(user, m.team)
        person = m.person
        phone = person.phone if not machine and team_selectors.phone_visible_to(
            user, person, sees_roster=roster[m.team_id]) else None
        ethnic = (person.ethnic_group or None) if (
            not machine and person.ethnic_group_consent_at is not None
            and team_selectors.can_see_ethnic_group(user, person)) else None
        rows.append({
            "person_id": person.pk, "full_name": person.full_name, "role": m.role, "role_label": m.get_role_display(),
            "team_id": m.team_id, "unit_code": m.team.unit.code, "commune_code": m.team.commune.code,
            "start_date": m.start_date, "occupation": person.occupation, "position": person.position,
            "gender": person.gender, "birth_year": person.birth_year, "phone": phone, "ethnic_group": ethnic,
        })
    if rows:
        communes = {m.team.commune_id for m in memberships}
        first = memberships[0].team
        record_read(actor=user, action="members.api", obj=first.commune if len(communes) == 1 else first.province,
                    people=[r["person_id"] for r in rows],
                    summary=_("Đọc danh sách thành viên qua API (%(n)s người)") % {"n": len(rows)},
                    data={"phones": sum(r["phone"] is not None for r in rows),
                          "ethnic_group": sum(r["ethnic_group"] is not None for r in rows)})
    return rows


# ---- applications ------------------------------------------------------------------------------

class ApplicationFilter(Schema):
    unit: str | None = None
    status: Literal["", "open", "pending", "info_requested", "approved", "rejected"] = ""


def _applications(user):
    """The offices see the applications of their area; a leader or village head only those of the
    teams whose applications he decides. A plain member sees none."""
    applications = team_selectors.applications_for_user(user).select_related("team__commune")
    if _oversees(user):
        return applications
    deciding = [team.pk for team in team_selectors.teams_for_user(user) if team_selectors.can_decide(user, team)]
    return applications.filter(team_id__in=deciding)


def _application_out(user, application, deciders: dict) -> dict:
    team = application.team
    if team.pk not in deciders:
        deciders[team.pk] = team_selectors.can_decide(user, team)
    decides = deciders[team.pk]
    return {
        "id": application.pk, "kind": application.kind, "status": application.status,
        "status_label": application.get_status_display(), "channel": application.channel,
        "is_group": application.is_group, "team_id": team.pk, "unit_code": team.unit.code,
        "commune_code": team.commune.code, "contact_name": application.contact_name,
        "contact_phone": application.contact_phone if decides else None,
        "submitted_at": timezone.localtime(application.submitted_at).isoformat(),
        "decided_at": timezone.localtime(application.decided_at).isoformat() if application.decided_at else None,
        "entry_count": count if (count := getattr(application, "entry_count", None)) is not None
        else application.entries.count(),
        "can_decide": decides and application.is_open,
    }


@router.get("/applications", response=list[ApplicationOut], tags=[APPLICATIONS])
@paginate(BoundedPagination)
def list_applications(request, filters: Query[ApplicationFilter]):
    """Applications to join or leave a team, newest first, for those who decide or oversee them.
    `status`: pending, info_requested, approved, rejected, or `open` (the first two)."""
    user = request.user
    applications = _applications(user).filter(
        _in_unit(user, filters.unit, unit_field="team__unit", commune_field="team__commune"))
    if filters.status == "open":
        applications = applications.filter(status__in=team_selectors.OPEN_STATUSES)
    elif filters.status:
        applications = applications.filter(status=filters.status)
    applications = applications.annotate(entry_count=Count("entries")).order_by("-submitted_at", "-id")
    deciders: dict = {}
    return _Page(applications, lambda rows: [_application_out(user, a, deciders) for a in rows])


@router.get("/applications/{application_id}", response=ApplicationDetailOut, tags=[APPLICATIONS])
def get_application(request, application_id: int):
    """One application with the people it names; their phones only to those who decide it."""
    user = request.user
    application = _applications(user).filter(pk=application_id).first()
    if application is None:
        raise Http404
    out = _application_out(user, application, {})
    decides = team_selectors.can_decide(user, application.team)
    entries = list(application.entries.select_related("home_village"))
    out |= {"message": application.message, "answer": application.answer, "entries": [{
        "full_name": e.full_name, "gender": e.gender, "birth_year": e.birth_year, "occupation": e.occupation,
        "workplace": e.workplace, "home_village_code": e.home_village.code if e.home_village_id else None,
        "phone": e.phone if decides else None, "person_id": e.person_id} for e in entries]}
    record_read(actor=user, action="application.api", obj=application,
                people=[e.person_id for e in entries if e.person_id],
                province_id=application.province_id, commune_id=application.commune_id,
                summary=_("Đọc đơn %(application)s qua API") % {"application": application},
                data={"entries": len(entries), "phones": decides})
    return out


# ---- citizen feedback -------------------------------------------------------------------------------

class FeedbackFilter(Schema):
    unit: str | None = None
    status: Literal["", "open", "overdue", "received", "forwarded", "answered", "closed"] = ""
    kind: Literal["", "opinion", "petition", "complaint"] = ""


def _feedback(user):
    """For the offices that handle feedback (the commune office and chairman, the province admin, a
    machine client's scope); a team member follows feedback on the pages, not here."""
    if not _oversees(user):
        return fieldwork_selectors.feedback_for_user(user).none()
    return fieldwork_selectors.feedback_for_user(user).select_related("commune")


def _feedback_rows(request, items: list) -> list[dict]:
    user, machine = request.user, _machine(request)
    scope = scope_for(user)
    today = timezone.localdate()
    rows = []
    for f in items:
        contact = not machine and bool(f.citizen_name or f.citizen_phone) and shows_contact(f, scope)
        rows.append({
            "code": f.code, "kind": f.kind, "status": f.status, "status_label": f.get_status_display(),
            "unit_code": f.unit.code, "commune_code": f.commune.code,
            "service_code": f.service.code if f.service_id else None,
            "received_on": timezone.localdate(f.received_at), "answer_due_on": f.answer_due_on,
            "answered_on": timezone.localdate(f.answered_at) if f.answered_at else None,
            "overdue": f.is_open and f.answer_due_on < today, "content": f.content, "answer": f.answer,
            "forwarded_to": f.forwarded_to,
            "citizen_name": (f.citizen_name or None) if contact else None,
            "citizen_phone": (f.citizen_phone or None) if contact else None,
        })
    shown = [r["code"] for r in rows if r["citizen_name"] or r["citizen_phone"]]
    if shown:
        read = [f for f in items if f.code in shown]
        communes = {f.commune_id for f in read}
        obj = read[0] if len(read) == 1 else read[0].commune if len(communes) == 1 else read[0].province
        record_read(actor=user, action="feedback.api", obj=obj,
                    summary=_("Đọc họ tên, số điện thoại người phản ánh qua API: %(codes)s") % {
                        "codes": ", ".join(shown)},
                    province_id=read[0].province_id, commune_id=read[0].commune_id if len(communes) == 1 else None,
                    data={"codes": shown})
    return rows


@router.get("/feedback", response=list[FeedbackOut], tags=[FEEDBACK])
@paginate(BoundedPagination)
def list_feedback(request, filters: Query[FeedbackFilter]):
    """Citizen feedback of the caller's area, the nearest deadline first."""
    user = request.user
    items = _feedback(user).filter(_in_unit(user, filters.unit, unit_field="unit", commune_field="commune"))
    open_statuses = [FeedbackStatus.RECEIVED, FeedbackStatus.FORWARDED]
    if filters.status == "open":
        items = items.filter(status__in=open_statuses)
    elif filters.status == "overdue":
        items = items.filter(status__in=open_statuses, answer_due_on__lt=timezone.localdate())
    elif filters.status:
        items = items.filter(status=filters.status)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    items = items.order_by("answer_due_on", "-received_at", "id")
    return _Page(items, lambda rows: _feedback_rows(request, rows))


@router.get("/feedback/{code}", response=FeedbackOut, tags=[FEEDBACK])
def get_feedback(request, code: str):
    feedback = _feedback(request.user).filter(code=code).first()
    if feedback is None:
        raise Http404
    return _feedback_rows(request, [feedback])[0]


# ---- training ---------------------------------------------------------------------------------------

def _course_out(course) -> dict:
    return {
        "id": course.pk, "title": course.title, "topic_code": course.topic.code, "topic_name": course.topic.name,
        "province_code": course.province.code, "partner": course.partner.name if course.partner_id else None,
        "sessions": [{"id": s.pk, "starts_at": timezone.localtime(s.starts_at).isoformat(), "place": s.place,
                      "online_link": s.online_link, "trainer_name": s.trainer_name} for s in course.sessions.all()],
    }


@router.get("/training/courses", response=list[CourseOut], tags=[TRAINING])
@paginate(BoundedPagination)
def list_courses(request):
    """The courses the caller sees on the training pages: the province admin every course of the
    province, a partner its own, a commune office those its members are invited to, a member his own."""
    courses = training_selectors.courses_for_user(request.user).select_related("province").prefetch_related(
        "sessions").order_by("-created_at", "-id")
    return _Page(courses, lambda rows: [_course_out(c) for c in rows])


@router.get("/training/courses/{course_id}", response=CourseDetailOut, tags=[TRAINING])
def get_course(request, course_id: int):
    course = training_selectors.course_for_user_or_404(request.user, course_id)
    return _course_out(course) | {"description": course.description,
                                  "invited": training_selectors.invitations_for(request.user, course).count()}


@router.get("/training/courses/{course_id}/attendance", response=list[SessionAttendanceOut], tags=[TRAINING])
def get_attendance(request, course_id: int):
    """Per session, the invited people the caller sees (the course's organisers: everyone; a commune
    office: its commune's; a member: himself) and whether each was present (null: not marked)."""
    user = request.user
    course = training_selectors.course_for_user_or_404(user, course_id)
    invitations = list(training_selectors.invitations_for(user, course))
    people = [i.person_id for i in invitations]
    sessions = list(course.sessions.all())
    marks = {(a.session_id, a.person_id): a.present
             for a in Attendance.objects.filter(session__in=sessions, person_id__in=people)}
    out = [{"session_id": s.pk, "starts_at": timezone.localtime(s.starts_at).isoformat(), "place": s.place,
            "people": [{"person_id": i.person_id, "full_name": i.person.full_name, "commune_code": i.commune.code,
                        "present": marks.get((s.pk, i.person_id))} for i in invitations]} for s in sessions]
    if people:
        record_read(actor=user, action="training.attendance.api", obj=course, people=people,
                    province_id=course.province_id,
                    summary=_("Đọc danh sách có mặt khóa %(course)s qua API") % {"course": course})
    return out


@router.get("/training/proficiency", response=list[CommuneProficiencyOut], tags=[TRAINING])
def get_proficiency(request):
    """For each commune the caller covers: how many of its active members are proficient in each
    topic (a valid certificate or an imported completion). A count, never a name."""
    table = training_selectors.proficient_by_topic(request.user)
    topics: list[Topic] = table["topics"]
    return [{"commune_code": row["commune"].code, "commune_name": row["commune"].name,
             "topics": [{"topic_code": t.code, "topic_name": t.name, "proficient": n}
                        for t, n in zip(topics, row["topics"], strict=True)]} for row in table["rows"]]
