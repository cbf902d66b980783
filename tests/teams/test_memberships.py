import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tocns.teams.choices import ETHNIC_GROUPS, MemberRole, TeamStatus
from tocns.teams.models import Membership, Person, Team
from tocns.teams.services import membership_change_role, membership_end, membership_start, team_propose

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 9, 1)
NAMES = ["Giàng Seo Chứ", "Triệu Thị Nhất", "Hoàng Văn Páo", "Lý Thị Mai", "Sùng Mí Lử", "Nông Thị Hoa",
         "Đặng Văn Quẩy", "Ma Văn Thắng", "Lục Văn Sinh", "Vàng Thị Dợ", "Bàn Văn Tủa", "Hà Thị Liên"]


def people(world, n):
    return [Person.objects.create(full_name=name, province=world.province, commune=world.commune_a)
            for name in NAMES[:n]]


def test_the_official_list_has_54_ethnic_groups():
    assert len(ETHNIC_GROUPS) == 54 == len(set(ETHNIC_GROUPS))


def test_a_unit_has_at_most_one_live_team(world):
    team_propose(unit=world.village_a1)
    with pytest.raises(ValidationError) as exc:
        team_propose(unit=world.village_a1)
    assert "đã có tổ công nghệ số cộng đồng" in exc.value.messages[0]
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        Team.objects.create(unit=world.village_a1, province=world.province, commune=world.commune_a)


def test_a_dissolved_team_frees_the_unit_for_a_new_one(world):
    old = team_propose(unit=world.village_a1)
    old.status = TeamStatus.DISSOLVED
    old.save(update_fields=["status"])
    assert team_propose(unit=world.village_a1).pk != old.pk


def test_village_team_refuses_sixth_member_but_takes_a_collaborator(world):
    team = team_propose(unit=world.village_a1)
    crowd = people(world, 7)
    for person in crowd[:5]:
        membership_start(team=team, person=person, role=MemberRole.MEMBER, start_date=DAY)
    with pytest.raises(ValidationError) as exc:
        membership_start(team=team, person=crowd[5], role=MemberRole.MEMBER, start_date=DAY)
    assert exc.value.code == "team_full" and "nhóm cộng tác viên" in exc.value.messages[0]
    membership_start(team=team, person=crowd[5], role=MemberRole.COLLABORATOR, start_date=DAY)
    assert team.memberships.active().count() == 6 and team.memberships.active().counted().count() == 5


def test_commune_team_takes_ten_members(world):
    team = team_propose(unit=world.commune_a)
    crowd = people(world, 11)
    for person in crowd[:10]:
        membership_start(team=team, person=person, role=MemberRole.MEMBER, start_date=DAY)
    with pytest.raises(ValidationError):
        membership_start(team=team, person=crowd[10], role=MemberRole.MEMBER, start_date=DAY)


def test_one_active_leader_and_one_deputy_enforced_by_the_database(world):
    team = team_propose(unit=world.village_a1)
    a, b, c, d = people(world, 4)
    membership_start(team=team, person=a, role=MemberRole.LEADER, start_date=DAY)
    membership_start(team=team, person=c, role=MemberRole.DEPUTY, start_date=DAY)
    with pytest.raises(ValidationError) as exc:
        membership_start(team=team, person=b, role=MemberRole.LEADER, start_date=DAY)
    assert "Tổ đã có tổ trưởng" in exc.value.message_dict["role"][0]
    for role, person in ((MemberRole.LEADER, b), (MemberRole.DEPUTY, d)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(team=team, person=person, role=role, start_date=DAY)


def test_leaving_ends_the_membership_and_keeps_the_row(world):
    team = team_propose(unit=world.village_a1)
    (person,) = people(world, 1)
    membership = membership_start(team=team, person=person, role=MemberRole.MEMBER, start_date=DAY)
    membership_end(membership=membership, end_date=datetime.date(2026, 10, 15), reason="Chuyển công tác")
    membership_end(membership=membership, end_date=datetime.date(2026, 11, 1))  # retried: no change
    membership.refresh_from_db()
    assert membership.end_date == datetime.date(2026, 10, 15)
    assert Membership.objects.filter(team=team).count() == 1 and not team.memberships.active().exists()


def test_a_team_shows_its_members_on_any_past_date(world):
    team = team_propose(unit=world.village_a1)
    a, b = people(world, 2)
    first = membership_start(team=team, person=a, role=MemberRole.LEADER, start_date=DAY)
    membership_end(membership=first, end_date=datetime.date(2026, 10, 1))
    membership_start(team=team, person=b, role=MemberRole.LEADER, start_date=datetime.date(2026, 10, 1))
    on = {d: list(team.memberships.on(d).values_list("person__full_name", flat=True))
          for d in (datetime.date(2026, 9, 15), datetime.date(2026, 10, 1), datetime.date(2026, 8, 1))}
    assert on == {datetime.date(2026, 9, 15): ["Giàng Seo Chứ"], datetime.date(2026, 10, 1): ["Triệu Thị Nhất"],
                  datetime.date(2026, 8, 1): []}


def test_changing_role_ends_one_row_and_starts_another(world):
    team = team_propose(unit=world.village_a1)
    (person,) = people(world, 1)
    member = membership_start(team=team, person=person, role=MemberRole.MEMBER, start_date=DAY)
    deputy = membership_change_role(membership=member, role=MemberRole.DEPUTY, on=datetime.date(2026, 10, 1))
    member.refresh_from_db()
    assert member.end_date == datetime.date(2026, 10, 1) and deputy.role == MemberRole.DEPUTY
    assert Membership.objects.filter(person=person).count() == 2


def test_a_refused_role_change_leaves_the_old_role_in_place(world):
    team = team_propose(unit=world.village_a1)
    a, b = people(world, 2)
    membership_start(team=team, person=a, role=MemberRole.LEADER, start_date=DAY)
    member = membership_start(team=team, person=b, role=MemberRole.MEMBER, start_date=DAY)
    with pytest.raises(ValidationError):
        membership_change_role(membership=member, role=MemberRole.LEADER, on=datetime.date(2026, 10, 1))
    member.refresh_from_db()
    assert member.end_date is None


def test_a_dissolved_team_takes_no_new_member(world):
    team = team_propose(unit=world.village_a1)
    Team.objects.filter(pk=team.pk).update(status=TeamStatus.DISSOLVED)
    (person,) = people(world, 1)
    with pytest.raises(ValidationError) as exc:
        membership_start(team=team, person=person, role=MemberRole.MEMBER)
    assert exc.value.code == "team_dissolved"
