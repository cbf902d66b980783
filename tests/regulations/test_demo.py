import pytest

from tests.factories import make_unit
from tocns.coordination.models import CoordinationGroup, RosterSnapshot
from tocns.demo.regulations import seed_regulations
from tocns.geo.models import UnitKind
from tocns.regulations.models import Adoption, AdoptionStatus, RegulationVersion

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_versions_adoptions_in_each_state_and_runs_twice_without_adding(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for n in range(8):
        make_unit(name=f"Xã Mẫu {n}", kind=UnitKind.XA, parent=world.province)
    made = seed_regulations(world.province, size="small")
    assert RegulationVersion.objects.filter(province=world.province).count() == 2
    issued = Adoption.objects.filter(status=AdoptionStatus.ISSUED)
    assert {a.base.label for a in issued} == {"1", "2"}
    assert all(a.signed_file for a in issued)
    assert Adoption.objects.filter(status=AdoptionStatus.DRAFT).exists()
    assert Adoption.objects.count() < 10  # some communes have none
    assert CoordinationGroup.objects.exclude(zalo_url="").exists()
    assert RosterSnapshot.objects.exists()
    counts = (Adoption.objects.count(), CoordinationGroup.objects.count(), RosterSnapshot.objects.count())
    assert made and seed_regulations(world.province, size="small") == 0
    assert (Adoption.objects.count(), CoordinationGroup.objects.count(), RosterSnapshot.objects.count()) == counts
