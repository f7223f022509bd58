"""Billing results as plain data (JSON-ready dicts and CSV rows) for the commands and other callers.
Amounts are integers (yen, units); rates and yen per unit are decimal strings."""

from __future__ import annotations

import csv
import io
import json

from billing.selectors import MonthStatement
from billing.services.followup_cost import FollowUpCostYear, WhatIfRow
from billing.services.rounding import rate_text
from billing.services.tier import RetentionTier
from compostela.spreadsheets import spreadsheet_cell

LINE_COLUMNS = ["service", "client_id", "client_name", "certificate_number", "billable_days", "basic_units",
                "addon_units", "treatment_units", "total_units", "yen_per_unit", "total_yen", "copayment", "claimed"]


def month_report(statement: MonthStatement) -> dict:
    closing = statement.closing
    return {
        "office": statement.office.number,
        "month": f"{statement.month:%Y-%m}",
        "closed": closing is not None and closing.reopened_at is None,
        "version": closing.version if closing else None,
        "error": statement.error,
        "totals": {"total_units": statement.total_units, "total_yen": statement.total_yen,
                   "copayment": statement.copayment_yen, "claimed": statement.claimed_yen},
        "tier": statement.summary.get("tier"),
        "retention_support_tier": statement.summary.get("retention_support_tier"),
        "over_capacity": statement.summary.get("over_capacity"),
        "warnings": statement.summary.get("warnings", []),
        "lines": [
            {
                "service": line.service, "client_id": line.client_id, "client_name": line.client_name,
                "certificate_number": line.certificate_number, "billable_days": line.billable_days,
                "basic_units": line.basic_units, "addon_units": line.addon_units,
                "treatment_units": line.treatment_units, "total_units": line.total_units,
                "yen_per_unit": line.explanation.get("yen_per_unit"), "total_yen": line.total_yen,
                "copayment": line.copayment, "claimed": line.claimed, "explanation": line.explanation,
            }
            for line in statement.lines
        ],
    }


def tier_report(tier: RetentionTier) -> dict:
    override = tier.override
    return {
        "office": tier.office.number,
        "fiscal_year": tier.fiscal_year,
        "window": list(tier.window),
        "as_of": tier.as_of.isoformat(),
        "numerator": tier.numerator,
        "capacities": [{"fiscal_year": c.fiscal_year, "capacity": c.capacity} for c in tier.capacities],
        "denominator": tier.denominator,
        "computed_rate": rate_text(tier.computed_rate),
        "new_office": tier.new_office,
        "override": None if override is None else {
            "rate": None if override.rate is None else rate_text(override.rate), "reason": override.reason,
            "by": str(override.created_by), "at": override.created_at.isoformat(),
        },
        "rate": rate_text(tier.rate),
        "periods": [{"from": p.starts_on.isoformat(), "label": p.tier.label, "units": p.tier.units,
                     "schedule": p.tier.schedule_name} for p in tier.periods],
        "hires": [{"hire_id": h.hire.pk, "client_id": h.hire.client_id, "client_name": str(h.hire.client),
                   "start_date": h.hire.start_date.isoformat(), "status": str(h.status)} for h in tier.hires],
    }


def followup_report(report: FollowUpCostYear) -> dict:
    return {
        "office": report.office.number,
        "year": report.year,
        "hires": [
            {"hire_id": h.hire.pk, "client_id": h.hire.client_id, "client_name": str(h.hire.client),
             "start_date": h.hire.start_date.isoformat(), "days_before": h.days_before, "fees": h.fees,
             "fee_source": h.fee_source, "months": h.months, "contacts": h.contacts, "minutes": h.minutes,
             "cost_method": h.cost_method, "cost": h.cost, "net": h.net, "net_per_day": h.net_per_day}
            for h in report.hires
        ],
        "buckets": [{"low": b.low, "high": b.high, "hires": b.hires, "days": b.days, "fees": b.fees, "cost": b.cost,
                     "net": b.net} for b in report.buckets],
        "total_cost": report.total_cost,
        "hire_fees": report.hire_fees,
        "year_fees": report.year_fees,
        "year_days": report.year_days,
        "year_months": report.year_months,
        "cost_share_of_fees": rate_text(report.cost_share_of_fees),
        "per_day_without_duty": report.per_day_without_duty,
        "per_day_with_duty": report.per_day_with_duty,
    }


def what_if_report(*, yen_per_day: int, followups: int, cost_per_followup: int, rows: list[WhatIfRow]) -> dict:
    return {
        "yen_per_day": yen_per_day, "followups": followups, "cost_per_followup": cost_per_followup,
        "rows": [{"days": r.days, "fee": r.fee, "followups": r.followups, "cost": r.cost, "net": r.net,
                  "net_per_day": r.net_per_day} for r in rows],
    }


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_csv(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: spreadsheet_cell(value) for column, value in row.items()})
    return out.getvalue()
