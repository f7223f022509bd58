from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compostela.backup import BackupError, backup_database


class Command(BaseCommand):
    help = "Write a compressed pg_dump (custom format) of the database to backups/, named with a timestamp."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", default=str(Path(settings.BASE_DIR) / "backups"))
        parser.add_argument("--database", default="default", help="Database alias (settings.DATABASES).")

    def handle(self, *args, output_dir, database, **options):
        try:
            path = backup_database(output_dir=Path(output_dir), using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path} ({path.stat().st_size:,} bytes)"))
