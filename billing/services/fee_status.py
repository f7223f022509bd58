"""Which revision each fee value of a month follows, and whether the month is verified (else 要確認).

A month is unverified when (a) a known revision (``fixtures/fees/known_revisions.json``) is effective on or
before its first day but its file is not loaded — the month is computed with what is loaded, which is older
than the law in force — or (b) a value a line uses (basic units, an add-on, the yen per unit) is marked to
verify in its revision.  Each line's explanation lists its values with their revision; the month's summary
carries the status, the pre-close list flags it (``CloseCheck.FEES_UNVERIFIED``) and the month page shows
要確認.  A value to verify that a manager of the office confirmed against the notice, and that still holds the
confirmed value (``billing.services.fee_confirmations``), counts as verified for that office; a known revision
that is not loaded cannot be confirmed (it needs its file).  It reads the month as computed and the fee book
already loaded, and one query more — the office's confirmations — only when a value is to verify.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from billing.models import (
    OFFICE_REDUCTION_FLAGS,
    AddOnKind,
    FeeRevision,
    OfficeReductionKind,
    Service,
    TreatmentCategory,
    TreatmentScheme,
)
from billing.services.fee_confirmations import confirmation_facts, fee_row_value, fee_value_confirmations
from billing.services.fees import FeeBook, TierFee, latest_on, row_ref
from billing.services.revisions import KnownRevision, known_revisions
from compostela.models import AreaGrade

if TYPE_CHECKING:
    from billing.services.claims import ClaimLineResult, MonthClaims


def revision_label(revision: FeeRevision | None) -> str:
    if revision is None:
        return _("no revision recorded")
    return f"{revision.effective_from:%Y-%m} {revision.title}"


def revision_in_force(revisions: list[FeeRevision], day: date) -> FeeRevision | None:
    """Of the loaded revisions (oldest first), the latest effective on ``day``."""
    return latest_on(revisions, day, since="effective_from")


def treatment_label(scheme: str, category: str) -> str:
    """``Staff pay improvement add-on (2024-06 on) Ⅰ``."""
    return f"{TreatmentScheme(scheme).label} {TreatmentCategory(category).label}"


def missing_revisions(*, revisions: list[FeeRevision], known: list[KnownRevision], day: date) -> list[KnownRevision]:
    """The known revisions effective on or before ``day`` whose file is not loaded."""
    loaded = {r.effective_from for r in revisions if not r.example}  # EXAMPLE data never stands for the notice
    return [k for k in known if k.effective_from <= day and k.effective_from not in loaded]


def _value(item: str, label: str, value, revision: FeeRevision | None, to_verify: bool, row: str = "") -> dict:
    return {
        "item": item,
        "row": row,
        "label": label,
        "value": str(value),
        "revision": revision_label(revision),
        "revision_from": revision.effective_from.isoformat() if revision else None,
        "notice_number": revision.notice_number if revision else "",
        "verified": not to_verify,
    }


def line_fee_values(
    *, book: FeeBook, line: ClaimLineResult, month: date, transition_tier: TierFee | None, support_tier: TierFee | None
) -> list[dict]:
    """The fee values ``line`` uses in ``month``, each with its revision and whether it is verified
    (``transition_tier`` / ``support_tier``: the month's tier of each service, as the claim used it)."""
    values = []
    tier = transition_tier if line.service == Service.TRANSITION else support_tier
    if tier is not None and line.basic:
        values.append(_value("basic", _("Basic fee"), tier.units, tier.revision, tier.to_verify, tier.row))
    for addon in line.addons:
        rate = book.addon_on(kind=addon.kind, day=month)
        values.append(
            _value(f"addon:{addon.kind}", str(AddOnKind(addon.kind).label), rate.units, rate.revision, rate.to_verify,
                   row_ref(rate))
        )
    for treatment in line.treatment:
        rate = next(r for s, r in book.treatment_on(service=line.service, day=month)
                    if r is not None and (s.scheme, s.category) == (treatment.scheme, treatment.category))
        values.append(_value(treatment.item, treatment_label(treatment.scheme, treatment.category), rate.rate,
                             rate.revision, rate.to_verify, row_ref(rate)))
    for kind, rate in book.office_reductions_on(service=line.service, day=month):
        if rate is not None:
            unit = "%" if rate.percent is not None else _("units a day")
            values.append(_value(f"reduction:{kind}", f"{OfficeReductionKind(kind).label} ({unit})",
                                 fee_row_value(rate), rate.revision, rate.to_verify, row_ref(rate)))
    for code in line.codes:
        if code["code"]:
            revision = book.revision_on(month)
            values.append(_value(f"code:{code['item']}", _("Service code of %(item)s") % {"item": code["item"]},
                                 code["code"], revision, not code["verified"], code["row"]))
    if book.settings_on(month).yen_per_unit is not None:
        values.append(
            {
                "item": "yen_per_unit",
                "row": "",
                "label": _("Yen per unit"),
                "value": str(line.yen_per_unit),
                "revision": _("office override: %(reason)s")
                % {"reason": book.settings_on(month).yen_per_unit_reason or "—"},
                "revision_from": None,
                "notice_number": "",
                "verified": True,
            }
        )
    else:
        price = book.price_row_on(service=line.service, day=month)
        if price is not None:
            values.append(
                _value("yen_per_unit", _("Yen per unit"), price.yen_per_unit, price.revision, price.to_verify,
                       row_ref(price))
            )
    return values


def month_fee_status(claims: MonthClaims) -> dict:
    """Attach each line's fee values (``ClaimLineResult.fee_values``) and return the month's status (JSON):
    the revision in force, the known revisions not loaded, the unverified values used, ``verified``."""
    book = claims.inputs.book
    month = claims.month
    support = [line for line in claims.lines if line.service == Service.RETENTION_SUPPORT and line.basic]
    support_tier = None
    if support and claims.retention_support is not None:
        support_tier = book.tier_for(
            service=Service.RETENTION_SUPPORT, day=month, band=len(support), rate=claims.retention_support.rate
        )
    transition_tier = claims.tier.tier_on(month)
    unverified: dict[str, dict] = {}
    confirmations = None  # the office's confirmations: read (one query) only when a value is to verify
    for line in claims.lines:
        line.fee_values = line_fee_values(
            book=book, line=line, month=month, transition_tier=transition_tier, support_tier=support_tier
        )
        for value in line.fee_values:
            if value["verified"]:
                continue
            if confirmations is None:
                confirmations = fee_value_confirmations(office=book.office)
            confirmation = confirmations.get(value["row"]) if value["row"] else None
            if confirmation is not None and confirmation.value == value["value"]:
                # a manager of the office checked this very value against the notice (recorded)
                value["verified"] = True
                value["confirmed"] = confirmation_facts(confirmation)
                continue
            unverified.setdefault(
                f"{line.service}:{value['item']}:{value['value']}", {**value, "service": line.service}
            )
    in_force = revision_in_force(book.revisions, month)
    missing = missing_revisions(revisions=book.revisions, known=known_revisions(), day=month)
    codes_missing = sorted({f"{line.service}:{c['item']}" for line in claims.lines for c in line.codes
                            if not c["code"]})
    return {
        "example": bool(in_force and in_force.example),
        "service_codes_missing": codes_missing,
        "revision": revision_label(in_force) if in_force else None,
        "revision_from": in_force.effective_from.isoformat() if in_force else None,
        "missing_revisions": [{"effective_from": k.effective_from.isoformat(), "title": k.title} for k in missing],
        "unverified_values": list(unverified.values()),
        "verified": not missing and not unverified,
    }


# -- the fee page ------------------------------------------------------------------------------------------
def _to_verify(*, what: str, row, revision, confirmations: dict) -> dict:
    """One value in force to verify on the fee page, with its row reference, its value as a line shows it and
    the office's confirmation of that value (None: not confirmed, or confirmed with another value)."""
    ref, value = row_ref(row), fee_row_value(row)
    confirmation = confirmations.get(ref)
    return {
        "what": what, "value": value, "row": ref, "revision": revision_label(revision),
        "example": bool(revision and revision.example),  # EXAMPLE data: never confirmable
        "confirmation": confirmation if confirmation is not None and confirmation.value == value else None,
    }


def fee_page_facts(*, office, month: date) -> dict:
    """What the managers' fee page shows for ``month`` (first day): the revision in force and the next one
    loaded, with their sources; the known revisions not loaded; every value in force that is to verify (each
    with its row and the office's confirmation, if any); the office's confirmations; its dated settings and
    staff-pay categories, with the rows in force marked.  A fixed number of queries: the fee book's, the
    revisions, the service codes, the confirmations, the staff-pay categories and rates, the office
    reduction rates."""
    from billing.models import (
        OfficeReductionRate,
        OfficeTreatmentImprovement,
        ServiceCode,
        TreatmentCategory,
        TreatmentImprovementRate,
        TreatmentScheme,
    )
    from billing.services.fees import fee_book_load

    book = fee_book_load(office=office)
    confirmations = fee_value_confirmations(office=office)
    in_force = revision_in_force(book.revisions, month)
    upcoming = [r for r in book.revisions if r.effective_from > month]
    unverified = []
    labels: dict[str, tuple[str, str]] = {}  # row ref → (what, value now) of the rows the page knows
    band = book.capacity_on(month)
    for service in Service.values:
        for schedule in book.schedules.get(service, []):
            for row in book.fees.get(schedule.pk, []):
                labels[row_ref(row)] = (f"{Service(service).label}: {_('Basic fee')} {schedule.valid_from:%Y-%m} "
                                        f"{row.band_min}–{row.band_max or ''} ≥ {row.min_rate}", fee_row_value(row))
        schedules = [s for s in book.schedules.get(service, []) if s.valid_from <= month]
        if schedules:
            schedule = schedules[-1]
            rows = [
                f
                for f in book.fees.get(schedule.pk, [])
                if f.band_min <= band and (f.band_max is None or band <= f.band_max)
            ]
            for row in sorted(rows, key=lambda f: f.min_rate, reverse=True):
                if row.to_verify or schedule.to_verify:
                    unverified.append(_to_verify(
                        what=f"{Service(service).label}: {_('Basic fee')} ≥ {row.min_rate}", row=row,
                        revision=schedule.revision, confirmations=confirmations))
        price = book.price_row_on(service=service, day=month)
        if price is not None and price.to_verify:
            unverified.append(_to_verify(what=f"{Service(service).label}: {_('Yen per unit')}", row=price,
                                         revision=price.revision, confirmations=confirmations))
    for (grade, service), prices in book.prices.items():
        for price in prices:
            labels[row_ref(price)] = (f"{Service(service).label}: {_('Yen per unit')} {grade} "
                                      f"{price.valid_from:%Y-%m}", fee_row_value(price))
    for kind, rates in sorted(book.addons.items()):
        for rate in rates:
            labels[row_ref(rate)] = (f"{AddOnKind(kind).label} {rate.valid_from:%Y-%m}", fee_row_value(rate))
        rate = latest_on(rates, month)
        if rate is not None and rate.to_verify:
            unverified.append(_to_verify(what=str(AddOnKind(kind).label), row=rate, revision=rate.revision,
                                         confirmations=confirmations))
    settings_row = latest_on(book.settings, month)
    # the staff-pay categories of the office, and the rate of each category in force (the revision in force's)
    treatments = list(OfficeTreatmentImprovement.objects.filter(office=office)
                      .order_by("service", "scheme", "valid_from", "pk"))
    treatment_in_force = {}
    for row in treatments:
        if row.valid_from <= month:
            treatment_in_force[(row.service, row.scheme)] = row
    rates = list(TreatmentImprovementRate.objects.filter(revision=in_force).order_by("pk")) if in_force else []
    for rate in rates:
        what = (f"{Service(rate.service).label}: {TreatmentScheme(rate.scheme).label} "
                f"{TreatmentCategory(rate.category).label}")
        labels[row_ref(rate)] = (what, fee_row_value(rate))
        chosen = treatment_in_force.get((rate.service, rate.scheme))
        if rate.to_verify and chosen is not None and chosen.category == rate.category:
            unverified.append(_to_verify(what=what, row=rate, revision=in_force, confirmations=confirmations))
    # the office reductions its settings in force switch on, at their rates in force
    reductions: dict[tuple[str, str], OfficeReductionRate] = {}
    for rate in (OfficeReductionRate.objects.filter(valid_from__lte=month).select_related("revision")
                 .order_by("valid_from", "pk")):
        reductions[(rate.service, rate.kind)] = rate
    for (service, kind), rate in sorted(reductions.items()):
        what = f"{Service(service).label}: {OfficeReductionKind(kind).label}"
        labels[row_ref(rate)] = (what, fee_row_value(rate))
        if rate.to_verify and settings_row is not None and getattr(settings_row, OFFICE_REDUCTION_FLAGS[kind]):
            unverified.append(_to_verify(what=what, row=rate, revision=rate.revision, confirmations=confirmations))
    codes = list(ServiceCode.objects.filter(revision=in_force)) if in_force else []
    for code in codes:
        labels[row_ref(code)] = (f"{code.get_service_display()} {code.item}", fee_row_value(code))
        code.confirmation = next((c for c in [confirmations.get(row_ref(code))] if c and c.value == code.code), None)
        code.row = row_ref(code)
    recorded = []
    for confirmation in sorted(confirmations.values(), key=lambda c: c.confirmed_at, reverse=True):
        what, now = labels.get(confirmation.row, (confirmation.row, None))
        recorded.append({"confirmation": confirmation, "what": what, "value_now": now,
                         "applies": now == confirmation.value if now is not None else None})
    return {
        "month": month,
        "in_force": in_force,
        "next": upcoming[0] if upcoming else None,
        "revisions": list(reversed(book.revisions)),
        "missing": missing_revisions(revisions=book.revisions, known=known_revisions(), day=month),
        "known": known_revisions(),
        "unverified": unverified,
        "unconfirmed": [v for v in unverified if v["confirmation"] is None],
        "confirmations": recorded,
        "service_codes": codes,
        "band": band,
        "area_grade": AreaGrade(book.area_grade_on(month)).label,
        "settings": list(reversed(book.settings)),
        "settings_row": settings_row,
        "settings_in_force": book.settings_on(month).valid_from,
        "treatments": sorted(treatments, key=lambda t: (t.service, t.scheme, -t.valid_from.toordinal())),
        "treatments_in_force": {t.pk for t in treatment_in_force.values()},
    }
