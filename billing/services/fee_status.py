"""Which revision each fee value of a month follows, and whether the month is verified (else 要確認).

A month is unverified when (a) a known revision (``fixtures/fees/known_revisions.json``) is effective on or
before its first day but its file is not loaded — the month is computed with what is loaded, which is older
than the law in force — or (b) a value a line uses (basic units, an add-on, the yen per unit) is marked to
verify in its revision.  Each line's explanation lists its values with their revision; the month's summary
carries the status, the pre-close list flags it (``CloseCheck.FEES_UNVERIFIED``) and the month page shows
要確認.  Pure: it reads the month as computed and the fee book already loaded (no query).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from billing.models import AddOnKind, FeeRevision, OfficeReductionKind, Service, TreatmentCategory, TreatmentScheme
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
            values.append(_value(f"reduction:{kind}", str(OfficeReductionKind(kind).label),
                                 f"{rate.percent} %" if rate.percent is not None else rate.units_per_day,
                                 rate.revision, rate.to_verify, row_ref(rate)))
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
    for line in claims.lines:
        line.fee_values = line_fee_values(
            book=book, line=line, month=month, transition_tier=transition_tier, support_tier=support_tier
        )
        for value in line.fee_values:
            if not value["verified"]:
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
def fee_page_facts(*, office, month: date) -> dict:
    """What the managers' fee page shows for ``month`` (first day): the revision in force and the next one
    loaded, with their sources; the known revisions not loaded; every value in force that is to verify; the
    office's dated settings.  A fixed number of queries (the fee book's, plus the service codes)."""
    from billing.models import OfficeFeeSettings, ServiceCode
    from billing.services.fees import fee_book_load

    book = fee_book_load(office=office)
    in_force = revision_in_force(book.revisions, month)
    upcoming = [r for r in book.revisions if r.effective_from > month]
    unverified = []
    band = book.capacity_on(month)
    for service in Service.values:
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
                    unverified.append(
                        {
                            "what": f"{Service(service).label}: {_('Basic fee')} ≥ {row.min_rate}",
                            "value": row.units,
                            "revision": revision_label(schedule.revision),
                        }
                    )
        price = book.price_row_on(service=service, day=month)
        if price is not None and price.to_verify:
            unverified.append(
                {
                    "what": f"{Service(service).label}: {_('Yen per unit')}",
                    "value": price.yen_per_unit,
                    "revision": revision_label(price.revision),
                }
            )
    for kind, rates in sorted(book.addons.items()):
        rate = next((r for r in reversed(rates) if r.valid_from <= month), None)
        if rate is not None and rate.to_verify:
            unverified.append(
                {"what": str(AddOnKind(kind).label), "value": rate.units, "revision": revision_label(rate.revision)}
            )
    codes = list(ServiceCode.objects.filter(revision=in_force)) if in_force else []
    return {
        "month": month,
        "in_force": in_force,
        "next": upcoming[0] if upcoming else None,
        "revisions": list(reversed(book.revisions)),
        "missing": missing_revisions(revisions=book.revisions, known=known_revisions(), day=month),
        "known": known_revisions(),
        "unverified": unverified,
        "service_codes": codes,
        "band": band,
        "area_grade": AreaGrade(book.area_grade_on(month)).label,
        "settings": list(OfficeFeeSettings.objects.filter(office=office).order_by("-valid_from")),
        "settings_in_force": book.settings_on(month).valid_from,
    }
