"""Planning courses, inviting teams and taking attendance. Each runs in a transaction, is
recorded in the audit log, and a retried request (same key, same list) changes nothing twice."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record
from tocns.lib.text import fold
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Membership

from .models import Attendance, Course, Invitation, Partner, Topic, TrainingSession


def _audit(by, action: str, course: Course, summary: str, data: dict | None = None) -> None:
    audit_record(actor=by, action=action, obj=course, summary=summary, data=data, province_id=course.province_id)


@transaction.atomic
def course_create(*, by, province, title: str, topic, partner, description: str,
                  submission_key: uuid.UUID) -> Course:
    course, created = Course.objects.get_or_create(submission_key=submission_key, defaults={
        "title": title.strip(), "topic": topic, "province": province, "partner": partner,
        "description": description.strip(), "created_by": by})
    if created:
        _audit(by, "course.create", course, _("Lập khóa tập huấn “%(title)s”") % {"title": course.title})
    return course


@transaction.atomic
def session_add(*, by, course: Course, starts_at, place: str, online_link: str, trainer_name: str,
                submission_key: uuid.UUID) -> TrainingSession:
    if not (place.strip() or online_link.strip()):
        raise ValidationError({"place": [_("Hãy ghi địa điểm, hoặc đường dẫn nếu học trực tuyến.")]})
    session, created = TrainingSession.objects.get_or_create(submission_key=submission_key, defaults={
        "course": course, "starts_at": starts_at, "place": place.strip(), "online_link": online_link.strip(),
        "trainer_name": trainer_name.strip()})
    if created:
        _audit(by, "course.session_add", course, _("Thêm buổi %(at)s") % {
            "at": timezone.localtime(starts_at).strftime("%H:%M %d/%m/%Y")})
    return session


@transaction.atomic
def invite_teams(*, by, course: Course, teams) -> int:
    """Invite every active member of these teams; those invited already stay as they were.
    Returns how many people were newly invited."""
    teams = [team for team in teams if team.status != TeamStatus.DISSOLVED]
    if not teams:
        raise ValidationError({"targets": [_("Hãy chọn ít nhất một xã hoặc một tổ.")]})
    invited = set(course.invitations.values_list("person_id", flat=True))
    new = []
    for membership in Membership.objects.active().filter(team__in=teams).select_related("team").order_by("pk"):
        if membership.person_id not in invited:
            invited.add(membership.person_id)
            new.append(Invitation(course=course, person_id=membership.person_id, team=membership.team,
                                  commune_id=membership.team.commune_id, invited_by=by))
    Invitation.objects.bulk_create(new)
    _tell_invited(course, new)
    if new:
        _audit(by, "course.invite", course, _("Mời %(n)s thành viên của %(teams)s tổ") % {
            "n": len(new), "teams": len(teams)}, {"teams": [team.pk for team in teams]})
    return len(new)


def _tell_invited(course: Course, invitations: list[Invitation]) -> None:
    """Each newly invited person is told the course and its next session, by Zalo or SMS."""
    from tocns.notify.models import NoticeKind
    from tocns.notify.services import notify
    from tocns.teams.models import Person

    if not invitations:
        return
    upcoming = course.sessions.filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
    if upcoming is None:
        starts, place = _("sẽ báo sau"), _("sẽ báo sau")
    else:
        starts = timezone.localtime(upcoming.starts_at).strftime("%H:%M %d/%m/%Y")
        place = upcoming.place or (_("học trực tuyến") if upcoming.online_link else _("sẽ báo sau"))
    people = Person.objects.select_related("user").in_bulk([invitation.person_id for invitation in invitations])
    for invitation in invitations:
        person = people[invitation.person_id]
        notify(kind=NoticeKind.TRAINING_INVITATION, about=course, recipient=person.user, name=person.full_name,
               phone=person.phone or "", email=person.email,
               params={"name": person.full_name, "course": course.title, "starts": starts, "place": place},
               key=f"training_invitation:{course.pk}:{person.pk}")


@transaction.atomic
def attendance_save(*, by, session: TrainingSession, present: set[int], commune=None) -> tuple[int, int]:
    """Mark each invited person present or absent, as the trainer ticked them: all of the course's
    invitees, or those of one commune when a large course is taken commune by commune. Only changes
    are written (a resent form writes nothing). Returns (present, absent)."""
    invitations = session.course.invitations.all()
    if commune is not None:
        invitations = invitations.filter(commune=commune)
    invited = set(invitations.values_list("person_id", flat=True))
    unknown = set(present) - invited
    if unknown:
        raise ValidationError(_("Có người không nằm trong danh sách mời của khóa này."))
    marked = {a.person_id: a for a in session.attendance.select_for_update()}
    changed, new = [], []
    for person_id in invited:
        here = person_id in present
        row = marked.get(person_id)
        if row is None:
            new.append(Attendance(session=session, person_id=person_id, present=here, recorded_by=by))
        elif row.present != here:
            row.present, row.recorded_by = here, by
            changed.append(row)
    Attendance.objects.bulk_create(new)
    for row in changed:
        row.save(update_fields=["present", "recorded_by", "recorded_at"])
    if new or changed:
        _audit(by, "course.attendance", session.course, _("Điểm danh buổi %(at)s: %(n)s có mặt") % {
            "at": timezone.localtime(session.starts_at).strftime("%H:%M %d/%m/%Y"), "n": len(present)},
            {"session": session.pk, "present": len(present), "invited": len(invited)})
    return len(present), len(invited) - len(present)


@transaction.atomic
def partner_add(*, by, province, name: str) -> Partner:
    """A partner enterprise; the same name again finds the one already there."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": [_("Hãy nhập tên doanh nghiệp.")]})
    partner, created = Partner.objects.get_or_create(province=province, name=name)
    if created:
        audit_record(actor=by, action="partner.add", obj=partner, province_id=province.pk,
                     summary=_("Thêm doanh nghiệp đối tác %(name)s") % {"name": name})
    return partner


@transaction.atomic
def partner_users_set(*, by, partner: Partner, users) -> None:
    """Which partner-role accounts act for this enterprise (they then see only its courses)."""
    before = set(partner.users.values_list("pk", flat=True))
    after = {user.pk for user in users}
    if before != after:
        partner.users.set(after)
        audit_record(actor=by, action="partner.users", obj=partner, province_id=partner.province_id,
                     summary=_("Đổi tài khoản của %(name)s: %(n)s tài khoản") % {"name": partner.name, "n": len(after)},
                     data={"before": sorted(before), "after": sorted(after)})


@transaction.atomic
def topic_add(*, by, province, name: str) -> Topic:
    """A new training topic ("các nội dung khác theo từng thời điểm"); the same name again finds it."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": [_("Hãy nhập tên chủ đề.")]})
    code = slugify(fold(name))[:40] or "chu-de"
    topic = Topic.objects.filter(code=code).first()
    if topic is None:
        last = Topic.objects.order_by("-order").values_list("order", flat=True).first() or 0
        topic = Topic.objects.create(code=code, name=name, order=last + 10)
        audit_record(actor=by, action="topic.add", obj=topic, province_id=province.pk,
                     summary=_("Thêm chủ đề tập huấn %(name)s") % {"name": name})
    return topic
