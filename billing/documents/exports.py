"""Exports for the office's accountant: the month's claim lines and the follow-up cost tables as XLSX
(pandas + openpyxl) and CSV (UTF-8 with a BOM, so Excel opens the Japanese headers correctly)."""

from __future__ import annotations

import io

import pandas as pd

from billing.selectors import MonthStatement
from billing.services.followup_cost import FollowUpCostYear, WhatIfRow
from compostela.spreadsheets import spreadsheet_frame

SERVICE_JA = {"transition": "就労移行支援", "retention_support": "就労定着支援"}
SOURCE_JA = {"claims": "請求実績", "estimate": "見込み", "mixed": "実績と見込み", "none": ""}

CLAIM_COLUMNS = {
    "client_name": "利用者氏名", "certificate_number": "受給者証番号", "service": "サービス",
    "billable_days": "請求日数", "basic_units": "基本単位数", "addon_units": "加算単位数",
    "treatment_units": "処遇改善加算単位数",
    "total_units": "合計単位数", "yen_per_unit": "単位数単価", "total_yen": "総費用額",
    "copayment": "利用者負担額", "claimed": "請求額",
}


def claim_lines_frame(statement: MonthStatement) -> pd.DataFrame:
    rows = [
        {"client_name": line.client_name, "certificate_number": line.certificate_number,
         "service": SERVICE_JA.get(line.service, line.service), "billable_days": line.billable_days,
         "basic_units": line.basic_units, "addon_units": line.addon_units,
         "treatment_units": line.treatment_units, "total_units": line.total_units,
         "yen_per_unit": str(line.explanation.get("yen_per_unit", "")), "total_yen": line.total_yen,
         "copayment": line.copayment, "claimed": line.claimed}
        for line in statement.lines
    ]
    return pd.DataFrame(rows, columns=list(CLAIM_COLUMNS)).rename(columns=CLAIM_COLUMNS)


def followup_frames(report: FollowUpCostYear, what_if: list[WhatIfRow]) -> dict[str, pd.DataFrame]:
    hires = pd.DataFrame([
        {"氏名": str(h.hire.client), "就職日": h.hire.start_date.isoformat(), "就職までの通所日数": h.days_before,
         "報酬": h.fees, "報酬の根拠": SOURCE_JA.get(h.fee_source, h.fee_source), "定着支援回数": h.contacts,
         "定着支援の分数": h.minutes, "コスト": h.cost, "差引": h.net, "1日あたり": h.net_per_day}
        for h in report.hires
    ], columns=["氏名", "就職日", "就職までの通所日数", "報酬", "報酬の根拠", "定着支援回数", "定着支援の分数",
                "コスト", "差引", "1日あたり"])
    buckets = pd.DataFrame([
        {"就職までの通所日数": f"{b.low}〜{b.high}日" if b.high is not None else f"{b.low}日以上",
         "就職者数": b.hires, "通所日数": b.days, "報酬": b.fees, "定着支援コスト": b.cost, "差引": b.net}
        for b in report.buckets
    ])
    rows = pd.DataFrame([
        {"就職までの日数": r.days, "報酬": r.fee, "6か月の定着支援回数": r.followups, "コスト": r.cost,
         "差引": r.net, "1日あたり": r.net_per_day}
        for r in what_if
    ], columns=["就職までの日数", "報酬", "6か月の定着支援回数", "コスト", "差引", "1日あたり"])
    return {"就職者ごと": hires, "通所日数別": buckets, "試算表": rows}


def to_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per frame.  Text cells are neutralised (compostela.spreadsheets) and typed as strings, so
    no cell is ever stored as a formula."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in frames.items():
            spreadsheet_frame(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
            worksheet = writer.sheets[sheet[:31]]
            for row in worksheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
            columns = worksheet.column_dimensions
            for i, name in enumerate(frame.columns):
                columns[chr(ord("A") + i)].width = max(10, 2 * len(str(name)) + 2)
    return buffer.getvalue()


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM: Excel on Windows then reads the Japanese headers correctly."""
    return spreadsheet_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def followup_csv(frames: dict[str, pd.DataFrame]) -> bytes:
    """The follow-up tables one after another in one CSV, each under its title line."""
    parts = []
    for title, frame in frames.items():
        parts.append(f"# {title}\r\n" + spreadsheet_frame(frame).to_csv(index=False, lineterminator="\r\n"))
    return "\r\n".join(parts).encode("utf-8-sig")
