"""Every read of personal data leaves one audit entry: who, when, what, and whose data."""

import pytest
from django.urls import reverse

from tocns.audit.models import AuditEntry

from ..factories import make_team
from ..fieldwork.test_surveys import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(world):
    return make_team(world, world.village_a1, members=3)


def _people(team):
    return sorted(team.memberships.values_list("person_id", flat=True))


def test_opening_a_persons_page_is_logged_with_who_and_whom(client, world, team):
    person = team.memberships.first().person
    client.force_login(world.officer_a)
    assert client.get(reverse("teams:person", args=[person.pk])).status_code == 200
    entry = AuditEntry.objects.get(action="person.view")
    assert (entry.actor, entry.object_id, entry.is_read) == (world.officer_a, person.pk, True)
    assert entry.people == [person.pk]
    assert person.full_name in entry.summary and entry.commune_id == world.commune_a.pk


def test_the_team_page_roster_is_logged_naming_its_members(client, world, team):
    client.force_login(world.leader_a1)
    client.get(reverse("teams:detail", args=[team.pk]))
    entry = AuditEntry.objects.get(action="team.roster")
    assert entry.actor == world.leader_a1 and entry.people == _people(team)


def test_the_member_list_export_is_one_entry_naming_everyone_in_it(client, world, team):
    client.force_login(world.officer_a)
    response = client.get(reverse("teams:members_export", args=[team.pk]))
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="members.export")
    assert entry.is_read and entry.people == _people(team) and entry.data["people"] == 3


def test_the_team_api_logs_whose_data_it_answered_with(client, world, team):
    client.force_login(world.officer_a)
    assert client.get(f"/api/v1/teams/{team.pk}").status_code == 200
    entry = AuditEntry.objects.get(action="members.api")
    assert entry.actor == world.officer_a and entry.people == _people(team)


def test_the_survey_export_is_logged(client, world, team):
    survey = make_survey(world)
    client.force_login(world.officer_a)
    assert client.get(reverse("fieldwork:survey_download", args=[survey.pk])).status_code == 200
    entry = AuditEntry.objects.get(action="survey.export")
    assert entry.actor == world.officer_a and entry.is_read and entry.object_id == survey.pk


def test_the_draft_decision_with_names_and_phones_is_logged(client, world, team):
    client.force_login(world.officer_a)
    assert client.get(reverse("teams:decision_draft", args=[team.pk])).status_code == 200
    assert AuditEntry.objects.get(action="decision.draft").people == _people(team)


def test_a_read_refused_out_of_scope_logs_nothing(client, world, team):
    client.force_login(world.officer_b)
    person = team.memberships.first().person
    assert client.get(reverse("teams:person", args=[person.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="person.view").exists()


def test_a_persons_and_a_teams_history_lists_changes_not_the_views_of_their_pages(client, world, team):
    person = team.memberships.first().person
    client.force_login(world.officer_a)
    for _ in range(3):
        client.get(reverse("teams:person", args=[person.pk]))
        client.get(reverse("teams:detail", args=[team.pk]))
    assert AuditEntry.objects.filter(is_read=True).count() == 6
    assert "Xem trang của" not in client.get(reverse("teams:person", args=[person.pk])).content.decode()
    assert "Xem danh sách thành viên" not in client.get(reverse("teams:history", args=[team.pk])).content.decode()
