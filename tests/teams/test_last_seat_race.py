import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tocns.teams.choices import MemberRole
from tocns.teams.models import Person
from tocns.teams.services import membership_start, team_propose

from ..factories import World


@pytest.mark.django_db(transaction=True)
def test_two_approvals_racing_for_the_last_seat_cannot_both_win():
    if connection.vendor != "postgresql":
        pytest.skip("needs two real database connections: runs on PostgreSQL (make test in CI)")
    world = World()
    team = team_propose(unit=world.village_a1)
    names = ["Giàng Seo Chứ", "Triệu Thị Nhất", "Hoàng Văn Páo", "Lý Thị Mai", "Sùng Mí Lử", "Nông Thị Hoa"]
    crowd = [Person.objects.create(full_name=n, province=world.province, commune=world.commune_a) for n in names]
    for person in crowd[:4]:
        membership_start(team=team, person=person, role=MemberRole.MEMBER)

    barrier = threading.Barrier(2)
    outcomes = []

    def approve(person):
        try:
            barrier.wait()
            membership_start(team=team, person=person, role=MemberRole.MEMBER)
            outcomes.append("won")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=approve, args=(p,)) for p in crowd[4:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["team_full", "won"]
    assert team.memberships.active().counted().count() == 5
