"""The province's team settings: caps, minimum and who approves a village application, changed from a
page by the province admin, each change kept, and read wherever teams are filled or applications decided."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tocns.accounts.models import Assignment, Role
from tocns.audit.models import AuditEntry
from tocns.teams import selectors, services
from tocns.teams.choices import ApplicationStatus, MemberRole, VillageApprover
from tocns.teams.models import TeamRules, TeamRulesChange

from ..factories import make_person, make_team, make_user
from .test_applications import submit

pytestmark = pytest.mark.django_db


def rules_form(rules, **overrides):
    data = {"commune_team_cap": rules.commune_team_cap, "village_team_cap": rules.village_team_cap,
            "team_minimum": rules.team_minimum, "village_approver": rules.village_approver,
            "version": rules.version}
    data.update(overrides)
    return data


def test_the_province_admin_changes_a_cap_and_the_history_says_who_and_old_to_new(client, world):
    client.force_login(world.province_admin)
    rules = services.team_rules(world.province)
    response = client.post(reverse("teams:rules"), rules_form(rules, village_team_cap=7))
    assert response.status_code == 302
    rules.refresh_from_db()
    assert rules.village_team_cap == 7 and rules.version == 2
    change = TeamRulesChange.objects.get()
    assert (change.field, change.old_value, change.new_value, change.changed_by) == (
        "village_team_cap", "5", "7", world.province_admin)
    page = client.get(reverse("teams:rules")).content.decode()
    assert "5 → 7" in page and "Hoàng Thị Thu Hà" in page
    assert AuditEntry.objects.filter(action="team_rules.change", province_id=world.province.pk).exists()


def test_a_form_opened_before_another_change_is_refused_not_applied(client, world):
    rules = services.team_rules(world.province)
    stale = rules_form(rules, commune_team_cap=12)
    services.team_rules_change(province=world.province, values={"commune_team_cap": 9}, version=rules.version,
                               by=world.province_admin)
    client.force_login(world.province_admin)
    response = client.post(reverse("teams:rules"), stale, follow=True)
    assert "vừa được Hoàng Thị Thu Hà thay đổi" in response.content.decode()
    assert TeamRules.objects.get(province=world.province).commune_team_cap == 9


def test_a_minimum_above_a_cap_is_refused_with_a_message(client, world):
    client.force_login(world.province_admin)
    rules = services.team_rules(world.province)
    response = client.post(reverse("teams:rules"), rules_form(rules, team_minimum=8))
    assert response.status_code == 200 and "không được lớn hơn số tối đa" in response.content.decode()
    assert not TeamRulesChange.objects.exists()


def test_only_the_province_admin_opens_the_settings(client, world):
    for user in (world.officer_a, world.chairman_a, world.leader_a1):
        client.force_login(user)
        assert client.get(reverse("teams:rules")).status_code == 404


def test_member_add_reads_the_changed_cap(world):
    team = make_team(world, members=5)
    with pytest.raises(ValidationError) as exc:
        services.membership_start(team=team, person=make_person(world, full_name="Lò Thị Dung"),
                                  role=MemberRole.MEMBER)
    assert exc.value.code == "team_full"
    rules = services.team_rules(world.province)
    services.team_rules_change(province=world.province, values={"village_team_cap": 6}, version=rules.version,
                               by=world.province_admin)
    services.membership_start(team=team, person=make_person(world, full_name="Lò Thị Dung"), role=MemberRole.MEMBER)


@pytest.fixture
def village_head(world):
    return make_user(full_name="Hà Văn Sình", phone="0907000001", role=Role.VILLAGE_HEAD, unit=world.village_a1)


def test_the_leader_decides_while_the_rule_says_leader(world, village_head):
    team = make_team(world, members=2)
    application = submit(world, team)
    assert selectors.can_decide(world.leader_a1, team) and not selectors.can_decide(village_head, team)
    assert list(selectors.applications_to_decide(world.leader_a1)) == [application]
    assert not selectors.applications_to_decide(village_head).exists()


def test_when_the_village_head_approves_he_decides_and_the_leader_no_longer_does(client, world, village_head):
    team = make_team(world, members=2)
    application = submit(world, team)
    rules = services.team_rules(world.province)
    services.team_rules_change(province=world.province, values={"village_approver": VillageApprover.VILLAGE_HEAD},
                               version=rules.version, by=world.province_admin)
    assert list(selectors.applications_to_decide(village_head)) == [application]
    assert not selectors.applications_to_decide(world.leader_a1).exists()
    # The leader sees the application but has no buttons, and a POST is refused.
    client.force_login(world.leader_a1)
    url = reverse("teams:application", args=[application.pk])
    assert 'value="approve"' not in client.get(url).content.decode()
    assert client.post(url, {"action": "approve"}).status_code == 404
    # The village head finds it on his home page and approves it.
    client.force_login(village_head)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "1 đơn đang chờ bạn duyệt" in home
    assert client.get(reverse("teams:applications")).status_code == 200
    assert 'value="approve"' in client.get(url).content.decode()
    assert client.post(url, {"action": "approve"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED and application.decided_by == village_head


def test_a_village_head_of_another_village_does_not_decide(client, world, village_head):
    team = make_team(world, world.village_a2, members=2)
    application = submit(world, team)
    rules = services.team_rules(world.province)
    services.team_rules_change(province=world.province, values={"village_approver": VillageApprover.VILLAGE_HEAD},
                               version=rules.version, by=world.province_admin)
    assert not selectors.applications_to_decide(village_head).exists()
    client.force_login(village_head)
    assert client.get(reverse("teams:application", args=[application.pk])).status_code == 404
    Assignment.objects.filter(user=village_head).update(unit=world.village_a2)
    assert list(selectors.applications_to_decide(village_head)) == [application]
