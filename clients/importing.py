"""Import of clients (and their current recipient certificate) from the offices' spreadsheets.

The certificate's ``service`` column is optional: 就労移行支援 (``transition``, the default) or 就労定着支援
(``retention_support``); the Japanese service names are accepted too.

One row per client.  Columns have English keys; the Japanese headers in ``COLUMNS`` are accepted too (the
README lists both).  Every row is validated; errors carry the spreadsheet line number (the header is line 1).
Nothing is written unless every row is valid, or with ``partial`` the good rows are written.  A client is
found again by name and date of birth, a certificate by its client, service, number and start: re-importing the same
file changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clients.errors import ClientError
from clients.models import Certificate, CertificateService, Client, ClientStatus, IncomeCategory, ReferralSource
from clients.services import CLIENT_FIELDS, certificate_add, client_change_status, client_register
from compostela.audit import audited
from compostela.models import Office, User

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
}
JAPANESE_HEADERS = {japanese: key for key, (japanese, _required) in COLUMNS.items()}
STATUS_WORDS = {"見学": ClientStatus.VISITOR, "体験": ClientStatus.TRIAL, "利用中": ClientStatus.ENROLLED,
                "終了": ClientStatus.ENDED, "就職": ClientStatus.EMPLOYED}
REFERRAL_WORDS = {"相談室": ReferralSource.CONSULTATION, "相談支援事業所": ReferralSource.CONSULTATION,
                  "病院": ReferralSource.HOSPITAL, "クリニック": ReferralSource.HOSPITAL,
                  "ハローワーク": ReferralSource.HELLO_WORK, "家族": ReferralSource.FAMILY,
                  "学校": ReferralSource.SCHOOL, "区役所": ReferralSource.WELFARE_OFFICE,
                  "本人": ReferralSource.SELF, "その他": ReferralSource.OTHER}
INCOME_WORDS = {"生活保護": IncomeCategory.WELFARE, "低所得": IncomeCategory.LOW_INCOME,
                "一般1": IncomeCategory.GENERAL_1, "一般１": IncomeCategory.GENERAL_1,
                "一般2": IncomeCategory.GENERAL_2, "一般２": IncomeCategory.GENERAL_2}
SERVICE_WORDS = {"就労移行支援": CertificateService.TRANSITION, "移行": CertificateService.TRANSITION,
                 "就労定着支援": CertificateService.RETENTION_SUPPORT, "定着": CertificateService.RETENTION_SUPPORT}
CERTIFICATE_COLUMNS = ("certificate_number", "municipality", "certificate_start", "certificate_end",
                       "income_category")

MSG_MISSING_COLUMNS = gettext_noop("Missing columns: %(columns)s")
MSG_REQUIRED = gettext_noop("%(column)s is required.")
MSG_BAD_DATE = gettext_noop("%(column)s: “%(value)s” is not a date (YYYY-MM-DD).")
MSG_BAD_NUMBER = gettext_noop("%(column)s: “%(value)s” is not a whole number.")
MSG_BAD_CHOICE = gettext_noop("%(column)s: “%(value)s” is not one of %(choices)s.")
MSG_EMPLOYED = gettext_noop("“employed” comes from a hire recorded in placements; import the client as enrolled.")
MSG_CERTIFICATE_INCOMPLETE = gettext_noop("A certificate needs %(columns)s.")
MSG_UNSUPPORTED_FILE = gettext_noop("Only .csv and .xlsx files can be imported.")


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    certificates: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False


class ImportAborted(Exception):
    pass


def read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    elif suffix in (".xlsx", ".xlsm"):
        frame = pd.read_excel(path, dtype=str, keep_default_na=False)
    else:
        raise ValidationError(_(MSG_UNSUPPORTED_FILE), code=ClientError.IMPORT_UNSUPPORTED_FILE)
    frame.columns = [JAPANESE_HEADERS.get(str(c).strip(), str(c).strip()) for c in frame.columns]
    return frame.fillna("").replace("\x00", "", regex=True)  # PostgreSQL cannot store NUL; it is never meant


def _date(row: dict, key: str) -> date | None:
    value = str(row.get(key, "")).strip()
    if not value:
        return None
    text = value[:10].replace("/", "-").replace(".", "-")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    try:
        return date(*map(int, match.groups())) if match else date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_(MSG_BAD_DATE) % {"column": key, "value": value},
                              code=ClientError.IMPORT_BAD_DATE) from None


def _int(row: dict, key: str) -> int | None:
    value = str(row.get(key, "")).strip().replace(",", "")
    if not value:
        return None
    if re.fullmatch(r"\d+(\.0+)?", value) is None:
        raise ValidationError(_(MSG_BAD_NUMBER) % {"column": key, "value": value}, code=ClientError.IMPORT_BAD_NUMBER)
    return int(float(value))


def _choice(row: dict, key: str, choices, words: dict, default=None):
    value = str(row.get(key, "")).strip()
    if not value:
        return default
    if value in choices.values:
        return value
    if value in words:
        return words[value]
    labels = {str(label): v for v, label in choices.choices}
    if value in labels:
        return labels[value]
    raise ValidationError(_(MSG_BAD_CHOICE) % {"column": key, "value": value,
                                               "choices": ", ".join([*choices.values, *words])},
                          code=ClientError.IMPORT_BAD_CHOICE)


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
                         for name, messages in error.message_dict.items())
    return " ".join(error.messages)


def _import_row(*, office: Office, row: dict, by: User | None, result: ImportResult) -> None:
    missing = [key for key, (_ja, required) in COLUMNS.items() if required and not str(row.get(key, "")).strip()]
    if missing:
        raise ValidationError(_(MSG_REQUIRED) % {"column": ", ".join(missing)}, code=ClientError.IMPORT_REQUIRED)
    status = _choice(row, "status", ClientStatus, STATUS_WORDS, default=None)
    if status == ClientStatus.EMPLOYED:
        raise ValidationError(_(MSG_EMPLOYED), code=ClientError.IMPORT_EMPLOYED)
    data = {key: str(row.get(key, "")).strip() for key in CLIENT_FIELDS if key in COLUMNS}
    for key in ("birth_date", "first_visit_on", "enrolled_on"):
        data[key] = _date(row, key)
    data["referral_source"] = _choice(row, "referral_source", ReferralSource, REFERRAL_WORDS,
                                      default=ReferralSource.OTHER)
    status = status or (ClientStatus.ENROLLED if data["enrolled_on"] else ClientStatus.VISITOR)
    ended_on, end_reason = _date(row, "ended_on"), str(row.get("end_reason", "")).strip()
    client = Client.objects.filter(office=office, family_name=data["family_name"], given_name=data["given_name"],
                                   birth_date=data["birth_date"]).first()
    if client is None:
        start_status = ClientStatus.ENROLLED if data["enrolled_on"] else ClientStatus.VISITOR
        if status in (ClientStatus.VISITOR, ClientStatus.TRIAL, ClientStatus.ENROLLED):
            start_status = status
        client = client_register(office=office, data=data, status=start_status, by=by)
        if status == ClientStatus.ENDED:
            client_change_status(client=client, status=ClientStatus.ENDED, on=ended_on or client.first_visit_on
                                 or data["birth_date"], reason=end_reason or "—", by=by)
        result.created += 1
    else:
        changes = {k: v for k, v in data.items() if k != "enrolled_on" and getattr(client, k) != v}
        if changes:
            for key, value in changes.items():
                setattr(client, key, value)
            client.full_clean()
            client.save(update_fields=[*changes, "updated_at"])
            result.updated += 1
        else:
            result.unchanged += 1
    _import_certificate(client=client, row=row, by=by, result=result)


def _import_certificate(*, client: Client, row: dict, by: User | None, result: ImportResult) -> None:
    service = _choice(row, "service", CertificateService, SERVICE_WORDS, default=CertificateService.TRANSITION)
    given = {key: str(row.get(key, "")).strip() for key in CERTIFICATE_COLUMNS}
    if not any(given.values()):
        return
    if not all(given.values()):
        raise ValidationError(_(MSG_CERTIFICATE_INCOMPLETE) % {"columns": ", ".join(CERTIFICATE_COLUMNS)},
                              code=ClientError.IMPORT_CERTIFICATE_INCOMPLETE)
    number = given["certificate_number"]
    number = number.split(".")[0].zfill(10) if number.replace(".", "").isdigit() else number  # Excel drops 0s
    start, end = _date(row, "certificate_start"), _date(row, "certificate_end")
    if Certificate.objects.filter(client=client, service=service, number=number, period_start=start).exists():
        return
    certificate_add(
        client=client, service=service, number=number, municipality=given["municipality"], period_start=start,
        period_end=end,
        income_category=_choice(row, "income_category", IncomeCategory, INCOME_WORDS),
        granted_days=_int(row, "granted_days"), copay_cap=_int(row, "copay_cap"), by=by,
    )
    result.certificates += 1


def _lock_office_imports(office: Office) -> None:
    """Serialise imports of one office until the transaction ends: a client is found again by name and date of
    birth before it is created, so two imports of the same file at once would otherwise both create it."""
    with connection.cursor() as cursor:
        key = f"compostela.import_clients:{office.pk}"
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


@audited(by="by")
def import_clients(*, office: Office, path: Path, partial: bool = False, by: User | None = None) -> ImportResult:
    """Import ``path`` into ``office``.  All or nothing unless ``partial``."""
    frame = read_table(path)
    missing = [key for key, (_ja, required) in COLUMNS.items() if required and key not in frame.columns]
    result = ImportResult()
    if missing:
        result.errors.append(RowError(line=1, message=_(MSG_MISSING_COLUMNS) % {"columns": ", ".join(missing)}))
        return result
    try:
        with transaction.atomic():
            _lock_office_imports(office)
            for index, row in enumerate(frame.to_dict(orient="records")):
                line = index + 2  # line 1 is the header
                try:
                    with transaction.atomic():
                        _import_row(office=office, row=row, by=by, result=result)
                except ValidationError as error:
                    result.errors.append(RowError(line=line, message=_error_text(error)))
            if result.errors and not partial:
                raise ImportAborted
    except ImportAborted:
        result.created = result.updated = result.unchanged = result.certificates = 0
        return result
    result.written = True
    return result
