"""The points to check before a month is closed: what costs money or breaks a rule, each naming the person,
the days and the units or yen at stake, and linking to where it is fixed.

``close_checks`` is pure (no query): it reads the month as ``billing_month_compute`` computed it (its lines,
their explanations and the inputs they came from) and the earlier months still open
(``billing.selectors.billing_earlier_open_months``).  Every rule it reports is decided elsewhere, once: the
reductions by the claim lines (``regulations.rules``), a day outside a period of use by
``attendance.rules.period_refusal``, a day outside a certificate by ``regulations.rules.certificate_on``, a
day without times by ``attendance.rules.lacks_times``, a held retention-support line by
``billing.services.tier.retention_support_tier``.  The month page lists the checks, the confirmation page
shows them again, and ``billing_month_close`` refuses a confirmation given on another list
(``checks_digest``).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from attendance.rules import lacks_times, period_refusal
from billing.errors import BillingError, CloseCheck
from billing.explain import plan_gap_text
from billing.models import AddOnKind, Service
from billing.services.claims import CAP_MANAGEMENT_HOLDS, ClaimLineResult, MonthClaims
from billing.services.rounding import units_to_yen
from compostela.templatetags.compostela import units as units_text
from compostela.templatetags.compostela import yen as yen_text
from regulations import rules as regulations

# what the link of each kind of check says (where it leads); None: the client's page
LINK_TEXT = {
    CloseCheck.EARLIER_MONTH_OPEN: gettext_lazy("Open the earlier month"),
    CloseCheck.RETENTION_SUPPORT_HELD: gettext_lazy("Set the rate"),
    CloseCheck.MISSING_TIMES: gettext_lazy("Open the roster"),
    CloseCheck.OVER_CAPACITY: gettext_lazy("Open the roster"),
    CloseCheck.COPAY_CAP_TO_CONFIRM: gettext_lazy("Confirm the cap"),
    CloseCheck.FEES_UNVERIFIED: gettext_lazy("Open the fee page"),
    CloseCheck.FEE_RATE_MISSING: gettext_lazy("Open the fee page"),
    CloseCheck.ADDON_RATE_MISSING: gettext_lazy("Open the fee page"),
    CloseCheck.CAP_MANAGEMENT: gettext_lazy("Enter the cap management"),
    None: gettext_lazy("Fix on the client's page"),
}

# the checks that stop a closing: a held line is never claimed, so the month cannot be closed around it
BLOCKING = frozenset({CloseCheck.RETENTION_SUPPORT_HELD, CloseCheck.COPAY_CAP_TO_CONFIRM,
                      CloseCheck.FEE_RATE_MISSING, CloseCheck.ADDON_RATE_MISSING, CloseCheck.CAP_MANAGEMENT})
# what each hold of the co-payment cap across providers (上限額管理) asks the manager to do
CAP_MANAGEMENT_TEXT = {
    BillingError.CAP_MANAGEMENT_MISSING: gettext_lazy(
        "%(client)s: another office manages the co-payment cap (上限額管理) and its result for this month is not "
        "entered. Enter the result and the amount it leaves to this office; the lines are held and the month cannot "
        "be closed until then."),
    BillingError.CAP_DIVISION_TO_ENTER: gettext_lazy(
        "%(client)s: this office manages the co-payment cap (上限額管理) and the co-payments exceed the cap "
        "(result 3): enter how the cap is divided among the offices (it must add up to the cap). The lines are held "
        "and the month cannot be closed until then."),
    BillingError.CAP_AMOUNT_OVER_OURS: gettext_lazy(
        "%(client)s: the managing office's result leaves more to this office than our own co-payment of the month "
        "(上限額管理). Check the result entered against the month; the lines are held until then."),
    BillingError.CAP_MANAGEMENT_CONFLICT: gettext_lazy(
        "%(client)s: the certificates of this month name different offices managing the co-payment cap "
        "(上限額管理). Correct the certificates; the lines are held until then."),
}
MSG_CAP_MANAGEMENT_THIS_OFFICE_MISSING = gettext_lazy(
    "%(client)s: this office manages the co-payment cap (上限額管理) and the other providers of this month are not "
    "entered (enter them, or record that there was none). The lines are held and the month cannot be closed until "
    "then.")
# the holds of a line whose fee data is missing from the revision in force (``FEE_RATE_MISSING``)
FEE_DATA_HOLDS = frozenset({BillingError.TREATMENT_RATE_MISSING, BillingError.OFFICE_REDUCTION_RATE_MISSING})


@dataclass(frozen=True)
class PreCloseCheck:
    code: CloseCheck
    message: str  # translated, names the person and what is at stake
    url_name: str  # where it is fixed
    url_args: tuple = ()
    url_query: dict = field(default_factory=dict)
    fragment: str = ""
    facts: dict = field(default_factory=dict)  # language-independent: what the digest is made of

    @property
    def blocks(self) -> bool:
        return self.code in BLOCKING

    @property
    def link_text(self) -> str:
        return str(LINK_TEXT.get(self.code, LINK_TEXT[None]))

    @property
    def href(self) -> str:
        url = reverse(self.url_name, args=self.url_args)
        if self.url_query:
            url += "?" + urlencode(self.url_query)
        return url + (f"#{self.fragment}" if self.fragment else "")


def checks_digest(checks: list[PreCloseCheck]) -> str:
    """A short fingerprint of the list (codes and facts, not the wording): the confirmation form carries it,
    and a closing confirmed on another list is refused."""
    payload = json.dumps([[c.code.value, c.facts] for c in checks], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _days_text(days: list[date]) -> str:
    return ", ".join(f"{d.month}/{d.day}" for d in days)


def _lost_to(line: ClaimLineResult, reduction: str) -> tuple[int, int]:
    """(days, units) the ``reduction`` step takes from the line's basic units."""
    days = lost = 0
    for group in line.basic:
        before = group.base_units
        for step in group.steps:
            if step["reduction"] == reduction:
                days += len(group.days)
                lost += len(group.days) * (before - step["units_per_day"])
            before = step["units_per_day"]
    return days, lost


def _money(units: int, line: ClaimLineResult) -> dict:
    return {"units": units_text(units), "yen": yen_text(units_to_yen(units=units, yen_per_unit=line.yen_per_unit))}


def _client_link(line: ClaimLineResult, fragment: str) -> dict:
    return {"url_name": "clients:detail", "url_args": (line.client.pk,), "fragment": fragment}


def _plan_missing_check(line: ClaimLineResult) -> PreCloseCheck | None:
    """A line billed with the missing-plan reduction (個別支援計画未作成減算): the person, why (no plan, the plan
    expired on a day, its monitoring late since a day), the months in a row and what it costs — for either
    service; fixed in the client's plan section."""
    days_lost, units_lost = _lost_to(line, "plan_missing")
    if not units_lost:
        return None
    reductions = line.reductions
    months, percent = reductions["plan_missing_months"], reductions["plan_missing_percent"]
    values = {
        "client": line.client.full_name,
        "service": Service(line.service).label,
        "why": plan_gap_text(reductions),
        "months": months,
        "percent": percent,
        "days": days_lost,
        **_money(units_lost, line),
    }
    if line.service == Service.TRANSITION:
        message = (
            _(
                "%(client)s (%(service)s): %(why)s — %(months)s month(s) in a row without a plan: basic units × "
                "%(percent)s %% on %(days)s day(s), %(units)s (%(yen)s) less than with a plan."
            )
            % values
        )
    else:
        message = (
            _(
                "%(client)s (%(service)s): %(why)s — %(months)s month(s) in a row without a plan: the month's "
                "fee × %(percent)s %%, %(units)s (%(yen)s) less than with a plan."
            )
            % values
        )
    return PreCloseCheck(
        code=CloseCheck.PLAN_MISSING,
        **_client_link(line, "plan"),
        facts={
            "client": line.client.pk,
            "service": line.service,
            "gap": reductions["plan_gap"],
            "due_on": reductions["plan_monitoring_due_on"],
            "expired_on": reductions["plan_expired_on"],
            "months": months,
            "percent": percent,
            "days": days_lost,
            "units": units_lost,
        },
        message=message,
    )


def _transition_checks(claims: MonthClaims, line: ClaimLineResult, rows: list[dict]) -> list[PreCloseCheck]:
    out = []
    client, pk = line.client.full_name, line.client.pk
    inputs = claims.inputs
    plan_check = _plan_missing_check(line)
    if plan_check:
        out.append(plan_check)
    billable = [r for r in rows if regulations.is_billable(r["status"])]
    use = inputs.use.get(pk) if inputs else None
    outside_use = [r["day"] for r in billable if use is not None and period_refusal(use, r["day"]) is not None]
    if outside_use:
        units = sum(claims.tier.units_on(d) for d in outside_use)
        out.append(
            PreCloseCheck(
                code=CloseCheck.OUTSIDE_PERIOD_OF_USE,
                **_client_link(line, "attendance"),
                facts={"client": pk, "days": [d.isoformat() for d in outside_use]},
                message=_(
                    "%(client)s: attendance on %(days)s falls outside the period of use and is not claimed "
                    "(about %(units)s, %(yen)s). Correct the attendance or the period of use."
                )
                % {"client": client, "days": _days_text(outside_use), **_money(units, line)},
            )
        )
    certificates = inputs.certificates.get(pk, []) if inputs else []
    outside_cert = [
        r["day"]
        for r in billable
        if r["day"] not in outside_use and regulations.certificate_on(certificates, r["day"]) is None
    ]
    if outside_cert:
        units = sum(claims.tier.units_on(d) for d in outside_cert)
        out.append(
            PreCloseCheck(
                code=CloseCheck.OUTSIDE_CERTIFICATE,
                **_client_link(line, "certificate"),
                facts={"client": pk, "days": [d.isoformat() for d in outside_cert]},
                message=_(
                    "%(client)s: attendance on %(days)s is outside any recipient certificate and is not claimed "
                    "(about %(units)s, %(yen)s). Enter the certificate or correct the attendance."
                )
                % {"client": client, "days": _days_text(outside_cert), **_money(units, line)},
            )
        )
    beyond = line.days.get("over_granted_days", 0)
    if beyond:
        units = beyond * claims.tier.units_on(claims.month)
        out.append(
            PreCloseCheck(
                code=CloseCheck.BEYOND_GRANTED_DAYS,
                **_client_link(line, "certificate"),
                facts={"client": pk, "days": beyond, "granted": line.days["granted_days"]},
                message=_(
                    "%(client)s: %(days)s day(s) beyond the %(granted)s granted days are not claimed "
                    "(about %(units)s, %(yen)s). Check the granted days on the certificate."
                )
                % {"client": client, "days": beyond, "granted": line.days["granted_days"], **_money(units, line)},
            )
        )
    return out


def _over_capacity_check(claims: MonthClaims, transition: list[ClaimLineResult]) -> PreCloseCheck | None:
    over = claims.over_capacity
    if not transition or not (over.rolling_over or over.days_over):
        return None  # the reduction applies to transition lines only
    units = yen = people = 0
    for line in transition:
        _days, lost = _lost_to(line, "over_capacity")
        if lost:
            people += 1
            units += lost
            yen += units_to_yen(units=lost, yen_per_unit=line.yen_per_unit)
    if over.rolling_over:
        why = _(
            "the three months ending with this one have %(days)s user-days, above the limit of %(limit)s: "
            "the whole month is reduced"
        ) % {"days": over.rolling_user_days, "limit": over.rolling_limit}
        link = {"url_name": "attendance:month", "url_query": {"month": f"{claims.month:%Y-%m}"}}
    else:
        why = _("more users than the day's limit on %(days)s") % {"days": _days_text(over.days_over)}
        link = {"url_name": "attendance:day", "url_query": {"day": over.days_over[0].isoformat()}}
    return PreCloseCheck(
        code=CloseCheck.OVER_CAPACITY,
        **link,
        facts={"days": [d.isoformat() for d in over.days_over], "rolling": over.rolling_over, "units": units},
        message=_(
            "Over capacity: %(why)s — basic units × %(percent)s %% for %(people)s client(s): %(units)s (%(yen)s) less."
        )
        % {
            "why": why,
            "percent": transition[0].figures.over_capacity_percent,
            "people": people,
            "units": units_text(units),
            "yen": yen_text(yen),
        },
    )


def _missing_times_checks(claims: MonthClaims, rows_by_client: dict[int, list[dict]]) -> list[PreCloseCheck]:
    out = []
    for line in claims.lines:
        if line.service != Service.TRANSITION:
            continue
        days = [
            r["day"]
            for r in rows_by_client.get(line.client.pk, [])
            if "start_time" in r and lacks_times(r["status"], r["start_time"], r["end_time"])
        ]
        if days:
            out.append(
                PreCloseCheck(
                    code=CloseCheck.MISSING_TIMES,
                    url_name="attendance:day",
                    url_query={"day": days[0].isoformat()},
                    facts={"client": line.client.pk, "days": [d.isoformat() for d in days]},
                    message=ngettext(
                        "%(client)s: %(count)s day of service has no start or end time (%(days)s); the service "
                        "record sheet needs both.",
                        "%(client)s: %(count)s days of service have no start or end time (%(days)s); the service "
                        "record sheet needs both.",
                        len(days),
                    )
                    % {"client": line.client.full_name, "count": len(days), "days": _days_text(days)},
                )
            )
    return out


def _earlier_months_check(earlier_open: list[date]) -> PreCloseCheck | None:
    if not earlier_open:
        return None
    months = sorted(earlier_open)
    shown = ", ".join(f"{m:%Y-%m}" for m in months[-6:]) + (" …" if len(months) > 6 else "")
    return PreCloseCheck(
        code=CloseCheck.EARLIER_MONTH_OPEN,
        url_name="billing:index",
        url_query={"month": f"{months[-1]:%Y-%m}"},
        facts={"months": [m.isoformat() for m in months]},
        message=ngettext(
            "%(count)s earlier month is still open (%(months)s): close it first, or give the reason for closing "
            "this month out of order.",
            "%(count)s earlier months are still open (%(months)s): close them first, or give the reason for "
            "closing this month out of order.",
            len(months),
        )
        % {"count": len(months), "months": shown},
    )


def _retention_support_checks(claims: MonthClaims) -> list[PreCloseCheck]:
    out = []
    held = [line for line in claims.held_lines if BillingError.RETENTION_SUPPORT_HELD in line.holds]
    if held:
        names = ", ".join(line.client.full_name for line in held)
        out.append(
            PreCloseCheck(
                code=CloseCheck.RETENTION_SUPPORT_HELD,
                url_name="billing:no_history_rate",
                facts={"clients": [line.client.pk for line in held]},
                message=ngettext(
                    "Retention support of %(names)s is held (to confirm): the office has no retention-support history "
                    "and the rate to use is not set. Set it from the city's notice; the month cannot be closed "
                    "until then.",
                    "Retention support of %(count)s people (%(names)s) is held (to confirm): the office has no "
                    "retention-support history and the rate to use is not set. Set it from the city's notice; the "
                    "month cannot be closed until then.",
                    len(held),
                )
                % {"names": names, "count": len(held)},
            )
        )
    for pk, text in claims.support_notes:
        out.append(
            PreCloseCheck(
                code=CloseCheck.RETENTION_SUPPORT_NOTE,
                url_name="placements:client",
                url_args=(pk,),
                facts={"client": pk, "text": text},
                message=text,
            )
        )
    return out


def _copay_cap_checks(claims: MonthClaims) -> list[PreCloseCheck]:
    """A person whose certificates of the month carry different caps, not yet confirmed: one check each,
    linking to the confirmation on the month page."""
    out = []
    seen: set[int] = set()
    for line in claims.held_lines:
        if BillingError.COPAY_CAP_TO_CONFIRM not in line.holds or line.client.pk in seen:
            continue
        seen.add(line.client.pk)
        out.append(
            PreCloseCheck(
                code=CloseCheck.COPAY_CAP_TO_CONFIRM,
                url_name="billing:index",
                url_query={"month": f"{claims.month:%Y-%m}"},
                fragment=f"copay-cap-{line.client.pk}-{line.service}",
                facts={"client": line.client.pk},
                message=_(
                    "%(client)s: the certificates of this month carry different co-payment caps; confirm which one "
                    "governs the month. The lines are held and the month cannot be closed until then."
                )
                % {"client": line.client.full_name},
            )
        )
    return out


def _addon_rate_missing_checks(claims: MonthClaims) -> list[PreCloseCheck]:
    """A line held because an add-on it counts (a regional cooperation meeting) has no units loaded for the
    month: one blocking check each, linking to the fee page."""
    return [
        PreCloseCheck(
            code=CloseCheck.ADDON_RATE_MISSING,
            url_name="billing:fees",
            url_query={"month": f"{claims.month:%Y-%m}"},
            facts={"client": line.client.pk, "addons": [held["kind"] for held in line.held_addons]},
            message=_(
                "%(client)s: to confirm (要確認): no units of %(addons)s are loaded for this month. The line is "
                "held and the month cannot be closed until the fee revision that sets them is loaded."
            )
            % {"client": line.client.full_name,
               "addons": ", ".join(str(AddOnKind(held["kind"]).label) for held in line.held_addons)},
        )
        for line in claims.held_lines
        if BillingError.ADDON_RATE_MISSING in line.holds
    ]


def _cap_management_checks(claims: MonthClaims) -> list[PreCloseCheck]:
    """A person whose co-payment cap across providers (上限額管理) is not entered, or does not add up: one
    blocking check each, linking to where the manager enters it."""
    out = []
    seen: set[int] = set()
    for line in claims.held_lines:
        held = [code for code in line.holds if code in CAP_MANAGEMENT_HOLDS]
        if not held or line.client.pk in seen:
            continue
        seen.add(line.client.pk)
        text = CAP_MANAGEMENT_TEXT[held[0]]
        if (held[0] == BillingError.CAP_MANAGEMENT_MISSING
                and line.copay_management.get("managed_by") == regulations.CAP_MANAGEMENT_THIS_OFFICE):
            text = MSG_CAP_MANAGEMENT_THIS_OFFICE_MISSING
        out.append(PreCloseCheck(
            code=CloseCheck.CAP_MANAGEMENT,
            url_name="billing:cap_management",
            url_args=(claims.month.year, claims.month.month, line.client.pk),
            facts={"client": line.client.pk, "holds": held},
            message=str(text) % {"client": line.client.full_name},
        ))
    return out


def _fees_unverified_check(claims: MonthClaims) -> PreCloseCheck | None:
    """The month computed with fee values to verify (``billing.services.fee_status``): not blocking — the
    figures are the best loaded — but 要確認, and the electronic claim refuses the month."""
    status = claims.fee_status or {}
    if not status or status.get("verified", True):
        return None
    missing = [m["effective_from"][:7] for m in status.get("missing_revisions", [])]
    values = sorted({v["label"] for v in status.get("unverified_values", [])})
    parts = []
    if missing:
        parts.append(
            _("the revisions in force from %(months)s are not loaded, so older fees are used")
            % {"months": ", ".join(missing)}
        )
    if values:
        parts.append(_("values marked to verify are used (%(values)s)") % {"values": ", ".join(values)})
    return PreCloseCheck(
        code=CloseCheck.FEES_UNVERIFIED,
        url_name="billing:fees",
        url_query={"month": f"{claims.month:%Y-%m}"},
        facts={"missing": missing, "values": values},
        message=_(
            "To verify (要確認): this month is computed with fees not checked against the notice in force: "
            "%(why)s. Load the revision from the ministry's notice; the electronic claim refuses the month "
            "until then."
        )
        % {"why": "; ".join(parts)},
    )


def _fee_rate_missing_check(claims: MonthClaims) -> PreCloseCheck | None:
    """Lines held because the office claims a staff-pay add-on category, or is flagged for an office reduction,
    that the revision in force has no rate for: computing without it would claim a wrong amount, so the lines
    are held and the month cannot be closed until the revision's rates are loaded or the setting is changed."""
    held = [line for line in claims.lines if FEE_DATA_HOLDS & set(line.holds)]
    if not held:
        return None
    items = sorted({item for line in held for item in line.missing_rates})
    return PreCloseCheck(
        code=CloseCheck.FEE_RATE_MISSING,
        url_name="billing:fees",
        url_query={"month": f"{claims.month:%Y-%m}"},
        facts={"items": items, "lines": len(held)},
        message=ngettext(
            "%(count)s line is held: the office's settings claim %(items)s, and the revision in force has no rate "
            "for it. Load the revision's rates or change the setting on the fee page.",
            "%(count)s lines are held: the office's settings claim %(items)s, and the revision in force has no "
            "rate for it. Load the revision's rates or change the setting on the fee page.",
            len(held),
        ) % {"count": len(held), "items": ", ".join(items)},
    )


def close_checks(*, claims: MonthClaims, earlier_open: list[date]) -> list[PreCloseCheck]:
    """Every point to check before closing ``claims``' month, blocking ones first, then the month's, then
    person by person (as the lines are ordered)."""
    rows_by_client: dict[int, list[dict]] = defaultdict(list)
    for r in claims.inputs.rows if claims.inputs else []:
        rows_by_client[r["client_id"]].append(r)
    transition = [line for line in claims.lines if line.service == Service.TRANSITION]
    checks: list[PreCloseCheck] = []
    checks += _copay_cap_checks(claims)
    checks += _cap_management_checks(claims)
    checks += _retention_support_checks(claims)
    rates = _fee_rate_missing_check(claims)
    if rates:
        checks.append(rates)
    checks += _addon_rate_missing_checks(claims)
    earlier = _earlier_months_check(earlier_open)
    if earlier:
        checks.append(earlier)
    fees = _fees_unverified_check(claims)
    if fees:
        checks.append(fees)
    over = _over_capacity_check(claims, transition)
    if over:
        checks.append(over)
    for line in transition:
        checks += _transition_checks(claims, line, rows_by_client.get(line.client.pk, []))
    checks += [
        check
        for line in claims.lines
        if line.service == Service.RETENTION_SUPPORT
        if (check := _plan_missing_check(line))
    ]
    checks += _missing_times_checks(claims, rows_by_client)
    return sorted(checks, key=lambda c: not c.blocks)
