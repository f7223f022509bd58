"""Rules of issue 20's engine: the staff-pay add-on (処遇改善加算) on the month's units, the office-level
reductions (体制届), the service code of every billed item, the revision's retention-support fee basis and the
EXAMPLE revision kept to demonstration offices.  Every rate and code here is a test figure created in the
test (never the notice's)."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.documents.pdfs import billing_month_pdf
from billing.errors import BillingError, CloseCheck
from billing.models import (
    FeeRevision,
    OfficeReductionRate,
    OfficeTreatmentImprovement,
    ServiceCode,
    TreatmentImprovementRate,
)
from billing.services import tier as tier_module
from billing.services.checks import close_checks
from billing.services.claims import billing_month_compute, office_reduction_steps
from billing.services.closing import billing_month_close
from billing.services.fees import TierFee, fee_book_load
from billing.services.revisions import FEES_DIR, revision_data_check, revision_file_read, revision_load
from billing.services.rounding import units_less_percent, units_times_rate, units_to_yen
from billing.services.tier import retention_tier_override
from placements.models import FollowUpKind
from tests.billing.helpers import confirm_no_history_rate, retention_plan, weekdays
from tests.factories import (
    CertificateFactory,
    ClientFactory,
    HireFactory,
    SupportCertificateFactory,
    attend,
    followup,
    office_settings,
    plan,
)
from tests.helpers import codes_of
from tests.pdf_reading import pdf_text

JUNE = date(2024, 6, 1)
TIMES = {"start_time": time(10, 0), "end_time": time(15, 0)}
TEN_JUNE_DAYS = weekdays(date(2024, 6, 3), date(2024, 6, 14))  # 10 weekdays


@pytest.fixture
def office(world):
    """FY2024 at 811 units a day (the city's notice), 10 yen a unit (hand price with its reason)."""
    retention_tier_override(office=world.office, fiscal_year=2024, rate=Decimal("0.3"), reason="通知", by=world.manager)
    office_settings(world.office, yen_per_unit=Decimal("10.00"), yen_per_unit_reason="市の通知（テスト）")
    return world.office


def a_revision(effective_from=JUNE, **fields) -> FeeRevision:
    return FeeRevision.objects.create(effective_from=effective_from, title="テスト改定（架空の値）", **fields)


def treatment(office, revision, *, category="I", rate="0.102", service="transition", valid_from=JUNE):
    TreatmentImprovementRate.objects.create(revision=revision, service=service, scheme="unified", category=category,
                                            rate=Decimal(rate), to_verify=True)
    return OfficeTreatmentImprovement.objects.create(office=office, service=service, scheme="unified",
                                                     category=category, valid_from=valid_from)


def attending(office, days=TEN_JUNE_DAYS, *, with_plan=True):
    client = ClientFactory(office=office, enrolled_on=date(2024, 4, 1))
    CertificateFactory(client=client)
    if with_plan:
        plan(client, date(2024, 4, 1), date(2025, 3, 31), agreed_on=date(2024, 4, 5))
    attend(client, days, **TIMES)
    return client


def line_of(office, client, month=JUNE):
    claims = billing_month_compute(office=office, month=month)
    return claims, next(line for line in claims.lines if line.client == client)


# -- rounding ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("units", "rate", "expected"), [
    (12345, "0.102", 1259),  # 1,259.19 → 1,259
    (5, "0.1", 1),  # 0.5 → 1: half up
    (4, "0.1", 0),  # 0.4 → 0
    (8110, "0.0505", 410),  # 409.555 → 410
    (8100, "0.0505", 409),  # 409.05 → 409
])
def test_staff_pay_units_round_half_up(units, rate, expected):
    """Rule (billing.services.rounding.units_times_rate): the staff-pay add-on is the month's units × the rate,
    rounded to a whole unit half up (四捨五入)."""
    assert units_times_rate(units=units, rate=Decimal(rate)) == expected


def test_an_office_reduction_rounds_the_part_it_takes():
    """Rule (units_less_percent): 所定単位数の100分の1に相当する単位数を減算 — 650 less 1 % takes 7 (6.5 → 7)."""
    assert units_less_percent(units=650, percent=1) == 643
    assert units_less_percent(units=811, percent=1) == 803  # 8.11 → 8
    assert units_less_percent(units=1094, percent=5) == 1039  # 54.7 → 55


def test_office_reduction_steps_apply_in_order():
    """Rule (office_reduction_steps): each flagged reduction is a step on the units left by the one before."""
    one = OfficeReductionRate(kind="abuse_prevention", percent=1)
    units = OfficeReductionRate(kind="restraint", units_per_day=5)
    assert office_reduction_steps(units=811, rates=[("abuse_prevention", one), ("restraint", units)]) == (
        798, [{"reduction": "abuse_prevention", "percent": 1, "units_per_day": 803},
              {"reduction": "restraint", "units_taken": 5, "units_per_day": 798}])


# -- the staff-pay add-on ------------------------------------------------------------------------------------
def test_staff_pay_is_its_own_line_on_the_units_after_reductions_and_add_ons(office):
    """Rule (treatment_apply): 処遇改善 = (basic units after the missing-plan reduction + add-ons) × the rate
    of the office's category in the revision in force, half up; it is in the total, the yen and the
    co-payment."""
    revision = a_revision()
    treatment(office, revision, rate="0.102")
    office_settings(office, valid_from=JUNE, yen_per_unit=Decimal("10.00"), yen_per_unit_reason="市の通知（テスト）",
                    qualified_staff="i")
    client = attending(office, with_plan=False)  # in service since April with no plan: basic × 50 %
    _claims, line = line_of(office, client)
    assert line.basic[0].units_per_day == 406  # 811 × 50 % = 405.5 → 406
    assert line.basic_units == 4060
    assert line.addon_units == 150  # qualified staff (I) 15 × 10 days
    assert [(t.base_units, t.units) for t in line.treatment] == [(4210, 429)]  # 429.42 → 429
    assert line.total_units == 4060 + 150 + 429
    assert line.total_yen == units_to_yen(units=4639, yen_per_unit=Decimal("10.00"))
    assert line.copayment == min(line.total_yen // 10, line.copay_cap)
    explanation = line.explanation()
    assert explanation["treatment_units"] == 429
    assert explanation["treatment"][0]["item"] == "treatment:unified:I"
    value = next(v for v in line.fee_values if v["item"] == "treatment:unified:I")
    assert value["value"] == "0.1020" and not value["verified"]  # carried with its revision, 要確認


def test_a_month_before_the_category_has_no_staff_pay_line(office):
    """Rule: the office's category is a dated setting — May (before it) has no 処遇改善 line."""
    treatment(office, a_revision())
    client = attending(office, weekdays(date(2024, 5, 6), date(2024, 5, 17)))
    _claims, line = line_of(office, client, month=date(2024, 5, 1))
    assert line.treatment == [] and line.holds == []


def test_a_month_billed_later_takes_the_revision_of_its_service_month(office, settings):
    """Rule: rates come from the revision in force on the service month's first day, not on the day it is
    computed — June 2024 takes the 2024-06 rate even after a later revision with another rate is loaded."""
    treatment(office, a_revision(), rate="0.1")
    later = a_revision(effective_from=date(2026, 6, 1))
    TreatmentImprovementRate.objects.create(revision=later, service="transition", scheme="unified", category="I",
                                            rate=Decimal("0.2"))
    client = attending(office)
    _claims, line = line_of(office, client)
    assert line.treatment[0].rate == Decimal("0.1")


def test_a_category_the_revision_has_no_rate_for_holds_the_line_and_the_month(office, world):
    """Rule (TREATMENT_RATE_MISSING): the office claims a category with no rate in the revision in force —
    the line is held, the pre-close list blocks, closing refuses with that code."""
    OfficeTreatmentImprovement.objects.create(office=office, service="transition", scheme="unified", category="II",
                                              valid_from=JUNE)
    a_revision()  # in force from June, with no staff-pay table
    client = attending(office)
    claims, line = line_of(office, client)
    assert line.holds == [BillingError.TREATMENT_RATE_MISSING]
    assert line.claimed == 0 and line.treatment == []
    check = next(c for c in close_checks(claims=claims, earlier_open=[]) if c.code == CloseCheck.FEE_RATE_MISSING)
    assert check.blocks and "treatment:unified:II" in check.message
    with pytest.raises(ValidationError) as refused:
        billing_month_close(office=office, month=JUNE, by=world.manager)
    assert codes_of(refused.value) == {BillingError.TREATMENT_RATE_MISSING}


def test_a_category_set_to_none_ends_it(office):
    """Rule: an empty category from a month ends the add-on."""
    treatment(office, a_revision())
    OfficeTreatmentImprovement.objects.create(office=office, service="transition", scheme="unified", category="",
                                              valid_from=date(2024, 6, 1).replace(month=7))
    client = attending(office, weekdays(date(2024, 7, 1), date(2024, 7, 12)))
    _claims, line = line_of(office, client, month=date(2024, 7, 1))
    assert line.treatment == [] and line.holds == []


# -- office reductions ---------------------------------------------------------------------------------------
def test_an_office_reduction_takes_its_share_of_each_day_after_the_clients_reductions(office):
    """Rule (office_reduction_steps): a flagged office reduction (虐待防止措置未実施減算, a test 1 %) applies
    to each day's basic units after the missing-plan reduction, and is named on the line."""
    revision = a_revision()
    OfficeReductionRate.objects.create(revision=revision, service="transition", kind="abuse_prevention",
                                       valid_from=JUNE, percent=1, to_verify=True)
    office_settings(office, valid_from=JUNE, yen_per_unit=Decimal("10.00"), yen_per_unit_reason="市の通知（テスト）",
                    abuse_prevention_missing=True)
    client = attending(office, with_plan=False)
    _claims, line = line_of(office, client)
    group = line.basic[0]
    assert [s["reduction"] for s in group.steps] == ["plan_missing", "abuse_prevention"]
    assert group.units_per_day == 402  # 811 × 50 % = 406, less 1 % (4.06 → 4)
    assert group.item == "basic:1-20:0.3:plan_missing_50:abuse_prevention"
    assert any(v["item"] == "reduction:abuse_prevention" and not v["verified"] for v in line.fee_values)


def test_an_office_reduction_with_no_rate_holds_the_line(office, world):
    """Rule (OFFICE_REDUCTION_RATE_MISSING): computing without the reduction would claim too much — held."""
    office_settings(office, valid_from=JUNE, yen_per_unit=Decimal("10.00"), yen_per_unit_reason="市の通知（テスト）",
                    continuity_plan_missing=True)
    client = attending(office)
    _claims, line = line_of(office, client)
    assert line.holds == [BillingError.OFFICE_REDUCTION_RATE_MISSING]
    with pytest.raises(ValidationError) as refused:
        billing_month_close(office=office, month=JUNE, by=world.manager)
    assert codes_of(refused.value) == {BillingError.OFFICE_REDUCTION_RATE_MISSING}


# -- service codes -------------------------------------------------------------------------------------------
def test_every_billed_item_carries_the_code_of_the_revision_in_force(office):
    """Rule (line_codes): basic days, each add-on and the staff-pay line each carry their service code; their
    units add up to the line's total; an item with no code is listed in the month's fee status (the month page
    says so; the electronic claim refuses the month)."""
    revision = a_revision()
    treatment(office, revision, rate="0.1")
    office_settings(office, valid_from=JUNE, yen_per_unit=Decimal("10.00"), yen_per_unit_reason="市の通知（テスト）",
                    qualified_staff="i")
    ServiceCode.objects.create(revision=revision, service="transition", item="basic:1-20:0.3", code="43T001",
                               form_type="0101")
    ServiceCode.objects.create(revision=revision, service="transition", item="treatment:unified:I", code="43T900")
    client = attending(office)
    claims, line = line_of(office, client)
    codes = {c["item"]: c for c in line.codes}
    assert codes["basic:1-20:0.3"]["code"] == "43T001" and codes["basic:1-20:0.3"]["count"] == 10
    assert codes["treatment:unified:I"]["code"] == "43T900"
    assert codes["qualified_staff_i"]["code"] == ""  # not in the test table
    assert sum(c["units"] for c in line.codes) == line.total_units
    assert claims.fee_status["service_codes_missing"] == ["transition:qualified_staff_i"]


def test_codes_do_not_carry_over_from_an_earlier_revision(office):
    """Rule (FeeBook.code_for): each revision publishes its whole code table — a month under a later revision
    without codes has none, not the earlier revision's."""
    earlier = a_revision()
    ServiceCode.objects.create(revision=earlier, service="transition", item="basic:1-20:0.3", code="43T001")
    a_revision(effective_from=date(2024, 7, 1))
    client = attending(office, weekdays(date(2024, 7, 1), date(2024, 7, 12)))
    _claims, line = line_of(office, client, month=date(2024, 7, 1))
    assert [c["code"] for c in line.codes] == [""]


# -- EXAMPLE data --------------------------------------------------------------------------------------------
def test_example_revision_is_used_by_a_demonstration_office_only(office, world):
    """Rule (usable_revisions): a revision flagged EXAMPLE never reaches a real office; a demonstration office
    uses it, and its months say so (fee status ``example``)."""
    revision_load(data=revision_file_read(FEES_DIR / "example-2026-06.json"), by=world.manager)
    june = date(2026, 6, 1)
    retention_tier_override(office=office, fiscal_year=2026, rate=Decimal("0.3"), reason="通知", by=world.manager)
    OfficeTreatmentImprovement.objects.create(office=office, service="transition", scheme="unified", category="Ia",
                                              valid_from=june)
    client = ClientFactory(office=office, enrolled_on=date(2026, 4, 1))
    CertificateFactory(client=client, period_start=date(2026, 4, 1), period_end=date(2027, 3, 31))
    plan(client, date(2026, 4, 1), date(2027, 3, 31), agreed_on=date(2026, 4, 5))
    attend(client, weekdays(date(2026, 6, 1), date(2026, 6, 12)), **TIMES)
    assert all(not r.example for r in fee_book_load(office=office).revisions)
    _claims, line = line_of(office, client, month=june)
    assert line.holds == [BillingError.TREATMENT_RATE_MISSING]  # the real office has no rate: held, not guessed
    office.demo = True
    office.save()
    claims, line = line_of(office, client, month=june)
    assert line.holds == [] and line.treatment[0].rate == Decimal("0.1")
    assert all(c["code"].startswith("43X") for c in line.codes)
    assert claims.fee_status["example"] and not claims.fee_status["verified"]


# -- the retention-support fee basis -------------------------------------------------------------------------
def test_the_retention_support_basis_is_the_latest_a_revision_states(office):
    """Rule (FeeBook.retention_support_basis_on): a revision that leaves the basis empty keeps the earlier one."""
    a_revision()
    book = fee_book_load(office=office)
    assert book.retention_support_basis_on(JUNE) == "employed_share_3y"


def test_the_claim_uses_the_fee_function_of_the_basis_in_force(world, monkeypatch):
    """Rule: the 就労定着支援 fee comes from the basis the revision in force names
    (``tier.RETENTION_SUPPORT_BASES``): a new basis is a new function, not an edit of the old one — here a
    stand-in function for the basis is what the month's line bills."""
    called = []

    def fee(*, book, day, users, tier):
        called.append((day, users))
        return TierFee(units=1000, min_rate=Decimal(0), min_inclusive=True, max_rate=None, schedule_name="t",
                       schedule_from=day)

    basis = tier_module.RETENTION_SUPPORT_BASES["employed_share_3y"]
    monkeypatch.setitem(tier_module.RETENTION_SUPPORT_BASES, "employed_share_3y",
                        tier_module.RetentionSupportFeeBasis(rate=basis.rate, fee=fee))
    office_settings(world.office, runs_retention_support=True)
    confirm_no_history_rate(world.office, world.manager)
    client = ClientFactory(office=world.office)
    SupportCertificateFactory(client=client)
    retention_plan(client)
    hire = HireFactory(client=client, office=world.office, start_date=date(2023, 10, 1))
    followup(hire, date(2024, 5, 10))
    followup(hire, date(2024, 5, 20), kind=FollowUpKind.SUPPORT_REPORT)
    [line] = [line for line in billing_month_compute(office=world.office, month=date(2024, 5, 1)).lines
              if line.service == "retention_support"]
    assert called == [(date(2024, 5, 1), 1)]
    assert line.basic_units == 1000


# -- the revision file -------------------------------------------------------------------------------------
def a_staff_pay_revision(**changes) -> dict:
    data = revision_data_check({
        "format": "compostela-fee-revision/1", "effective_from": "2024-06-01", "title": "テスト改定（架空の値）",
        "notice_number": "", "source_url": None, "checked_on": None, "checked_by": "",
        "basic_fees": [], "addons": [], "area_prices": [], "service_codes": [],
        "treatment_improvement": [{"service": "transition", "scheme": "unified", "category": "I", "rate": "0.102",
                                   "verified": False}],
        "office_reductions": [{"service": "transition", "kind": "abuse_prevention", "percent": 1,
                               "verified": False}],
    } | changes)
    return data


def test_a_revision_loads_staff_pay_rates_and_office_reductions_once(world):
    """Rule: a revision's staff-pay rates and office reductions load with it; loading it twice changes
    nothing."""
    first = revision_load(data=a_staff_pay_revision(), by=world.manager)
    assert len(first.changed) == 3
    assert TreatmentImprovementRate.objects.get().rate == Decimal("0.102")
    assert OfficeReductionRate.objects.get().percent == 1
    assert revision_load(data=a_staff_pay_revision(), by=world.manager).changed == []


@pytest.mark.parametrize(("change", "path"), [
    ({"treatment_improvement": [{"service": "transition", "scheme": "unified", "category": "I", "rate": "1.2",
                                 "verified": False}]}, "$.treatment_improvement[0].rate"),
    ({"treatment_improvement": [{"service": "transition", "scheme": "unified", "category": "VI", "rate": "0.1",
                                 "verified": False}]}, "$.treatment_improvement[0].category"),
    ({"office_reductions": [{"service": "transition", "kind": "restraint", "percent": 1, "units_per_day": 5,
                             "verified": False}]}, "$.office_reductions[0]"),
    ({"retention_support_basis": "by_hours"}, "$.retention_support_basis"),
])
def test_a_malformed_staff_pay_or_reduction_value_is_refused_with_its_path(change, path):
    """Rule: a malformed value is refused with the JSON path of the value; nothing is loaded."""
    with pytest.raises(ValidationError) as refused:
        a_staff_pay_revision(**change)
    assert codes_of(refused.value) == {BillingError.REVISION_FILE_INVALID}
    assert any(path in message for message in refused.value.messages)


def test_the_statement_pdf_prints_the_staff_pay_line_its_code_and_the_example_band(office, world):
    """Rule: every document carries the staff-pay line with its units and code, and a month computed from
    EXAMPLE data says 見本 (not for submission) and 要確認."""
    revision_load(data=revision_file_read(FEES_DIR / "example-2026-06.json"), by=world.manager)
    office.demo = True
    office.save()
    june = date(2026, 6, 1)
    retention_tier_override(office=office, fiscal_year=2026, rate=Decimal("0.3"), reason="通知", by=world.manager)
    OfficeTreatmentImprovement.objects.create(office=office, service="transition", scheme="unified", category="Ia",
                                              valid_from=june)
    client = ClientFactory(office=office, enrolled_on=date(2026, 4, 1), family_name="見本", given_name="花子")
    CertificateFactory(client=client, period_start=date(2026, 4, 1), period_end=date(2027, 3, 31))
    plan(client, date(2026, 4, 1), date(2027, 3, 31), agreed_on=date(2026, 4, 5))
    attend(client, weekdays(date(2026, 6, 1), date(2026, 6, 12)), **TIMES)
    _claims, line = line_of(office, client, month=june)
    text = "".join(pdf_text(billing_month_pdf(office=office, month=june)).split())
    assert "見本" in text and "要確認" in text
    assert "福祉・介護職員等処遇改善加算" in text
    assert line.codes[-1]["code"] in text  # the staff-pay line's (EXAMPLE) code
    assert f"{line.treatment_units:,}" in text


def test_an_example_value_cannot_be_confirmed_against_a_notice(world):
    """Rule (fee_value_confirm, FEE_VALUE_EXAMPLE): made-up EXAMPLE figures are never the notice's — a
    manager cannot confirm one, and the fee page offers no form for it."""
    from billing.services.fee_confirmations import fee_value_confirm
    from billing.services.fees import row_ref

    revision_load(data=revision_file_read(FEES_DIR / "example-2026-06.json"), by=world.manager)
    rate = TreatmentImprovementRate.objects.filter(revision__example=True).first()
    with pytest.raises(ValidationError) as refused:
        fee_value_confirm(office=world.office, row=row_ref(rate), value=str(rate.rate), notice="告示 p.1",
                          by=world.manager)
    assert codes_of(refused.value) == {BillingError.FEE_VALUE_EXAMPLE}
