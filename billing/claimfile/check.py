"""The check of a claim file's records against the layout before anything is written ("refuse rather than
guess"): required fields, byte lengths in CP932, digits only in numeric and code fields, half-width only in
英数 fields, fixed codes, characters CP932 can write, the inner record's 822 bytes, and the totals against the
closed month.  Every problem is "client — record — official field name — what is wrong — where to fix it"."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from billing.claimfile.encoding import ENCODING, byte_length, has_control_character, line
from billing.claimfile.layout import LAYOUTS
from billing.errors import BillingError
from regulations.rules import municipality_check_digit, municipality_number_valid

INNER_MAX_BYTES = 822  # outer data record, field 3 (データ)
DIGIT_ATTRIBUTES = ("数値", "コード値")
HALF_WIDTH_ATTRIBUTES = ("英数",)
# the inner records' municipality numbers are the certificates' (受給者証に記載された市町村番号, check digit included);
# the control record's is what the 国保連 instructs, not checked here
CERTIFICATE_MUNICIPALITY_FIELDS = ("市町村番号", "助成自治体番号")


@dataclass(frozen=True)
class Problem:
    client: str  # the client's name, "" for the office's records
    record: str  # "J121 01", "outer_control" …
    field: str  # the official field name
    what: str
    where: str
    code: BillingError
    client_id: int | None = None  # whose certificate or attendance to fix (the page links to the client)

    def text(self) -> str:
        return " — ".join([self.client or _("(office)"), self.record, self.field, self.what, self.where])


def record_problems(record) -> list[Problem]:
    """The problems of one record against its layout (``billing.claimfile.build.Record``)."""
    from billing.claimfile.build import BLANK, WHERE_CLOSING

    problems = []
    layout = LAYOUTS[record.kind]

    def problem(f, what: str, code: BillingError) -> None:
        problems.append(Problem(client=record.client, record=record.kind, field=f.name, what=what,
                                where=record.where.get(f.number, WHERE_CLOSING), code=code,
                                client_id=record.client_id))

    for f in layout:
        if f.name == BLANK:
            continue
        value = record.values.get(f.number, "")
        if value == "":
            if f.required == "yes":
                problem(f, _("is required and empty"), BillingError.CLAIM_FILE_FIELD_MISSING)
            continue
        if f.code and value != f.code:
            problem(f, _("must be %(code)s, is %(value)s") % {"code": f.code, "value": value},
                    BillingError.CLAIM_FILE_NOT_DIGITS)
        if has_control_character(value) or "'" in value:
            problem(f, _("holds a control character or a single quote"), BillingError.CLAIM_FILE_NOT_ENCODABLE)
            continue
        try:
            size = byte_length(value)
        except UnicodeEncodeError:
            problem(f, _("holds a character the file's encoding (CP932) cannot write: %(value)s") % {"value": value},
                    BillingError.CLAIM_FILE_NOT_ENCODABLE)
            continue
        if size > f.max_bytes:
            problem(f, _("is %(size)d bytes in CP932, at most %(max)d: %(value)s")
                    % {"size": size, "max": f.max_bytes, "value": value}, BillingError.CLAIM_FILE_FIELD_TOO_LONG)
        if f.attribute in DIGIT_ATTRIBUTES and not (value.isascii() and value.isdigit()):
            problem(f, _("must be half-width digits only: %(value)s") % {"value": value},
                    BillingError.CLAIM_FILE_NOT_DIGITS)
        elif f.attribute in HALF_WIDTH_ATTRIBUTES and size != len(value):
            problem(f, _("must be half-width characters only: %(value)s") % {"value": value},
                    BillingError.CLAIM_FILE_NOT_DIGITS)
        elif (f.name in CERTIFICATE_MUNICIPALITY_FIELDS and record.kind.startswith("J") and size == f.max_bytes
              and not municipality_number_valid(value)):
            problem(f, _("the last digit is not the check digit of the five before it (%(expected)s): %(value)s")
                    % {"expected": municipality_check_digit(value[:5]), "value": value},
                    BillingError.CLAIM_FILE_CHECK_DIGIT)
    if not problems and record.kind.startswith("J"):
        inner = line(record.row()).encode(ENCODING)
        if len(inner) - 3 > INNER_MAX_BYTES:  # less the line end ",\r\n"
            problem(layout[0], _("the record is %(size)d bytes, at most %(max)d") % {"size": len(inner) - 3,
                                                                                   "max": INNER_MAX_BYTES},
                    BillingError.CLAIM_FILE_FIELD_TOO_LONG)
    return problems


def totals_problems(draft, expected=None) -> list[Problem]:
    """The records' units and yen against the closed month: the J121 03 units of each statement add up to its
    J121 01 units; all J121 03 units, the J111 totals and claimed amounts equal the closing's (or those of
    ``expected``, an object with the same four totals: the lines of a closing claimed again with a later
    month)."""
    from billing.claimfile.build import WHERE_CLOSING

    closing = expected or draft.closing
    problems = []

    def total(kind: str, number: int) -> int:
        return sum(int(r.values.get(number) or 0) for r in draft.records if r.kind == kind)

    def compare(record: str, name: str, found: int, expected: int) -> None:
        if found != expected:
            problems.append(Problem(
                client="", record=record, field=name,
                what=_("adds up to %(found)d, the closed month has %(expected)d") % {"found": found,
                                                                                    "expected": expected},
                where=WHERE_CLOSING, code=BillingError.CLAIM_FILE_TOTALS))

    compare("J121 03", "サービス単位数", total("J121 03", 10), closing.total_units)
    compare("J121 01", "給付単位数", total("J121 01", 20), closing.total_units)
    compare("J111 01", "合計 単位数", total("J111 01", 18), closing.total_units)
    compare("J111 01", "合計 費用合計", total("J111 01", 19), closing.total_yen)
    compare("J111 01", "合計 給付費請求額", total("J111 01", 20), closing.claimed_yen)
    compare("J111 01", "合計 利用者負担額", total("J111 01", 22), closing.copayment_yen)
    return problems
