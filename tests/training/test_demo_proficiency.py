"""seed_proficiency: tests on the demo courses, attempts, certificates (some revoked), completions;
the printed demo member holds a certificate; a second run adds nothing."""

import uuid

import pytest

from tocns.demo.proficiency import seed_proficiency
from tocns.teams.models import Team
from tocns.training import services
from tocns.training.models import Attempt, Certificate, Completion, Course, Quiz, Topic

from ..factories import make_team, make_user
from .proficiency_factories import member_person

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_printed_member_a_certificate_and_a_second_run_adds_nothing(world):
    admin = make_user(username="sokhcn", full_name="Hoàng Thị Thu Hà")
    make_team(world, world.village_a1, members=4)
    shown = make_user(username=f"thanhvien.{world.village_a1.code}", full_name="Vũ Văn Long")
    member = member_person(world, user=shown, full_name="Vũ Văn Long")
    course = services.course_create(by=admin, province=world.province, title="Tập huấn VNeID",
                                    topic=Topic.objects.get(code="vneid"), partner=None, description="",
                                    submission_key=uuid.uuid4())
    Course.objects.filter(pk=course.pk).update(is_demo=True)
    Team.objects.update(is_demo=True)
    services.invite_teams(by=admin, course=course, teams=Team.objects.filter(unit=world.village_a1))

    seed_proficiency(world.province, size="small")
    counts = (Quiz.objects.count(), Attempt.objects.count(), Certificate.objects.count(), Completion.objects.count())
    seed_proficiency(world.province, size="small")
    assert (Quiz.objects.count(), Attempt.objects.count(), Certificate.objects.count(),
            Completion.objects.count()) == counts
    assert Certificate.objects.filter(person=member, revoked_at__isnull=True).count() == 1
    assert Certificate.objects.filter(revoked_at__isnull=False).exists()
    assert Attempt.objects.filter(passed=False).exists() and Completion.objects.exists()
    assert Quiz.objects.get().is_open
