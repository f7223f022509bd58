"""A real document worker for the tests that prove the worker's behaviour (started and killed by
``tests/billing/documents/workers.py``, on the test database named by DATABASE_URL):

    python -m tests.billing.documents.worker_main plain          # the worker as production runs it
    python -m tests.billing.documents.worker_main stall          # stops for good after the first progress step
    python -m tests.billing.documents.worker_main record FILE    # appends "pid document_id" to FILE per making

Workers here beat every 0.5 s (production: 10 s), so a test can call a worker stalled after a second."""

import os
import sys
import time

import django
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compostela.settings")
settings.PROCRASTINATE_WORKER_DEFAULTS = {
    **settings.PROCRASTINATE_WORKER_DEFAULTS,
    "update_heartbeat_interval": 0.5,
    "stalled_worker_timeout": 2,
}
django.setup()

from django.core.management import execute_from_command_line  # noqa: E402

from billing.documents import pdfs, services  # noqa: E402


def stall(**kwargs):
    kwargs["progress"](1, 4, pdfs.STEP_LAYOUT)
    time.sleep(3600)  # until the test kills the process


def recorder(path):
    def make(document, progress):
        with open(path, "a") as log:
            log.write(f"{os.getpid()} {document.pk}\n")
        progress(1, 2, pdfs.STEP_LAYOUT)
        time.sleep(0.3)
        return b"%PDF-1.7 stand-in", "stand-in.pdf", "application/pdf", 1

    return make


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "stall":
        pdfs.billing_month_pdf_file = stall  # what the task calls for a month's PDF
    elif mode == "record":
        services._make = recorder(sys.argv[2])
    execute_from_command_line(["manage.py", "procrastinate", "worker", "--name", f"test-{mode}-{os.getpid()}"])
