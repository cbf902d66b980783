from django.core.management.base import BaseCommand

from tocns.notify.delivery import deliver, sweep
from tocns.notify.models import DeliveryStatus, Notification


class Command(BaseCommand):
    help = ("Dọn hàng đợi thông báo (việc máy gửi làm mỗi phút); với --now, gửi ngay các thông báo "
            "đến hạn mà không cần máy gửi.")

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="gửi ngay trong lệnh này")

    def handle(self, *args, **options):
        counts = sweep()
        self.stdout.write(f"Gửi lại sau khi máy gửi dừng: {counts['resent']}; đánh thức: {counts['woken']}.")
        if options["now"]:
            done = 0
            for pk in Notification.objects.filter(status=DeliveryStatus.QUEUED).values_list("pk", flat=True):
                while deliver(pk) not in ("not_queued", "not_due", "quiet_hours", "claimed_elsewhere"):
                    done += 1
            self.stdout.write(f"Đã xử lý {done} lượt gửi.")
