import time

from django.core.management.base import BaseCommand

from billing.documents.services import billing_documents_fail_stale, billing_documents_run_queued
from compostela.audit import audit_context


class Command(BaseCommand):
    help = ("Make the billing documents asked for on the billing pages (run it beside the web server in "
            "production). --once: make the waiting ones and stop.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Make the waiting documents, then stop.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between looks (default 2).")

    def handle(self, *args, once, interval, **options):
        with audit_context(reason="command: billing_documents_worker"):  # each document: its task's actor
            self._run(once=once, interval=interval)

    def _run(self, *, once, interval):
        stale = billing_documents_fail_stale()
        if stale:
            self.stderr.write(f"{stale} interrupted document(s) marked failed.")
        while True:
            made = billing_documents_run_queued()
            if made:
                self.stdout.write(f"{made} document(s) made.")
            if once:
                return
            time.sleep(interval)
