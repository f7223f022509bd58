from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compostela.backup import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Restore a backup written by backup_db into an empty database: the configured one (refused unless "
        "it is empty), or a new one named with --name."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .dump file written by backup_db.")
        parser.add_argument("--name", default=None, help="Restore into this database (created when missing).")
        parser.add_argument("--database", default="default", help="Database alias (settings.DATABASES).")

    def handle(self, *args, file, name, database, **options):
        try:
            restored = restore_database(dump=Path(file), database=name, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {file} into database {restored!r}."))
