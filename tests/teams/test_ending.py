"""Ending a membership, changing a role and dissolving a team: a bare POST changes nothing, and
an end says when and why (issue 12, item 9)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tocns.teams.choices import ApplicationStatus, MemberRole, TeamStatus
from tocns.teams.models import Decision, Membership

from ..factories import make_team
from .test_applications import submit

pytestmark = pytest.mark.django_db


def _member(team) -> Membership:
    return team.memberships.active().get(role=MemberRole.MEMBER, person__full_name__startswith="Triệu")


def test_an_empty_post_ends_no_membership_and_says_what_is_missing(client, world):
    team = make_team(world, world.village_a1, members=3)
    member = _member(team)
    client.force_login(world.officer_a)
    # What a browser sends for the blank form (before: it ended the membership today, no reason).
    response = client.post(reverse("teams:member_end", args=[team.pk, member.pk]), {"end_date": "", "reason": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hãy nhập ngày thôi tham gia (dd/mm/yyyy)." in page and "Hãy ghi lý do thôi tham gia tổ." in page
    member.refresh_from_db()
    assert member.end_date is None and member.end_reason == ""


def test_the_end_form_offers_today_and_refuses_a_future_day_or_one_before_the_start(client, world):
    team = make_team(world, world.village_a1, members=3)  # from 01/09/2026
    member = _member(team)
    client.force_login(world.officer_a)
    url = reverse("teams:member_end", args=[team.pk, member.pk])
    today = timezone.localdate()
    assert f'value="{today:%d/%m/%Y}"' in client.get(url).content.decode()
    tomorrow = today + datetime.timedelta(days=1)
    page = client.post(url, {"end_date": f"{tomorrow:%d/%m/%Y}", "reason": "Chuyển công tác"}).content.decode()
    assert "Ngày thôi không được sau hôm nay." in page and "Chuyển công tác" in page
    page = client.post(url, {"end_date": "31/08/2026", "reason": "Chuyển công tác"}).content.decode()
    assert "Ngày thôi không được trước ngày bắt đầu (01/09/2026)." in page
    page = client.post(url, {"end_date": "01/10/2026", "reason": "   "}).content.decode()
    assert "Hãy ghi lý do thôi tham gia tổ." in page
    member.refresh_from_db()
    assert member.end_date is None


def test_an_ended_membership_keeps_its_date_and_reason_in_the_teams_history(client, world):
    team = make_team(world, world.village_a1, members=3)
    member = _member(team)
    client.force_login(world.officer_a)
    response = client.post(reverse("teams:member_end", args=[team.pk, member.pk]),
                           {"end_date": "15/10/2026", "reason": "Chuyển công tác  xuống xã"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.end_date == datetime.date(2026, 10, 15) and member.end_reason == "Chuyển công tác xuống xã"
    history = client.get(reverse("teams:history", args=[team.pk])).content.decode()
    table = history.split("<tbody>", 1)[1]
    row = table.split(f"<td>{member.person.full_name}</td>", 1)[1].split("</tr>", 1)[0]
    assert "15/10/2026" in row and "Chuyển công tác xuống xã" in row


def test_an_empty_post_changes_no_role(client, world):
    team = make_team(world, world.village_a1, members=3)
    member = _member(team)
    client.force_login(world.officer_a)
    page = client.post(reverse("teams:member_role", args=[team.pk, member.pk]), {"role": ""}).content.decode()
    assert "Hãy chọn vai trò mới." in page
    assert team.memberships.count() == 3 and team.memberships.active().count() == 3


def test_an_empty_post_dissolves_nothing(client, world):
    team = make_team(world, world.village_a1, members=3)
    client.force_login(world.chairman_a)
    response = client.post(reverse("teams:dissolve", args=[team.pk]), {"number": "", "signed_on": ""})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    team.refresh_from_db()
    assert team.status == TeamStatus.ESTABLISHED and team.memberships.active().count() == 3
    assert not Decision.objects.filter(team=team).exists()


def test_a_bare_post_keeps_the_teams_zalo_group(client, world):
    team = make_team(world, world.village_a1, members=1)
    team.zalo_group_url = "https://zalo.me/g/nakha1"
    team.save(update_fields=["zalo_group_url"])
    client.force_login(world.officer_a)
    response = client.post(reverse("teams:zalo", args=[team.pk]), {}, follow=True)
    assert "chưa thay đổi gì" in response.content.decode()
    team.refresh_from_db()
    assert team.zalo_group_url == "https://zalo.me/g/nakha1"
    client.post(reverse("teams:zalo", args=[team.pk]), {"zalo_group_url": ""})  # the form, emptied on purpose
    team.refresh_from_db()
    assert team.zalo_group_url == ""


def test_a_bare_post_decides_no_application(client, world):
    team = make_team(world, world.village_a1, members=2)
    application = submit(world, team)
    client.force_login(world.leader_a1)
    page = client.post(reverse("teams:application", args=[application.pk]), {}).content.decode()
    assert "Hãy chọn một quyết định." in page
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
