"""seed_demo's field log: activities only for established teams, on days they served, recorded by
their leader of the day (or the commune's VH-XH officer), counts within the people helped, a mix of
kinds and services, and a second run that adds nothing.

The demo is built once for the module (small size: three months) with the clock fixed, inside a
transaction rolled back at the end; each test runs in its own savepoint."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from tocns.accounts.models import User
from tocns.demo.fieldwork import activity_client_id, month_count, seed_fieldwork
from tocns.demo.surveys import seed_citizen
from tocns.fieldwork.models import Activity, ActivityKind, Answer, Feedback, FeedbackEvent, FeedbackStatus, Survey
from tocns.fieldwork.surveys import checked_values
from tocns.geo.models import AdminUnit
from tocns.teams.choices import MemberRole, TeamStatus
from tocns.teams.models import Membership, Team

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0)  # the demo's months: August to October 2026
FIRST, LAST = datetime.date(2026, 8, 1), datetime.date(2026, 10, 31)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """seed_demo --size small once, under a fixed clock; rolled back when the module is done."""
    aware = timezone.make_aware(NOW)
    with pytest.MonkeyPatch.context() as mp, django_db_blocker.unblock():
        mp.setattr(timezone, "now", lambda: aware)
        with transaction.atomic():
            call_command("seed_demo", "--size", "small", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


@pytest.fixture
def province(seeded):
    return AdminUnit.objects.provinces().get(code="08")


@pytest.fixture
def frozen(monkeypatch):
    aware = timezone.make_aware(NOW)
    monkeypatch.setattr(timezone, "now", lambda: aware)


def _activities():
    return list(Activity.objects.select_related("team__unit", "team__commune", "unit"))


def test_activities_belong_to_established_teams_on_days_they_served(province):
    activities = _activities()
    assert len(activities) > 1000
    for a in activities:
        team = a.team
        assert a.is_demo and team.is_demo and team.status != TeamStatus.PROPOSED, team.unit.code
        assert team.established_on <= a.date and (team.dissolved_on is None or team.dissolved_on >= a.date)
        assert FIRST <= a.date <= LAST
        assert (a.province_id, a.commune_id) == (team.province_id, team.commune_id) == (
            a.unit.province_id, a.unit.commune_id)
        # A village team logs in its village; a commune team in the commune or one of its villages.
        assert a.unit_id == team.unit_id or (team.unit.is_commune and a.unit.parent_id == team.unit_id)
        assert timezone.localtime(a.made_at).date() == a.date and a.made_at <= a.received_at
    # Nearly every team that existed in those months logged something.
    served = Team.objects.filter(province=province, established_on__lte=LAST).exclude(status=TeamStatus.PROPOSED)
    logged = {a.team_id for a in activities}
    assert len(logged) >= 0.9 * served.count()


def test_recorded_by_the_leader_of_the_day_or_the_commune_officer(province):
    leaders: dict[int, list] = {}
    for team_id, user_id, start, end in Membership.objects.filter(role=MemberRole.LEADER).exclude(
            person__user=None).values_list("team_id", "person__user_id", "start_date", "end_date"):
        leaders.setdefault(team_id, []).append((user_id, start, end))
    officers = dict(User.objects.filter(username__startswith="vhxh.").values_list("username", "pk"))
    by_leader = 0
    for a in _activities():
        on_duty = [u for u, start, end in leaders.get(a.team_id, []) if start <= a.date and (end is None
                                                                                             or end >= a.date)]
        if on_duty:
            assert a.recorded_by_id == on_duty[0]
            by_leader += 1
        else:
            assert a.recorded_by_id == officers[f"vhxh.{a.team.commune.code}"]
    assert by_leader > 0.9 * Activity.objects.count()
    # The printed demo leader has a log to show on /nhat-ky/.
    first = AdminUnit.objects.filter(parent=province, kind="xa").order_by("code").first()
    village = AdminUnit.objects.filter(parent=first).villages().order_by("code").first()
    assert Activity.objects.filter(recorded_by__username=f"totruong.{village.code}").exists()


def test_counts_stay_within_the_people_helped(seeded):
    for a in Activity.objects.all():
        assert 1 <= a.people_count <= 40
        for part in (a.women_count, a.elderly_count, a.minority_count, a.households_count):
            assert part is None or 0 <= part <= a.people_count


def test_a_realistic_mix_of_kinds_and_services(seeded):
    kinds = dict(Activity.objects.values_list("kind").annotate(n=Count("id")))
    total = sum(kinds.values())
    assert set(kinds) == set(ActivityKind.values)
    assert kinds[ActivityKind.GUIDANCE] > kinds[ActivityKind.OUTREACH] > kinds[ActivityKind.CLASS] > 0.05 * total
    # Guidance and classes name at least one service; outreach may name none.
    needing = Activity.objects.exclude(kind=ActivityKind.OUTREACH).annotate(n=Count("services"))
    assert not needing.filter(n=0).exists()
    by_service = dict(Activity.services.through.objects.values_list("service__code").annotate(n=Count("id")))
    assert len(by_service) >= 15 and max(by_service, key=by_service.get) == "vneid"
    assert {"dvc-truc-tuyen", "vssid", "thanh-toan-qr"} <= set(by_service)


def test_client_ids_are_the_natural_keys(seeded):
    a = Activity.objects.select_related("team__unit").order_by("team__unit__code", "date").first()
    numbers = range(40)
    assert a.client_id in {activity_client_id(a.team, a.date.year, a.date.month, n) for n in numbers}


def test_a_second_run_adds_nothing(province, frozen):
    before = (Activity.objects.count(), Activity.services.through.objects.count())
    again = seed_fieldwork(province, size="small")
    assert (again.activities, again.links) == (0, 0)
    assert (Activity.objects.count(), Activity.services.through.objects.count()) == before


def test_the_province_size_tops_the_months_up(province):
    team = Team.objects.filter(province=province, established_on__lt=FIRST).select_related("unit").first()
    for month in (8, 9, 10):
        small = month_count(team, 2026, month, "default")
        assert small <= month_count(team, 2026, month, "province") and 3 * small <= month_count(
            team, 2026, month, "province") + 4


def test_demo_feedback_is_in_every_state_some_overdue_and_names_only_with_consent(province):
    feedback = Feedback.objects.filter(province=province, is_demo=True)
    assert set(feedback.values_list("status", flat=True)) == set(FeedbackStatus.values)
    today = timezone.localdate()
    assert feedback.filter(status__in=["received", "forwarded"], answer_due_on__lt=today).exists()
    assert feedback.exclude(citizen_name="").exists()
    assert not feedback.exclude(citizen_name="").filter(consent_at=None).exists()
    assert not feedback.exclude(citizen_phone="").filter(consent_at=None).exists()
    for item in feedback.prefetch_related("events"):  # each step in order, the last one its status
        steps = list(item.events.all())
        assert steps[0].status == "received" and steps[-1].status == item.status
        assert [s.at for s in steps] == sorted(s.at for s in steps) and steps[-1].at <= timezone.now()


def test_one_demo_survey_given_to_every_established_team_answered_within_the_rules(province):
    survey = Survey.objects.get(is_demo=True)
    teams = Team.objects.filter(province=province, is_demo=True, status=TeamStatus.ESTABLISHED)
    assert survey.status == "open" and survey.owner == province
    assert set(survey.assignments.values_list("team_id", flat=True)) == set(teams.values_list("pk", flat=True))
    questions = list(survey.questions.all())
    answers = list(survey.answers.select_related("team"))
    assert len({a.team_id for a in answers}) >= teams.count() // 3
    for answer in answers:
        # Raises if a value would be refused from a phone; equal: stored as a phone's upload would be.
        assert checked_values(questions, answer.values) == answer.values
        assert survey.opened_at < answer.made_at <= answer.received_at <= timezone.now()
        assert answer.unit_id == answer.team.unit_id and answer.is_demo


def test_a_second_run_adds_no_feedback_survey_or_answers(province, frozen):
    before = (Feedback.objects.count(), FeedbackEvent.objects.count(), Survey.objects.count(), Answer.objects.count())
    again = seed_citizen(province, size="small")
    assert (again.feedback, again.surveys, again.answers) == (0, 0, 0)
    assert before == (Feedback.objects.count(), FeedbackEvent.objects.count(), Survey.objects.count(),
                      Answer.objects.count())


def test_demo_training_has_partners_courses_on_the_plans_topics_and_attendance_of_invited_members(province):
    from tocns.training.models import Attendance, Course, Invitation, Partner

    assert Partner.objects.filter(province=province).count() == 3
    assert User.objects.get(username="vnpt").partners.get().name == "VNPT Tuyên Quang"
    courses = Course.objects.filter(province=province, is_demo=True)
    assert courses.count() >= 8 and courses.values("topic").distinct().count() == courses.count()
    present = Attendance.objects.filter(session__course__province=province, present=True)
    assert present.exists() and Attendance.objects.filter(present=False).exists()
    invited = set(Invitation.objects.values_list("course_id", "person_id"))
    assert all((a.session.course_id, a.person_id) in invited for a in Attendance.objects.select_related("session"))
    assert all(a.session.starts_at <= timezone.now() for a in Attendance.objects.select_related("session"))


def test_a_second_run_adds_no_training(province, frozen):
    from tocns.demo.training import seed_training

    again = seed_training(province, size="small")
    assert (again.courses, again.sessions, again.invitations, again.attendance, again.guides,
            again.public_phones) == (0, 0, 0, 0, 0, 0)


def test_demo_guides_are_published_with_steps_and_some_members_show_their_phone(province):
    from tocns.fieldwork.models import Guide
    from tocns.teams.models import Person

    guides = Guide.objects.filter(is_demo=True, is_published=True).prefetch_related("steps", "services")
    assert guides.count() == 5 and all(g.steps.count() >= 2 and g.services.exists() for g in guides)
    shown = Person.objects.filter(province=province, is_demo=True, phone_public=True)
    assert 0 < shown.count() < Person.objects.filter(province=province, is_demo=True).count()
