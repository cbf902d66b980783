"""Remove audit entries older than the retention period (AUDIT_RETENTION_MONTHS, 12 by default).

The only code path that removes audit entries; run it from cron, for example once a month."""

from calendar import monthrange

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tocns.audit.models import AuditEntry


def months_before(moment, months: int):
    """The same day and time `months` earlier (the month's last day when that day does not exist)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


class Command(BaseCommand):
    help = "Xoá các mục nhật ký cũ hơn thời hạn lưu (mặc định 12 tháng, AUDIT_RETENTION_MONTHS)."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=None,
                            help="Thời hạn lưu, tính bằng tháng (mặc định theo AUDIT_RETENTION_MONTHS).")

    def handle(self, *args, months=None, **options):
        months = months if months is not None else getattr(settings, "AUDIT_RETENTION_MONTHS", 12)
        if months < 1:
            raise CommandError("Thời hạn lưu phải ít nhất 1 tháng.")
        cutoff = months_before(timezone.now(), months)
        removed = AuditEntry.objects.prune_before(cutoff)
        self.stdout.write(f"Đã xoá {removed} mục nhật ký ghi trước {timezone.localtime(cutoff):%d/%m/%Y %H:%M} "
                          f"(lưu {months} tháng).")
