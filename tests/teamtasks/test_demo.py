"""The demo for difficulties and tasks: items from the demo reports, tasks in every state for the
demo leader's team, and nothing added by a second run."""

import pytest
from django.utils import timezone

from tocns.demo.difficulties_tasks import seed_difficulties_tasks
from tocns.reports.difficulty_models import DifficultyItem
from tocns.reports.models import Report
from tocns.teamtasks.models import TaskStatus, TeamTask

from ..reports.factories import submit_report

pytestmark = pytest.mark.django_db


def test_the_demo_follows_up_the_demo_reports_and_gives_the_demo_leaders_team_every_state(world, team):
    # world.village_a1 is the first village of the first xã: the demo leader's team.
    report = submit_report(team, 2026, 10, {"CQ01": "12"}, by=world.leader_a1,
                           texts={"difficulties": "Sóng yếu ở xóm Nặm Pà.", "proposals": "Cấp điện thoại dùng chung."})
    DifficultyItem.objects.all().delete()  # as the demo's reports are written, in bulk, without items
    Report.objects.filter(pk=report.pk).update(is_demo=True)
    first = seed_difficulties_tasks(world.province, size="small")
    assert first.items == 2 and DifficultyItem.objects.filter(report=report, is_demo=True).count() == 2
    states = set(TeamTask.objects.filter(team=team).values_list("status", flat=True))
    assert states == set(TaskStatus.values)
    assert TeamTask.objects.filter(team=team, status=TaskStatus.ASSIGNED, due_on__lt=timezone.localdate()
                                   ).exists()  # one overdue
    again = seed_difficulties_tasks(world.province, size="small")
    assert (again.items, again.tasks) == (0, 0)
