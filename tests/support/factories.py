"""Builders for support requests: a partner serving commune A, a team in village A1 led by the
world's leader, and a request sent through the service."""

import base64
import itertools
import uuid

from tocns.support import services
from tocns.support.models import SupportKind
from tocns.teams.choices import MemberRole
from tocns.teams.models import Membership
from tocns.training.models import Partner

from ..factories import make_team, make_user

_n = itertools.count(1)
# A 1×1 PNG, as a phone's canvas could make it.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
                       "AAAABJRU5ErkJggg==")


def make_partner(world, *, name: str = "VNPT Tuyên Quang", communes=None, users=None) -> Partner:
    partner = Partner.objects.create(name=name, province=world.province)
    partner.communes.add(*(communes if communes is not None else [world.commune_a]))
    partner.users.add(*(users if users is not None else [world.partner]))
    return partner


def lead_team(world, unit=None, leader=None):
    """A team at `unit` (village A1) whose leader is the signed-in leader's person."""
    team = make_team(world, unit or world.village_a1, members=2)
    leader_membership = Membership.objects.get(team=team, role=MemberRole.LEADER)
    person = leader_membership.person
    person.user = leader or world.leader_a1
    person.save()
    return team


def send(world, partner, *, by=None, unit=None, kind=SupportKind.SIM, text="Cần 5 SIM cho người cao tuổi thôn.",
         **extra):
    return services.support_request_submit(by=by or world.leader_a1, unit=unit or world.village_a1, partner=partner,
                                           kind=kind, description=text, submission_key=uuid.uuid4().hex, **extra)


def other_partner_user(world):
    return make_user(full_name="Lò Văn Quân", phone=f"09070000{next(_n):02d}", role="partner", unit=world.province)
