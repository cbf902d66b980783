"""Who sees which courses, and who has been trained in what."""

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tocns.accounts.models import Role
from tocns.accounts.selectors import scope_for
from tocns.geo.models import AdminUnit
from tocns.lib.text import fold
from tocns.reports.catalogue_scope import provinces_of
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Membership, Person, Team

from .models import Attendance, Course, Invitation, Partner, Topic, TrainingSession


def partners_of(user) -> QuerySet:
    return Partner.objects.filter(users=user) if user.is_authenticated else Partner.objects.none()


def courses_for_user(user) -> QuerySet:
    """The province admin: every course of the province; a partner: its own courses; a commune
    office: courses its members are invited to; a member: the courses they are invited to."""
    scope = scope_for(user)
    seen = Q(pk__in=[])
    if scope.has_role(Role.PROVINCE_ADMIN):
        seen |= Q(province_id__in=scope.province_ids)
    if scope.has_role(Role.PARTNER):
        seen |= Q(partner__in=partners_of(user))
    if scope.commune_ids:
        seen |= Q(pk__in=Invitation.objects.filter(commune_id__in=scope.commune_ids).values("course_id"))
    if user.is_authenticated:
        seen |= Q(pk__in=Invitation.objects.filter(person__user=user).values("course_id"))
    return Course.objects.filter(seen).select_related("topic", "partner").distinct()


def course_for_user_or_404(user, pk: int) -> Course:
    course = courses_for_user(user).filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def can_manage_course(user, course: Course) -> bool:
    """Plan, invite and take attendance: the province admin, or a user of the course's partner."""
    scope = scope_for(user)
    if scope.has_role(Role.PROVINCE_ADMIN) and course.province_id in scope.province_ids:
        return True
    return course.partner_id is not None and scope.has_role(Role.PARTNER) and partners_of(user).filter(
        pk=course.partner_id).exists()


def course_provinces(user) -> list[AdminUnit]:
    """Where the user may plan courses: the admin's province, or their partners' provinces."""
    scope = scope_for(user)
    ids = set(scope.province_ids) if scope.has_role(Role.PROVINCE_ADMIN) else set()
    if scope.has_role(Role.PARTNER):
        ids |= set(partners_of(user).values_list("province_id", flat=True))
    return list(AdminUnit.objects.filter(pk__in=ids))


def invitations_for(user, course: Course) -> QuerySet:
    """Everyone invited, for those who run the course; the commune's own members for its office."""
    invitations = course.invitations.select_related("person", "team__unit", "commune").order_by(
        "commune__name_folded", "team__unit__name_folded", "person__full_name_folded")
    if can_manage_course(user, course):
        return invitations
    scope = scope_for(user)
    return invitations.filter(Q(commune_id__in=scope.commune_ids) | Q(person__user=user))


def invited_by_commune(course: Course) -> list[dict]:
    """How many of each commune were invited, for a course too large to list by name."""
    return list(course.invitations.values("commune__code", "commune__name").annotate(n=Count("id"))
                .order_by("commune__name"))


def trainings_of(person: Person) -> QuerySet:
    """The sessions a person attended, newest first."""
    return (Attendance.objects.filter(person=person, present=True)
            .select_related("session__course__topic", "session__course__partner").order_by("-session__starts_at"))


def members_in_scope(user) -> QuerySet:
    """Active memberships of the teams the user's scope covers."""
    return Membership.objects.active().filter(scope_for(user).q(unit="team__unit_id", province="team__province",
                                                                commune="team__commune"))


def trained_by_topic(user) -> dict:
    """For each commune the user covers: its members, and how many of them were present at a
    session of each topic; plus how many were never trained at all."""
    members = members_in_scope(user)
    totals = dict(members.values("team__commune_id").annotate(n=Count("person", distinct=True))
                  .values_list("team__commune_id", "n"))
    # One filter call, so that the membership joined is the same one the values() read.
    trained = (Attendance.objects.filter(present=True, person__memberships__end_date__isnull=True,
                                         person__memberships__team__commune_id__in=list(totals))
               .values("session__course__topic_id", "person__memberships__team__commune_id")
               .annotate(n=Count("person", distinct=True)))
    counts: dict = {}
    for row in trained:
        counts[row["person__memberships__team__commune_id"], row["session__course__topic_id"]] = row["n"]
    never = dict(members.exclude(person__attendance__present=True).values("team__commune_id")
                 .annotate(n=Count("person", distinct=True)).values_list("team__commune_id", "n"))
    communes = AdminUnit.objects.filter(pk__in=totals).order_by("name_folded")
    topics = list(Topic.objects.for_province(provinces_of(user)).filter(is_active=True))
    rows = [{"commune": c, "members": totals[c.pk], "never": never.get(c.pk, 0),
             "topics": [counts.get((c.pk, t.pk), 0) for t in topics]} for c in communes]
    return {"topics": topics, "rows": rows}


def never_trained(user, commune: AdminUnit | None = None) -> QuerySet:
    """Active members, within the user's scope, never present at any session."""
    members = members_in_scope(user).exclude(person__attendance__present=True)
    if commune is not None:
        members = members.filter(team__commune=commune)
    return members.select_related("person", "team__unit", "team__commune").order_by(
        "team__commune__name_folded", "team__unit__name_folded", "person__full_name_folded")


def teams_named(province: AdminUnit, query: str) -> list:
    """Live teams of the province whose village or commune name holds what was typed (with or
    without diacritics), for inviting one team to a course."""
    folded = fold(query)
    if not folded:
        return []
    return list(Team.objects.filter(province=province).exclude(status=TeamStatus.DISSOLVED)
                .filter(Q(unit__name_folded__contains=folded) | Q(commune__name_folded__contains=folded))
                .select_related("unit", "commune").order_by("commune__name_folded", "unit__name_folded")[:20])


def next_session_for(user):
    """The next session of a course the user (as a team member) is invited to, with its course."""
    if not user.is_authenticated:
        return None
    return (TrainingSession.objects.filter(course__invitations__person__user=user, starts_at__gte=timezone.now())
            .select_related("course", "course__topic").order_by("starts_at").first())


def partner_courses_ahead(user, *, limit: int = 5) -> list[tuple]:
    """A partner's courses with their next session, soonest first; courses with nothing ahead last."""
    now = timezone.now()
    courses = Course.objects.filter(partner__in=partners_of(user)).select_related("topic").annotate(
        next_start=Min("sessions__starts_at", filter=Q(sessions__starts_at__gte=now)))
    ordered = sorted(courses, key=lambda c: (c.next_start is None, c.next_start or now, c.title))[:limit]
    sessions = {s.course_id: s for s in TrainingSession.objects.filter(
        course__in=ordered, starts_at__gte=now).order_by("-starts_at")}  # the earliest wins, being last
    return [(course, sessions.get(course.pk)) for course in ordered]


# ---- Proficiency: tests, attempts, certificates, imported completions ---------------------------


def quiz_of(course: Course):
    from .models import Quiz

    return Quiz.objects.filter(course=course).first()


def person_of(user) -> Person | None:
    return Person.objects.filter(user=user).first() if user.is_authenticated else None


def _seen_q(user, *, course_field: str = "course", person_field: str = "person") -> Q:
    """Attempts and certificates a user may see: the organiser's courses (province admin, the
    course's partner), the commune office's own commune, and a member's own."""
    scope = scope_for(user)
    seen = Q(pk__in=[])
    if scope.has_role(Role.PROVINCE_ADMIN):
        seen |= Q(province_id__in=scope.province_ids)
    if scope.has_role(Role.PARTNER):
        seen |= Q(**{f"{course_field}__partner__in": partners_of(user)})
    if scope.commune_ids:
        seen |= Q(commune_id__in=scope.commune_ids)
    if user.is_authenticated:
        seen |= Q(**{f"{person_field}__user": user})
    return seen


def attempts_for(user, course: Course | None = None) -> QuerySet:
    from .models import Attempt

    attempts = Attempt.objects.filter(_seen_q(user, course_field="quiz__course"))
    if course is not None:
        attempts = attempts.filter(quiz__course=course)
    return attempts.select_related("person", "commune", "quiz__course")


def certificates_for(user) -> QuerySet:
    from .models import Certificate

    return Certificate.objects.filter(_seen_q(user)).select_related("person", "course", "topic", "commune")


def certificate_for_user_or_404(user, pk: int):
    certificate = certificates_for(user).filter(pk=pk).first()
    if certificate is None:
        raise Http404
    return certificate


def can_revoke(user, certificate) -> bool:
    return can_manage_course(user, certificate.course)


def quizzes_to_take(user) -> list:
    """Open tests of the courses the user is invited to that he has not passed yet."""
    from .models import Attempt, Quiz

    if not user.is_authenticated:
        return []
    passed = Attempt.objects.filter(person__user=user, passed=True).values("quiz_id")
    return list(Quiz.objects.filter(is_open=True, course__invitations__person__user=user)
                .exclude(pk__in=passed).select_related("course").order_by("-course__created_at")[:5])


def completions_for(user) -> QuerySet:
    from .models import Completion

    scope = scope_for(user)
    seen = Q(pk__in=[])
    if scope.has_role(Role.PROVINCE_ADMIN):
        seen |= Q(province_id__in=scope.province_ids)
    if scope.commune_ids:
        seen |= Q(commune_id__in=scope.commune_ids)
    if user.is_authenticated:
        seen |= Q(person__user=user)
    return Completion.objects.filter(seen).select_related("person", "topic", "commune")


def certificate_by_code(code: str):
    """The public page's lookup: the code as printed, spaces and dashes aside, any case."""
    from .models import Certificate

    code = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if not code or len(code) > 16:
        return None
    return Certificate.objects.select_related("course", "topic", "person").filter(code=code).first()


def masked_name(full_name: str) -> str:
    """"Nguyễn Thị Hoa" -> "Nguyễn T. H.": enough to tell the holder, not to harvest names."""
    words = full_name.split()
    if not words:
        return ""
    return " ".join([words[0]] + [f"{w[0]}." for w in words[1:]])


def proficient_per_topic(people, province=None) -> list[tuple[str, int]]:
    """(topic, members proficient in it) over these people (a queryset of person ids), for the
    overview: one grouped query over the derived table, plus the topics' names."""
    from .models import Proficiency

    counts = dict(Proficiency.objects.filter(person_id__in=people).values("topic_id")
                  .annotate(n=Count("person_id", distinct=True)).values_list("topic_id", "n"))
    return [(topic.name, counts.get(topic.pk, 0))
            for topic in Topic.objects.for_province(province).filter(is_active=True)]


def proficient_by_topic(user) -> dict:
    """For each commune the user covers: how many active members are proficient in each topic (a
    valid certificate or an imported completion). One grouped query over the derived table."""
    from .models import Proficiency

    members = members_in_scope(user)
    communes = list(members.values_list("team__commune_id", flat=True).distinct())
    counts: dict = {}
    for row in (Proficiency.objects.filter(person__memberships__end_date__isnull=True,
                                           person__memberships__team__commune_id__in=communes)
                .values("topic_id", "person__memberships__team__commune_id")
                .annotate(n=Count("person", distinct=True))):
        counts[row["person__memberships__team__commune_id"], row["topic_id"]] = row["n"]
    topics = list(Topic.objects.for_province(provinces_of(user)).filter(is_active=True))
    rows = [{"commune": c, "topics": [counts.get((c.pk, t.pk), 0) for t in topics]}
            for c in AdminUnit.objects.filter(pk__in=communes).order_by("name_folded")]
    return {"topics": topics, "rows": rows}
