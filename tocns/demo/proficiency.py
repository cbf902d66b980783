"""Demo proficiency (plan III.1 ¶4): a short test on a few demo courses, members' attempts (some
failed then passed), certificates (a few revoked, with the reason), the province's table of "Bình
dân học vụ số" courses and completions imported from it. The demo member of the first xã's first
village (`thanhvien.<village code>`), and the first phường's, each hold one certificate.

Through the services, with uuid5 submission keys: a second run finds every attempt and question
again and adds nothing (a revoked certificate stays revoked; completions are skipped as already there)."""

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tocns.accounts.models import User
from tocns.demo.fieldwork import DEMO_NAMESPACE
from tocns.geo.models import AdminUnit
from tocns.teams.models import Membership, Person
from tocns.training import services
from tocns.training.completion_files import CompletionRow
from tocns.training.models import Attempt, Attendance, Certificate, Course, Invitation, PlatformCourse, Quiz, Topic

COURSES = {"small": 3, "default": 4, "province": 4}
TAKERS = {"small": 15, "default": 60, "province": 60}
QUESTIONS = [
    ("Có người gọi điện xưng là công an, đề nghị đọc mã OTP vừa nhận. Bạn làm gì?",
     ["Đọc mã OTP cho họ", "Không đọc, tắt máy và báo Công an xã", "Hỏi tên người gọi rồi đọc mã"], [1]),
    ("Ứng dụng nào dùng để định danh điện tử?", ["VNeID", "Zalo", "Facebook"], [0]),
    ("Những việc nào giúp giữ an toàn tài khoản?",
     ["Đặt mật khẩu khó đoán", "Dùng một mật khẩu cho mọi tài khoản", "Bật xác thực hai lớp",
      "Gửi mật khẩu cho người thân qua tin nhắn"], [0, 2]),
    ("Khi hỗ trợ người dân, thành viên tổ công nghệ số nên làm gì?",
     ["Làm thay toàn bộ", "Hướng dẫn để người dân tự làm được", "Giữ mật khẩu của người dân để tiện hỗ trợ"], [1]),
]
PLATFORM_COURSES = [
    ("Kỹ năng số cơ bản cho người dân", "dien-thoai-thong-minh"),
    ("Sử dụng dịch vụ công trực tuyến", "dich-vu-cong"),
    ("An toàn thông tin trên không gian mạng", "ky-nang-so"),
]
REVOKE_REASON = "Học viên nhờ người khác làm bài thay; tổ chức kiểm tra lại."


@dataclass
class ProficiencySeed:
    quizzes: int = 0
    attempts: int = 0
    certificates: int = 0
    revoked: int = 0
    completions: int = 0


def _key(*parts) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, "demo-proficiency/" + "/".join(str(p) for p in parts))


def _answers(questions, right: bool, rng: random.Random) -> dict[int, set[int]]:
    wrong = set(rng.sample(range(len(questions)), 2)) if not right else set()
    answers = {}
    for index, q in enumerate(questions):
        if index in wrong:
            answers[q.pk] = {next(i for i in range(len(q.options)) if i not in q.correct)}
        else:
            answers[q.pk] = set(q.correct)
    return answers


def _take(person, course, quiz, key, *, right: bool, rng) -> Attempt | None:
    if Attempt.objects.filter(submission_key=key).exists():
        return Attempt.objects.get(submission_key=key)
    if not services.attempts_left(quiz, person)[0]:
        return None
    questions = list(quiz.questions.filter(is_active=True))
    return services.attempt_submit(person=person, course=course, answers=_answers(questions, right, rng),
                                   version=quiz.version, submission_key=key, is_demo=True)


def _shown_members(province) -> list[Person]:
    """The demo members printed with the logins (`thanhvien.<village code>`: the first xã's and the
    first phường's first village)."""
    return list(Person.objects.filter(province=province, user__username__startswith="thanhvien.")
                .order_by("user__username")[:2])


@transaction.atomic
def seed_proficiency(province: AdminUnit, *, size: str = "default") -> ProficiencySeed:
    seed = ProficiencySeed()
    admin = User.objects.filter(username="sokhcn").first()
    courses = list(Course.objects.filter(province=province, is_demo=True).select_related("topic")
                   .order_by("pk")[:COURSES.get(size, 4)])
    if admin is None or not courses:
        return seed
    shown = _shown_members(province)
    for number, course in enumerate(courses):
        quiz = Quiz.objects.filter(course=course).first()
        if quiz is None or not quiz.questions.exists():
            for index, (text, options, correct) in enumerate(QUESTIONS):
                services.question_save(by=admin, course=course, text=text, options=options, correct=set(correct),
                                       version=None, submission_key=_key(course.pk, "q", index))
            services.quiz_settings_set(by=admin, course=course, pass_mark=70, max_attempts=3, retry_after_hours=0,
                                       is_open=True, version=None)
            seed.quizzes += 1
        quiz = Quiz.objects.get(course=course)
        for member in shown if number == 0 else ():
            membership = Membership.objects.active().filter(person=member).select_related("team").first()
            if membership is not None:
                Invitation.objects.get_or_create(course=course, person=member, defaults={
                    "team": membership.team, "commune_id": membership.team.commune_id, "invited_by": admin})
                # He came to the course's sessions held so far (so a re-run of the training seed,
                # which marks every invited person, finds nothing left to mark).
                for session in course.sessions.filter(starts_at__lte=timezone.now()):
                    Attendance.objects.get_or_create(session=session, person=member, defaults={
                        "present": True, "recorded_by": admin})
                seed.attempts += _take(member, course, quiz, _key(course.pk, "member", member.pk), right=True,
                                       rng=random.Random(1)) is not None
        invitations = list(course.invitations.exclude(person__in=shown).select_related("person")
                           .order_by("pk")[:TAKERS.get(size, 60)])
        for index, invitation in enumerate(invitations):
            rng = random.Random(f"demo-proficiency/{course.pk}/{invitation.person_id}")
            # The first taker always fails once and tries again, so every demo shows both (the luck
            # of the others depends on ids, which differ from one database to another).
            luck = rng.random() if index else 0.7
            first = _take(invitation.person, course, quiz, _key(course.pk, invitation.person_id, 1),
                          right=luck < 0.6, rng=rng)
            seed.attempts += first is not None
            if first is not None and not first.passed and luck < 0.85:  # failed, tried again and passed
                seed.attempts += _take(invitation.person, course, quiz, _key(course.pk, invitation.person_id, 2),
                                       right=True, rng=rng) is not None
    certificates = Certificate.objects.filter(province=province, course__in=courses).exclude(
        person__in=shown).order_by("pk")
    for certificate in certificates[::9]:
        services.certificate_revoke(by=admin, certificate=certificate, reason=REVOKE_REASON)
    Certificate.objects.filter(province=province, course__in=courses).update(is_demo=True)
    seed.certificates = Certificate.objects.filter(province=province).count()
    seed.revoked = Certificate.objects.filter(province=province, revoked_at__isnull=False).count()
    seed.completions = _seed_completions(province, admin, size)
    return seed


def _seed_completions(province, admin, size: str) -> int:
    topics = {t.code: t for t in Topic.objects.all()}
    mapped = []
    for name, code in PLATFORM_COURSES:
        topic = topics.get(code) or Topic.objects.filter(is_active=True).first()
        if topic is None:
            continue
        if not PlatformCourse.objects.filter(province=province, name=name).exists():
            services.platform_course_set(by=admin, province=province, name=name, topic=topic)
        mapped.append((name, topic))
    if not mapped:
        return 0
    today = timezone.localdate()
    people = list(Person.objects.filter(pk__in=Membership.objects.active().filter(
        team__province=province, team__is_demo=True).values("person_id")).exclude(phone__isnull=True)
        .order_by("pk")[:TAKERS.get(size, 60) * 2])
    rows = []
    for number, person in enumerate(people):
        rng = random.Random(f"demo-completion/{person.pk}")
        name, topic = mapped[rng.randrange(len(mapped))]
        rows.append(CompletionRow(number=number + 2, person=person, course_name=name, topic=topic,
                                  completed_on=today - timedelta(days=rng.randint(5, 150))))
    added, _skipped = services.completions_import(by=admin, province=province, rows=rows, is_demo=True)
    return added
