import pytest

from tocns.demo.support import seed_support
from tocns.support.models import SupportEvent, SupportRequest, SupportStatus
from tocns.support.selectors import overdue
from tocns.training.models import Partner

from .factories import lead_team

pytestmark = pytest.mark.django_db


def test_the_demo_has_requests_in_every_state_a_few_overdue_and_a_second_run_adds_nothing(world):
    lead_team(world)
    for user in (world.leader_a1, world.officer_a):
        user.is_demo = True
        user.save(update_fields=["is_demo"])
    assert seed_support(world.province, size="small") == 30
    assert set(SupportRequest.objects.values_list("status", flat=True)) == set(SupportStatus.values)
    assert 0 < overdue(SupportRequest.objects.all()).count() < 10
    assert SupportRequest.objects.filter(team__isnull=True, asked_by=world.officer_a).exists()
    assert all(r.partner.communes.filter(pk=r.commune_id).exists() for r in SupportRequest.objects.all())
    answered = SupportRequest.objects.filter(status=SupportStatus.CLOSED).first()
    assert answered.answer and list(answered.events.values_list("status", flat=True)) == [
        "sent", "received", "in_progress", "answered", "closed"]
    before = (SupportRequest.objects.count(), SupportEvent.objects.count(), Partner.objects.count())
    assert seed_support(world.province, size="small") == 0
    assert before == (SupportRequest.objects.count(), SupportEvent.objects.count(), Partner.objects.count())
