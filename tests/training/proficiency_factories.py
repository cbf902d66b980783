"""Builders for the proficiency tests: a course with a team invited and a short test."""

import datetime
import uuid

from tocns.teams.choices import MemberRole
from tocns.teams.services import membership_start
from tocns.training import services
from tocns.training.models import Topic

from ..factories import make_person, make_team

QUESTIONS = [
    ("Ứng dụng nào dùng để định danh điện tử?", ["VNeID", "Zalo", "Facebook"], {0}),
    ("Những việc nào giữ an toàn tài khoản?", ["Mật khẩu khó đoán", "Dùng chung mật khẩu", "Xác thực hai lớp"], {0, 2}),
]


def member_person(world, *, user=None, unit=None, full_name="Triệu Thị Nhất", phone=None):
    """A person with an account, member of the team of `unit` (made if missing)."""
    from tocns.teams.models import Team

    unit = unit or world.village_a1
    team = Team.objects.filter(unit=unit).first() or make_team(world, unit)
    person = make_person(world, full_name=full_name, commune=unit.commune, user=user, phone=phone)
    membership_start(team=team, person=person, role=MemberRole.MEMBER, start_date=datetime.date(2026, 9, 1))
    return person


def course_with_quiz(world, *, by=None, partner=None, topic="vneid", open_=True, pass_mark=70, max_attempts=3,
                     retry_after_hours=0, teams=()):
    by = by or world.province_admin
    course = services.course_create(by=by, province=world.province, title="Định danh điện tử cho tổ",
                                    topic=Topic.objects.get(code=topic), partner=partner, description="",
                                    submission_key=uuid.uuid4())
    for text, options, correct in QUESTIONS:
        services.question_save(by=by, course=course, text=text, options=options, correct=correct, version=None,
                               submission_key=uuid.uuid4())
    services.quiz_settings_set(by=by, course=course, pass_mark=pass_mark, max_attempts=max_attempts,
                               retry_after_hours=retry_after_hours, is_open=open_, version=None)
    if teams:
        services.invite_teams(by=by, course=course, teams=list(teams))
    return course


def right_answers(course) -> dict:
    """The POST body of a perfect attempt."""
    return {f"q{q.pk}": [str(i) for i in q.correct] for q in course.quiz.questions.filter(is_active=True)}


def wrong_answers(course) -> dict:
    return {f"q{q.pk}": [str(next(i for i in range(len(q.options)) if i not in q.correct))]
            for q in course.quiz.questions.filter(is_active=True)}
