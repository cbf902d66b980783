"""The read router without a replica: every read on the primary; its rules in isolation.
tests/lib/test_dbrouter_replica.py runs the pages with a replica."""


import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from tocns.accounts.models import User
from tocns.lib import dbrouter
from tocns.lib.dbrouter import REPLICA, ReplicaRouter, replica_reads

from ..factories import make_team


@pytest.fixture
def teams(world):
    return make_team(world, world.village_a1, members=3), make_team(world, world.village_b1, members=2)


def _members_on_overview(client) -> int:
    page = client.get("/tong-quan/")
    assert page.status_code == 200
    return page.context["o"].members


def test_without_a_replica_the_overview_reads_the_primary(client, world, teams):
    client.force_login(world.province_admin)
    assert REPLICA not in connections.settings
    assert _members_on_overview(client) == 5
    with replica_reads() as on_replica:
        assert not on_replica
        assert ReplicaRouter().db_for_read(User) == DEFAULT_DB_ALIAS


def test_the_router_sends_only_reads_inside_replica_reads_to_the_replica():
    router = ReplicaRouter()
    assert router.db_for_read(User) == DEFAULT_DB_ALIAS
    token = dbrouter._reading.set(True)
    try:
        assert router.db_for_read(User) == REPLICA
        # writes, even of an object read from the replica, go to the primary
        read_there = User(username="doc-tu-ban-sao")
        read_there._state.db = REPLICA
        assert router.db_for_write(User, instance=read_there) == DEFAULT_DB_ALIAS
        on_primary = User(username="tren-ban-chinh")
        on_primary._state.db = DEFAULT_DB_ALIAS
        assert router.allow_relation(read_there, on_primary) is True
        dbrouter.mark_replica_down("test")
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS
    finally:
        dbrouter._reading.reset(token)
        dbrouter.reset_replica_state()
    assert router.db_for_read(User, instance=read_there) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA, "teams") is False and router.allow_migrate(DEFAULT_DB_ALIAS, "teams") is None


@pytest.mark.django_db
def test_inside_a_transaction_on_the_primary_reads_stay_there():
    token = dbrouter._reading.set(True)
    try:
        with transaction.atomic():
            assert ReplicaRouter().db_for_read(User) == DEFAULT_DB_ALIAS
    finally:
        dbrouter._reading.reset(token)


