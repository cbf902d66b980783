"""Report test data: forms from the starting catalogue (loaded by the data migration)."""

import datetime
import importlib
import uuid

from django.apps import apps
from django.utils import timezone

from tocns.reports import services
from tocns.reports.models import ReportForm
from tocns.reports.periods import month_period


def village_form() -> ReportForm:
    return ReportForm.objects.get(code="THANG-THON")


def commune_team_form() -> ReportForm:
    return ReportForm.objects.get(code="THANG-XA")


def submit_report(team, year, month, values, *, by=None, form=None, submit=True, texts=None):
    form = form or (commune_team_form() if team.unit.is_commune else village_form())
    report = services.report_open(form=form, team=team, period=month_period(year, month), by=by)
    return services.report_save(report=report, values=values, texts=texts, version=report.version,
                                save_key=uuid.uuid4().hex, submit=submit, by=by)


def established_long_ago(team):
    team.established_on = datetime.date(2024, 1, 1)
    team.save(update_fields=["established_on"])
    return team


def ensure_catalogue() -> None:
    """Load the starting catalogue again, as its data migration does (for transactional tests,
    whose database is emptied between tests). Loading twice changes nothing."""
    migration = importlib.import_module("tocns.reports.migrations.0002_starting_catalogue")
    migration.load(apps, None)


def freeze(monkeypatch, when: datetime.datetime) -> None:
    """Stop the clock at a Vietnam time (every timezone.now() and localdate() sees it)."""
    aware = timezone.make_aware(when)
    monkeypatch.setattr(timezone, "now", lambda: aware)


def provincial(row, world):
    """The catalogue row made the province's own (issue #18): its province admin edits it on the
    catalogue pages, where a national row is shown read-only."""
    type(row).objects.filter(pk=row.pk).update(province=world.province)
    row.refresh_from_db()
    return row
