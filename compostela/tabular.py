"""The one reader of the offices' spreadsheets: every import (clients, hires, follow-ups, attendance) reads its
file here.

* CSV in UTF-8 (with or without the BOM Excel writes) or Shift_JIS (CP932, what Japanese Excel saves as
  "CSV"), and XLSX read in streaming mode (openpyxl ``read_only``): a row at a time, never the whole sheet.
* Line 1 is the header; the headers are mapped to the importer's canonical column names through its aliases
  (English keys and the Japanese labels, case-insensitive).  Every row carries its line in the file, so a
  report can say ``FILE:LINE: column: reason``.
* Cells come out as stripped text (a date as ``YYYY-MM-DD``, a time as ``HH:MM``, an Excel ``1.0`` as
  ``1``); NUL characters are dropped (PostgreSQL cannot store them and no spreadsheet means them).
* A file that cannot be read — too large, an XLSX that unpacks past the limit (a zip bomb), random bytes
  named .xlsx, a truncated archive, text in neither UTF-8 nor Shift_JIS — is refused with ONE clear line
  (``FileRefused``), never a traceback.

Why our own reader rather than tablib or django-import-export: both load the whole sheet into a ``Dataset``
before the first row is seen (no streaming, no line numbers of the file), neither guesses Shift_JIS, and
import-export's resources save row by row through the model, where our imports go through the services
(attendance a day at a time, clients in bulk).  The format work itself stays with the libraries: ``csv``
and openpyxl.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compostela.errors import CompostelaError

CSV_SUFFIXES = {".csv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
ENCODINGS = ("utf-8-sig", "cp932")  # UTF-8 (BOM or not), then Shift_JIS as Windows writes it

MSG_TOO_LARGE = gettext_noop("The file is larger than %(limit)s MB; split it into smaller files.")
MSG_UNPACKS_TOO_LARGE = gettext_noop(
    "The XLSX file unpacks to more than %(limit)s MB; it is refused (save it again, or split it)."
)
MSG_NOT_XLSX = gettext_noop("The file is not a readable XLSX workbook (damaged, truncated or another format).")
MSG_ENCODING = gettext_noop("The CSV file is neither UTF-8 nor Shift_JIS text; save it again as CSV (UTF-8).")
MSG_NOT_CSV = gettext_noop("The CSV file cannot be read: %(reason)s")
MSG_UNSUPPORTED = gettext_noop("Only .csv and .xlsx files can be imported.")
MSG_EMPTY = gettext_noop("The file is empty: line 1 must name the columns.")
MSG_NO_FILE = gettext_noop("No such file.")


def max_file_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_FILE_BYTES", 20 * 2**20)


def max_unpacked_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", 200 * 2**20)


class FileRefused(Exception):
    """The file cannot be imported at all; ``str()`` is one line for the person who gave it."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Row:
    line: int  # the row's line in the file (the header is line 1)
    cells: dict[str, str]  # canonical column → stripped text ("" for an empty cell)

    def get(self, column: str, default: str = "") -> str:
        return self.cells.get(column, default)

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Table:
    name: str
    columns: list[str]  # the canonical columns the file has, in its order
    unknown: list[str] = field(default_factory=list)  # headers that name no column
    _rows: Iterator[Row] | None = None

    def __iter__(self) -> Iterator[Row]:
        return self._rows if self._rows is not None else iter(())


def _mb(size: int) -> str:
    return f"{size / 2**20:g}"


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text an office typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).replace("\x00", "").strip()
    return text[:-2] if re.fullmatch(r"\d+\.0", text) else text


def open_table(path: str | Path, *, aliases: dict[str, str], name: str | None = None) -> Table:
    """Open ``path`` (CSV or XLSX) for reading row by row.  ``aliases`` maps a header (lower case) to its
    canonical column; headers not in it are listed in ``Table.unknown``.  Raises ``FileRefused``."""
    path = Path(path)
    name = name or path.name
    try:
        size = path.stat().st_size
    except OSError:
        raise FileRefused(_(MSG_NO_FILE), CompostelaError.IMPORT_NO_FILE) from None
    if size > max_file_bytes():
        raise FileRefused(_(MSG_TOO_LARGE) % {"limit": _mb(max_file_bytes())}, CompostelaError.IMPORT_TOO_LARGE)
    suffix = Path(name).suffix.lower()
    if suffix in XLSX_SUFFIXES:
        header, rows = _xlsx_rows(path)
    elif suffix in CSV_SUFFIXES:
        header, rows = _csv_rows(path)
    else:
        raise FileRefused(_(MSG_UNSUPPORTED), CompostelaError.IMPORT_UNSUPPORTED_FILE)
    lookup = {key.lower(): canonical for key, canonical in aliases.items()}
    mapped = [lookup.get(cell_text(h).lower()) for h in header]
    columns = [c for c in mapped if c]
    unknown = [cell_text(h) for h, c in zip(header, mapped, strict=True) if not c and cell_text(h)]

    def rows_as_dicts() -> Iterator[Row]:
        for line, values in rows:
            cells = {c: cell_text(v) for c, v in zip(mapped, values, strict=False) if c}
            if any(cells.values()):
                yield Row(line=line, cells=cells)

    return Table(name=name, columns=columns, unknown=unknown, _rows=rows_as_dicts())


# -- CSV ------------------------------------------------------------------------------------------------------
def _csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    raw = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused(_(MSG_ENCODING), CompostelaError.IMPORT_ENCODING)
    if "\x00" in text[:1024] and raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FileRefused(_(MSG_ENCODING), CompostelaError.IMPORT_ENCODING)  # UTF-16 decodes "fine" as UTF-8
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise FileRefused(_(MSG_NOT_CSV) % {"reason": error}, CompostelaError.IMPORT_NOT_CSV) from None
    if not header or not any(cell.strip() for cell in header):
        raise FileRefused(_(MSG_EMPTY), CompostelaError.IMPORT_EMPTY)

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num + 1
        try:
            for values in reader:
                yield line, values
                line = reader.line_num + 1  # a quoted cell may span lines: a row starts after the last one
        except csv.Error as error:
            raise FileRefused(_(MSG_NOT_CSV) % {"reason": error}, CompostelaError.IMPORT_NOT_CSV) from None

    return header, rows()


# -- XLSX -----------------------------------------------------------------------------------------------------
def _check_archive(path: Path) -> None:
    """An XLSX is a zip archive: refuse one that is not, and one whose members unpack past the limit (the
    sizes its directory declares bound what zipfile will inflate)."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileRefused(_(MSG_NOT_XLSX), CompostelaError.IMPORT_NOT_XLSX) from None
    if unpacked > max_unpacked_bytes():
        raise FileRefused(
            _(MSG_UNPACKS_TOO_LARGE) % {"limit": _mb(max_unpacked_bytes())}, CompostelaError.IMPORT_UNPACKS_TOO_LARGE
        )


def _xlsx_rows(path: Path) -> tuple[list[object], Iterator[tuple[int, tuple]]]:
    from openpyxl import load_workbook  # only imports that read XLSX pay for loading openpyxl

    _check_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = list(next(values, None) or [])
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - openpyxl and zipfile raise many kinds on a broken file: one message
        raise FileRefused(_(MSG_NOT_XLSX), CompostelaError.IMPORT_NOT_XLSX) from None
    if not any(cell_text(h) for h in header):
        workbook.close()
        raise FileRefused(_(MSG_EMPTY), CompostelaError.IMPORT_EMPTY)

    def rows() -> Iterator[tuple[int, tuple]]:
        try:
            yield from enumerate(values, start=2)  # read-only mode yields the empty rows between too
        except Exception:  # noqa: BLE001 - a member truncated half-way shows only while streaming
            raise FileRefused(_(MSG_NOT_XLSX), CompostelaError.IMPORT_NOT_XLSX) from None
        finally:
            workbook.close()

    return header, rows()
