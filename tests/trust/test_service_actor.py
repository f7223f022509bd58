"""Rule: the actor is an argument.  Every service that writes is called with the user who acts (``by``) and
the audit events its writes cause name that user, wherever it is called from: here outside any request and
any ``audit_context``.  Commands, the document task and data migrations name themselves in the events'
context (the system actor: see ``compostela.audit``).

Adding a service: decorate it ``@audited(by="by")`` and add a ``Case`` to ``CASES`` (a function that makes
the rows the service needs and returns the call, with ``by=given.by``)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from functools import partial
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Model
from django.http import HttpResponse
from django.test import RequestFactory

from attendance.importing import import_attendance
from attendance.models import Attendance, AttendanceStatus, ClosedMonth, RegionalMeeting
from attendance.services import (
    AttendanceRow,
    attendance_month_close,
    attendance_month_reopen,
    attendance_record_day,
    regional_meeting_delete,
    regional_meeting_record,
    regional_meeting_update,
)
from billing.documents.services import billing_document_request
from billing.models import (
    AddOnRate,
    ClientInvoice,
    ClientPayment,
    CopayCapDecision,
    CopayCapManagement,
    FederationPayment,
    FeeRevision,
    FeeValueConfirmation,
    MonthClosing,
    OfficeFeeSettings,
    OfficeTreatmentImprovement,
    ProxyReceiptNotice,
    RetentionSupportNoHistoryRate,
    RetentionTierOverride,
)
from billing.papers.services import client_invoices_issue, client_payment_record, federation_payment_record
from billing.services.cap_management import billing_cap_management_record, billing_cap_result_record
from billing.services.closing import billing_month_close, billing_month_reopen
from billing.services.copay import billing_copay_cap_confirm
from billing.services.fee_confirmations import fee_value_confirm
from billing.services.fee_settings import office_fee_settings_set, office_treatment_set
from billing.services.revisions import revision_load
from billing.services.tier import retention_support_no_history_rate_set, retention_tier_override
from billing.submissions.models import ClaimResult, ClaimSubmission, LateClaim
from billing.submissions.services import (
    claim_line_reclaim,
    claim_line_result_record,
    claim_line_withdraw,
    claim_submission_record,
)
from clients.importing import import_clients
from clients.models import (
    CareerProfile,
    CareerProfileChange,
    CaseNote,
    CaseNoteKind,
    Certificate,
    Client,
    ClientStatus,
    Diagnosis,
    GoalProgress,
    HealthRecord,
    IncomeCategory,
    PlanGoal,
    PlanSignature,
    SensitiveExport,
    SensitiveExportKind,
    ServicePeriod,
    SupportPlan,
    SupportPlanReview,
)
from clients.plan_importing import import_plans
from clients.plans import (
    Progress,
    support_plan_close,
    support_plan_create,
    support_plan_record_agreement,
    support_plan_record_consultation_copy,
    support_plan_record_delivery,
    support_plan_record_meeting,
    support_plan_review_add,
    support_plan_revise,
    support_plan_update,
)
from clients.services import (
    career_profile_update,
    case_note_add,
    certificate_add,
    certificate_cap_manager_set,
    client_change_status,
    client_record_hire,
    client_record_job_end,
    client_register,
    client_return,
    client_update,
    health_update,
    sensitive_export_record,
)
from clients.signatures import plan_signature_add
from compostela import audit
from compostela.audit import AuditMiddleware
from compostela.models import AuditAction, User
from compostela.services import user_set_language
from placements.imports import import_followups, import_placements
from placements.models import (
    ApplicationResult,
    Employer,
    EmployerContact,
    EmployerContactKind,
    EmployerPerson,
    EmploymentForm,
    FollowUpContact,
    FollowUpKind,
    Hire,
    Interview,
    JobApplication,
    JobField,
    Outreach,
    OutreachKind,
    RecruitmentType,
)
from placements.services import (
    application_create,
    application_record_result,
    employer_contact_log,
    employer_create,
    employer_person_add,
    employer_update,
    followup_record,
    interview_record,
    outreach_record,
    placement_record_hire,
    placement_record_job_end,
)
from regulations.models import RegulatoryFigures
from review.models import CaseReviewMark, CaseReviewSettings
from review.services import case_review_mark, case_review_note_add, case_review_settings_save, case_review_unmark
from tests.conftest import World
from tests.trust.helpers import event_marker, events_of, events_since, make_client

pytestmark = pytest.mark.django_db

DAY = date(2025, 6, 2)  # a Monday in the past
MAY = date(2025, 5, 1)
PRODUCTION_APPS = ("compostela", "regulations", "clients", "attendance", "placements", "billing", "review")


@dataclass
class Given:
    world: World
    tmp_path: Path
    by: User  # the user handed to the service: a manager, so every role check passes


# --- the rows the services need (made before the call; their events are not the service's) --------------


def enrolled(g: Given, name: str = "一郎") -> Client:
    client = make_client(g.world.office, family_name="山田", family_name_kana="ヤマダ", given_name=name,
                         birth_date=date(1990, 5, 1),  # the person the placement imports below name
                         status=ClientStatus.ENROLLED, first_visit_on=date(2025, 4, 1), enrolled_on=date(2025, 4, 1))
    ServicePeriod.objects.create(client=client, started_on=date(2025, 4, 1), enrolled_on=date(2025, 4, 1))
    Certificate.objects.create(office=g.world.office, client=client, number=f"{client.pk:010d}", municipality="札幌市",
                               period_start=date(2025, 4, 1), period_end=date(2026, 3, 31),
                               income_category=IncomeCategory.GENERAL_1, copay_cap=9300)
    return client


def employer(g: Given) -> Employer:
    return Employer.objects.create(office=g.world.office, name="札幌物流")


def application(g: Given) -> JobApplication:
    return JobApplication.objects.create(
        office=g.world.office, client=enrolled(g), employer=employer(g), job_title="倉庫", job_field=JobField.WAREHOUSE,
        recruitment_type=RecruitmentType.DISABILITY_QUOTA, applied_on=date(2025, 5, 10), created_by=g.world.staff)


def hire(g: Given) -> Hire:
    client = enrolled(g)
    Client.objects.filter(pk=client.pk).update(status=ClientStatus.EMPLOYED)
    return Hire.objects.create(
        office=g.world.office, client=client, employer=employer(g), job_title="倉庫", job_field=JobField.WAREHOUSE,
        recruitment_type=RecruitmentType.DISABILITY_QUOTA, start_date=date(2025, 5, 1), hours_per_week=20,
        hourly_wage=1010, employment_form=EmploymentForm.PERMANENT, disclosed=True, created_by=g.world.staff)


def plan(g: Given) -> SupportPlan:
    return SupportPlan.objects.create(client=enrolled(g), period_start=date(2025, 5, 1), period_end=date(2025, 10, 31),
                                      long_term_goal="就職", overall_policy="面談", created_by=g.world.supervisor,
                                      created_on=date(2025, 5, 1))


def write_file(g: Given, name: str, text: str) -> Path:
    path = g.tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


CLIENTS_CSV = ("family_name,given_name,family_name_kana,given_name_kana,birth_date,status,first_visit_on,enrolled_on\n"
               "山本,一郎,ヤマモト,イチロウ,1985-01-02,enrolled,2025-04-01,2025-04-15\n")


# --- each service, called with by=g.by -------------------------------------------------------------------


def _client_register(g):
    data = {"family_name": "川口", "given_name": "さくら", "family_name_kana": "カワグチ", "given_name_kana": "サクラ",
            "birth_date": date(1999, 12, 31), "first_visit_on": date(2025, 6, 1)}
    return partial(client_register, office=g.world.office, data=data, by=g.by)


def _client_update(g):
    return partial(client_update, client=enrolled(g), data={"phone": "011-111-1111"}, by=g.by)


def _client_change_status(g):
    return partial(client_change_status, client=enrolled(g), status=ClientStatus.ENDED, on=DAY, reason="転居", by=g.by)


def _client_return(g):
    client = enrolled(g)
    client_change_status(client=client, status=ClientStatus.ENDED, on=DAY, reason="転居", by=g.world.staff)
    return partial(client_return, client=client, on=date(2025, 7, 1), by=g.by)


def _client_record_hire(g):
    return partial(client_record_hire, client=enrolled(g), start_date=DAY, by=g.by)


def _client_record_job_end(g):
    client = enrolled(g)
    client_record_hire(client=client, start_date=DAY, by=g.world.staff)
    return partial(client_record_job_end, client=client, ended_on=date(2025, 7, 31), still_employed=False, by=g.by)


def _certificate_add(g):
    return partial(certificate_add, client=make_client(g.world.office), number="0123456789", municipality="札幌市",
                   period_start=date(2025, 4, 1), period_end=date(2026, 3, 31),
                   income_category=IncomeCategory.GENERAL_1, copay_cap=9300, by=g.by)


def _health_update(g):
    diagnosis = Diagnosis.objects.create(name="テスト症", sort_order=999)
    return partial(health_update, client=enrolled(g), data={"hospital": "札幌病院"}, diagnoses=[diagnosis], by=g.by)


def _career_profile_update(g):
    return partial(career_profile_update, client=enrolled(g), data={"dream_job": "図書館の仕事"},
                   jobs=[{"employer": "札幌書店", "job_title": "品出し"}], by=g.by)


def _support_plan_create(g):
    return partial(support_plan_create, client=enrolled(g), created_on=date(2025, 5, 1), by=g.by,
                   data={"period_start": date(2025, 5, 1), "period_end": date(2025, 10, 31), "long_term_goal": "就職",
                         "overall_policy": "面談"},
                   goals=[{"goal": "週4日通所", "support": "振り返り面談"}])


def _plan_with_goal(g, **changes) -> SupportPlan:
    drafted = plan(g)
    PlanGoal.objects.create(plan=drafted, order=1, goal="週4日通所", support="振り返り面談")
    if changes:
        SupportPlan.objects.filter(pk=drafted.pk).update(**changes)
        drafted.refresh_from_db()
    return drafted


def _support_plan_update(g):
    return partial(support_plan_update, plan=_plan_with_goal(g), data={"care_points": "午前は休憩を多めに"},
                   goals=[{"goal": "週5日通所", "support": "振り返り面談"}], by=g.by)


def _support_plan_record_meeting(g):
    return partial(support_plan_record_meeting, plan=plan(g), meeting_on=date(2025, 5, 6), attendees="本人",
                   by=g.by)


def _plan_signature_add(g):
    from tests.clients.plan_print import PDF_SCAN, upload

    return partial(plan_signature_add, plan=plan(g), kind="scan", signed_on=date(2025, 5, 8),
                   upload=upload("signed.pdf", PDF_SCAN), by=g.by)


def _support_plan_record_agreement(g):
    return partial(support_plan_record_agreement, plan=plan(g), agreed_on=date(2025, 5, 8), by=g.by)


def _support_plan_record_delivery(g):
    return partial(support_plan_record_delivery, plan=_plan_with_goal(g, agreed_on=date(2025, 5, 8)),
                   delivered_on=date(2025, 5, 9), by=g.by)


def _support_plan_record_consultation_copy(g):
    return partial(support_plan_record_consultation_copy, plan=_plan_with_goal(g, agreed_on=date(2025, 5, 8)),
                   consultation_office="相談室ぽっけ", sent_on=date(2025, 5, 9), by=g.by)


def _support_plan_revise(g):
    return partial(support_plan_revise, plan=_plan_with_goal(g, agreed_on=date(2025, 5, 8)),
                   created_on=date(2025, 6, 1), by=g.by)


def _support_plan_close(g):
    return partial(support_plan_close, plan=plan(g), closed_on=date(2025, 6, 30), by=g.by)


def _support_plan_review_add(g):
    agreed = _plan_with_goal(g, agreed_on=date(2025, 5, 8))
    return partial(support_plan_review_add, plan=agreed, reviewed_on=date(2025, 6, 1), summary="順調",
                   progress=[Progress(agreed.goals.get(), "progressing")], by=g.by)


def _case_note_add(g):
    return partial(case_note_add, client=enrolled(g), kind=CaseNoteKind.INTERVIEW, text="面談", minutes=30, day=DAY,
                   by=g.by)


def _sensitive_export_record(g):
    client = enrolled(g)
    return partial(sensitive_export_record, office=g.world.office, kind=SensitiveExportKind.CLIENT_LIST_CSV,
                   filters={}, client_ids=[client.pk], fields=["hospital"], by=g.by)


def _import_clients(g):
    return partial(import_clients, office=g.world.office, path=write_file(g, "clients.csv", CLIENTS_CSV), by=g.by)


def _employer_create(g):
    return partial(employer_create, office=g.world.office, name="北倉庫", by=g.by)


def _employer_update(g):
    return partial(employer_update, employer=employer(g), name="札幌物流株式会社", by=g.by)


def _employer_person_add(g):
    return partial(employer_person_add, employer=employer(g), name="佐藤", by=g.by)


def _employer_contact_log(g):
    return partial(employer_contact_log, office=g.world.office, employer=employer(g), day=DAY, staff=g.world.staff,
                   kind=EmployerContactKind.FIRST_VISIT, clients=[enrolled(g)], by=g.by)


def _application_create(g):
    return partial(application_create, client=enrolled(g), employer=employer(g), job_title="事務",
                   job_field=JobField.OFFICE, recruitment_type=RecruitmentType.OPEN, applied_on=DAY, by=g.by)


def _application_record_result(g):
    return partial(application_record_result, application=application(g), result=ApplicationResult.REJECTED,
                   result_on=DAY, by=g.by)


def _interview_record(g):
    return partial(interview_record, application=application(g), day=DAY, accompanied=True, staff=g.world.staff,
                   by=g.by)


def _placement_record_hire(g):
    return partial(placement_record_hire, client=enrolled(g), employer=employer(g), job_title="倉庫",
                   job_field=JobField.WAREHOUSE, recruitment_type=RecruitmentType.DISABILITY_QUOTA, start_date=DAY,
                   hours_per_week=Decimal("20"), hourly_wage=1010, employment_form=EmploymentForm.PERMANENT,
                   disclosed=True, by=g.by)


def _placement_record_job_end(g):
    return partial(placement_record_job_end, hire=hire(g), ended_on=date(2025, 7, 31), reason="quit", by=g.by)


def _followup_record(g):
    return partial(followup_record, hire=hire(g), day=DAY, staff=g.world.staff, kind=FollowUpKind.PHONE_ONLINE,
                   minutes=15, by=g.by)


def _outreach_record(g):
    return partial(outreach_record, client=enrolled(g), day=DAY, staff=g.world.staff, kind=OutreachKind.HOME_VISIT,
                   minutes=60, by=g.by)


def _import_placements(g):
    enrolled(g)
    text = ("family_name,given_name,birth_date,employer,job_title,job_field,recruitment_type,start_date,"
            "hours_per_week,hourly_wage,employment_form,disclosed\n"
            "山田,一郎,1990-05-01,北倉庫,ピッキング,warehouse,quota,2025-05-01,20,1000,permanent,yes\n")
    return partial(import_placements, office=g.world.office, path=write_file(g, "hires.csv", text), by=g.by)


def _import_followups(g):
    the_hire = hire(g)
    text = ("family_name,given_name,birth_date,employer,start_date,day,kind,minutes,staff\n"
            f"山田,一郎,1990-05-01,{the_hire.employer.name},2025-05-01,2025-05-20,phone_online,15,"
            f"{g.world.staff.username}\n")
    return partial(import_followups, office=g.world.office, path=write_file(g, "followups.csv", text), by=g.by)


def _attendance_record_day(g):
    row = AttendanceRow(client_id=enrolled(g).pk, status=AttendanceStatus.ATTENDED, start_time=time(10),
                        end_time=time(15))
    return partial(attendance_record_day, office=g.world.office, day=DAY, rows=[row], by=g.by)


def _import_attendance(g):
    number = enrolled(g).certificates.get().number
    text = f"certificate_number,date,status,start,end\n{number},{DAY.isoformat()},通所,10:00,15:00\n"
    return partial(import_attendance, office=g.world.office, path=write_file(g, "attendance.csv", text), by=g.by)


def _import_plans(g):
    number = enrolled(g).certificates.get().number
    text = ("certificate_number,version,period_start,period_end,draft_on,agreed_on,overall_policy,long_term_goal\n"
            f"{number},1,2025-04-01,2025-09-30,2025-03-25,2025-03-28,週1回の面談,事務職で働く\n")
    return partial(import_plans, office=g.world.office, path=write_file(g, "plans.csv", text), by=g.by)


def _regional_meeting_record(g):
    return partial(regional_meeting_record, office=g.world.office, client=enrolled(g), day=DAY, kind="i",
                   participants="相談支援事業所", by=g.by)


def _meeting(g) -> RegionalMeeting:
    return regional_meeting_record(office=g.world.office, client=enrolled(g), day=DAY, kind="i",
                                   participants="相談支援事業所", by=g.world.staff)


def _regional_meeting_update(g):
    return partial(regional_meeting_update, meeting=_meeting(g), note="計画を見直し", by=g.by)


def _regional_meeting_delete(g):
    return partial(regional_meeting_delete, meeting=_meeting(g), by=g.by)


def _attendance_month_close(g):
    return partial(attendance_month_close, office=g.world.office, month=MAY, by=g.by)


def _attendance_month_reopen(g):
    attendance_month_close(office=g.world.office, month=MAY, by=g.world.manager)
    return partial(attendance_month_reopen, office=g.world.office, month=MAY, by=g.by)


def _case_review_mark(g):
    return partial(case_review_mark, office=g.world.office, client=enrolled(g), day=DAY, by=g.by)


def _case_review_unmark(g):
    client = enrolled(g)
    case_review_mark(office=g.world.office, client=client, day=DAY, by=g.world.staff)
    return partial(case_review_unmark, office=g.world.office, client=client, day=DAY, by=g.by)


def _case_review_note_add(g):
    return partial(case_review_note_add, office=g.world.office, client=enrolled(g), text="様子を見る", minutes=5,
                   day=DAY, by=g.by)


def _case_review_settings_save(g):
    return partial(case_review_settings_save, office=g.world.office, quiet_days=10, by=g.by)


def _billing_month_close(g):
    return partial(billing_month_close, office=g.world.office, month=MAY, by=g.by)


def _billing_month_reopen(g):
    billing_month_close(office=g.world.office, month=MAY, by=g.world.manager)
    return partial(billing_month_reopen, office=g.world.office, month=MAY, reason="訂正", by=g.by)


def _sent_may(g, *, sent: bool = True):
    """May closed with one client's line, its file sent today (issue 21, after sending)."""
    from django.utils import timezone

    from billing.models import ClaimLine

    closing = billing_month_close(office=g.world.office, month=MAY, by=g.world.manager)
    line = ClaimLine.objects.create(
        closing=closing, service="transition", client=enrolled(g), client_name="山田 一郎", billable_days=1,
        basic_units=500, addon_units=0, total_units=500, yen_per_unit=Decimal("10.00"), total_yen=5000,
        copayment=0, claimed=5000, explanation={})
    if not sent:
        return closing, line, None
    submission = claim_submission_record(office=g.world.office, month=MAY, version=closing.version,
                                         file_name="J2505V01.CSV", sent_on=timezone.localdate(), by=g.world.manager)
    return closing, line, submission


def _claim_submission_record(g):
    from django.utils import timezone

    closing, _line, _none = _sent_may(g, sent=False)
    return partial(claim_submission_record, office=g.world.office, month=MAY, version=closing.version,
                   file_name="J2505V01.CSV", sent_on=timezone.localdate(), by=g.by)


def _claim_line_result_record(g):
    from django.utils import timezone

    _closing, line, submission = _sent_may(g)
    return partial(claim_line_result_record, submission=submission, line=line, status="returned",
                   notice_on=timezone.localdate(), return_reason="PB07", by=g.by)


def _claim_line_withdraw(g):
    from django.utils import timezone

    _closing, line, submission = _sent_may(g)
    accepted = claim_line_result_record(submission=submission, line=line, status="accepted",
                                        notice_on=timezone.localdate(), by=g.world.manager)
    return partial(claim_line_withdraw, result=accepted, withdrawn_on=timezone.localdate(),
                   withdrawal_reason="算定誤り", by=g.by)


def _claim_line_reclaim(g):
    from django.utils import timezone

    _closing, line, submission = _sent_may(g)
    returned = claim_line_result_record(submission=submission, line=line, status="returned",
                                        notice_on=timezone.localdate(), return_reason="PB07", by=g.world.manager)
    return partial(claim_line_reclaim, result=returned, month=date(2025, 6, 1), by=g.by)


def _retention_tier_override(g):
    return partial(retention_tier_override, office=g.world.office, fiscal_year=2025, rate=Decimal("0.3"),
                   reason="通知", by=g.by)


def _revision_load(g):
    from tests.billing.test_fee_revisions import a_2026_revision

    return partial(revision_load, data=a_2026_revision(), by=g.by)


def _retention_support_no_history_rate_set(g):
    return partial(retention_support_no_history_rate_set, office=g.world.office, rate=Decimal("0.9"),
                   notice="札幌市通知", by=g.by)


def _billing_copay_cap_confirm(g):
    client = enrolled(g)  # its certificate runs from 2025-04-01 (cap 9,300); a new one from 2026-03-16 (cap 0)
    Certificate.objects.filter(client=client).update(period_end=date(2026, 3, 15))
    Certificate.objects.create(office=g.world.office, client=client, number=f"{client.pk + 1:010d}",
                               municipality="札幌市", period_start=date(2026, 3, 16), period_end=date(2027, 3, 31),
                               income_category=IncomeCategory.LOW_INCOME, copay_cap=0)
    first = Certificate.objects.filter(client=client).order_by("period_start").first()
    return partial(billing_copay_cap_confirm, office=g.world.office, client=client, month=date(2026, 3, 1),
                   certificate_id=first.pk, by=g.by)


def _billing_cap_management_record(g):
    client = enrolled(g)
    Certificate.objects.filter(client=client).update(cap_management="this_office")
    return partial(billing_cap_management_record, office=g.world.office, client=client, month=date(2025, 5, 1),
                   providers=[], by=g.by)


def _billing_cap_result_record(g):
    client = enrolled(g)
    Certificate.objects.filter(client=client).update(cap_management="other_office", cap_manager_number="0110000999",
                                                     cap_manager_name="つばさ相談支援")
    return partial(billing_cap_result_record, office=g.world.office, client=client, month=date(2025, 5, 1),
                   result=2, amount=0, by=g.by)


def _certificate_cap_manager_set(g):
    certificate = Certificate.objects.get(client=enrolled(g))
    return partial(certificate_cap_manager_set, certificate=certificate, cap_management="other_office",
                   cap_manager_number="0110000999", cap_manager_name="つばさ相談支援", by=g.by)


def _fee_value_confirm(g):
    from billing.services.fees import row_ref

    rate = AddOnRate.objects.filter(to_verify=True).order_by("pk").first()
    return partial(fee_value_confirm, office=g.world.office, row=row_ref(rate), value=str(rate.units),
                   notice="報酬告示 p.3", by=g.by)


def _office_fee_settings_set(g):
    return partial(office_fee_settings_set, office=g.world.office, valid_from=date(2025, 7, 1),
                   values={"area_grade": "7", "meals": True}, by=g.by)


def _office_treatment_set(g):
    return partial(office_treatment_set, office=g.world.office, service="transition", scheme="unified",
                   category="I", month=date(2025, 7, 1), note="体制届", by=g.by)


def _client_invoices_issue(g):
    from tests.billing.papers.conftest import APRIL, build_papers_month

    build_papers_month(g.world)
    return partial(client_invoices_issue, office=g.world.office, month=APRIL, by=g.by)


def _client_payment_record(g):
    from tests.billing.papers.conftest import APRIL, build_papers_month

    papers = build_papers_month(g.world)
    client_invoices_issue(office=g.world.office, month=APRIL, by=g.world.manager)
    invoice = ClientInvoice.objects.get(client=papers.ichiro)
    return partial(client_payment_record, invoice=invoice, paid_on=date(2025, 6, 2), amount=1000, method="cash",
                   by=g.by)


def _federation_payment_record(g):
    from tests.billing.papers.conftest import APRIL, CLAIMED, build_papers_month

    build_papers_month(g.world)
    return partial(federation_payment_record, office=g.world.office, month=APRIL, received_on=date(2025, 6, 10),
                   amount=CLAIMED, by=g.by)


@dataclass(frozen=True)
class Case:
    service: Callable
    writes: tuple[type[Model], ...]  # audited models the call must write (at least one event each)
    arrange: Callable[[Given], partial]

    def __str__(self) -> str:
        return self.service.__name__


CASES = [
    Case(client_register, (Client, ServicePeriod), _client_register),
    Case(client_update, (Client,), _client_update),
    Case(client_change_status, (Client, ServicePeriod), _client_change_status),
    Case(client_return, (Client, ServicePeriod), _client_return),
    Case(client_record_hire, (Client, ServicePeriod), _client_record_hire),
    Case(client_record_job_end, (Client,), _client_record_job_end),
    Case(certificate_add, (Certificate,), _certificate_add),
    Case(health_update, (HealthRecord, HealthRecord.diagnoses.through), _health_update),
    Case(career_profile_update, (CareerProfile, CareerProfileChange), _career_profile_update),
    Case(support_plan_create, (SupportPlan, PlanGoal), _support_plan_create),
    Case(support_plan_update, (SupportPlan, PlanGoal), _support_plan_update),
    Case(support_plan_record_meeting, (SupportPlan,), _support_plan_record_meeting),
    Case(support_plan_record_agreement, (SupportPlan,), _support_plan_record_agreement),
    Case(support_plan_record_delivery, (SupportPlan,), _support_plan_record_delivery),
    Case(support_plan_record_consultation_copy, (SupportPlan,), _support_plan_record_consultation_copy),
    Case(support_plan_revise, (SupportPlan, PlanGoal), _support_plan_revise),
    Case(support_plan_close, (SupportPlan,), _support_plan_close),
    Case(support_plan_review_add, (SupportPlanReview, GoalProgress), _support_plan_review_add),
    Case(plan_signature_add, (PlanSignature, SupportPlan), _plan_signature_add),
    Case(case_note_add, (CaseNote,), _case_note_add),
    Case(sensitive_export_record, (SensitiveExport,), _sensitive_export_record),
    Case(import_clients, (Client, ServicePeriod), _import_clients),
    Case(import_plans, (SupportPlan,), _import_plans),
    Case(employer_create, (Employer,), _employer_create),
    Case(employer_update, (Employer,), _employer_update),
    Case(employer_person_add, (EmployerPerson,), _employer_person_add),
    Case(employer_contact_log, (EmployerContact, EmployerContact.clients.through), _employer_contact_log),
    Case(application_create, (JobApplication,), _application_create),
    Case(application_record_result, (JobApplication,), _application_record_result),
    Case(interview_record, (Interview,), _interview_record),
    Case(placement_record_hire, (Hire, Client), _placement_record_hire),
    Case(placement_record_job_end, (Hire, Client), _placement_record_job_end),
    Case(followup_record, (FollowUpContact,), _followup_record),
    Case(outreach_record, (Outreach,), _outreach_record),
    Case(import_placements, (Employer, Hire), _import_placements),
    Case(import_followups, (FollowUpContact,), _import_followups),
    Case(attendance_record_day, (Attendance,), _attendance_record_day),
    Case(import_attendance, (Attendance,), _import_attendance),
    Case(attendance_month_close, (ClosedMonth,), _attendance_month_close),
    Case(regional_meeting_record, (RegionalMeeting,), _regional_meeting_record),
    Case(regional_meeting_update, (RegionalMeeting,), _regional_meeting_update),
    Case(regional_meeting_delete, (RegionalMeeting,), _regional_meeting_delete),
    Case(attendance_month_reopen, (ClosedMonth,), _attendance_month_reopen),
    Case(case_review_mark, (CaseReviewMark,), _case_review_mark),
    Case(case_review_unmark, (CaseReviewMark,), _case_review_unmark),
    Case(case_review_note_add, (CaseNote, CaseReviewMark), _case_review_note_add),
    Case(case_review_settings_save, (CaseReviewSettings,), _case_review_settings_save),
    Case(billing_month_close, (MonthClosing, ClosedMonth), _billing_month_close),
    Case(billing_month_reopen, (MonthClosing, ClosedMonth), _billing_month_reopen),
    Case(claim_submission_record, (ClaimSubmission,), _claim_submission_record),
    Case(claim_line_result_record, (ClaimResult,), _claim_line_result_record),
    Case(claim_line_withdraw, (ClaimResult,), _claim_line_withdraw),
    Case(claim_line_reclaim, (LateClaim,), _claim_line_reclaim),
    Case(retention_tier_override, (RetentionTierOverride,), _retention_tier_override),
    Case(revision_load, (FeeRevision, AddOnRate), _revision_load),
    Case(billing_copay_cap_confirm, (CopayCapDecision,), _billing_copay_cap_confirm),
    Case(billing_cap_management_record, (CopayCapManagement,), _billing_cap_management_record),
    Case(billing_cap_result_record, (CopayCapManagement,), _billing_cap_result_record),
    Case(certificate_cap_manager_set, (Certificate,), _certificate_cap_manager_set),
    Case(retention_support_no_history_rate_set, (RetentionSupportNoHistoryRate,),
         _retention_support_no_history_rate_set),
    Case(fee_value_confirm, (FeeValueConfirmation,), _fee_value_confirm),
    Case(office_fee_settings_set, (OfficeFeeSettings,), _office_fee_settings_set),
    Case(office_treatment_set, (OfficeTreatmentImprovement,), _office_treatment_set),
    Case(client_invoices_issue, (ClientInvoice,), _client_invoices_issue),
    Case(client_payment_record, (ClientPayment, ClientInvoice), _client_payment_record),
    Case(federation_payment_record, (FederationPayment, ProxyReceiptNotice), _federation_payment_record),
]

# Services that are @audited but write no audited table today (so no event can name anyone yet).
WRITE_NO_AUDITED_TABLE = {
    billing_document_request: "GeneratedDocument is exempt from the trail (compostela.audit.AUDIT_EXEMPT)",
    user_set_language: "User is exempt from the trail (compostela.audit.AUDIT_EXEMPT)",
}


@pytest.fixture
def given(world, tmp_path) -> Given:
    return Given(world=world, tmp_path=tmp_path, by=world.manager)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_events_of_a_service_name_the_user_it_was_given(given, case):
    # given the rows the service needs, and a call with by=the user
    call = case.arrange(given)
    assert (call.func, call.keywords[call.func.audit_actor_argument]) == (case.service, given.by)
    newest = event_marker()
    # when it is called outside any request and any audit_context
    call()
    # then every event it caused names that user, and it wrote the tables it is about
    events = events_since(newest)
    assert {(e.pgh_obj_model, e.user_id) for e in events if e.user_id != given.by.pk} == set()
    assert {m._meta.label for m in case.writes} <= {e.pgh_obj_model for e in events}


def test_the_user_given_to_a_service_wins_over_the_requests_user(world, rf: RequestFactory):
    # given a view of a staff member who records a note in a manager's name
    def view(request):
        request.note = case_note_add(client=make_client(world.office), kind=CaseNoteKind.INTERVIEW, text="面談",
                                     minutes=10, by=world.manager)
        return HttpResponse("ok")

    request = rf.post("/clients/1/notes/")
    request.user = world.staff
    # when
    AuditMiddleware(view)(request)
    # then the note names the manager, and the event keeps the request's context
    (event,) = events_of(CaseNote, request.note.pk)
    assert event.user_id == world.manager.pk
    assert (event.request, event.pgh_context["method"]) == (request.audit_request_id, "POST")
    (client_event,) = events_of(Client, request.note.client_id)
    assert client_event.user_id == world.staff.pk  # a write outside the service: the request's user
    assert client_event.request == request.audit_request_id


def test_every_service_that_takes_by_is_audited_and_has_a_case():
    # given every public function of the production apps with an actor argument
    takes_by, audited = set(), set()
    for app in PRODUCTION_APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for name, function in inspect.getmembers(module, inspect.isfunction):
                if function.__module__ != module.__name__ or name.startswith("_") or function is audit.audited:
                    continue
                if hasattr(function, "audit_actor_argument"):
                    audited.add(function)
                if "by" in inspect.signature(function).parameters:
                    takes_by.add(function)
    # then each is @audited, and each @audited one has a case here (or says why it cannot have one)
    assert {f.__qualname__ for f in takes_by - audited} == set()
    covered = {case.service for case in CASES} | set(WRITE_NO_AUDITED_TABLE)
    assert {f.__qualname__ for f in audited - covered} == set()
    assert len(audited) == len(CASES) + len(WRITE_NO_AUDITED_TABLE)


# --- system actors ----------------------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_commands_events_carry_its_name_as_the_system_actor(world, tmp_path):
    # given an import with no --user: no person to name
    path = tmp_path / "clients.csv"
    path.write_text(CLIENTS_CSV, encoding="utf-8")
    newest = event_marker()
    # when
    run("import_clients", "--office", world.office.number, str(path))
    # then the events name the command (and the file), and no user
    events = events_since(newest)
    assert {e.pgh_obj_model for e in events} >= {Client._meta.label, ServicePeriod._meta.label}
    assert {(e.user_id, e.reason) for e in events} == {(None, "command: import_clients clients.csv")}


def test_a_commands_user_is_named_by_the_service_and_the_command_by_the_context(world, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(CLIENTS_CSV, encoding="utf-8")
    newest = event_marker()
    run("import_clients", "--office", world.office.number, "--user", world.supervisor.username, str(path))
    events = events_since(newest)
    assert events
    assert {(e.user_id, e.reason) for e in events} == {(world.supervisor.pk, "command: import_clients clients.csv")}


def test_the_placements_imports_name_their_own_command(world, tmp_path):
    make_client(world.office, family_name="山田", family_name_kana="ヤマダ", given_name="一郎",
                birth_date=date(1990, 5, 1))
    path = tmp_path / "hires.csv"
    path.write_text("family_name,given_name,birth_date,employer,job_title,job_field,recruitment_type,start_date,"
                    "hours_per_week,hourly_wage,employment_form,disclosed\n"
                    "山田,一郎,1990-05-01,北倉庫,ピッキング,warehouse,quota,2025-05-01,20,1000,permanent,yes\n",
                    encoding="utf-8")
    newest = event_marker()
    run("import_placements", "--office", world.office.number, str(path))
    events = events_since(newest)
    assert Hire._meta.label in {e.pgh_obj_model for e in events}
    assert {(e.user_id, e.reason) for e in events} == {(world.manager.pk, "command: import_placements hires.csv")}


def test_an_export_by_a_command_names_the_command(world):
    newest = event_marker()
    run("billing_month", "--office", world.office.number, "--month", "2025-05", "--format", "csv")
    (event,) = events_since(newest)
    assert (event.pgh_label, event.user_id, event.reason) == (AuditAction.EXPORT, None, "command: billing_month")


def test_the_document_task_acts_for_the_person_who_asked_for_the_document(world, monkeypatch):
    from billing.documents import tasks

    # given a document asked for by a supervisor, and a build that writes an audited row
    document = billing_document_request(office=world.office, kind="followup", year=2024, by=world.supervisor)
    written = []
    monkeypatch.setattr(tasks, "billing_document_build",
                        lambda *, document_id: written.append(make_client(world.office)) or "done")
    # when the task runs (outside the request)
    tasks.generate_billing_document(document_id=document.pk)
    # then its writes name the person and the task
    (event,) = events_of(Client, written[0].pk)
    assert (event.user_id, event.reason) == (world.supervisor.pk, "task: generate_billing_document")


def test_a_data_migration_names_itself():
    # given the shipped figures (a data migration that runs on today's schema: regulations 0006's notes)
    migration = importlib.import_module("regulations.migrations.0006_plan_monitoring_months")
    newest = event_marker()
    # when the migration is reversed and applied again
    migration.unnote(apps, None)
    migration.note(apps, None)
    # then its updates name the migration, and no user
    events = events_since(newest)
    assert events and {e.pgh_label for e in events} == {AuditAction.UPDATE}
    assert {(e.pgh_obj_model, e.user_id, e.reason) for e in events} == {
        (RegulatoryFigures._meta.label, None, migration.MIGRATION)}
    assert migration.MIGRATION == "migration: regulations.0006_plan_monitoring_months"


def test_audited_refuses_a_service_without_its_actor_argument():
    with pytest.raises(TypeError, match="has no argument 'by'"):
        audit.audited(by="by")(lambda *, office: None)


def test_a_service_given_no_user_keeps_the_enclosing_actor(world, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(CLIENTS_CSV, encoding="utf-8")
    newest = event_marker()
    with audit.audit_context(user=world.manager, reason="command: a test"):
        import_clients(office=world.office, path=path, by=None)
    events = events_since(newest)
    assert events
    assert {(e.user_id, e.reason) for e in events} == {(world.manager.pk, "command: a test")}
