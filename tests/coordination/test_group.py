import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_person, make_team, make_user
from tocns.accounts.models import Assignment, Role
from tocns.audit.models import AuditEntry
from tocns.coordination import services
from tocns.coordination.models import CoordinationGroup, RosterSnapshot
from tocns.coordination.roster import changes_since, roster_for
from tocns.teams.choices import MemberRole
from tocns.teams.services import membership_start
from tocns.training.models import Partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(world):
    """Commune A: its chairman and officer, the province admin, a village team led by a person with an
    account, and VNPT serving the commune (Viettel serves only commune B)."""
    team = make_team(world, world.village_a1)
    leader = make_person(world, full_name="Giàng Seo Chứ", phone="0904000001", user=world.leader_a1)
    import datetime
    membership_start(team=team, person=leader, role=MemberRole.LEADER, start_date=datetime.date(2026, 9, 1))
    vnpt = Partner.objects.create(name="VNPT Tuyên Quang", province=world.province)
    vnpt.communes.add(world.commune_a)
    vnpt.users.add(world.partner)
    viettel = Partner.objects.create(name="Viettel Tuyên Quang", province=world.province)
    viettel.communes.add(world.commune_b)
    viettel.users.add(make_user(full_name="Lò Văn Khải", phone="0986000001", role=Role.PARTNER, unit=world.province))
    return team


def names(roster) -> set:
    return {p.name for p in roster.people.values()}


def test_the_roster_is_built_from_roles_teams_and_partners(world, group):
    roster = roster_for(world.commune_a)
    assert names(roster) == {"Ma Văn Tiến", "Lý Thị Mai", "Hoàng Thị Thu Hà", "Giàng Seo Chứ", "Quan Văn Dũng"}
    sections = dict(roster.sections())
    assert [p.name for p, _s in sections["Lãnh đạo UBND xã"]] == ["Ma Văn Tiến"]
    assert [s.unit for _p, s in sections["Doanh nghiệp bưu chính, viễn thông"]] == ["VNPT Tuyên Quang"]
    assert roster.people[f"u{world.leader_a1.pk}"].phone == "0904000001"


def test_the_page_lists_tap_to_call_links_for_the_group(client, world, group):
    client.force_login(world.officer_a)
    html = client.get(reverse("coordination:group", args=[world.commune_a.code])).content.decode()
    assert 'href="tel:0904000001"' in html and 'href="tel:0902000001"' in html
    assert "Lò Văn Khải" not in html  # Viettel serves commune B only
    assert AuditEntry.objects.filter(action="coordination.roster", is_read=True).exists()


def test_who_sees_the_group(client, world, group):
    url = reverse("coordination:group", args=[world.commune_a.code])
    for user in (world.province_admin, world.chairman_a, world.officer_a, world.leader_a1):
        client.force_login(user)
        assert client.get(url).status_code == 200, user
    for user in (world.officer_b, world.member_a1, world.partner):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.logout()
    assert client.get(url).status_code == 302  # never on a public page


def test_the_leader_sees_but_does_not_edit(client, world, group):
    client.force_login(world.leader_a1)
    html = client.get(reverse("coordination:group", args=[world.commune_a.code])).content.decode()
    assert "Đã cập nhật nhóm Zalo" not in html
    assert client.post(reverse("coordination:zalo", args=[world.commune_a.code]),
                       {"zalo_url": "https://zalo.me/g/abc123", "was": 0}).status_code == 404
    assert client.post(reverse("coordination:mark_updated", args=[world.commune_a.code])).status_code == 404


def test_a_link_that_is_not_zalo_is_refused_and_kept_in_the_box(client, world, group):
    client.force_login(world.officer_a)
    url = reverse("coordination:zalo", args=[world.commune_a.code])
    response = client.post(url, {"zalo_url": "https://example.com/g/abc", "was": 0})
    html = response.content.decode()
    assert "https://zalo.me/g/" in html and 'value="https://example.com/g/abc"' in html
    assert not CoordinationGroup.objects.exists()
    response = client.post(url, {"zalo_url": "https://zalo.me/g/tlam2026", "was": 0})
    assert response.status_code == 302
    assert CoordinationGroup.objects.get().zalo_url == "https://zalo.me/g/tlam2026"
    stale = client.post(url, {"zalo_url": "https://zalo.me/g/khac", "was": 0})
    assert "người khác đã lưu" in stale.content.decode()
    assert CoordinationGroup.objects.get().zalo_url == "https://zalo.me/g/tlam2026"
    page = client.get(reverse("coordination:group", args=[world.commune_a.code])).content.decode()
    assert 'href="https://zalo.me/g/tlam2026"' in page


def test_since_the_zalo_group_was_updated_the_page_says_who_to_add_and_remove(client, world, group):
    client.force_login(world.officer_a)
    key = str(uuid.uuid4())
    for _twice in range(2):
        client.post(reverse("coordination:mark_updated", args=[world.commune_a.code]), {"submission_key": key})
    assert RosterSnapshot.objects.count() == 1
    html = client.get(reverse("coordination:group", args=[world.commune_a.code])).content.decode()
    assert 'id="in-step"' in html
    # A new officer starts, the chairman's role ends.
    make_user(full_name="Hà Thị Liên", phone="0913000009", role=Role.COMMUNE_OFFICER, unit=world.commune_a)
    Assignment.objects.filter(user=world.chairman_a).update(ended_at=timezone.now())
    changes = changes_since(roster_for(world.commune_a), RosterSnapshot.objects.get())
    assert [p.name for p in changes.to_add] == ["Hà Thị Liên"]
    assert [p["name"] for p in changes.to_remove] == ["Ma Văn Tiến"]
    html = client.get(reverse("coordination:group", args=[world.commune_a.code])).content.decode()
    assert "Cần thêm vào nhóm Zalo" in html and "Hà Thị Liên" in html
    assert "Cần mời ra khỏi nhóm Zalo" in html and "Ma Văn Tiến" in html
    home = client.get("/").content.decode()
    assert "2 người cần thêm hoặc mời ra" in home


def test_a_person_with_two_roles_is_one_member_of_the_zalo_group(world, group):
    Assignment.objects.create(user=world.officer_a, role=Role.COMMUNE_CHAIRMAN, unit=world.commune_a)
    roster = roster_for(world.commune_a)
    assert len(roster.people[f"u{world.officer_a.pk}"].seats) == 2
    snapshot = services.group_mark_updated(commune=world.commune_a, submission_key=uuid.uuid4(), by=world.officer_a)
    assert len(snapshot.members) == len(roster.people) == 5


def test_a_team_leader_without_an_account_is_in_the_group(world):
    team = make_team(world, world.village_a2, members=1)
    roster = roster_for(world.commune_a)
    leader = team.memberships.get(role=MemberRole.LEADER).person
    assert roster.people[f"p{leader.pk}"].phone == leader.phone


def test_the_province_admin_lists_communes_and_opens_any(client, world, group):
    services.group_set_zalo(commune=world.commune_b, url="zalo.me/g/minhxuan", was=0, by=world.officer_b)
    client.force_login(world.province_admin)
    html = client.get(reverse("coordination:index")).content.decode()
    assert "Xã Thượng Lâm" in html and "Phường Minh Xuân" in html and "có nhóm Zalo" in html
    assert CoordinationGroup.objects.get(commune=world.commune_b).zalo_url == "https://zalo.me/g/minhxuan"
    client.force_login(world.officer_a)
    assert client.get(reverse("coordination:index")).status_code == 302  # straight to his commune


def test_the_roster_reads_a_fixed_number_of_queries(world, group, django_assert_num_queries):
    make_team(world, world.village_a2, members=1)
    make_team(world, world.commune_a, members=1)
    with django_assert_num_queries(5):
        roster = roster_for(world.commune_a)
    assert len(roster.people) == 7


def test_the_leader_finds_his_communes_group_on_his_home_page(client, world, group):
    services.group_set_zalo(commune=world.commune_a, url="https://zalo.me/g/tlam2026", was=0, by=world.officer_a)
    client.force_login(world.leader_a1)
    home = client.get("/").content.decode()
    assert 'href="https://zalo.me/g/tlam2026"' in home
    assert reverse("coordination:group", args=[world.commune_a.code]) in home
    client.force_login(world.member_a1)
    assert 'id="coordination-home"' not in client.get("/").content.decode()
