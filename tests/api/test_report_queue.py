"""The monthly report saved or sent from a phone that had no connection (/api/v1/reports/batch):
the page's rules (version, save key, drafts keep wrong values, an empty report is refused) hold
for what arrives later. The clock stands at 10:00 on 20/11/2026."""

import datetime
import json
import uuid

import pytest

from tocns.reports import services
from tocns.reports.choices import ReportAction, ReportStatus
from tocns.reports.models import ReportEvent
from tocns.reports.periods import month_period

from ..factories import make_team, make_user
from ..reports.factories import established_long_ago, freeze, village_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))


@pytest.fixture
def report(world):
    team = established_long_ago(make_team(world, world.village_a1, members=1))
    return services.report_open(form=village_form(), team=team, period=month_period(2026, 11))


def entry(report, **overrides):
    data = {"client_id": uuid.uuid4().hex, "report": report.pk, "version": report.version,
            "values": {"CQ01": "12", "TT02": "45"}, "texts": {"difficulties": "Sóng yếu"}, "submit": True}
    data.update(overrides)
    return data


def send(client, entries):
    return client.post("/api/v1/reports/batch", json.dumps(entries), content_type="application/json").json()


def test_a_report_sent_from_the_phone_twice_is_submitted_once(client, world, report):
    client.force_login(world.leader_a1)
    sent = entry(report)
    first, again = send(client, [sent])[0], send(client, [sent])[0]  # the first answer was lost on the way
    assert (first["status"], again["status"]) == ("stored", "duplicate")
    assert first["state"] == again["state"] == "Đã gửi" and first["version"] == again["version"]
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.difficulties == "Sóng yếu"
    assert {v.indicator.code: v.value for v in report.values.filter(value__isnull=False)} == {"CQ01": 12, "TT02": 45}
    assert ReportEvent.objects.filter(report=report, action=ReportAction.SUBMITTED).count() == 1


def test_a_save_made_on_an_older_version_is_refused_and_the_newer_one_stays(client, world, report):
    services.report_save(report=report, values={"CQ01": "7"}, version=report.version, save_key="officer")
    client.force_login(world.leader_a1)
    result = send(client, [entry(report)])[0]  # typed offline on the version before the officer's
    assert result["status"] == "refused" and "vừa được người khác sửa" in result["errors"]["report"][0]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.values.get(indicator__code="CQ01").value == 7


def test_an_empty_report_is_refused_and_a_draft_keeps_a_wrong_value_beside_its_cell(client, world, report):
    client.force_login(world.leader_a1)
    empty, draft = send(client, [entry(report, values={}),
                                 entry(report, values={"CQ01": "mười hai", "TT02": "45"}, submit=False)])
    assert empty["status"] == "refused" and "chưa có số liệu nào" in " ".join(sum(empty["errors"].values(), []))
    assert draft["status"] == "stored" and draft["state"] == "Đang soạn" and draft["to_fix"] == 1
    kept = report.values.get(indicator__code="CQ01")
    assert (kept.value, kept.raw) == (None, "mười hai")
    sent = send(client, [entry(report, version=draft["version"], values={"CQ01": "mười hai"})])[0]
    assert sent["status"] == "refused" and "CQ01" in sent["errors"]


def test_another_villages_report_or_someone_elses_queue_is_refused(client, world, report):
    other = make_team(world, world.village_a2, members=0)
    stranger = make_user(full_name="Hà Văn Sáng", role="team_leader", unit=other.unit)
    client.force_login(stranger)
    result = send(client, [entry(report)])[0]
    assert result["status"] == "refused" and "Không tìm thấy báo cáo này" in result["errors"]["report"][0]
    client.force_login(world.leader_a1)
    answer = client.post("/api/v1/reports/batch", json.dumps([entry(report)]), content_type="application/json",
                         headers={"X-Tocns-Owner": str(stranger.pk)})
    assert answer.status_code == 409
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
