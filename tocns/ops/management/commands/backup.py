"""manage.py backup [--output FILE | --dir DIR]: the database and the uploaded files in one archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from tocns.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = ("Back up the database (SQLite online backup or pg_dump -Fc) and MEDIA_ROOT into one .tar "
            "with a manifest: rows and a checksum per table, a SHA-256 per file.")

    def add_arguments(self, parser):
        parser.add_argument("--output", help="archive to write (default: DIR/tocns-backup-YYYYmmdd-HHMMSS.tar)")
        parser.add_argument("--dir", default=str(Path(settings.BASE_DIR) / "var" / "backups"),
                            help="folder for the archive when --output is not given")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        db = connections[options["database"]].settings_dict
        out = Path(options["output"]) if options["output"] else Path(options["dir"]) / (
            f"tocns-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar")
        try:
            outcome = create_backup(db=db, media_root=settings.MEDIA_ROOT, out=out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = outcome.manifest
        self.stdout.write(
            f"{outcome.archive} ({outcome.archive.stat().st_size} bytes, {outcome.seconds:.1f} s): "
            f"{manifest['engine']}, {len(manifest['tables'])} tables, {outcome.rows} rows, "
            f"{len(manifest['media'])} uploaded files")
