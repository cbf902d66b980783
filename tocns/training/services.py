"""Planning courses, inviting teams and taking attendance. Each runs in a transaction, is
recorded in the audit log, and a retried request (same key, same list) changes nothing twice."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record
from tocns.geo.models import AdminUnit
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
    """A new topic of the province's own ("các nội dung khác theo từng thời điểm"; province None: a
    national one); the same name again finds it, a national one too."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": [_("Hãy nhập tên chủ đề.")]})
    code = slugify(fold(name))[:40] or "chu-de"
    topic = Topic.objects.for_province(province).filter(code=code).first()
    if topic is None and province is None and Topic.objects.filter(code=code).exists():
        raise ValidationError({"name": [_("Một tỉnh đã có chủ đề này: hãy đặt tên khác.")]})
    if topic is None:
        last = Topic.objects.for_province(province).order_by("-order").values_list("order", flat=True).first() or 0
        topic = Topic.objects.create(code=code, name=name, order=last + 10, province=province)
        audit_record(actor=by, action="topic.add", obj=topic, province_id=province.pk if province else None,
                     summary=_("Thêm chủ đề tập huấn %(name)s") % {"name": name})
    return topic


# ---- Proficiency: a course's test, attempts, certificates, imported completions (plan III.1 ¶4) ----

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper
CODE_LENGTH = 10
MIN_OPTIONS, MAX_OPTIONS = 2, 5


def _stale(quiz, version) -> None:
    """Refuse a change made on a page older than the test's last change (two editors)."""
    if version is not None and int(version) != quiz.version:
        raise ValidationError(_("Bài kiểm tra vừa được người khác sửa. Hãy tải lại trang và sửa lại."))


def _bump(quiz, by) -> None:
    quiz.version += 1
    quiz.updated_by = by
    quiz.save()


def _quiz_for_update(course: Course):
    from .models import Quiz

    quiz, _created = Quiz.objects.select_for_update().get_or_create(
        course=course, defaults={"updated_by": course.created_by})
    return quiz


@transaction.atomic
def quiz_settings_set(*, by, course: Course, pass_mark: int, max_attempts: int, retry_after_hours: int,
                      is_open: bool, version: int | None):
    """The pass mark, how often and how soon a member may retry, and whether the test is open.
    A test opens only with at least one question."""
    quiz = _quiz_for_update(course)
    _stale(quiz, version)
    if not 1 <= pass_mark <= 100:
        raise ValidationError({"pass_mark": [_("Điểm đạt là một số từ 1 đến 100.")]})
    if is_open and not quiz.questions.filter(is_active=True).exists():
        raise ValidationError({"is_open": [_("Hãy thêm ít nhất một câu hỏi trước khi mở bài kiểm tra.")]})
    before = {"pass_mark": quiz.pass_mark, "max_attempts": quiz.max_attempts,
              "retry_after_hours": quiz.retry_after_hours, "is_open": quiz.is_open}
    after = {"pass_mark": pass_mark, "max_attempts": max_attempts, "retry_after_hours": retry_after_hours,
             "is_open": is_open}
    if before != after:
        for name, value in after.items():
            setattr(quiz, name, value)
        _bump(quiz, by)
        _audit(by, "quiz.settings", course, _("Đặt bài kiểm tra: điểm đạt %(mark)s%%, %(state)s") % {
            "mark": pass_mark, "state": _("đang mở") if is_open else _("chưa mở")}, {"before": before, "after": after})
    return quiz


def _clean_question(text: str, options: list[str], correct: set[int]) -> tuple[str, list[str], list[int]]:
    text = text.strip()
    errors = {}
    if not text:
        errors["text"] = [_("Hãy nhập câu hỏi.")]
    filled = [(i, o.strip()) for i, o in enumerate(options) if o and o.strip()]
    if not MIN_OPTIONS <= len(filled) <= MAX_OPTIONS:
        errors["options"] = [_("Mỗi câu hỏi có từ 2 đến 5 phương án.")]
    right = [new for new, (old, _text) in enumerate(filled) if old in correct]
    if any(i >= len(options) or not (options[i] or "").strip() for i in correct):
        errors.setdefault("options", []).append(_("Đáp án đúng phải là một phương án đã nhập."))
    elif not right:
        errors.setdefault("options", []).append(_("Hãy đánh dấu ít nhất một phương án đúng."))
    if errors:
        raise ValidationError(errors)
    return text, [o for _i, o in filled], right


@transaction.atomic
def question_save(*, by, course: Course, question=None, text: str, options: list[str], correct: set[int],
                  version: int | None, submission_key: uuid.UUID | None = None):
    """Add a question (a retried add makes one) or change one; options left empty are dropped."""
    from .models import Question

    quiz = _quiz_for_update(course)
    if question is None and submission_key is not None:
        found = Question.objects.filter(submission_key=submission_key).first()
        if found is not None:
            return found
    _stale(quiz, version)
    text, options, correct = _clean_question(text, options, correct)
    if question is None:
        last = quiz.questions.order_by("-order").values_list("order", flat=True).first() or 0
        question = Question.objects.create(quiz=quiz, order=last + 10, text=text, options=options, correct=correct,
                                           submission_key=submission_key)
        summary = _("Thêm câu hỏi vào bài kiểm tra")
    else:
        if question.quiz_id != quiz.pk:
            raise ValidationError(_("Câu hỏi không thuộc bài kiểm tra này."))
        question.text, question.options, question.correct = text, options, correct
        question.save(update_fields=["text", "options", "correct"])
        summary = _("Sửa câu hỏi của bài kiểm tra")
    _bump(quiz, by)
    _audit(by, "quiz.question", course, summary, {"question": question.pk})
    return question


@transaction.atomic
def question_remove(*, by, course: Course, question, version: int | None) -> None:
    """Take a question out of the test (kept for the attempts that answered it)."""
    quiz = _quiz_for_update(course)
    _stale(quiz, version)
    if question.quiz_id != quiz.pk or not question.is_active:
        return
    question.is_active = False
    question.save(update_fields=["is_active"])
    if not quiz.questions.filter(is_active=True).exists():
        quiz.is_open = False
    _bump(quiz, by)
    _audit(by, "quiz.question_remove", course, _("Bỏ một câu hỏi khỏi bài kiểm tra"), {"question": question.pk})


def attempts_left(quiz, person) -> tuple[bool, str, object]:
    """May this person take the test now? (yes, why not, from when). Passing once is enough; the
    test's `max_attempts` (0: no limit) and `retry_after_hours` set the rest."""
    from datetime import timedelta

    from .models import Attempt

    if not quiz.is_open:
        return False, _("Bài kiểm tra chưa mở."), None
    mine = Attempt.objects.filter(quiz=quiz, person=person)
    if mine.filter(passed=True).exists():
        return False, _("Bạn đã đạt bài kiểm tra này."), None
    count = mine.count()
    if quiz.max_attempts and count >= quiz.max_attempts:
        return False, _("Bạn đã làm hết %(n)s lần được phép.") % {"n": quiz.max_attempts}, None
    last = mine.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
    if last is not None and quiz.retry_after_hours:
        when = last + timedelta(hours=quiz.retry_after_hours)
        if when > timezone.now():
            return False, _("Bạn được làm lại từ %(at)s.") % {
                "at": timezone.localtime(when).strftime("%H:%M %d/%m/%Y")}, when
    return True, "", None


def _new_code() -> str:
    import secrets

    from .models import Certificate

    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if not Certificate.objects.filter(code=code).exists():
            return code


def _issuer(course: Course) -> str:
    return course.partner.name if course.partner_id else _("Sở Khoa học và Công nghệ")


@transaction.atomic
def attempt_submit(*, person, course: Course, answers: dict[int, set[int]], version: int,
                   submission_key: uuid.UUID, is_demo: bool = False):
    """Grade a member's answers on the server and keep the attempt; a pass issues the certificate.
    A retried submit (same key) returns the first attempt. A question counts when exactly the
    correct options were chosen; the score is the share of questions right, in percent."""
    from .models import Attempt, Invitation, Quiz

    found = Attempt.objects.filter(submission_key=submission_key).select_related("quiz").first()
    if found is not None:
        if found.person_id != person.pk:
            raise ValidationError(_("Bài làm không hợp lệ."))
        return found
    quiz = Quiz.objects.select_for_update().filter(course=course).first()
    if quiz is None:
        raise ValidationError(_("Khóa này chưa có bài kiểm tra."))
    invitation = Invitation.objects.filter(course=course, person=person).first()
    if invitation is None:
        raise ValidationError(_("Bạn không có tên trong danh sách học viên của khóa này."))
    if int(version) != quiz.version:
        raise ValidationError(_("Bài kiểm tra vừa được sửa. Hãy làm lại với các câu hỏi mới."))
    allowed, why, _when = attempts_left(quiz, person)
    if not allowed:
        raise ValidationError(why)
    questions = list(quiz.questions.filter(is_active=True))
    missing = [q for q in questions if not answers.get(q.pk)]
    if missing:
        raise ValidationError(_("Còn %(n)s câu chưa trả lời.") % {"n": len(missing)})
    right = sum(1 for q in questions if set(answers.get(q.pk, ())) == set(q.correct))
    score = round(100 * right / len(questions)) if questions else 0
    attempt = Attempt.objects.create(
        quiz=quiz, person=person, province_id=course.province_id, commune_id=invitation.commune_id,
        answers={str(q.pk): sorted(answers.get(q.pk, ())) for q in questions}, correct=right,
        total=len(questions), score=score, passed=score >= quiz.pass_mark, quiz_version=quiz.version,
        submission_key=submission_key, is_demo=is_demo)
    audit_record(actor=person.user, action="quiz.attempt", obj=course, province_id=course.province_id,
                 commune_id=invitation.commune_id, people=[person],
                 summary=_("Làm bài kiểm tra “%(title)s”: %(score)s%%") % {"title": course.title, "score": score},
                 data={"attempt": attempt.pk, "passed": attempt.passed})
    if attempt.passed:
        _certificate_issue(course=course, person=person, attempt=attempt, commune_id=invitation.commune_id,
                           is_demo=is_demo)
    return attempt


def _certificate_issue(*, course: Course, person, attempt, commune_id: int, is_demo: bool = False):
    from django.db.models import Max

    from .models import Certificate

    today = timezone.localdate()
    # Numbers run per province and year: hold the province row so two passes never take the same one.
    AdminUnit.objects.select_for_update().filter(pk=course.province_id).first()
    last = Certificate.objects.filter(province_id=course.province_id, year=today.year).aggregate(
        n=Max("serial"))["n"] or 0
    certificate = Certificate.objects.create(
        course=course, topic_id=course.topic_id, person=person, province_id=course.province_id,
        commune_id=commune_id, attempt=attempt, year=today.year, serial=last + 1, code=_new_code(),
        issuer=_issuer(course), score=attempt.score, issued_on=today, is_demo=is_demo)
    audit_record(actor=person.user, action="certificate.issue", obj=certificate, province_id=course.province_id,
                 commune_id=commune_id, people=[person],
                 summary=_("Cấp giấy chứng nhận số %(number)s: %(title)s") % {
                     "number": certificate.number, "title": course.title})
    proficiency_refresh(person_ids=[person.pk], topic_ids=[course.topic_id])
    return certificate


@transaction.atomic
def certificate_revoke(*, by, certificate, reason: str) -> None:
    """The organiser revokes a certificate, with a reason that is kept; the member is no longer
    counted proficient in the topic unless he holds another proof of it."""
    from .models import Certificate

    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": [_("Hãy ghi lý do thu hồi.")]})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        return
    certificate.revoked_at, certificate.revoked_by, certificate.revoke_reason = timezone.now(), by, reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(actor=by, action="certificate.revoke", obj=certificate, province_id=certificate.province_id,
                 commune_id=certificate.commune_id, people=[certificate.person_id],
                 summary=_("Thu hồi giấy chứng nhận số %(number)s: %(reason)s") % {
                     "number": certificate.number, "reason": reason})
    proficiency_refresh(person_ids=[certificate.person_id], topic_ids=[certificate.topic_id])


def proficiency_refresh(*, person_ids, topic_ids) -> None:
    """Bring the derived Proficiency rows of these people and topics in step with their valid
    certificates and imported completions (call inside the changing transaction)."""
    from django.db.models import Min

    from .models import Certificate, Completion, Proficiency

    person_ids, topic_ids = set(person_ids), set(topic_ids)
    if not person_ids or not topic_ids:
        return
    since: dict = {}
    for row in (Certificate.objects.filter(person_id__in=person_ids, topic_id__in=topic_ids, revoked_at__isnull=True)
                .values("person_id", "topic_id").annotate(d=Min("issued_on"))):
        since[row["person_id"], row["topic_id"]] = row["d"]
    for row in (Completion.objects.filter(person_id__in=person_ids, topic_id__in=topic_ids)
                .values("person_id", "topic_id").annotate(d=Min("completed_on"))):
        key = (row["person_id"], row["topic_id"])
        since[key] = min(since.get(key, row["d"]), row["d"])
    existing = {(p.person_id, p.topic_id): p for p in Proficiency.objects.filter(
        person_id__in=person_ids, topic_id__in=topic_ids)}
    gone = [p.pk for key, p in existing.items() if key not in since]
    Proficiency.objects.filter(pk__in=gone).delete()
    Proficiency.objects.bulk_create([Proficiency(person_id=p, topic_id=t, since=d) for (p, t), d in since.items()
                                     if (p, t) not in existing])
    for key, p in existing.items():
        if key in since and p.since != since[key]:
            p.since = since[key]
            p.save(update_fields=["since"])


@transaction.atomic
def platform_course_set(*, by, province, name: str, topic) -> None:
    """Which topic a course of the "Bình dân học vụ số" platform counts for (the province's table)."""
    from .models import PlatformCourse

    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": [_("Hãy nhập tên khóa học như trên nền tảng.")]})
    row, created = PlatformCourse.objects.get_or_create(province=province, name_folded=fold(name),
                                                        defaults={"name": name, "topic": topic})
    if not created and row.topic_id != topic.pk:
        row.topic = topic
        row.save(update_fields=["topic"])
    audit_record(actor=by, action="completion.mapping", obj=row, province_id=province.pk,
                 summary=_("Khóa “%(name)s” tính cho chủ đề %(topic)s") % {"name": name, "topic": topic.name})


@transaction.atomic
def completions_import(*, by, province, rows, is_demo: bool = False) -> tuple[int, int]:
    """Write checked completion rows (training.completion_files.check_completion_rows), all or
    nothing. Rows already imported (same person, course and day) are skipped, so importing the
    same file again adds nothing. Returns (added, already there)."""
    from .models import Completion

    existing = set(Completion.objects.filter(person_id__in={r.person.pk for r in rows}).values_list(
        "person_id", "course_name_folded", "completed_on"))
    new = []
    for row in rows:
        key = (row.person.pk, fold(row.course_name), row.completed_on)
        if key in existing:
            continue
        existing.add(key)
        new.append(Completion(person=row.person, topic=row.topic, province=province, commune_id=row.person.commune_id,
                              course_name=row.course_name, course_name_folded=key[1], completed_on=row.completed_on,
                              imported_by=by, is_demo=is_demo))
    Completion.objects.bulk_create(new)
    proficiency_refresh(person_ids={c.person_id for c in new}, topic_ids={c.topic_id for c in new})
    if new:
        audit_record(actor=by, action="completion.import", obj=province, province_id=province.pk,
                     people=[c.person_id for c in new],
                     summary=_("Nhập %(n)s lượt hoàn thành khóa học từ Bình dân học vụ số") % {"n": len(new)},
                     data={"added": len(new), "skipped": len(rows) - len(new)})
    return len(new), len(rows) - len(new)
