"""seed_demo's reports: monthly team reports only where and when a team served, one per period, with
statuses, dates and history as the services would leave them, plausible figures, the communes'
quarterly reports, this year's targets, and a second run that adds nothing.

The demo is built once for the module (small size: three months) with the clock fixed, inside a
transaction rolled back at the end; each test runs in its own savepoint."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from tocns.accounts.models import User
from tocns.demo.reports import TARGET_CODES, demo_months, seed_reports
from tocns.geo.models import AdminUnit
from tocns.reports.checks import check_value
from tocns.reports.choices import Level, PeriodType, ReportAction, ReportStatus
from tocns.reports.models import Indicator, Report, ReportEvent, ReportValue, Target
from tocns.reports.periods import month_period
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Team

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0)  # the demo's months: August to October 2026
MONTHS = ["2026-08", "2026-09", "2026-10"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """seed_demo --size small once, under a fixed clock; rolled back when the module is done."""
    aware = timezone.make_aware(NOW)
    with pytest.MonkeyPatch.context() as mp, django_db_blocker.unblock():
        mp.setattr(timezone, "now", lambda: aware)
        with transaction.atomic():
            call_command("seed_demo", "--size", "small", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


@pytest.fixture
def province(seeded):
    return AdminUnit.objects.provinces().get(code="08")


def _monthly():
    return Report.objects.filter(form__period_type=PeriodType.MONTH).select_related("form", "team__unit", "unit")


def _served(team, period) -> bool:
    return (team.status != TeamStatus.PROPOSED and team.established_on is not None
            and team.established_on <= period.end and (team.dissolved_on is None or team.dissolved_on >= period.start))


def test_the_months_are_the_ones_before_today():
    assert demo_months(datetime.date(2026, 11, 20), 3) == [(2026, 8), (2026, 9), (2026, 10)]
    assert demo_months(datetime.date(2026, 1, 5), 2) == [(2025, 11), (2025, 12)]


def test_reports_belong_to_established_teams_in_months_they_served(province):
    reports = list(_monthly())
    assert len(reports) > 1000
    for report in reports:
        team = report.team
        period = month_period(report.period_start.year, report.period_start.month)
        assert team is not None and team.unit_id == report.unit_id and report.is_demo
        assert (report.province_id, report.commune_id) == (team.province_id, team.commune_id)
        assert report.period_key in MONTHS and (report.period_start, report.period_end) == (period.start, period.end)
        assert report.due_on == datetime.date(period.year, period.number, 29)
        assert _served(team, period), (team.unit.code, report.period_key)
        assert report.form.code == ("THANG-XA" if team.unit.is_commune else "THANG-THON")
    # Nearly every team that served has its report; some have none (missing on the completeness page).
    owed = sum(1 for team in Team.objects.filter(province=province) for key in MONTHS
               if _served(team, month_period(*map(int, key.split("-")))))
    assert 0.92 * owed <= len(reports) <= 0.99 * owed
    assert not Report.objects.filter(period_start__gte=datetime.date(2026, 11, 1)).exists()


def test_one_report_per_form_unit_and_period_and_one_value_per_line(seeded):
    assert not Report.objects.values("form", "unit", "period_start").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not ReportValue.objects.values("report", "indicator").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_status_dates_and_history_follow_the_service_rules(province):
    now = timezone.make_aware(NOW)
    officers = dict(User.objects.filter(username__startswith="vhxh.").values_list("pk", "username"))
    admin = User.objects.get(username="sokhcn")
    events: dict[int, list] = {}
    for event in ReportEvent.objects.order_by("at", "id"):
        events.setdefault(event.report_id, []).append(event)
    reports = list(Report.objects.select_related("form", "commune"))
    assert len(events) == len(reports)
    for report in reports:
        history = events[report.pk]
        actions = [e.action for e in history]
        assert actions[0] == ReportAction.CREATED and history[0].at == report.created_at
        assert history[-1].at == report.updated_at <= now
        assert report.version == 1 + sum(a in (ReportAction.SAVED, ReportAction.SUBMITTED) for a in actions)
        if report.status == ReportStatus.DRAFT:
            assert report.submitted_at is None and report.on_time is None and report.reviewed_by_id is None
            assert set(actions) <= {ReportAction.CREATED, ReportAction.SAVED}
            continue
        sent = [e for e in history if e.action == ReportAction.SUBMITTED]
        assert sent and sent[0].at == report.submitted_at and report.created_at < report.submitted_at <= now
        assert report.on_time == (timezone.localtime(report.submitted_at).date() <= report.due_on)
        reviewer = admin.pk if report.form.level == Level.COMMUNE else next(
            pk for pk, name in officers.items() if name == f"vhxh.{report.commune.code}")
        if report.status == ReportStatus.ACCEPTED:
            assert actions[-1] == ReportAction.ACCEPTED and history[-1].by_id == reviewer
            assert report.reviewed_by_id == reviewer and report.reviewed_at == history[-1].at > report.submitted_at
        elif report.status == ReportStatus.RETURNED:
            assert actions[-1] == ReportAction.RETURNED and report.review_comment == history[-1].comment != ""
            assert report.reviewed_by_id == reviewer
        else:
            assert actions[-1] == ReportAction.SUBMITTED
    # The mix: mostly on time, some late, a few missing or drafts, a few returned; older months accepted.
    monthly = _monthly()
    on_time, late = monthly.filter(on_time=True).count(), monthly.filter(on_time=False).count()
    drafts = monthly.filter(status=ReportStatus.DRAFT).count()
    total = monthly.count()
    assert 0.75 < on_time / total < 0.92 and 0.07 < late / total < 0.18 and 0.02 < drafts / total < 0.08
    assert monthly.filter(status=ReportStatus.RETURNED).exists()
    assert ReportEvent.objects.filter(action=ReportAction.RETURNED).count() > monthly.filter(
        status=ReportStatus.RETURNED).count()  # some were corrected and sent again
    august, october = monthly.filter(period_key="2026-08"), monthly.filter(period_key="2026-10")
    assert august.filter(status=ReportStatus.ACCEPTED).count() > 0.8 * august.exclude(status=ReportStatus.DRAFT).count()
    assert october.filter(status=ReportStatus.SUBMITTED).count() > 0.3 * october.count()


def test_figures_are_plausible_and_pass_the_entry_checks(seeded):
    indicators = {i.pk: i for i in Indicator.objects.all()}
    by_report: dict[int, dict] = {}
    for report_id, indicator_id, value, comment in ReportValue.objects.filter(
            report__team__isnull=False).values_list("report_id", "indicator_id", "value", "comment"):
        indicator = indicators[indicator_id]
        by_report.setdefault(report_id, {})[indicator.code] = value
        if value is not None:
            assert not check_value(indicator, str(value), comment=comment).error
            assert value == value.to_integral_value() and value >= 0
    lines = [len(v) for v in by_report.values()]
    assert 6 < sum(lines) / len(lines) < 16  # not every line every month
    assert ReportValue.objects.filter(value__isnull=True).exists()  # some left empty (missing, not zero)
    assert ReportValue.objects.filter(value=0).exists()
    village_reports = set(_monthly().filter(form__level=Level.VILLAGE_TEAM).values_list("pk", flat=True))
    villages = [v for r, v in by_report.items() if r in village_reports]
    cq01 = [v["CQ01"] for v in villages if v.get("CQ01") is not None]
    tt02 = [v["TT02"] for v in villages if v.get("TT02") is not None]
    assert max(cq01) <= 25 and min(tt02) >= 10 and max(tt02) <= 120
    # Stock figures of commune teams: a count never above its base, growing slowly month to month.
    stocks = {}
    for report in _monthly().filter(form__level=Level.COMMUNE_TEAM):
        values = by_report.get(report.pk, {})
        for n in range(1, 6):
            so, tong = values.get(f"HT0{n}.SO"), values.get(f"HT0{n}.TONG")
            if so is not None and tong is not None:
                assert so <= tong
        stocks.setdefault(report.unit_id, []).append((report.period_start, values.get("HT01.TONG"),
                                                      values.get("HT01.SO")))
    grew = 0
    for rows in stocks.values():
        rows = sorted(r for r in rows if r[1] is not None and r[2] is not None)
        for (_d1, tong1, so1), (_d2, tong2, so2) in zip(rows, rows[1:], strict=False):
            assert tong1 <= tong2 <= tong1 * Decimal("1.01") and so1 <= so2
            grew += so2 > so1
    assert grew > 50
    texts = Report.objects.exclude(difficulties="")
    assert texts.filter(difficulties__contains="4G").exists()
    assert texts.filter(difficulties__contains="tiếng Mông").exists()
    assert Report.objects.exclude(results="").exists() and Report.objects.exclude(proposals="").exists()


def test_most_communes_sent_their_quarterly_report(province):
    communes = AdminUnit.objects.filter(province=province).communes().active()
    quarterly = Report.objects.filter(form__code="QUY-XA", period_key="2026-Q3")
    assert 0.8 * communes.count() <= quarterly.count() < communes.count()
    assert not quarterly.exclude(team=None).exists() and not quarterly.exclude(unit__kind__in=("xa", "phuong")).exists()
    accepted = quarterly.filter(status=ReportStatus.ACCEPTED)
    assert accepted.count() > quarterly.count() / 2
    # Pre-filled from the commune's accepted team reports, as the service does.
    report = accepted.first()
    sent = ReportValue.objects.filter(report=report, indicator__code="CQ01").values_list("value", flat=True).first()
    total = sum(ReportValue.objects.filter(report__commune=report.commune, report__status=ReportStatus.ACCEPTED,
                                           report__period_key__in=["2026-08", "2026-09"], indicator__code="CQ01",
                                           report__team__isnull=False, value__isnull=False)
                .values_list("value", flat=True))
    assert sent == (total or None)


def test_targets_for_this_year_for_every_commune_and_split_in_a_few(province):
    communes = list(AdminUnit.objects.filter(province=province).communes().active())
    targets = Target.objects.filter(province=province, year=2026)
    assert not Target.objects.exclude(year=2026).exists()
    for code in TARGET_CODES:
        assert targets.filter(indicator__code=code, unit__in=communes).count() == len(communes)
    split = targets.filter(unit__kind__in=("thon", "to_dan_pho"))
    assert 5 <= split.values("commune").distinct().count() < len(communes) / 5
    for target in split.filter(indicator__code="CQ01").values("commune").distinct():
        commune_target = targets.get(unit_id=target["commune"], indicator__code="CQ01").value
        villages = sum(split.filter(commune_id=target["commune"], indicator__code="CQ01").values_list(
            "value", flat=True))
        assert villages <= commune_target + 10  # the commune team keeps its part; rounding aside
    assert not targets.filter(value__lte=0).exists()


def test_a_second_run_adds_nothing(seeded, capsys):
    models = [Report, ReportValue, ReportEvent, Target]
    counts = {m.__name__: m.objects.count() for m in models}
    call_command("seed_demo", "--size", "small")
    assert {m.__name__: m.objects.count() for m in models} == counts
    assert "Báo cáo tháng, quý, chỉ tiêu: 0 (" in capsys.readouterr().out


def test_the_same_reports_come_back_and_a_dissolved_or_proposed_team_reports_no_more(province):
    """Deleted reports are drawn again exactly; a team dissolved in September reports for August and
    September only; a team still proposed reports nothing."""
    commune = AdminUnit.objects.filter(province=province, kind="xa").order_by("code")[3]
    teams = list(Team.objects.filter(commune=commune).order_by("unit__code"))
    full = [t for t in teams if t.reports.filter(period_key__in=MONTHS).count() == 3]
    kept, dissolved, proposed = full[:3]
    quarterly = Report.objects.filter(commune=commune, form__code="QUY-XA").count()

    def snapshot(team):
        return [(r.period_key, r.status, r.submitted_at, r.on_time, r.reviewed_at, r.difficulties,
                 sorted(r.values.values_list("indicator_id", "value", "comment")),
                 list(r.events.values_list("action", "at", "by_id")))
                for r in Report.objects.filter(team=team).order_by("period_start")]

    before = snapshot(kept)
    assert before and snapshot(proposed)
    Report.objects.filter(commune=commune).delete()
    Team.objects.filter(pk=dissolved.pk).update(status=TeamStatus.DISSOLVED, dissolved_on=datetime.date(2026, 9, 10))
    Team.objects.filter(pk=proposed.pk).update(status=TeamStatus.PROPOSED, established_on=None)
    added = seed_reports(province, size="small")
    assert 0 < added.reports <= 3 * len(teams) and added.quarterly == quarterly and added.targets == 0
    assert snapshot(kept) == before
    assert {r.period_key for r in Report.objects.filter(team=dissolved)} <= {"2026-08", "2026-09"}
    assert not Report.objects.filter(team=proposed).exists()
