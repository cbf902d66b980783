"""A phone's clock may be hours off. The day the member chose is the activity's day; the phone's
time is recorded as it is, and refused only when it is absurd. The clock stands at 10:00 on
20/11/2026, Vietnam time (tests/fieldwork/conftest.py)."""

import datetime
import json
import uuid

import pytest
from django.utils import timezone

from tocns.fieldwork.models import Activity, Answer

from ..reports.factories import freeze
from .test_surveys import answer, make_survey

pytestmark = pytest.mark.django_db


def entry(world, **overrides):
    data = {"client_id": str(uuid.uuid4()), "date": "2026-11-20", "unit": world.village_a1.code,
            "kind": "guidance", "services": ["vneid"], "people_count": 2, "made_at": "2026-11-20T10:15:00+07:00"}
    data.update(overrides)
    return data


def send(client, path, entries):
    return client.post(path, json.dumps(entries), content_type="application/json").json()


@pytest.mark.parametrize("made_at", ["2026-11-20T10:15:00+07:00", "2026-11-20T21:30:00+07:00",
                                     "2026-11-20T03:15:00+00:00"])
def test_a_phone_some_hours_fast_has_its_entry_stored_with_the_time_it_shows(client, world, team, made_at):
    client.force_login(world.leader_a1)
    results = send(client, "/api/v1/activities/batch", [entry(world, made_at=made_at)])
    assert [r["status"] for r in results] == ["stored"]
    activity = Activity.objects.get()
    assert activity.date == datetime.date(2026, 11, 20)  # the day chosen, not the phone's time
    assert activity.made_at == datetime.datetime.fromisoformat(made_at)


def test_a_phone_more_than_twelve_hours_fast_is_asked_to_set_its_clock(client, world, team):
    client.force_login(world.leader_a1)
    results = send(client, "/api/v1/activities/batch", [entry(world, made_at="2026-11-20T22:30:00+07:00")])
    assert results[0]["status"] == "refused" and "nhanh hơn giờ thật" in results[0]["errors"]["made_at"][0]
    assert not Activity.objects.exists()


def test_tomorrow_is_accepted_for_a_phone_already_past_midnight_but_not_the_day_after(
        client, world, team, monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 23, 50))  # the phone is 30 minutes fast
    client.force_login(world.leader_a1)
    results = send(client, "/api/v1/activities/batch", [
        entry(world, date="2026-11-21", made_at="2026-11-21T00:20:00+07:00"),
        entry(world, date="2026-11-22", made_at="2026-11-20T10:00:00+07:00")])
    assert [r["status"] for r in results] == ["stored", "refused"]
    assert results[1]["errors"]["date"] == ["Ngày hoạt động không được sau hôm nay."]
    assert list(Activity.objects.values_list("date", flat=True)) == [datetime.date(2026, 11, 21)]


def test_a_phone_years_slow_keeps_the_day_the_member_chose(client, world, team):
    client.force_login(world.leader_a1)
    results = send(client, "/api/v1/activities/batch", [entry(world, made_at="2000-01-01T07:00:00+07:00")])
    assert results[0]["status"] == "stored"
    assert Activity.objects.get().date == datetime.date(2026, 11, 20)


def test_an_answer_sent_before_midnight_on_the_deadline_day_by_a_fast_phone_is_not_late(
        client, world, team, monkeypatch):
    survey = make_survey(world, teams=[team], deadline=datetime.date(2026, 11, 20))
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 23, 50))
    client.force_login(world.leader_a1)
    # 23:50 on the deadline day; the phone, 15 minutes fast, already says 00:05 the next day.
    fast = answer(world, survey, made_at="2026-11-21T00:05:00+07:00")
    absurd = answer(world, survey, made_at="2026-11-21T13:00:00+07:00")  # 13 hours fast: its clock is wrong
    results = send(client, "/api/v1/survey-answers/batch", [fast, absurd])
    assert [r["status"] for r in results] == ["stored", "refused"]
    assert list(results[1]["errors"]) == ["made_at"] and "nhanh hơn giờ thật" in results[1]["errors"]["made_at"][0]
    assert timezone.localtime(Answer.objects.get().made_at).strftime("%d/%m %H:%M") == "21/11 00:05"

