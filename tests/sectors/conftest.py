"""Departments for the sectors tests: two departments of the province, each with a user holding the
department role, and a commune supported by the first."""

import datetime
import uuid

import pytest

from tocns.accounts.models import Role
from tocns.fieldwork.models import Service
from tocns.sectors import services
from tocns.sectors.models import Department

from ..factories import make_user
from ..reports.factories import freeze


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))


@pytest.fixture
def agriculture(world):
    department = Department.objects.create(name="Sở Nông nghiệp và Môi trường", province=world.province)
    department.users.add(make_user(full_name="Đàm Văn Khánh", phone="0906000101", username="so.nongnghiep",
                                   role=Role.DEPARTMENT, unit=world.province))
    department.communes.add(world.commune_a)
    return department


@pytest.fixture
def health(world):
    department = Department.objects.create(name="Sở Y tế", province=world.province)
    department.users.add(make_user(full_name="Lê Thị Hằng", phone="0906000102", username="so.yte",
                                   role=Role.DEPARTMENT, unit=world.province))
    return department


def record(department, *, kind="commune_support", day=datetime.date(2026, 11, 10), commune=None,
           services_=("vneid",), people=30, description="Hướng dẫn kích hoạt VNeID mức 2"):
    activity, _created = services.activity_record(
        by=department.users.first(), department=department, submission_key=uuid.uuid4(),
        data={"kind": kind, "date": day, "commune": commune, "people_reached": people, "description": description,
              "services": list(Service.objects.filter(code__in=services_))})
    return activity
