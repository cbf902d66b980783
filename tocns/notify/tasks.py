"""The worker's tasks (django-tasks, database backend; run by `manage.py outbox_worker`)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = timedelta(minutes=1)


@task()
def deliver_notice(notification_id: int) -> str:
    from .delivery import deliver

    return deliver(notification_id)


@task(priority=10)
def sweep_outbox() -> dict:
    """Recover what a dead worker left, then come back in a minute."""
    from .delivery import sweep

    counts = sweep()
    schedule_sweep(timezone.now() + SWEEP_EVERY)
    return counts


def schedule_sweep(at=None) -> None:
    """Enqueue the next sweep unless one is already waiting (a restart must not start a second chain)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status="READY", task_path=sweep_outbox.module_path)
    if not waiting.exists():
        (sweep_outbox.using(run_after=at) if at else sweep_outbox).enqueue()
