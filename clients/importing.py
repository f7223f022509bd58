"""Import of clients (and their current recipient certificate) from the offices' spreadsheets, through the
one import framework (``compostela.importing``: the reader, the report, all or nothing, the command, the
upload screen).

The certificate's ``service`` column is optional: 就労移行支援 (``transition``, the default) or 就労定着支援
(``retention_support``); the Japanese service names are accepted too.

One row per client.  Columns have English keys; the Japanese headers in ``COLUMNS`` are accepted too (the
README lists both).  A client is found again by name and date of birth, a certificate by its client,
service, number and start: re-importing the same file changes nothing.

Fast: the office's clients and certificates are read once; each new client, period and certificate is
checked in Python by the services' own rules (``client_build``, ``certificate_build``: the fields, the
status, overlaps, the number owned by another client) and saved with ``bulk_create``, a batch at a time.
The database constraints guard every batch; when one refuses a batch, that batch is written again row by row
through ``client_register`` / ``certificate_add``, which name the row and the rule.  A client imported as
ended, and a changed existing client, take the services one by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clients.errors import ClientError
from clients.models import (
    CapManagement,
    Certificate,
    CertificateService,
    Client,
    ClientStatus,
    IncomeCategory,
    ReferralSource,
    ServicePeriod,
)
from clients.services import (
    CLIENT_FIELDS,
    certificate_add,
    certificate_build,
    client_build,
    client_change_status,
    client_register,
)
from compostela.audit import audited
from compostela.importing import CellError, Importer, ImportReport, register
from compostela.models import Office, User
from compostela.tabular import Row, Table
from regulations.selectors import figures_history

# key: (Japanese header, required)
COLUMNS: dict[str, tuple[str, bool]] = {
    "family_name": ("姓", True),
    "given_name": ("名", True),
    "family_name_kana": ("セイ", True),
    "given_name_kana": ("メイ", True),
    "birth_date": ("生年月日", True),
    "phone": ("電話", False),
    "email": ("メール", False),
    "address": ("住所", False),
    "emergency_contact_name": ("緊急連絡先", False),
    "emergency_contact_phone": ("緊急連絡先電話", False),
    "referral_source": ("紹介元", False),
    "referral_note": ("紹介元詳細", False),
    "first_visit_on": ("見学日", False),
    "enrolled_on": ("利用開始日", False),
    "status": ("状態", False),
    "ended_on": ("終了日", False),
    "end_reason": ("終了理由", False),
    "service": ("サービス種類", False),
    "certificate_number": ("受給者証番号", False),
    "municipality": ("支給市町村", False),
    "certificate_start": ("支給決定期間開始", False),
    "certificate_end": ("支給決定期間終了", False),
    "granted_days": ("支給量", False),
    "income_category": ("所得区分", False),
    "copay_cap": ("負担上限月額", False),
    # who manages the co-payment cap across providers (上限額管理事業所): なし / 当事業所 / 他事業所 (then its
    # number and name)
    "cap_management": ("上限額管理", False),
    "cap_manager_number": ("上限額管理事業所番号", False),
    "cap_manager_name": ("上限額管理事業所名", False),
    # what the electronic claim file reads from the certificate (billing.claimfile)
    "municipality_number": ("市町村番号", False),
    "decision_service_code": ("決定サービスコード", False),
    "provider_entry_number": ("事業者記入欄番号", False),
    "contract_start": ("契約開始日", False),
}
ALIASES = {**{key: key for key in COLUMNS}, **{japanese: key for key, (japanese, _required) in COLUMNS.items()}}
REQUIRED = tuple(key for key, (_ja, required) in COLUMNS.items() if required)
STATUS_WORDS = {
    "見学": ClientStatus.VISITOR,
    "体験": ClientStatus.TRIAL,
    "利用中": ClientStatus.ENROLLED,
    "終了": ClientStatus.ENDED,
    "就職": ClientStatus.EMPLOYED,
}
REFERRAL_WORDS = {
    "相談室": ReferralSource.CONSULTATION,
    "相談支援事業所": ReferralSource.CONSULTATION,
    "病院": ReferralSource.HOSPITAL,
    "クリニック": ReferralSource.HOSPITAL,
    "ハローワーク": ReferralSource.HELLO_WORK,
    "家族": ReferralSource.FAMILY,
    "学校": ReferralSource.SCHOOL,
    "区役所": ReferralSource.WELFARE_OFFICE,
    "本人": ReferralSource.SELF,
    "その他": ReferralSource.OTHER,
}
INCOME_WORDS = {
    "生活保護": IncomeCategory.WELFARE,
    "低所得": IncomeCategory.LOW_INCOME,
    "一般1": IncomeCategory.GENERAL_1,
    "一般１": IncomeCategory.GENERAL_1,
    "一般2": IncomeCategory.GENERAL_2,
    "一般２": IncomeCategory.GENERAL_2,
}
CAP_MANAGEMENT_WORDS = {
    "なし": CapManagement.NONE,
    "当事業所": CapManagement.THIS_OFFICE,
    "自事業所": CapManagement.THIS_OFFICE,
    "他事業所": CapManagement.OTHER_OFFICE,
}
SERVICE_WORDS = {
    "就労移行支援": CertificateService.TRANSITION,
    "移行": CertificateService.TRANSITION,
    "就労定着支援": CertificateService.RETENTION_SUPPORT,
    "定着": CertificateService.RETENTION_SUPPORT,
}
CERTIFICATE_COLUMNS = ("certificate_number", "municipality", "certificate_start", "certificate_end", "income_category")
# the models' field names as the file's columns, for the report
FIELD_COLUMNS = {
    "number": "certificate_number",
    "period_start": "certificate_start",
    "period_end": "certificate_end",
    "on": "ended_on",
    "reason": "end_reason",
}
BATCH = 500  # new clients saved per bulk_create (and re-done row by row when the database refuses one)

MSG_REQUIRED = gettext_noop("This column is required.")
MSG_BAD_DATE = gettext_noop("“%(value)s” is not a date (YYYY-MM-DD).")
MSG_BAD_NUMBER = gettext_noop("“%(value)s” is not a whole number.")
MSG_BAD_CHOICE = gettext_noop("“%(value)s” is not one of %(choices)s.")
MSG_EMPLOYED = gettext_noop("“employed” comes from a hire recorded in placements; import the client as enrolled.")
MSG_CERTIFICATE_INCOMPLETE = gettext_noop("A certificate needs %(columns)s.")
MSG_SUMMARY = gettext_noop(
    "Imported: created %(created)s, updated %(updated)s, unchanged %(unchanged)s, certificates %(certificates)s."
)
MSG_COLUMNS_HELP = gettext_noop(
    "One row per client: family_name, given_name, family_name_kana, given_name_kana, birth_date (or 姓, 名, セイ, "
    "メイ, 生年月日); optional status, dates, contact details and the certificate columns (see README)."
)


def _date(row: Row, key: str) -> date | None:
    value = row[key]
    if not value:
        return None
    text = value[:10].replace("/", "-").replace(".", "-")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    try:
        return date(*map(int, match.groups())) if match else date.fromisoformat(text)
    except ValueError:
        raise CellError(key, _(MSG_BAD_DATE) % {"value": value}, ClientError.IMPORT_BAD_DATE) from None


def _int(row: Row, key: str) -> int | None:
    value = row[key].replace(",", "")
    if not value:
        return None
    if re.fullmatch(r"\d{1,9}(\.0+)?", value) is None:
        raise CellError(key, _(MSG_BAD_NUMBER) % {"value": value}, ClientError.IMPORT_BAD_NUMBER)
    return int(float(value))


def certificate_number(text: str) -> str:
    """A certificate number as the file gives it, with the leading zeros Excel drops restored."""
    return text.split(".")[0].zfill(10) if text.replace(".", "").isdigit() else text


def municipality_number(text: str) -> str:
    """A municipality number as the file gives it (a number cell's ``.0`` dropped); the certificate's own
    validators judge it (six digits, the check digit).  A leading zero Excel dropped is not restored: five digits
    may as well be a code without its check digit, so the row is refused rather than guessed."""
    return text.split(".")[0] if re.fullmatch(r"\d+\.0+", text) else text


def _choice(row: Row, key: str, choices, words: dict, default=None):
    value = row[key]
    if not value:
        return default
    if value in choices.values:
        return value
    if value in words:
        return words[value]
    labels = {str(label): v for v, label in choices.choices}
    if value in labels:
        return labels[value]
    raise CellError(
        key,
        _(MSG_BAD_CHOICE) % {"value": value, "choices": ", ".join([*choices.values, *words])},
        ClientError.IMPORT_BAD_CHOICE,
    )


@dataclass
class ParsedRow:
    line: int
    key: tuple[str, str, date]  # family name, given name, date of birth: who the row is
    data: dict[str, Any]
    status: str
    ended_on: date | None
    end_reason: str
    certificate: dict[str, Any] | None  # certificate_add's arguments, or None


def _parse(row: Row) -> ParsedRow:
    problems = [CellError(key, _(MSG_REQUIRED)) for key in REQUIRED if not row[key]]
    if problems:
        raise ExceptionGroup("row", problems)
    status = _choice(row, "status", ClientStatus, STATUS_WORDS, default=None)
    if status == ClientStatus.EMPLOYED:
        raise CellError("status", _(MSG_EMPLOYED))
    data: dict[str, Any] = {key: row[key] for key in CLIENT_FIELDS if key in COLUMNS}
    for key in ("birth_date", "first_visit_on", "enrolled_on"):
        data[key] = _date(row, key)
    data["referral_source"] = _choice(
        row, "referral_source", ReferralSource, REFERRAL_WORDS, default=ReferralSource.OTHER
    )
    status = status or (ClientStatus.ENROLLED if data["enrolled_on"] else ClientStatus.VISITOR)
    return ParsedRow(
        line=row.line,
        key=(data["family_name"], data["given_name"], data["birth_date"]),
        data=data,
        status=status,
        ended_on=_date(row, "ended_on"),
        end_reason=row["end_reason"],
        certificate=_parse_certificate(row),
    )


def _parse_certificate(row: Row) -> dict[str, Any] | None:
    service = _choice(row, "service", CertificateService, SERVICE_WORDS, default=CertificateService.TRANSITION)
    given = {key: row[key] for key in CERTIFICATE_COLUMNS}
    if not any(given.values()):
        return None
    if not all(given.values()):
        missing = [key for key, value in given.items() if not value]
        raise CellError(missing[0], _(MSG_CERTIFICATE_INCOMPLETE) % {"columns": ", ".join(CERTIFICATE_COLUMNS)})
    return {
        "service": service,
        "number": certificate_number(given["certificate_number"]),
        "municipality": given["municipality"],
        "period_start": _date(row, "certificate_start"),
        "period_end": _date(row, "certificate_end"),
        "income_category": _choice(row, "income_category", IncomeCategory, INCOME_WORDS),
        "granted_days": _int(row, "granted_days"),
        "copay_cap": _int(row, "copay_cap"),
        "cap_management": _choice(row, "cap_management", CapManagement, CAP_MANAGEMENT_WORDS,
                                  default=CapManagement.NONE),
        "cap_manager_number": certificate_number(row["cap_manager_number"]) if row["cap_manager_number"] else "",
        "cap_manager_name": row["cap_manager_name"],
        "municipality_number": municipality_number(row["municipality_number"]),
        "decision_service_code": row["decision_service_code"].upper(),
        "provider_entry_number": _int(row, "provider_entry_number"),
        "contract_start": _date(row, "contract_start"),
    }


@dataclass
class NewClient:
    """A client of the file not yet in the office: saved in bulk at the end."""

    line: int
    parsed: ParsedRow
    client: Client
    period: ServicePeriod
    certificates: list[tuple[int, Certificate, dict]] = field(default_factory=list)  # (line, built, arguments)


class OfficeClients:
    """The office's clients and certificates, read once, and what this import adds to them."""

    def __init__(self, office: Office):
        self.office = office
        self.clients: dict[tuple[str, str, date], Client] = {}
        for client in Client.objects.filter(office=office):
            self.clients.setdefault((client.family_name, client.given_name, client.birth_date), client)
        self.new: dict[tuple[str, str, date], NewClient] = {}
        self.certificates: dict[object, list[Certificate]] = {}  # client identity → certificates
        self.number_owner: dict[str, object] = {}  # certificate number → client identity
        for certificate in Certificate.objects.filter(office=office):
            self._remember(("pk", certificate.client_id), certificate)
        self.figures = figures_history()

    def _remember(self, owner: object, certificate: Certificate) -> None:
        self.certificates.setdefault(owner, []).append(certificate)
        self.number_owner.setdefault(certificate.number, owner)

    @staticmethod
    def identity(client: Client) -> object:
        return ("pk", client.pk) if client.pk else ("new", id(client))

    def has_certificate(self, client: Client, arguments: dict) -> bool:
        return any(
            (c.service, c.number, c.period_start)
            == (arguments["service"], arguments["number"], arguments["period_start"])
            for c in self.certificates.get(self.identity(client), [])
        )

    def build_certificate(self, client: Client, arguments: dict) -> Certificate:
        owner = self.identity(client)
        certificate = certificate_build(
            client=client,
            **arguments,
            earlier=self.certificates.get(owner, []),
            figures=self.figures,
            number_taken=self.number_owner.get(arguments["number"], owner) != owner,
        )
        self._remember(owner, certificate)
        return certificate

    def forget_new(self, new: NewClient) -> None:
        owner = self.identity(new.client)
        for _line, certificate, _arguments in new.certificates:
            if self.number_owner.get(certificate.number) == owner:
                del self.number_owner[certificate.number]
        self.certificates.pop(owner, None)


def _write(*, office: Office, table: Table, by: User | None, partial: bool, report: ImportReport) -> None:
    found = OfficeClients(office)
    report.extra["certificates"] = 0
    for row in table:
        report.rows += 1
        try:
            parsed = _parse(row)
        except CellError as error:
            report.add(row.line, error.column, str(error))
            continue
        except ExceptionGroup as group:
            for error in group.exceptions:
                report.add(row.line, error.column, str(error))
            continue
        try:
            _import_row(parsed, office=office, found=found, by=by, report=report)
        except ValidationError as error:
            report.add_validation_error(row.line, error, FIELD_COLUMNS)
    _save_new(list(found.new.values()), office=office, found=found, by=by, report=report)


def _import_row(
    parsed: ParsedRow, *, office: Office, found: OfficeClients, by: User | None, report: ImportReport
) -> None:
    client = found.clients.get(parsed.key)
    new = found.new.get(parsed.key)
    if client is None and new is None:
        if parsed.status == ClientStatus.ENDED:
            with transaction.atomic():  # one client at a time through the services: register, then end
                client = _register_one(parsed, office=office, by=by)
                if parsed.certificate is not None:
                    found.build_certificate(client, parsed.certificate)  # the rules, before any write
                    certificate_add(client=client, **parsed.certificate, by=by)
                    report.extra["certificates"] += 1
            found.clients[parsed.key] = client
            report.created += 1
            return
        built, period = client_build(office=office, data=parsed.data, status=parsed.status)
        new = NewClient(line=parsed.line, parsed=parsed, client=built, period=period)
        if parsed.certificate is not None:
            new.certificates.append(
                (parsed.line, found.build_certificate(built, parsed.certificate), parsed.certificate)
            )
        found.new[parsed.key] = new
        report.created += 1
        return
    if new is not None:  # the same person again further down the file: another certificate
        report.unchanged += 1
        if parsed.certificate is not None and not found.has_certificate(new.client, parsed.certificate):
            new.certificates.append(
                (parsed.line, found.build_certificate(new.client, parsed.certificate), parsed.certificate)
            )
        return
    changes = {k: v for k, v in parsed.data.items() if k != "enrolled_on" and getattr(client, k) != v}
    certificate = None
    if parsed.certificate is not None and not found.has_certificate(client, parsed.certificate):
        certificate = found.build_certificate(client, parsed.certificate)
    with transaction.atomic():
        if changes:
            for key, value in changes.items():
                setattr(client, key, value)
            client.full_clean()
            client.save(update_fields=[*changes, "updated_at"])
            report.updated += 1
        else:
            report.unchanged += 1
        if certificate is not None:
            certificate.full_clean(exclude=["office", "client"])  # the database constraints, before saving
            certificate.save()
            report.extra["certificates"] += 1


def _register_one(parsed: ParsedRow, *, office: Office, by: User | None) -> Client:
    start_status = (
        parsed.status
        if parsed.status != ClientStatus.ENDED
        else (ClientStatus.ENROLLED if parsed.data["enrolled_on"] else ClientStatus.VISITOR)
    )
    client = client_register(office=office, data=parsed.data, status=start_status, by=by)
    if parsed.status == ClientStatus.ENDED:
        client = client_change_status(
            client=client,
            status=ClientStatus.ENDED,
            on=parsed.ended_on or client.first_visit_on or parsed.data["birth_date"],
            reason=parsed.end_reason or "—",
            by=by,
        )
    return client


def _save_new(
    news: list[NewClient], *, office: Office, found: OfficeClients, by: User | None, report: ImportReport
) -> None:
    for start in range(0, len(news), BATCH):
        batch = news[start : start + BATCH]
        try:
            with transaction.atomic():
                Client.objects.bulk_create([new.client for new in batch])
                for new in batch:
                    new.period.client = new.client
                ServicePeriod.objects.bulk_create([new.period for new in batch])
                certificates = [certificate for new in batch for _line, certificate, _arguments in new.certificates]
                Certificate.objects.bulk_create(certificates)
            report.extra["certificates"] += len(certificates)
        except IntegrityError:
            # a database rule refused the batch: write it again one row at a time through the services,
            # which name the row and the rule
            for new in batch:
                new.client.pk = None  # bulk_create may have numbered them before the refusal
                found.forget_new(new)
                _save_one(new, office=office, by=by, report=report)


def _save_one(new: NewClient, *, office: Office, by: User | None, report: ImportReport) -> None:
    try:
        with transaction.atomic():
            client = _register_one(new.parsed, office=office, by=by)
    except ValidationError as error:
        report.created -= 1
        report.add_validation_error(new.line, error, FIELD_COLUMNS)
        return
    for line, _certificate, arguments in new.certificates:
        try:
            with transaction.atomic():
                certificate_add(client=client, **arguments, by=by)
            report.extra["certificates"] += 1
        except ValidationError as error:
            report.add_validation_error(line, error, FIELD_COLUMNS)


def _summary(report: ImportReport) -> str:
    return _(MSG_SUMMARY) % {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "certificates": report.extra.get("certificates", 0),
    }


CLIENTS = register(
    Importer(
        key="clients",
        label=gettext_noop("Clients"),
        aliases=ALIASES,
        required=REQUIRED,
        write=_write,
        summary=_summary,
        columns_help=MSG_COLUMNS_HELP,
    )
)


@audited(by="by")
def import_clients(
    *,
    office: Office,
    path: str | Path,
    partial: bool = False,
    dry_run: bool = False,
    by: User | None = None,
    name: str | None = None,
) -> ImportReport:
    """Import ``path`` into ``office``.  All or nothing unless ``partial``; ``dry_run`` writes nothing."""
    return CLIENTS.run(office=office, path=path, by=by, partial=partial, dry_run=dry_run, name=name)
