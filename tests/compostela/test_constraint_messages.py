"""Rule: every database constraint speaks the user's language.  Each one carries its translated
``violation_error_message`` and a ``violation_error_code`` of its app's error enum, and breaking it through
the code that writes its model (the service, or ``full_clean`` where no user input reaches the model) gives
that message and code on the field the user corrects — a ``ValidationError``, never an ``IntegrityError``
and a 500, never 「制約 “…” に違反しています。」.

``CASES`` holds one way to break each constraint; a constraint added without its case fails
``test_every_constraint_has_a_case``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import BaseConstraint, TextChoices
from django.urls import reverse
from django.utils import timezone, translation

from attendance.models import AttendanceStatus, ClosedMonth, GrantedDaysOverride
from attendance.services import AttendanceRow, DayRejected, attendance_record_day, regional_meeting_record
from billing.documents.services import billing_document_request
from billing.models import (
    AddOnRate,
    AreaUnitPrice,
    BasicFee,
    ClaimLine,
    CopayCapDecision,
    CopayCapManagement,
    CopayCapProvider,
    DocumentKind,
    DocumentStatus,
    FeeRevision,
    FeeSchedule,
    GeneratedDocument,
    MonthClosing,
    OfficeReductionRate,
    OfficeTreatmentImprovement,
    Service,
    ServiceCode,
    TreatmentImprovementRate,
)
from billing.services.closing import billing_month_close, billing_month_reopen
from billing.services.fee_confirmations import fee_value_confirm
from billing.services.tier import retention_support_no_history_rate_set, retention_tier_override
from clients.models import (
    CertificateService,
    ClientStatus,
    DisabilityCertificateKind,
    PensionGrade,
    PensionKind,
    PlanGoal,
    PlanSignature,
    ServicePeriod,
)
from clients.plans import (
    Progress,
    support_plan_close,
    support_plan_create,
    support_plan_record_agreement,
    support_plan_record_consultation_copy,
    support_plan_record_delivery,
    support_plan_record_meeting,
    support_plan_review_add,
)
from clients.services import (
    career_profile_update,
    case_note_add,
    certificate_add,
    client_update,
    health_update,
    sensitive_export_record,
)
from compostela.constraints import FieldCheckConstraint, FieldExclusionConstraint, FieldUniqueConstraint
from compostela.models import Membership, Office, OfficeCapacity, ReadPage, Role, SensitiveRead
from compostela.services import user_set_language
from placements.models import Employer, EmployerPerson, EmploymentForm, JobEndReason, RecruitmentType
from placements.services import (
    application_record_result,
    employer_contact_log,
    employer_create,
    employer_person_add,
    followup_record,
    interview_record,
    outreach_record,
    placement_record_hire,
    placement_record_job_end,
)
from regulations.models import RegulatoryFigures
from review.models import CaseReviewMark
from review.services import case_review_mark, case_review_settings_save
from tests.conftest import TODAY, World
from tests.factories import (
    ApplicationFactory,
    CertificateFactory,
    ClientFactory,
    EmployerFactory,
    HireFactory,
    SupportPlanFactory,
    capacity,
    office_settings,
)

pytestmark = pytest.mark.django_db

APPS = ("compostela", "regulations", "clients", "attendance", "placements", "billing", "review")
FIELD_CONSTRAINTS = (FieldCheckConstraint, FieldUniqueConstraint, FieldExclusionConstraint)


def our_constraints() -> dict[str, tuple[type, BaseConstraint]]:
    """name → (model, constraint) for every constraint of our apps' models (the audit trail's event models,
    made by pghistory, carry none)."""
    found = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for constraint in model._meta.constraints:
                found[constraint.name] = (model, constraint)
    return found


def error_enum(label: str) -> type[TextChoices]:
    module = import_module(f"{label}.errors")
    (enum,) = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, TextChoices) and value.__name__.endswith("Error")
    ]
    return enum


# --- Ways to break each rule ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    breaks: Callable[[World], object]  # the write that breaks the rule (it must be refused)
    field: str | None  # where the message shows; None: on top of the form
    # The code of the field's own check that refuses the value before the constraint is reached (Django's
    # choices, blank or min/max check of the same rule): the constraint's message then backs it up only.
    first: str | None = None


def _client(world: World, **fields):
    return ClientFactory(office=world.office, **fields)


def _hire_kwargs(world: World, **changes) -> dict:
    client = _client(world, first_visit_on=date(2024, 3, 18))
    kwargs = dict(
        client=client,
        employer=EmployerFactory(office=world.office),
        job_title="ピッキング",
        job_field="warehouse",
        recruitment_type=RecruitmentType.DISABILITY_QUOTA,
        start_date=date(2025, 5, 1),
        hours_per_week=Decimal("20"),
        hourly_wage=1010,
        employment_form=EmploymentForm.PERMANENT,
        disclosed=True,
        by=world.staff,
    )
    return {**kwargs, **changes}


def _hire(world: World):
    return HireFactory(office=world.office, start_date=date(2025, 5, 1), created_by=world.staff)


def _followup(world: World, **changes):
    return followup_record(
        **{
            "hire": _hire(world),
            "day": date(2025, 6, 2),
            "staff": world.staff,
            "kind": "face_to_face",
            "minutes": 30,
            "by": world.staff,
            **changes,
        }
    )


def _outreach(world: World, **changes):
    return outreach_record(
        **{
            "client": _client(world),
            "day": date(2025, 6, 2),
            "staff": world.staff,
            "kind": "home_visit",
            "minutes": 30,
            "by": world.staff,
            **changes,
        }
    )


def _contact(world: World, **changes):
    return employer_contact_log(
        **{
            "office": world.office,
            "employer": EmployerFactory(office=world.office),
            "day": date(2025, 6, 2),
            "staff": world.staff,
            "kind": "first_visit",
            "by": world.staff,
            **changes,
        }
    )


def _application(world: World, **changes):
    return ApplicationFactory(office=world.office, created_by=world.staff, **changes)


def _certificate(world: World, client=None, **changes):
    kwargs = dict(
        client=client or _client(world),
        number="0123456789",
        municipality="札幌市",
        period_start=date(2025, 4, 1),
        period_end=date(2026, 3, 31),
        income_category="general_1",
        copay_cap=9300,
        by=world.staff,
    )
    return certificate_add(**{**kwargs, **changes})


def _overlapping_certificate(service: str) -> Callable[[World], object]:
    def breaks(world: World):
        client = _client(world)
        _certificate(world, client, service=service)
        _certificate(world, client, service=service, period_start=date(2025, 10, 1), period_end=date(2026, 9, 30))

    return breaks


def _plan(world: World, **changes):
    return SupportPlanFactory(client=_client(world), created_by=world.supervisor, **changes)


def _plan_create(world: World, *, service=None, goals=(), **changes):
    data = {"period_start": date(2025, 5, 1), "period_end": date(2025, 10, 31), "long_term_goal": "通所",
            "overall_policy": "面談", **changes}
    return support_plan_create(client=_client(world), data=data, goals=goals, service=service,
                               created_on=date(2025, 5, 1), by=world.supervisor)


def _revising_itself(world: World):
    plan = _plan(world)
    plan.revises_id = plan.pk
    return _cleaned(plan)


def _goal(world: World):
    return PlanGoal.objects.create(plan=_plan(world), order=1, goal="通所", support="面談")


def _monitoring(world: World, status: str, twice: bool = False):
    goal = PlanGoal.objects.create(plan=_plan(world, agreed_on=date(2025, 5, 8)), order=1, goal="通所", support="面談")
    rows = [Progress(goal, status)] * (2 if twice else 1)
    return support_plan_review_add(plan=goal.plan, reviewed_on=date(2025, 6, 1), summary="順調", progress=rows,
                                   by=world.supervisor)


def _signature(world: World):
    return PlanSignature.objects.create(plan=_plan(world, agreed_on=date(2025, 5, 8)), kind="scan",
                                        signed_on=date(2025, 5, 8), content=b"%PDF-1.7", content_type="application/pdf",
                                        recorded_by=world.supervisor)


def _health(world: World, **data):
    return health_update(client=_client(world), data=data, diagnoses=[], by=world.staff)


def _profile(world: World, data=None, jobs=()):
    return career_profile_update(client=_client(world), data=data or {}, jobs=jobs, by=world.staff)


def _day(world: World, **row):
    client = _client(world)
    CertificateFactory(client=client)
    return attendance_record_day(
        office=world.office,
        day=date(2025, 6, 2),
        by=world.staff,
        rows=[AttendanceRow(client_id=client.pk, loaded_version=0, loaded_fingerprint="", **row)],
    )


def _twice_in_a_day(world: World):
    client = _client(world)
    CertificateFactory(client=client)
    row = AttendanceRow(
        client_id=client.pk,
        status=AttendanceStatus.ATTENDED,
        start_time=time(10),
        end_time=time(15),
        loaded_version=0,
        loaded_fingerprint="",
    )
    return attendance_record_day(office=world.office, day=date(2025, 6, 2), by=world.staff, rows=[row, row])


def _cleaned(instance):
    """What the admin and every service do before saving: ``full_clean``."""
    instance.full_clean()
    return instance


def _changed(make: Callable[[World], object], **changes) -> Callable[[World], object]:
    """Break a rule of a model no user input writes (fee tables, claim snapshots, print jobs): change a saved
    row and validate it as every writer does."""

    def breaks(world: World):
        instance = make(world)
        for name, value in changes.items():
            setattr(instance, name, value)
        return _cleaned(instance)

    return breaks


def _copy(make: Callable[[World], object], **changes) -> Callable[[World], object]:
    """A second row like a saved one: breaks the rule that there is only one."""

    def breaks(world: World):
        instance = make(world)
        instance.pk = None
        instance._state.adding = True
        for name, value in changes.items():
            setattr(instance, name, value)
        return _cleaned(instance)

    return breaks


def _office(world: World):
    return Office.objects.get(pk=world.office.pk)


def _figures(world: World):
    return RegulatoryFigures.objects.order_by("valid_from").first()


def _first(model) -> Callable[[World], object]:
    return lambda world: model.objects.order_by("pk").first()


def _service_code(world: World) -> ServiceCode:
    # a test value, not a code of the ministry's table
    return ServiceCode.objects.create(revision=FeeRevision.objects.order_by("pk").first(), service=Service.TRANSITION,
                                      item="test", code="43ZZZZ")


def _treatment_rate(world: World) -> TreatmentImprovementRate:
    # a test rate, not the notice's
    return TreatmentImprovementRate.objects.create(revision=FeeRevision.objects.order_by("pk").first(),
                                                   service=Service.TRANSITION, scheme="unified", category="I",
                                                   rate=Decimal("0.1"))


def _reduction_rate(world: World) -> OfficeReductionRate:
    # a test rate, not the notice's
    return OfficeReductionRate.objects.create(service=Service.TRANSITION, kind="abuse_prevention",
                                              valid_from=date(2024, 6, 1), percent=1)


def _office_treatment(world: World) -> OfficeTreatmentImprovement:
    return OfficeTreatmentImprovement.objects.create(office=world.office, service=Service.TRANSITION,
                                                     scheme="unified", category="I", valid_from=date(2024, 6, 1))


def _fee_settings(world: World):
    return office_settings(world.office)


def _fee_confirmation(world: World, notice: str = "報酬告示 p.3"):
    from billing.services.fees import row_ref

    rate = AddOnRate.objects.filter(to_verify=True).order_by("pk").first()
    return fee_value_confirm(office=world.office, row=row_ref(rate), value=str(rate.units), notice=notice,
                             by=world.manager)


def _closing(world: World) -> MonthClosing:
    return billing_month_close(office=world.office, month=date(2025, 4, 1), by=world.manager)


def _claim_line(world: World) -> ClaimLine:
    return ClaimLine.objects.create(
        closing=_closing(world),
        service=Service.TRANSITION,
        client=_client(world),
        client_name="佐々木 花子",
        billable_days=1,
        basic_units=500,
        addon_units=0,
        total_units=500,
        yen_per_unit=Decimal("10.00"),
        total_yen=5000,
        copayment=500,
        claimed=4500,
        explanation={},
    )


def _invoice(world: World):
    from billing.papers.services import client_invoices_issue
    from tests.billing.papers.conftest import APRIL, build_papers_month

    papers = build_papers_month(world)
    client_invoices_issue(office=world.office, month=APRIL, by=world.manager)
    invoice = papers.closing.invoices.get(client=papers.ichiro)
    invoice.other_client_id = papers.saburo.pk
    return invoice


def _invoice_of_another_client(world: World):
    invoice = _invoice(world)
    invoice.client_id = invoice.other_client_id
    return invoice


def _payment(world: World):
    from billing.papers.services import client_payment_record

    return client_payment_record(invoice=_invoice(world), paid_on=date(2025, 6, 2), amount=1000, method="cash",
                                 by=world.manager)


def _federation_payment(world: World):
    from billing.papers.services import federation_payment_record
    from tests.billing.papers.conftest import APRIL, CLAIMED, build_papers_month

    build_papers_month(world)
    return federation_payment_record(office=world.office, month=APRIL, received_on=date(2025, 6, 10), amount=CLAIMED,
                                     by=world.manager)


def _notice(world: World):
    return _federation_payment(world).notices.order_by("pk").first()


def _submission(world: World, file_name: str = "J2504V01.CSV"):
    """The sending of April 2025's file (one line), on the day it was closed (the clock's TODAY)."""
    from billing.submissions.services import claim_submission_record

    line = _claim_line(world)
    return claim_submission_record(office=world.office, month=line.closing.month, version=line.closing.version,
                                   file_name=file_name, sent_on=TODAY, by=world.manager)


def _result(world: World, status: str = "accepted"):
    from billing.submissions.services import claim_line_result_record

    submission = _submission(world)
    return claim_line_result_record(submission=submission, line=submission.closing.lines.get(), status=status,
                                    notice_on=TODAY, return_reason="PB07", by=world.manager)


def _late_claim(world: World):
    from billing.submissions.services import claim_line_reclaim

    return claim_line_reclaim(result=_result(world, "returned"), month=date(2025, 5, 1), by=world.manager)


def _document(world: World) -> GeneratedDocument:
    return GeneratedDocument.objects.create(
        office=world.office, kind=DocumentKind.MONTH_SUMMARY, month=date(2025, 4, 1), requested_by=world.manager
    )


def _cap_decision(world: World) -> CopayCapDecision:
    client = _client(world)
    certificate = CertificateFactory(client=client, period_start=date(2025, 4, 1), period_end=date(2026, 3, 31))
    return CopayCapDecision.objects.create(
        office=world.office, client=client, month=date(2025, 4, 1), certificate=certificate, copay_cap=9300,
        decided_by=world.manager, decided_at=timezone.now(),
    )


def _cap_management(world: World) -> CopayCapManagement:
    """Another office's result of a client's month (上限額管理)."""
    return CopayCapManagement.objects.create(
        office=world.office, client=_client(world), month=date(2025, 5, 1), managed_by="other_office", result=2,
        amount=0, entered_by=world.manager, entered_at=timezone.now(),
    )


def _cap_provider(world: World) -> CopayCapProvider:
    """Another provider of a month this office manages the cap of."""
    management = CopayCapManagement.objects.create(
        office=world.office, client=_client(world), month=date(2025, 5, 1), managed_by="this_office",
        entered_by=world.manager, entered_at=timezone.now(),
    )
    return CopayCapProvider.objects.create(management=management, position=1, office_number="0110000777",
                                           office_name="さっぽろ生活介護", total_yen=50_000, copay_yen=5_000)


def _read(world: World) -> SensitiveRead:
    return SensitiveRead.objects.create(
        office=world.office, user=world.staff, client_id=_client(world).pk, page=ReadPage.CLIENT, path="/clients/1/"
    )


def _mark(world: World) -> CaseReviewMark:
    return case_review_mark(office=world.office, client=_client(world), day=TODAY, by=world.supervisor)


def _override(world: World) -> GrantedDaysOverride:
    return GrantedDaysOverride.objects.create(
        client=_client(world), month=date(2025, 6, 1), reason="通院のため", confirmed_by=world.supervisor
    )


def _meeting(world: World, **changes):
    return regional_meeting_record(**{"office": world.office, "client": _client(world), "day": date(2025, 6, 2),
                                      "kind": "i", "participants": "相談支援事業所", "by": world.staff, **changes})


def _meeting_twice(world: World):
    client = _client(world)
    return [_meeting(world, client=client) for _ in range(2)]


def _period(world: World) -> ServicePeriod:
    return _client(world).periods.get()


CASES: dict[str, Case] = {
    # compostela
    "user_language_known": Case(
        lambda w: user_set_language(user=w.staff, language="fr"), "language", first="invalid_choice"
    ),
    "office_number_ten_digits": Case(_changed(_office, number="12345"), "number", first="office_number_format"),
    "office_capacity_positive": Case(_changed(_office, capacity=0), "capacity"),
    "office_prefecture_number_two_digits": Case(
        _changed(_office, prefecture_number="1"), "prefecture_number", first="prefecture_number_format"
    ),
    "office_claim_file_municipality_six_digits": Case(
        _changed(_office, claim_file_municipality_number="01100"), "claim_file_municipality_number",
        first="claim_municipality_format",
    ),
    "office_area_grade_known": Case(_changed(_office, area_grade="9"), "area_grade", first="invalid_choice"),
    "office_capacity_one_per_day": Case(_copy(lambda w: capacity(w.office, date(2025, 4, 1), 20)), "valid_from"),
    "office_capacity_history_positive": Case(
        lambda w: _cleaned(OfficeCapacity(office=w.office, valid_from=date(2025, 4, 1), capacity=0)), "capacity"
    ),
    "membership_one_role_per_office": Case(
        lambda w: _cleaned(Membership(user=w.staff, office=w.office, role=Role.MANAGER)), "office"
    ),
    "sensitive_read_page_known": Case(_changed(_read, page="diary"), "page", first="invalid_choice"),
    "membership_role_known": Case(
        _changed(lambda w: Membership.objects.get(user=w.staff), role="boss"), "role", first="invalid_choice"
    ),
    # regulations (the admin's form validates with full_clean)
    "regulatory_figures_copay_percent_max_100": Case(_changed(_figures, copay_percent=101), "copay_percent"),
    "regulatory_figures_over_capacity_percent_1_100": Case(
        _changed(_figures, over_capacity_percent=0), "over_capacity_percent"
    ),
    "regulatory_figures_plan_missing_early_percent_1_100": Case(
        _changed(_figures, plan_missing_early_percent=0), "plan_missing_early_percent"
    ),
    "regulatory_figures_plan_missing_later_percent_1_100": Case(
        _changed(_figures, plan_missing_later_percent=101), "plan_missing_later_percent"
    ),
    "regulatory_figures_plan_missing_early_months_1": Case(
        _changed(_figures, plan_missing_early_months=0), "plan_missing_early_months"
    ),
    "regulatory_figures_plan_monitoring_transition_1": Case(
        _changed(_figures, plan_monitoring_months_transition=0), "plan_monitoring_months_transition"
    ),
    "regulatory_figures_plan_monitoring_retention_1": Case(
        _changed(_figures, plan_monitoring_months_retention=0), "plan_monitoring_months_retention"
    ),
    "regulatory_figures_new_office_rate_0_1": Case(
        _changed(_figures, new_office_rate=Decimal("1.5")), "new_office_rate"
    ),
    "regulatory_figures_source_named": Case(_changed(_figures, source_title=""), "source_title", first="blank"),
    "regulatory_figures_verified_says_when_and_by_whom": Case(
        _changed(_figures, to_verify=False, checked_on=None, checked_by=""), "checked_by"
    ),
    # clients
    "client_status_known": Case(_changed(_client, status="gone"), "status", first="invalid_choice"),
    "client_referral_source_known": Case(
        lambda w: client_update(client=_client(w), data={"referral_source": "tv"}, by=w.staff),
        "referral_source",
        first="invalid_choice",
    ),
    "client_enrolled_after_first_visit": Case(
        lambda w: client_update(client=_client(w), data={"first_visit_on": date(2024, 5, 1)}, by=w.staff), "enrolled_on"
    ),
    "client_ended_has_date": Case(_changed(_client, status=ClientStatus.ENDED, ended_on=None), "ended_on"),
    "client_usual_end_after_start": Case(
        lambda w: client_update(client=_client(w), data={"usual_start": time(15), "usual_end": time(10)}, by=w.staff),
        "usual_end",
    ),
    "period_end_after_start": Case(_changed(_period, ended_on=date(2024, 1, 1)), "ended_on"),
    "period_no_overlap_per_client": Case(_copy(_period, started_on=date(2025, 1, 1)), "started_on"),
    "certificate_number_ten_digits": Case(
        lambda w: _certificate(w, number="12345"), "number", first="certificate_number_format"
    ),
    "certificate_end_after_start": Case(lambda w: _certificate(w, period_end=date(2025, 3, 1)), "period_end"),
    "certificate_municipality_number_six_digits": Case(
        lambda w: _certificate(w, municipality_number="01100"), "municipality_number",
        first="municipality_number_format",
    ),
    "certificate_decision_service_code_format": Case(
        lambda w: _certificate(w, decision_service_code="43-001"), "decision_service_code",
        first="decision_service_code_format",
    ),
    "certificate_provider_entry_number_1_99": Case(
        lambda w: _certificate(w, provider_entry_number=100), "provider_entry_number", first="max_value"
    ),
    "certificate_cap_management_known": Case(
        lambda w: _certificate(w, cap_management="x"), "cap_management", first="invalid_choice"
    ),
    "certificate_cap_manager_number_ten_digits": Case(
        lambda w: _certificate(w, cap_management="other_office", cap_manager_number="0110", cap_manager_name="つばさ"),
        "cap_manager_number", first="cap_manager_number_format",
    ),
    "certificate_other_cap_manager_named": Case(
        lambda w: _certificate(w, cap_management="other_office"), "cap_manager_number"
    ),
    "certificate_cap_manager_only_other": Case(
        lambda w: _certificate(w, cap_manager_number="0110000999", cap_manager_name="つばさ"), "cap_manager_number"
    ),
    "certificate_granted_days_1_31": Case(
        lambda w: _certificate(w, granted_days=40), "granted_days", first="max_value"
    ),
    "certificate_income_category_known": Case(
        lambda w: _certificate(w, income_category="rich", copay_cap=0), "income_category", first="invalid_choice"
    ),
    "certificate_service_known": Case(lambda w: _certificate(w, service="care"), "service", first="invalid_choice"),
    "certificate_no_overlap_per_client_transition": Case(
        _overlapping_certificate(CertificateService.TRANSITION), "period_start"
    ),
    "certificate_no_overlap_per_client_retention_support": Case(
        _overlapping_certificate(CertificateService.RETENTION_SUPPORT), "period_start"
    ),
    "plan_end_after_start": Case(lambda w: _plan_create(w, period_end=date(2025, 4, 1)), "period_end"),
    "plan_agreed_after_created": Case(
        lambda w: support_plan_record_agreement(plan=_plan(w), agreed_on=date(2025, 4, 1), by=w.supervisor), "agreed_on"
    ),
    "plan_closed_after_created": Case(
        lambda w: support_plan_close(plan=_plan(w), closed_on=date(2025, 4, 1), by=w.supervisor), "closed_on"
    ),
    "plan_review_has_summary": Case(
        lambda w: support_plan_review_add(plan=_plan(w, agreed_on=date(2025, 5, 8)), reviewed_on=date(2025, 6, 1),
                                          summary="", by=w.supervisor),
        "summary",
        first="blank",
    ),
    "plan_service_known": Case(lambda w: _plan_create(w, service="care"), "service", first="invalid_choice"),
    "plan_version_once": Case(_copy(_plan), "version"),
    "plan_not_revising_itself": Case(_revising_itself, "revises"),
    "plan_assessed_before_draft": Case(lambda w: _plan_create(w, assessed_on=date(2025, 5, 5)), "assessed_on"),
    "plan_meeting_after_draft": Case(
        lambda w: support_plan_record_meeting(plan=_plan(w), meeting_on=date(2025, 4, 20), attendees="本人",
                                              by=w.supervisor),
        "meeting_on",
    ),
    "plan_agreed_after_meeting": Case(
        lambda w: support_plan_record_agreement(plan=_plan(w, meeting_on=date(2025, 5, 10)), agreed_on=date(2025, 5, 5),
                                                by=w.supervisor),
        "agreed_on",
    ),
    "plan_delivered_after_agreed": Case(
        lambda w: support_plan_record_delivery(plan=_plan(w, agreed_on=date(2025, 5, 8)), delivered_on=date(2025, 5, 7),
                                               by=w.supervisor),
        "delivered_on",
    ),
    "plan_sent_after_agreed": Case(
        lambda w: support_plan_record_consultation_copy(plan=_plan(w, agreed_on=date(2025, 5, 8)),
                                                        consultation_office="相談室", sent_on=date(2025, 5, 7),
                                                        by=w.supervisor),
        "consultation_sent_on",
    ),
    "plan_has_long_term_goal": Case(lambda w: _plan_create(w, long_term_goal=""), "long_term_goal", first="blank"),
    "plan_has_policy": Case(lambda w: _plan_create(w, overall_policy=""), "overall_policy", first="blank"),
    # the goals table is checked row by row and its messages name the row, on top of the form
    "plan_goal_order_once": Case(_copy(_goal), "order"),
    "plan_goal_has_text": Case(lambda w: _plan_create(w, goals=[{"goal": "", "support": "面談"}]), None,
                               first="goal_needs_text"),
    "plan_goal_has_support": Case(lambda w: _plan_create(w, goals=[{"goal": "通所", "support": ""}]), None,
                                  first="goal_needs_support"),
    "goal_progress_status_known": Case(lambda w: _monitoring(w, "great"), "status", first="invalid_choice"),
    "goal_progress_once": Case(lambda w: _monitoring(w, "achieved", twice=True), None),
    "plan_signature_kind_known": Case(_changed(_signature, kind="stamp"), "kind", first="invalid_choice"),
    "plan_signature_type": Case(_changed(_signature, content_type="text/plain"), "content_type"),
    "plan_signature_not_empty": Case(_changed(_signature, content=b""), "content"),
    "plan_signature_size": Case(_changed(_signature, content=b"%" * (5 * 1024 * 1024 + 1)), "content"),
    "case_note_kind_known": Case(
        lambda w: case_note_add(
            client=_client(w), kind="gossip", text="…", minutes=10, by=w.staff, day=date(2025, 6, 2)
        ),
        "kind",
        first="invalid_choice",
    ),
    "case_note_minutes_range": Case(
        lambda w: case_note_add(
            client=_client(w), kind="interview", text="面談", minutes=0, by=w.staff, day=date(2025, 6, 2)
        ),
        "minutes",
    ),
    "case_note_has_text": Case(
        lambda w: case_note_add(
            client=_client(w), kind="interview", text="", minutes=10, by=w.staff, day=date(2025, 6, 2)
        ),
        "text",
        first="blank",
    ),
    "health_disability_certificate_known": Case(
        lambda w: _health(w, disability_certificate="gold"), "disability_certificate", first="invalid_choice"
    ),
    "health_no_certificate_no_grade": Case(
        lambda w: _health(w, disability_certificate=DisabilityCertificateKind.NONE, disability_grade="2級"),
        "disability_grade",
    ),
    "health_pension_known": Case(
        lambda w: _health(w, pension_grade="9", pension_kind=PensionKind.EMPLOYEES),
        "pension_grade",
        first="invalid_choice",
    ),
    "health_no_pension_no_amount": Case(
        lambda w: _health(w, pension_grade=PensionGrade.NONE, pension_amount=780000), "pension_amount"
    ),
    "health_pension_kind_with_grade": Case(
        lambda w: _health(w, pension_grade=PensionGrade.NONE, pension_kind=PensionKind.BASIC), "pension_kind"
    ),
    "health_basic_pension_no_grade_3": Case(
        lambda w: _health(w, pension_grade=PensionGrade.GRADE_3, pension_kind=PensionKind.BASIC), "pension_grade"
    ),
    "sensitive_export_kind_known": Case(
        lambda w: sensitive_export_record(
            office=w.office, kind="pdf", filters={}, client_ids=[], fields=[], by=w.manager
        ),
        "kind",
        first="invalid_choice",
    ),
    "profile_recruitment_type_known": Case(
        lambda w: _profile(w, {"recruitment_type": "secret"}), "recruitment_type", first="invalid_choice"
    ),
    "profile_hours_per_week_range": Case(
        lambda w: _profile(w, {"hours_per_week": 61}), "hours_per_week", first="max_value"
    ),
    "profile_days_per_week_range": Case(
        lambda w: _profile(w, {"days_per_week": 8}), "days_per_week", first="max_value"
    ),
    "work_history_end_after_start": Case(
        lambda w: _profile(
            w, jobs=[{"employer": "北倉庫", "started_on": date(2020, 4, 1), "ended_on": date(2019, 3, 31)}]
        ),
        "ended_on",
    ),
    "work_history_has_employer": Case(lambda w: _profile(w, jobs=[{"employer": ""}]), "employer", first="blank"),
    # attendance: the day's save refuses a row with the same codes (DayRejected, message per client)
    "attendance_one_row_per_client_day": Case(_twice_in_a_day, None),
    "attendance_status_known": Case(lambda w: _day(w, status="late"), None),
    "attendance_end_after_start": Case(
        lambda w: _day(w, status=AttendanceStatus.ATTENDED, start_time=time(15), end_time=time(10)), None
    ),
    "attendance_absence_has_no_transport_or_meal": Case(
        lambda w: _day(w, status=AttendanceStatus.ABSENT, meal=True), None
    ),
    "attendance_absence_support_has_note": Case(lambda w: _day(w, status=AttendanceStatus.ABSENT_SUPPORTED), None),
    "granted_days_override_once_per_month": Case(_copy(_override), "month"),
    "granted_days_override_month_first_day": Case(_changed(_override, month=date(2025, 6, 2)), "month"),
    "granted_days_override_has_reason": Case(_changed(_override, reason=""), "reason", first="blank"),
    "attendance_closed_month_once": Case(
        _copy(lambda w: ClosedMonth.objects.create(office=w.office, month=date(2025, 4, 1))), "month"
    ),
    "attendance_closed_month_first_day": Case(
        lambda w: _cleaned(ClosedMonth(office=w.office, month=date(2025, 4, 2))), "month"
    ),
    "regional_meeting_once_a_day": Case(_meeting_twice, "kind"),
    "regional_meeting_kind_known": Case(lambda w: _meeting(w, kind="iii"), "kind", first="invalid_choice"),
    "regional_meeting_has_participants": Case(lambda w: _meeting(w, participants="  "), "participants",
                                              first="blank"),
    # placements
    "employer_name_unique_per_office": Case(
        lambda w: [employer_create(office=w.office, name="北倉庫", by=w.staff) for _ in range(2)], "name"
    ),
    # (the hire's rules, hire_check_rules, check its constraints before full_clean: their own message)
    "hire_job_field_known": Case(lambda w: placement_record_hire(**_hire_kwargs(w, job_field="pilot")), "job_field"),
    "hire_recruitment_type_known": Case(
        lambda w: placement_record_hire(**_hire_kwargs(w, recruitment_type="x")), "recruitment_type"
    ),
    "hire_employment_form_known": Case(
        lambda w: placement_record_hire(**_hire_kwargs(w, employment_form="gig")), "employment_form"
    ),
    "hire_fixed_term_has_end": Case(
        lambda w: placement_record_hire(**_hire_kwargs(w, employment_form=EmploymentForm.FIXED_TERM)), "fixed_term_end"
    ),
    "hire_fixed_term_ends_after_start": Case(
        lambda w: placement_record_hire(
            **_hire_kwargs(w, employment_form=EmploymentForm.FIXED_TERM, fixed_term_end=date(2025, 4, 30))
        ),
        "fixed_term_end",
    ),
    "hire_end_has_date_and_reason": Case(
        lambda w: placement_record_job_end(hire=_hire(w), ended_on=date(2025, 6, 1), reason="", by=w.staff),
        "end_reason",
    ),
    "hire_ends_after_start": Case(
        lambda w: placement_record_job_end(
            hire=_hire(w), ended_on=date(2025, 4, 1), reason=JobEndReason.QUIT, by=w.staff
        ),
        "ended_on",
    ),
    "hire_hours_per_week_range": Case(
        lambda w: placement_record_hire(**_hire_kwargs(w, hours_per_week=Decimal(0))), "hours_per_week"
    ),
    "hire_closed_job_not_disclosed": Case(
        lambda w: placement_record_hire(**_hire_kwargs(w, recruitment_type=RecruitmentType.CLOSED)), "disclosed"
    ),
    "followup_kind_known": Case(lambda w: _followup(w, kind="séance"), "kind", first="invalid_choice"),
    "followup_minutes_range": Case(lambda w: _followup(w, minutes=0), "minutes"),
    "employer_person_name_unique": Case(
        lambda w: [
            employer_person_add(employer=e, name="田中", by=w.staff) for e in [EmployerFactory(office=w.office)] * 2
        ],
        "name",
    ),
    "employer_contact_kind_known": Case(lambda w: _contact(w, kind="lunch"), "kind", first="invalid_choice"),
    "employer_contact_minutes_range": Case(lambda w: _contact(w, minutes=721), "minutes"),
    "application_job_field_known": Case(_changed(_application, job_field="pilot"), "job_field", first="invalid_choice"),
    "application_recruitment_type_known": Case(
        _changed(_application, recruitment_type="x"), "recruitment_type", first="invalid_choice"
    ),
    "application_result_known": Case(
        lambda w: application_record_result(
            application=_application(w), result="maybe", result_on=date(2025, 6, 1), by=w.staff
        ),
        "result",
        first="invalid_choice",
    ),
    "application_result_has_date": Case(
        lambda w: application_record_result(application=_application(w), result="rejected", result_on=None, by=w.staff),
        "result_on",
    ),
    "interview_accompanied_has_staff": Case(
        lambda w: interview_record(
            application=_application(w), day=date(2024, 5, 20), accompanied=True, staff=None, by=w.staff
        ),
        "staff",
    ),
    "outreach_kind_known": Case(lambda w: _outreach(w, kind="party"), "kind", first="invalid_choice"),
    "outreach_minutes_range": Case(lambda w: _outreach(w, minutes=0), "minutes"),
    # billing: the fee tables are loaded from revision files, the claim lines and print jobs written by the
    # closing and the worker — their rules are checked with full_clean as those writers do
    "fee_schedule_one_per_service_day": Case(_copy(_first(FeeSchedule)), "valid_from"),
    "fee_schedule_service_known": Case(
        _changed(_first(FeeSchedule), service="care"), "service", first="invalid_choice"
    ),
    "basic_fee_one_per_tier": Case(_copy(_first(BasicFee)), "min_rate"),
    "basic_fee_min_rate_not_negative": Case(_changed(_first(BasicFee), min_rate=Decimal("-0.1")), "min_rate"),
    "basic_fee_band_ordered": Case(_changed(_first(BasicFee), band_min=5, band_max=4), "band_max"),
    "basic_fee_units_positive": Case(_changed(_first(BasicFee), units=0), "units"),
    "addon_rate_one_per_kind_day": Case(_copy(_first(AddOnRate)), "valid_from"),
    "addon_rate_kind_known": Case(_changed(_first(AddOnRate), kind="bonus"), "kind", first="invalid_choice"),
    "area_unit_price_one_per_grade_service_day": Case(_copy(_first(AreaUnitPrice)), "valid_from"),
    "area_unit_price_positive": Case(_changed(_first(AreaUnitPrice), yen_per_unit=Decimal("0.50")), "yen_per_unit"),
    "area_unit_price_service_known": Case(
        _changed(_first(AreaUnitPrice), service="care"), "service", first="invalid_choice"
    ),
    "area_unit_price_area_grade_known": Case(
        _changed(_first(AreaUnitPrice), area_grade="9"), "area_grade", first="invalid_choice"
    ),
    "fee_revision_one_per_day": Case(_copy(_first(FeeRevision)), "effective_from"),
    "fee_revision_month_first_day": Case(
        _changed(_first(FeeRevision), effective_from=date(2019, 10, 2)), "effective_from"
    ),
    "service_code_one_per_item": Case(_copy(_service_code), "item"),
    "service_code_six_characters": Case(_changed(_service_code, code="43ab"), "code"),
    "service_code_service_known": Case(_changed(_service_code, service="care"), "service", first="invalid_choice"),
    "treatment_rate_one_per_category": Case(_copy(_treatment_rate), "category"),
    "treatment_rate_fraction": Case(_changed(_treatment_rate, rate=Decimal("1.5")), "rate"),
    "treatment_rate_service_known": Case(_changed(_treatment_rate, service="care"), "service", first="invalid_choice"),
    "treatment_rate_scheme_known": Case(_changed(_treatment_rate, scheme="bonus"), "scheme", first="invalid_choice"),
    "treatment_rate_category_known": Case(
        _changed(_treatment_rate, category="VI"), "category", first="invalid_choice"
    ),
    "office_reduction_rate_one_per_day": Case(_copy(_reduction_rate), "valid_from"),
    "office_reduction_rate_one_measure": Case(_changed(_reduction_rate, units_per_day=5), "percent"),
    "office_reduction_rate_service_known": Case(
        _changed(_reduction_rate, service="care"), "service", first="invalid_choice"
    ),
    "office_reduction_rate_kind_known": Case(_changed(_reduction_rate, kind="noise"), "kind", first="invalid_choice"),
    "office_treatment_one_per_day": Case(_copy(_office_treatment), "valid_from"),
    "office_treatment_month_first_day": Case(
        _changed(_office_treatment, valid_from=date(2024, 6, 2)), "valid_from"
    ),
    "office_treatment_service_known": Case(
        _changed(_office_treatment, service="care"), "service", first="invalid_choice"
    ),
    "office_treatment_scheme_known": Case(
        _changed(_office_treatment, scheme="bonus"), "scheme", first="invalid_choice"
    ),
    "office_treatment_category_known": Case(
        _changed(_office_treatment, category="VI"), "category", first="invalid_choice"
    ),
    "office_fee_settings_one_per_day": Case(_copy(_fee_settings), "valid_from"),
    "office_fee_settings_area_grade_known": Case(
        _changed(_fee_settings, area_grade="9"), "area_grade", first="invalid_choice"
    ),
    "office_fee_settings_price_positive": Case(_changed(_fee_settings, yen_per_unit=Decimal("0.50")), "yen_per_unit"),
    "office_fee_settings_qualified_known": Case(
        _changed(_fee_settings, qualified_staff="iv"), "qualified_staff", first="invalid_choice"
    ),
    "office_fee_settings_prep_known": Case(
        _changed(_fee_settings, transition_prep="iv"), "transition_prep", first="invalid_choice"
    ),
    "office_fee_settings_transport_known": Case(
        _changed(_fee_settings, transport="iv"), "transport", first="invalid_choice"
    ),
    "office_fee_settings_cost_method_known": Case(
        _changed(_fee_settings, followup_cost_method="guess"), "followup_cost_method", first="invalid_choice"
    ),
    "tier_override_has_reason": Case(
        lambda w: retention_tier_override(
            office=w.office, fiscal_year=2025, rate=Decimal("0.3"), reason="", by=w.manager
        ),
        None,
    ),
    "tier_override_rate_not_negative": Case(
        lambda w: retention_tier_override(
            office=w.office, fiscal_year=2025, rate=Decimal("-0.1"), reason="市の通知による", by=w.manager
        ),
        "rate",
    ),
    "tier_override_service_known": Case(
        lambda w: retention_tier_override(
            office=w.office,
            fiscal_year=2025,
            rate=Decimal("0.3"),
            reason="市の通知による",
            service="care",
            by=w.manager,
        ),
        "service",
        first="invalid_choice",
    ),
    "month_closing_version_unique": Case(_copy(_closing, reopened_at=timezone.now()), None),
    "month_closing_one_in_force": Case(_copy(_closing, version=2), None),
    "month_closing_month_first_day": Case(_changed(_closing, month=date(2025, 4, 2)), "month"),
    "month_closing_reopen_has_reason": Case(
        lambda w: billing_month_reopen(office=w.office, month=_closing(w).month, reason="", by=w.manager), None
    ),
    "month_closing_claimed_is_rest": Case(_changed(_closing, claimed_yen=1), None),
    "claim_line_one_per_client": Case(_copy(_claim_line), "client"),
    "claim_line_service_known": Case(_changed(_claim_line, service="care"), "service", first="invalid_choice"),
    "claim_line_units_add_up": Case(_changed(_claim_line, total_units=501), None),
    "claim_line_copay_within_total": Case(
        _changed(_claim_line, copayment=5001, claimed=0, total_yen=5000), "copayment"
    ),
    "claim_line_claimed_is_rest": Case(_changed(_claim_line, claimed=4000), None),
    # after sending (issue 21)
    "claim_submission_one_per_closing": Case(_copy(_submission), "closing"),
    "claim_submission_file_name": Case(lambda w: _submission(w, file_name="請求ファイル.csv"), "file_name"),
    "claim_result_one_per_line_sending": Case(_copy(_result), "line"),
    "claim_result_status_known": Case(_changed(_result, status="lost"), "status", first="invalid_choice"),
    "claim_result_return_has_reason": Case(_changed(_result, status="returned", return_reason=""),
                                           "return_reason"),
    "claim_result_withdrawal_complete": Case(_changed(_result, status="withdrawn"), "withdrawal_reason"),
    "claim_result_withdrawn_after_notice": Case(
        _changed(_result, status="withdrawn", withdrawn_on=TODAY - timedelta(days=1), withdrawal_reason="誤り"),
        "withdrawn_on"),
    "late_claim_one_per_result": Case(_copy(_late_claim), "month"),
    "late_claim_month_first_day": Case(_changed(_late_claim, month=date(2025, 5, 2)), "month"),
    "late_claim_later_month": Case(_changed(_late_claim, month=date(2025, 4, 1)), "month"),
    "generated_document_kind_known": Case(
        lambda w: billing_document_request(office=w.office, kind="poster", month=date(2025, 4, 1), by=w.manager),
        "kind",
        first="invalid_choice",
    ),
    "generated_document_status_known": Case(_changed(_document, status="lost"), "status", first="invalid_choice"),
    "generated_document_month_first_day": Case(_changed(_document, month=date(2025, 4, 2)), "month"),
    "generated_document_has_period": Case(
        lambda w: billing_document_request(office=w.office, kind=DocumentKind.FOLLOWUP, by=w.manager), None
    ),
    "generated_document_progress_within_total": Case(_changed(_document, progress_done=3, progress_total=2), None),
    "generated_document_done_has_file": Case(_changed(_document, status=DocumentStatus.DONE), None),
    # the client's papers (billing.papers): written by its services, checked with full_clean as they do
    "client_invoice_one_per_closing": Case(_copy(_invoice, number="202504-099"), "client"),
    "client_invoice_number_unique": Case(_copy(_invoice_of_another_client), "number"),
    "client_invoice_amount_positive": Case(_changed(_invoice, amount=0, paid_yen=0), "amount"),
    "client_invoice_paid_within_amount": Case(_changed(_invoice, paid_yen=9301), "paid_yen"),
    "client_payment_sequence_unique": Case(_copy(_payment), None),
    "client_payment_amount_positive": Case(_changed(_payment, amount=0), "amount"),
    "client_payment_method_known": Case(_changed(_payment, method="cheque"), "method", first="invalid_choice"),
    "federation_payment_one_per_month": Case(_copy(_federation_payment), "month"),
    "federation_payment_month_first_day": Case(_changed(_federation_payment, month=date(2025, 4, 2)), "month"),
    "federation_payment_amount_positive": Case(_changed(_federation_payment, amount=0), "amount"),
    "proxy_notice_one_per_client": Case(_copy(_notice), "client"),
    "proxy_notice_received_is_rest": Case(_changed(_notice, received=1), None),
    "fee_value_confirmation_one_per_row": Case(_copy(_fee_confirmation), "row"),
    "fee_value_confirmation_has_notice": Case(lambda w: _fee_confirmation(w, notice=" "), "notice", first="blank"),
    "copay_cap_decision_one_per_client_month": Case(_copy(_cap_decision), "certificate"),
    "copay_cap_decision_month_first_day": Case(_changed(_cap_decision, month=date(2025, 4, 2)), "month"),
    "cap_management_one_per_client_month": Case(_copy(_cap_management), "client"),
    "cap_management_month_first_day": Case(_changed(_cap_management, month=date(2025, 5, 2)), "month"),
    "cap_management_managed_by_known": Case(_changed(_cap_management, managed_by="x"), "managed_by",
                                            first="invalid_choice"),
    "cap_management_result_known": Case(_changed(_cap_management, result=7), "result", first="invalid_choice"),
    "cap_management_other_has_result": Case(_changed(_cap_management, result=None), "result"),
    "cap_management_this_office_no_result": Case(_changed(_cap_management, managed_by="this_office"), "result"),
    "cap_management_result_1_collects_nothing": Case(_changed(_cap_management, result=1, amount=500), "amount"),
    "cap_provider_one_per_office": Case(_copy(_cap_provider, position=2), "office_number"),
    "cap_provider_office_number_ten_digits": Case(_changed(_cap_provider, office_number="123"), "office_number",
                                                  first="cap_office_number_format"),
    "cap_provider_copay_within_total": Case(_changed(_cap_provider, copay_yen=60_000), "copay_yen"),
    "cap_provider_share_within_copay": Case(_changed(_cap_provider, share_yen=6_000), "share_yen"),
    "no_history_rate_fraction": Case(
        lambda w: retention_support_no_history_rate_set(
            office=w.office, rate=Decimal("1.5"), notice="札幌市通知 第1号", by=w.manager
        ),
        "rate",
    ),
    "no_history_rate_has_notice": Case(
        lambda w: retention_support_no_history_rate_set(office=w.office, rate=Decimal("0.5"), notice="", by=w.manager),
        "notice",
    ),
    # review
    "case_review_quiet_days_1_60": Case(
        lambda w: case_review_settings_save(office=w.office, quiet_days=0, by=w.supervisor),
        "quiet_days",
        first="min_value",
    ),
    "case_review_mark_once_per_day": Case(_copy(_mark), "client"),
}

# Refusals that come from a rule the service checks before the model (same code, the service's message):
# the service says it in its own words, for instance with the date of the period it compares with.
SERVICE_SAYS_IT_FIRST = {
    "tier_override_has_reason",
    "month_closing_reopen_has_reason",
    "client_enrolled_after_first_visit",
    "plan_agreed_after_created",
    "plan_closed_after_created",
    "goal_progress_once",
    "health_pension_kind_with_grade",
    "health_no_certificate_no_grade",
    "health_no_pension_no_amount",
    "certificate_no_overlap_per_client_transition",
    "certificate_no_overlap_per_client_retention_support",
    "no_history_rate_has_notice",
}


# --- The tests -------------------------------------------------------------------------------------------


def test_every_constraint_has_its_message_and_a_code_of_its_app():
    constraints = our_constraints()
    assert len(constraints) > 100  # the walk does see the apps
    problems = []
    for name, (model, constraint) in constraints.items():
        enum = error_enum(model._meta.app_label)
        if constraint.violation_error_message == constraint.default_violation_error_message:
            problems.append(f"{name}: no violation_error_message")
        if constraint.violation_error_code not in enum.values:
            problems.append(
                f"{name}: violation_error_code {constraint.violation_error_code!r} is not a {enum.__name__}"
            )
        field = getattr(constraint, "field", None)
        if field is not None and field not in {f.name for f in model._meta.get_fields()}:
            problems.append(f"{name}: shown on {field!r}, which {model.__name__} lacks")
    assert problems == []


def test_every_constraint_message_is_translated_to_japanese():
    with translation.override("ja"):
        untranslated = sorted(
            {
                str(constraint.violation_error_message)
                for _model, constraint in our_constraints().values()
                if str(constraint.violation_error_message).isascii()
            }
        )
    assert untranslated == []


def test_every_constraint_has_a_case():
    assert set(our_constraints()) - set(CASES) == set(), "a constraint without a case below"
    assert set(CASES) - set(our_constraints()) == set(), "a case of a constraint that no longer exists"


@pytest.mark.parametrize("name", sorted(CASES))
def test_breaking_a_constraint_gives_its_message_on_its_field(name, world, clock):
    model, constraint = our_constraints()[name]
    case = CASES[name]
    # given a rule of the model; when the code that writes it is asked to break it
    with pytest.raises((ValidationError, DayRejected)) as refused:  # an IntegrityError would fail the test
        case.breaks(world)
    # then it refuses with the constraint's code, on the field the user corrects
    error = refused.value
    if isinstance(error, DayRejected):
        assert constraint.violation_error_code in error.codes + [c for codes in error.row_codes.values() for c in codes]
        return
    errors = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.error_list}
    shown_on = case.field or NON_FIELD_ERRORS
    if name in SERVICE_SAYS_IT_FIRST:
        codes = {each.code for field_errors in errors.values() for each in field_errors}
        assert constraint.violation_error_code in codes, errors
        return
    assert shown_on in errors, f"{name}: refused on {sorted(errors)}, not on {shown_on}"
    found = {each.code: each.message for each in errors[shown_on]}
    expected = case.first or constraint.violation_error_code
    assert expected in found, f"{name}: {found}"
    if case.first is None:
        assert str(found[expected]) == str(constraint.violation_error_message)


# --- Through the screens --------------------------------------------------------------------------------


def test_the_hire_form_says_a_fixed_term_ending_before_the_start_on_the_end_field(world, staff_client, today):
    client = ClientFactory(office=world.office)
    employer = EmployerFactory(office=world.office)
    response = staff_client.post(
        reverse("placements:hire_create", args=[client.pk]),
        {
            "employer": employer.pk,
            "job_title": "ピッキング",
            "job_field": "warehouse",
            "recruitment_type": "quota",
            "start_date": "2025-05-01",
            "hours_per_week": "20",
            "hourly_wage": "1010",
            "employment_form": "fixed_term",
            "fixed_term_end": "2025-04-30",
            "disclosed": "on",
            "competitive": "on",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.as_data()["fixed_term_end"][0].code == "fixed_term_ends_before_start"
    body = response.content.decode()
    assert "契約期間の終了日は入職日以降にしてください。" in body
    assert "制約" not in body and "hire_fixed_term" not in body
    assert not client.hires.exists()


def test_the_followup_form_says_0_minutes_on_the_minutes_field(world, staff_client, today):
    hire = HireFactory(office=world.office, start_date=today - timedelta(days=30), created_by=world.staff)
    response = staff_client.post(
        reverse("placements:followup_create", args=[hire.pk]),
        {
            "day": today.isoformat(),
            "kind": "face_to_face",
            "minutes": "0",
            "note": "",
            "staff": world.staff.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["minutes"][0].code == "minutes_range"
    body = response.content.decode()
    assert "時間（分）は1〜720の範囲で入力してください。" in body
    assert "制約" not in body and "followup_minutes_range" not in body
    assert not hire.followups.exists() if hasattr(hire, "followups") else True


def test_the_employer_form_says_a_taken_name_on_the_name_field(world, staff_client):
    EmployerFactory(office=world.office, name="株式会社北倉庫")
    response = staff_client.post(reverse("placements:employer_create"), {"name": "株式会社北倉庫"})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["name"][0].code == "employer_name_taken"
    assert "この名前の企業はすでに登録されています。" in response.content.decode()


def test_the_outreach_form_says_0_minutes_on_the_minutes_field(world, staff_client, today):
    client = ClientFactory(office=world.office)
    response = staff_client.post(
        reverse("placements:outreach_create", args=[client.pk]),
        {
            "day": today.isoformat(),
            "kind": "home_visit",
            "place": "",
            "minutes": "0",
            "note": "",
            "staff": world.staff.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["minutes"][0].code == "minutes_range"
    assert "時間（分）は1〜720の範囲で入力してください。" in response.content.decode()


# --- A conflict only the insert can see ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("save", "field", "code"),
    [
        (lambda w: employer_create(office=w.office, name="株式会社北倉庫", by=w.staff), "name", "employer_name_taken"),
        (
            lambda w: employer_person_add(
                employer=Employer.objects.get(name="株式会社北倉庫"), name="田中", by=w.staff
            ),
            "name",
            "person_name_taken",
        ),
    ],
)
def test_a_name_saved_by_a_colleague_at_the_same_moment_is_refused_with_the_constraints_message(
    world, monkeypatch, save, field, code
):
    # given the name is saved already, but full_clean did not see it (the colleague's save committed after it)
    employer = EmployerFactory(office=world.office, name="株式会社北倉庫")
    EmployerPerson.objects.create(employer=employer, name="田中")
    monkeypatch.setattr(Employer, "validate_constraints", lambda self, exclude=None: None)
    monkeypatch.setattr(EmployerPerson, "validate_constraints", lambda self, exclude=None: None)
    # when the insert meets the unique constraint
    with pytest.raises(ValidationError) as refused:
        save(world)
    # then it is refused as full_clean would refuse it, and the transaction is still usable
    assert [each.code for each in refused.value.error_dict[field]] == [code]
    assert Employer.objects.filter(office=world.office).count() == 1
