"""Every .docx the project generates passes the same checks of the official layout."""

import datetime
import uuid

import pytest

from tests.factories import make_team
from tests.lib.officialdoc_checks import check_official_layout
from tests.regulations.factories import make_version, start
from tests.training.proficiency_factories import course_with_quiz, member_person, right_answers
from tocns.regulations.documents import adoption_decision
from tocns.reports import selectors as report_selectors
from tocns.reports.narrative import rollup_report_docx
from tocns.reports.periods import parse_period
from tocns.teams.choices import MemberRole
from tocns.teams.documents import establishment_decision, members_change_decision
from tocns.teams.models import Team
from tocns.teams.selectors import member_changes
from tocns.teams.services import membership_end
from tocns.training.certificates import certificate_docx
from tocns.training.models import Certificate

pytestmark = pytest.mark.django_db


def test_the_team_establishment_decision(world):
    team = make_team(world, members=3)
    check_official_layout(establishment_decision(team))
    check_official_layout(establishment_decision(team, number="45/QĐ-UBND", signed_on=datetime.date(2026, 9, 1),
                                                 signer_name="Ma Văn Tiến"))


def test_the_members_change_decision(world):
    team = make_team(world, members=3)
    membership_end(membership=team.memberships.active().get(role=MemberRole.LEADER),
                   end_date=datetime.date(2026, 9, 2), reason="Chuyển công tác")
    check_official_layout(members_change_decision(team, member_changes(team)))


def test_the_regulation_adoption_decision(world):
    check_official_layout(adoption_decision(start(world, make_version(world))))


def test_the_provinces_word_report(world):
    rollup = report_selectors.rollup(unit=world.commune_a, period=parse_period("2026-10"))
    check_official_layout(rollup_report_docx(rollup, None))


def test_the_proficiency_certificate(client, world):
    make_team(world, world.village_a1, members=2)
    member_person(world, user=world.member_a1, full_name="Triệu Thị Nhất", phone="0905000001")
    course = course_with_quiz(world, teams=Team.objects.filter(unit=world.village_a1))
    client.force_login(world.member_a1)
    quiz = course.quiz
    quiz.refresh_from_db()
    client.post(f"/tap-huan/{course.pk}/lam-bai/", {**right_answers(course), "version": quiz.version,
                                                    "submission_key": str(uuid.uuid4())})
    certificate = Certificate.objects.get()
    check_official_layout(certificate_docx(certificate, verify_url="https://example.invalid/xac-minh/"))
