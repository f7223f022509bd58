"""The 上限額管理結果票 (the result of managing a person's co-payment cap across providers) of one client-month,
as a one-page PDF made while the browser waits.  Printed from the month as the billing page shows it (the
closing in force, else the live computation): the management stored in the lines' explanation
(``billing.services.claims.cap_management_settle``), so the sheet and the claim always agree.  Japanese
whatever the reader's UI language (``translation.override("ja")``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.documents.pdfs import DocumentError
from billing.selectors import StatementLine, billing_month_statement
from compostela.models import Office
from compostela.pdf import PdfFile, layout_html, write_pdf
from regulations import rules as regulations

NOT_MANAGED_HERE = gettext_noop(
    "No result sheet: this office does not manage this client's co-payment cap in this month, or no other provider "
    "is entered."
)
NOT_DECIDED = gettext_noop(
    "No result sheet yet: the co-payments exceed the cap and the division of the cap is not entered (or does not "
    "add up)."
)
# what each 管理結果 says on the sheet (a Japanese form: not translated)
RESULT_TEXT = {
    1: "管理事業所で利用者負担額を上限額まで徴収したため、他事業所の利用者負担は発生しない。",
    2: "利用者負担額の合計額が負担上限月額以下のため、調整は行わない。",
    3: "利用者負担額の合計額が負担上限月額を超えるため、下記のとおり調整した。",
}


@dataclass(frozen=True)
class CapResultRow:
    office_number: str
    office_name: str
    total_yen: int
    copay_yen: int  # its co-payment under the cap alone
    collect: int  # after the management


def cap_result_rows(lines: list[StatementLine]) -> tuple[dict, list[CapResultRow]]:
    """The management of a client's month (from the first line's explanation) and one row per office, this
    office first.  Refused (``DocumentError``) unless this office managed it with other providers and the result
    is decided."""
    management = next((ln.explanation.get("copay_management") or {} for ln in lines), {})
    if (management.get("managed_by") != regulations.CAP_MANAGEMENT_THIS_OFFICE or not management.get("applies")
            or not management.get("providers")):
        raise DocumentError(_(NOT_MANAGED_HERE))
    if management.get("collect") is None:
        raise DocumentError(_(NOT_DECIDED))
    rows = [CapResultRow(management["office_number"], management["office_name"],
                         sum(ln.total_yen for ln in lines), management["own_copay"], management["collect"])]
    rows += [CapResultRow(p["office_number"], p["office_name"], p["total_yen"], p["own_copay"], p["collect"])
             for p in management["providers"]]
    return management, rows


def cap_result_pdf(*, office: Office, month: date, client_id: int) -> PdfFile:
    """The 上限額管理結果票 of ``client_id``'s ``month``."""
    statement = billing_month_statement(office=office, month=month)
    if statement.error:
        raise DocumentError(statement.error)
    lines = [ln for ln in statement.lines if ln.client_id == client_id]
    management, rows = cap_result_rows(lines)
    with translation.override("ja"):
        html = render_to_string("pdf/billing/cap_result.html", {
            "office": office, "month": statement.month, "line": lines[0], "management": management, "rows": rows,
            "result_text": RESULT_TEXT[management["result"]],
            "totals": {"total_yen": sum(r.total_yen for r in rows), "copay_yen": sum(r.copay_yen for r in rows),
                       "collect": sum(r.collect for r in rows)},
            "draft": statement.closing is None, "printed_at": timezone.localtime(),
        })
    return write_pdf(layout_html(html))
