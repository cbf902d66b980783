"""The notice worker: django-tasks' database worker, with the outbox sweep scheduled first."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from tocns.notify.tasks import schedule_sweep


class Command(DbWorkerCommand):
    help = "Gửi thông báo (Zalo, SMS, thư) từ hàng đợi; chạy liên tục bên cạnh máy chủ web."

    def handle(self, *args, **options):
        # Settle what a worker killed earlier left half-done, then every minute after.
        schedule_sweep()
        return super().handle(*args, **options)
