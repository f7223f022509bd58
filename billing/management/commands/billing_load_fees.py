"""``python manage.py billing_load_fees FILE``: load one fee revision file (``fixtures/fees/``, README "Fee
revisions").  Shows what it would add or change against what is loaded, then asks to confirm (``--yes`` does
not ask).  A refused value is named by its JSON path and nothing is written.  Without a file: the shipped
revisions (what the migrations load), without asking."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from billing.fee_data import fee_data_load
from billing.services.revisions import revision_diff, revision_file_read, revision_load
from compostela.audit import audit_context


def _value(value) -> str:
    return "—" if value is None or value == "" else str(value)


class Command(BaseCommand):
    help = "Load a fee revision file: show the difference with what is loaded, then confirm."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="A revision file such as fixtures/fees/2024-04.json (none: the shipped revisions)."
        )
        parser.add_argument("--yes", action="store_true", help="Load without asking.")

    def handle(self, *args, path, yes, **options):
        if not path:
            with audit_context(reason="command: billing_load_fees"):
                changed = fee_data_load()
            self.stdout.write(f"Shipped revisions loaded: {changed} rows added or changed.")
            return
        try:
            data = revision_file_read(Path(path))
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {path}") from error
        except ValidationError as error:
            raise CommandError(self._refusal(error)) from error
        diff = revision_diff(data)
        self.stdout.write(f"Revision {diff.effective_from:%Y-%m}: {diff.title}")
        for change in diff.changed:
            self.stdout.write(f"  {change.action:6} {change.path}  {change.label}")
            for name, (old, new) in change.fields.items():
                if _value(old) == _value(new):
                    continue
                self.stdout.write(f"           {name}: {_value(old)} → {_value(new)}")
        same = len(diff.changes) - len(diff.changed)
        self.stdout.write(f"{len(diff.changed)} rows to add or change, {same} unchanged.")
        if not diff.changed:
            self.stdout.write("Nothing to load: the revision is loaded already.")
            return
        if not yes and input("Load this revision? [y/N] ").strip().lower() not in ("y", "yes"):
            self.stdout.write("Not loaded.")
            return
        try:
            with audit_context(reason=f"command: billing_load_fees {Path(path).name}"):
                revision_load(data=data, loaded_from=str(path))
        except ValidationError as error:
            raise CommandError(self._refusal(error)) from error
        self.stdout.write(f"Loaded: {len(diff.changed)} rows added or changed.")

    @staticmethod
    def _refusal(error: ValidationError) -> str:
        return "The revision file is refused (nothing loaded):\n" + "\n".join(f"  {m}" for m in error.messages)
