"""A claim line's stored explanation as readable rows — for the month screen and the PDFs.

The explanation is the JSON stored with each line (``ClaimLineResult.explanation``); this turns it into
translated rows (what, how many × how much, units) without recomputing anything."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import AddOnKind

REDUCTION_LABELS = {
    "over_capacity": gettext_lazy("Over-capacity reduction"),
    "plan_missing": gettext_lazy("Missing support plan reduction"),
}


@dataclass(frozen=True)
class ExplanationRow:
    label: str
    detail: str
    units: int | None


def claim_explanation_rows(explanation: dict) -> list[ExplanationRow]:
    rows: list[ExplanationRow] = []
    days = explanation.get("days", {})
    if explanation.get("service") == "transition":
        rows.append(ExplanationRow(
            _("Days"),
            _("attended %(attended)s, off-site %(offsite)s, outside the period of use %(outside_use)s, outside the "
              "certificate %(outside)s, beyond the granted %(granted)s days %(over)s → billable %(billable)s") % {
                "attended": days.get("attended", 0), "offsite": days.get("offsite", 0),
                "outside_use": days.get("outside_period_of_use", 0),
                "outside": days.get("outside_certificate", 0), "granted": days.get("granted_days", 0),
                "over": days.get("over_granted_days", 0), "billable": days.get("billable", 0)},
            None,
        ))
    else:
        rows.append(ExplanationRow(
            _("Face-to-face contacts"), ", ".join(days.get("face_to_face", [])), None,
        ))
    tier = explanation.get("tier", {})
    rows.append(ExplanationRow(
        _("Tier"), _("fiscal year %(fy)s, rate %(rate)s, %(label)s%(override)s") % {
            "fy": tier.get("fiscal_year"), "rate": tier.get("rate"), "label": tier.get("label", ""),
            "override": _(" (city's notice)") if tier.get("overridden") else
            (_(" (new office)") if tier.get("new_office") else "")},
        None,
    ))
    for group in explanation.get("basic", []):
        steps = "".join(
            _(" → %(reduction)s %(percent)s %% = %(units)s") % {
                "reduction": str(REDUCTION_LABELS.get(s["reduction"], s["reduction"])), "percent": s["percent"],
                "units": s["units_per_day"]}
            for s in group.get("steps", [])
        )
        rows.append(ExplanationRow(
            _("Basic fee"),
            _("%(days)s × %(units)s units%(steps)s") % {
                "days": group["days"], "units": group["base_units"], "steps": steps}
            if explanation.get("service") == "transition" else _("one month: %(units)s units") % {
                "units": group["base_units"]},
            group["units"],
        ))
    for addon in explanation.get("addons", []):
        capped = (_(" (of %(count)s, monthly maximum)") % {"count": addon["capped_from"]}
                  if addon.get("capped_from") else "")
        rows.append(ExplanationRow(
            str(AddOnKind(addon["kind"]).label),
            _("%(count)s × %(units)s units%(capped)s") % {"count": addon["count"], "units": addon["units_each"],
                                                           "capped": capped},
            addon["units"],
        ))
    rows.append(ExplanationRow(_("Total units"), "", explanation.get("total_units")))
    rows.append(ExplanationRow(
        _("Total (yen)"),
        _("floor(%(units)s units × %(price)s yen)%(verify)s = %(yen)s yen") % {
            "units": explanation.get("total_units"), "price": explanation.get("yen_per_unit"),
            "yen": explanation.get("total_yen"),
            "verify": _(" — price to verify") if explanation.get("yen_per_unit_to_verify") else ""},
        None,
    ))
    rows.append(ExplanationRow(
        _("Co-payment"),
        _("min(floor(%(yen)s × 10 %%) = %(raw)s, cap %(cap)s) = %(copay)s yen; claimed %(claimed)s yen") % {
            "yen": explanation.get("total_yen"), "raw": explanation.get("copay_raw"),
            "cap": explanation.get("copay_cap"), "copay": explanation.get("copayment"),
            "claimed": explanation.get("claimed")},
        None,
    ))
    return rows
