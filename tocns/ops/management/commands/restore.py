"""manage.py restore ARCHIVE: into an empty database, checked against the archive's manifest."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from tocns.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore an archive made by `manage.py backup` into an empty database (run `migrate` "
            "nowhere before it) and MEDIA_ROOT, then compare every table's rows and checksum with "
            "the manifest.")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        connection.close()  # the file or the database is replaced under Django's feet
        try:
            outcome = restore_backup(archive_path=options["archive"], db=connection.settings_dict,
                                     media_root=settings.MEDIA_ROOT)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = outcome.manifest
        self.stdout.write(
            f"Restored {options['archive']} (made {manifest['created_at']}) in {outcome.seconds:.1f} s: "
            f"{len(manifest['tables'])} tables and {outcome.rows} rows match the manifest; "
            + "; ".join(outcome.notes))
