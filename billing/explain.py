"""A claim line's stored explanation as readable rows — for the month screen and the PDFs.

The explanation is the JSON stored with each line (``ClaimLineResult.explanation``); this turns it into
translated rows (what, how many × how much, units) without recomputing anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import AddOnKind, OfficeReductionKind, TreatmentCategory, TreatmentScheme

REDUCTION_LABELS = {
    "over_capacity": gettext_lazy("Over-capacity reduction"),
    "plan_missing": gettext_lazy("Missing support plan reduction"),
    **{kind.value: kind.label for kind in OfficeReductionKind},
}


def _step_text(step: dict) -> str:
    """One reduction step of a basic group: a percentage of the units paid (the client's reductions), a
    percentage taken or units taken (the office's)."""
    label = str(REDUCTION_LABELS.get(step["reduction"], step["reduction"]))
    if "units_taken" in step:
        return _(" → %(reduction)s −%(taken)s units = %(units)s") % {
            "reduction": label, "taken": step["units_taken"], "units": step["units_per_day"]}
    if step["reduction"] in OfficeReductionKind.values:
        return _(" → %(reduction)s −%(percent)s %% = %(units)s") % {
            "reduction": label, "percent": step["percent"], "units": step["units_per_day"]}
    return _(" → %(reduction)s %(percent)s %% = %(units)s") % {
        "reduction": label, "percent": step["percent"], "units": step["units_per_day"]}


def plan_gap_text(reductions: dict) -> str:
    """Why a line's month counts as without a support plan (``regulations.rules.PlanGap``, kept in the line's
    ``reductions`` as ``plan_gap``): no plan agreed, the plan expired on a day, or its monitoring was due on a
    day and is not recorded."""
    gap = reductions.get("plan_gap")
    if gap == "expired":
        return _("the support plan expired on %(day)s and no new plan was agreed") % {
            "day": reductions.get("plan_expired_on")}
    if gap == "monitoring_late":
        return _("the support plan's monitoring was due on %(day)s and is not recorded (every %(months)s months)") % {
            "day": reductions.get("plan_monitoring_due_on"), "months": reductions.get("plan_monitoring_months")}
    return _("no agreed support plan")


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
                "outside": days.get("outside_certificate", 0),
                "granted": " / ".join(str(c["granted_days"]) for c in explanation["certificates"])
                if len(explanation.get("certificates") or []) > 1 else days.get("granted_days", 0),
                "over": days.get("over_granted_days", 0), "billable": days.get("billable", 0)},
            None,
        ))
        certificates = explanation.get("certificates") or []
        if len(certificates) > 1:
            rows.extend(certificate_rows(certificates))
        if days.get("granted_days_to_confirm"):
            rows.append(ExplanationRow(
                _("Granted days (to confirm)"),
                _("The certificate changes within the month: each certificate's granted days are applied to the days "
                  "it covers, not prorated. Our sources do not say how a month's granted days split; confirm with "
                  "the municipality."),
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
    reductions = explanation.get("reductions") or {}
    if reductions.get("plan_missing_percent") is not None:
        rows.append(ExplanationRow(
            _("Support plan"),
            _("%(why)s: %(months)s month(s) in a row without a plan → basic units × %(percent)s %%") % {
                "why": plan_gap_text(reductions), "months": reductions.get("plan_missing_months"),
                "percent": reductions["plan_missing_percent"]},
            None,
        ))
    for group in explanation.get("basic", []):
        steps = "".join(_step_text(step) for step in group.get("steps", []))
        rows.append(ExplanationRow(
            _("Basic fee"),
            _("%(days)s × %(units)s units%(steps)s") % {
                "days": group["days"], "units": group["base_units"], "steps": steps}
            if explanation.get("service") == "transition" else _("one month: %(units)s units%(steps)s") % {
                "units": group["base_units"], "steps": steps},
            group["units"],
        ))
    for addon in explanation.get("addons", []):
        capped = ""
        if addon.get("capped_from") is not None:
            capped = (_(" (of %(count)s, fiscal-year maximum)") if addon.get("capped_by") == "yearly"
                      else _(" (of %(count)s, monthly maximum)")) % {"count": addon["capped_from"]}
        on_days = (_(" on days %(days)s") % {"days": _day_numbers(addon["dates"])}) if addon.get("dates") else ""
        rows.append(ExplanationRow(
            str(AddOnKind(addon["kind"]).label),
            _("%(count)s × %(units)s units%(capped)s") % {"count": addon["count"], "units": addon["units_each"],
                                                           "capped": capped} + on_days,
            addon["units"],
        ))
    for held in explanation.get("held_addons") or []:
        rows.append(ExplanationRow(
            str(AddOnKind(held["kind"]).label),
            _("%(count)s on days %(days)s: no units loaded for this month (要確認) — the line is held, nothing is "
              "claimed yet") % {"count": held["count"], "days": _day_numbers(held["dates"])},
            None,
        ))
    for treatment in explanation.get("treatment", []):
        rows.append(ExplanationRow(
            f"{TreatmentScheme(treatment['scheme']).label} {TreatmentCategory(treatment['category']).label}",
            _("%(base)s units × %(rate)s, rounded half up") % {"base": treatment["base_units"],
                                                               "rate": treatment["rate"]},
            treatment["units"],
        ))
    codes_row = service_codes_row(explanation.get("codes") or [])
    if codes_row is not None:
        rows.append(codes_row)
    fee_row = fee_values_row(explanation.get("fee_values") or [])
    if fee_row is not None:
        rows.append(fee_row)
    rows.append(ExplanationRow(_("Total units"), "", explanation.get("total_units")))
    rows.append(ExplanationRow(
        _("Total (yen)"),
        _("floor(%(units)s units × %(price)s yen)%(verify)s = %(yen)s yen") % {
            "units": explanation.get("total_units"), "price": explanation.get("yen_per_unit"),
            "yen": explanation.get("total_yen"),
            "verify": _(" — price to verify") if explanation.get("yen_per_unit_to_verify") else ""},
        None,
    ))
    decision_row = cap_decision_row(explanation.get("cap_decision") or {})
    if decision_row is not None:
        rows.append(decision_row)
    management_row = cap_management_row(explanation.get("copay_management") or {})
    if management_row is not None:
        rows.append(management_row)
    if explanation.get("copay_cap") is None and "copay_cap" in explanation:
        rows.append(ExplanationRow(
            _("Co-payment"),
            _("floor(%(yen)s × 10 %%) = %(raw)s yen; the cap is to confirm: the line is held, nothing is claimed "
              "yet") % {"yen": explanation.get("total_yen"), "raw": explanation.get("copay_raw")},
            None,
        ))
        return rows
    rows.append(ExplanationRow(
        _("Co-payment"),
        _("min(floor(%(yen)s × 10 %%) = %(raw)s, cap %(cap)s) = %(copay)s yen; claimed %(claimed)s yen") % {
            "yen": explanation.get("total_yen"), "raw": explanation.get("copay_raw"),
            "cap": explanation.get("copay_cap"), "copay": explanation.get("copayment"),
            "claimed": explanation.get("claimed")},
        None,
    ))
    return rows


def service_codes_row(codes: list[dict]) -> ExplanationRow | None:
    """The service code of each billed item (サービスコード), 要確認 where the revision in force has none."""
    if not codes:
        return None
    return ExplanationRow(
        _("Service codes"),
        "; ".join(
            _("%(code)s %(count)s × %(units)s") % {
                "code": c["code"] or _("(no code: %(item)s, 要確認)") % {"item": c["item"]},
                "count": c["count"], "units": c["units_each"]}
            for c in codes
        ),
        None,
    )


def fee_values_row(values: list[dict]) -> ExplanationRow | None:
    """Which revision each fee value of the line follows, 要確認 where it is not verified."""
    if not values:
        return None
    return ExplanationRow(
        _("Revision of each value"),
        "; ".join(
            _("%(label)s %(value)s: %(revision)s%(verify)s") % {
                "label": v["label"], "value": v["value"], "revision": v["revision"],
                "verify": "" if v["verified"] else _(" (要確認)")}
            for v in values
        ),
        None,
    )


def _day_numbers(days: list[str]) -> str:
    return ", ".join(str(date.fromisoformat(d).day) for d in days) or "—"


def _short(day: str) -> str:
    return date.fromisoformat(day).strftime("%m-%d")


def certificate_rows(certificates: list[dict]) -> list[ExplanationRow]:
    """One row per certificate of a month the certificate changed in: its number, its days of validity in
    the month, granted days, cap, the days it covered and what they came to."""
    return [
        ExplanationRow(
            _("Certificate %(number)s") % {"number": c["number"]},
            _("valid %(first)s–%(last)s; granted %(granted)s days%(standard)s; cap %(cap)s yen; covered days "
              "%(days)s (%(count)s) → billable %(billable)s, beyond the granted days %(over)s; basic %(basic)s "
              "units, add-ons %(addons)s units") % {
                "first": _short(c["first"]), "last": _short(c["last"]), "granted": c["granted_days"],
                "standard": _(" (standard)") if c.get("granted_days_standard") else "", "cap": c["copay_cap"],
                "days": _day_numbers(c.get("days", [])), "count": len(c.get("days", [])),
                "billable": c.get("billable", 0), "over": c.get("over_granted_days", 0),
                "basic": c.get("basic_units", 0), "addons": c.get("addon_units", 0)},
            c.get("basic_units", 0) + c.get("addon_units", 0),
        )
        for c in certificates
    ]


def cap_management_row(management: dict) -> ExplanationRow | None:
    """The co-payment cap across providers (上限額管理) the co-payment followed: who manages it, the result and
    what this office collects — or that it is still to enter (the line is held)."""
    if not management.get("managed_by") or management.get("applies") is False:
        return None
    if management["managed_by"] == "conflict":
        managed = _("the certificates name different managing offices")
    elif management["managed_by"] == "this_office":
        managed = _("this office manages the cap")
    else:
        managed = _("managed by %(name)s (%(number)s)") % {"name": management.get("office_name", ""),
                                                            "number": management.get("office_number", "")}
    if management.get("after") is None:
        detail = _("%(managed)s; not entered or not adding up yet: the line is held") % {"managed": managed}
    else:
        detail = _("%(managed)s; result %(result)s: this office collects at most %(after)s yen") % {
            "managed": managed, "result": management.get("result"), "after": management["after"]}
    return ExplanationRow(_("Co-payment cap management"), detail, None)


def cap_decision_row(decision: dict) -> ExplanationRow | None:
    """The month's cap when the certificates of the month carry different caps: who confirmed which, and
    when — or that it is still to confirm (the line is held)."""
    if not decision.get("to_confirm"):
        return None
    caps = ", ".join(_("%(number)s (%(first)s–%(last)s) %(cap)s yen") % {
        "number": c["number"], "first": _short(c["first"]), "last": _short(c["last"]), "cap": c["copay_cap"]}
        for c in decision.get("candidates", []))
    confirmed = decision.get("confirmed")
    if confirmed is None:
        return ExplanationRow(
            _("Cap of the month (to confirm)"),
            _("The certificates of the month carry different caps: %(caps)s. The manager confirms which one "
              "governs the month; the line is held until then.") % {"caps": caps},
            None,
        )
    at = timezone.localtime(datetime.fromisoformat(confirmed["at"]))
    return ExplanationRow(
        _("Cap of the month"),
        _("%(cap)s yen, the cap of certificate %(number)s, confirmed by %(who)s on %(when)s (the month's "
          "certificates: %(caps)s)") % {
            "cap": confirmed["copay_cap"], "number": confirmed["number"], "who": confirmed["by"],
            "when": f"{at:%Y-%m-%d %H:%M}", "caps": caps},
        None,
    )
