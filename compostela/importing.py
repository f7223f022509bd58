"""The one import framework: every import (clients, hires, follow-ups, attendance) is an ``Importer`` that
reads its file through ``compostela.tabular`` and writes rows through its app's services.  What they share
lives here, once:

* the report (``ImportReport``): counts, and every bad row as ``FILE:LINE: column: reason``;
* all or nothing: unless ``partial``, one bad row rolls the whole import back; ``partial`` keeps the good
  rows; ``dry_run`` runs everything and rolls back, so the report says exactly what an import would do;
* the management command (``ImportCommand``: ``--office``, ``--partial``, ``--dry-run``, ``--user``/``--by``);
* the registry the upload screen (``compostela.views_imports``) offers: each app registers its importers
  in its ``AppConfig.ready`` (the ground app imports no domain app).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compostela.audit import audit_context, audited
from compostela.errors import CompostelaError
from compostela.models import Membership, Office, User
from compostela.tabular import FileRefused, Table, open_table

MSG_MISSING_COLUMNS = gettext_noop("Missing columns: %(columns)s")
MSG_UNKNOWN_COLUMNS = gettext_noop("Unknown columns: %(columns)s")
MSG_NOTHING_IMPORTED = gettext_noop(
    "%(count)s row(s) with problems; nothing was imported. Fix them, or import the good rows only (--partial)."
)


@dataclass(frozen=True)
class Problem:
    line: int
    column: str  # the file's column ("" when the row as a whole is refused)
    message: str
    code: str | None = None  # the refusal's code when a rule gave one (tests assert it; the text omits it)

    def text(self, file: str) -> str:
        return (
            f"{file}:{self.line}: {self.column}: {self.message}"
            if self.column
            else f"{file}:{self.line}: {self.message}"
        )


@dataclass
class ImportReport:
    file: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    extra: dict[str, int] = field(default_factory=dict)  # e.g. {"certificates": 3}
    errors: list[Problem] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    partial: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, line: int, column: str, message: str, code: str | None = None) -> None:
        self.errors.append(Problem(line=line, column=column, message=str(message), code=code))

    def add_validation_error(
        self, line: int, error: ValidationError, columns: dict[str, str] | None = None, column: str = ""
    ) -> None:
        """A service's or model's refusal, one problem per field (named as the file's column)."""
        columns = columns or {}
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                for each in errors:
                    for message in each.messages:
                        self.add(line, "" if name == "__all__" else columns.get(name, name), message, each.code)
        else:
            for each in error.error_list:
                for message in each.messages:
                    self.add(line, column, message, each.code)

    @property
    def failed_lines(self) -> set[int]:
        return {p.line for p in self.errors}

    def lines(self) -> list[str]:
        return [p.text(self.file) for p in sorted(self.errors, key=lambda p: p.line)]

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            **self.extra,
        }


class CellError(ValueError):
    """A cell that cannot be read; the importer turns it into a problem of its row."""

    def __init__(self, column: str, message: str, code: str | None = None):
        super().__init__(message)
        self.column = column
        self.code = code


Writer = Callable[..., None]  # (*, office, table, by, partial, report, **options) -> None


@dataclass(frozen=True)
class Importer:
    key: str  # "clients", "placements", …: the screen's choice and the advisory lock's name
    label: str  # gettext_noop'd; shown on the screen
    aliases: dict[str, str]  # header (any case) → canonical column
    required: tuple[str, ...]
    write: Writer
    summary: Callable[[ImportReport], str]
    check_columns: Callable[[list[str]], list[str]] | None = None  # extra "missing" names, e.g. "a or b"
    refuse_unknown: bool = False
    columns_help: str = ""  # gettext_noop'd; the screen shows it under the choice

    def open(self, path: str | Path, name: str | None = None) -> Table:
        table = open_table(path, aliases=self.aliases, name=name)
        missing = [c for c in self.required if c not in table.columns]
        if self.check_columns is not None:
            missing += self.check_columns(table.columns)
        if missing:
            raise FileRefused(
                _(MSG_MISSING_COLUMNS) % {"columns": ", ".join(missing)}, CompostelaError.IMPORT_MISSING_COLUMNS
            )
        if self.refuse_unknown and table.unknown:
            raise FileRefused(
                _(MSG_UNKNOWN_COLUMNS) % {"columns": ", ".join(table.unknown)}, CompostelaError.IMPORT_UNKNOWN_COLUMNS
            )
        return table

    @audited(by="by")
    def run(
        self,
        *,
        office: Office,
        path: str | Path,
        by: User | None,
        partial: bool = False,
        dry_run: bool = False,
        name: str | None = None,
        **options,
    ) -> ImportReport:
        """Import ``path`` into ``office``.  Raises ``FileRefused`` when the file cannot be read at all."""
        table = self.open(path, name)
        report = ImportReport(file=table.name, dry_run=dry_run, partial=partial)
        with transaction.atomic():
            _lock_office_imports(office, self.key)
            # the writer always keeps its good rows (a dry run must count what ``partial`` would write);
            # all or nothing is decided here, once, by rolling back
            self.write(office=office, table=table, by=by, partial=partial or dry_run, report=report, **options)
            if dry_run or (report.errors and not partial):
                transaction.set_rollback(True)
            else:
                report.written = True
        if not report.written and not dry_run:
            report.created = report.updated = report.unchanged = report.deleted = 0
            report.extra = dict.fromkeys(report.extra, 0)
        return report


def _lock_office_imports(office: Office, kind: str) -> None:
    """Serialise imports of one kind into one office until the transaction ends: the second of two imports
    of the same file waits, then finds the first one's rows (and creates nothing twice)."""
    with connection.cursor() as cursor:
        key = f"compostela.import_{kind}:{office.pk}"
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    REGISTRY[importer.key] = importer
    return importer


def columns_of(aliases: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """``{canonical: [other names]}`` pairs → the header lookup ``{name: canonical}`` (the canonical name
    itself included)."""
    lookup: dict[str, str] = {}
    for canonical, names in aliases:
        lookup[canonical] = canonical
        for name in names:
            lookup[name] = canonical
    return lookup


# -- the management command ---------------------------------------------------------------------------------
class ImportCommand(BaseCommand):
    """``manage.py import_<kind> --office NUMBER FILE [--partial] [--dry-run] [--user NAME]``."""

    importer: Importer | None = None  # set by subclasses

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV (UTF-8 or Shift_JIS) or XLSX file; see README.")
        parser.add_argument("--office", required=True, help="The office number (10 digits).")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Write the good rows and report the others (default: all or nothing).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report; write nothing.")
        parser.add_argument("--user", "--by", dest="by", help="Username recorded as the one who imported.")

    def default_actor(self, office: Office) -> User | None:
        """Who is named when no --user is given (None: the command itself, as a system actor)."""
        return None

    def import_options(self, options: dict) -> dict:
        return {}

    def handle(self, *args, file: Path, office: str, partial: bool, dry_run: bool, by: str | None, **options):
        try:
            target = Office.objects.get(number=office)
        except Office.DoesNotExist:
            raise CommandError(f"No office with number {office}.") from None
        if by:
            membership = Membership.objects.filter(office=target, user__username=by).select_related("user").first()
            if membership is None:
                raise CommandError(f"No user {by} in office {office}.")
            actor = membership.user
        else:
            actor = self.default_actor(target)
        command = type(self).__module__.rsplit(".", 1)[-1]  # the command's name, as manage.py knows it
        try:
            with audit_context(reason=f"command: {command} {file.name}"):
                report = self.importer.run(
                    office=target, path=file, by=actor, partial=partial, dry_run=dry_run, **self.import_options(options)
                )
        except FileRefused as error:
            raise CommandError(f"{file.name}: {error}") from None
        for line in report.lines():
            self.stderr.write(line)
        if report.errors and not partial and not dry_run:
            raise CommandError(_(MSG_NOTHING_IMPORTED) % {"count": len(report.failed_lines)})
        self.stdout.write(self.importer.summary(report))
