from django.core.management.base import BaseCommand

from tocns.notify.services import deliver_pending


class Command(BaseCommand):
    help = "Gửi lại các thư thông báo chưa gửi được (chạy định kỳ bằng cron)."

    def handle(self, *args, **options):
        sent = deliver_pending()
        self.stdout.write(f"Đã gửi {sent} thư.")
