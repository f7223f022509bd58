"""Delete the reads of the read log (``compostela.reads``) older than the retention, and record the purge.

Run it with the owner role's DATABASE_URL (README, "The read log"): the application role may not delete
reads, and the command says so in one line instead of deleting anything.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compostela.reads import PurgeRefused, reads_purge

MSG_REFUSED = (
    "The database role {role!r} may not delete reads: run purge_sensitive_reads with the owner role's "
    'DATABASE_URL (README, "The read log").'
)


class Command(BaseCommand):
    help = (
        "Delete the reads of clients' sensitive pages older than --older-than-days (default "
        "SENSITIVE_READ_RETENTION_DAYS) and record the purge.  Run as the database owner role."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help="Delete reads older than this many days (default: SENSITIVE_READ_RETENTION_DAYS, "
            f"now {settings.SENSITIVE_READ_RETENTION_DAYS}).",
        )

    def handle(self, *args, older_than_days, **options):
        days = settings.SENSITIVE_READ_RETENTION_DAYS if older_than_days is None else older_than_days
        if days < 1:
            raise CommandError(f"--older-than-days must be at least 1 (got {days}).")
        try:
            result = reads_purge(older_than_days=days)
        except PurgeRefused as refusal:
            raise CommandError(MSG_REFUSED.format(role=str(refusal))) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {result.deleted} reads from before {result.cutoff:%Y-%m-%d %H:%M %Z}; "
                f"the purge is recorded (#{result.purge.pk})."
            )
        )
