from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tocns.reports.reminders import send_reminders


class Command(BaseCommand):
    help = "Send the day's report reminders (safe to run every day: nothing is sent twice)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to act as today, YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        today = self._day(options["date"]) if options.get("date") else timezone.localdate()
        counts = send_reminders(today)
        self.stdout.write(f"{today.isoformat()}: " + ", ".join(f"{name}={count}" for name, count in counts.items()))

    @staticmethod
    def _day(raw: str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {raw!r}") from None
