"""What every URL of the project answers to each kind of visitor — one declaration per URL name.

A URL pattern that is not declared here makes ``test_url_access`` fail, so no page can slip in
without a decision about who may see it.

Columns: anon (not logged in), other (a manager of another office, asking for this office's
object), staff, supervisor, manager.  302 for anon means "redirected to the login page".
``kwargs`` builds the URL arguments from the test world (objects of the first office), ``method``
and ``data`` say how to call it.  Admin URLs are covered by ``admin:index`` (superusers and managers;
the admin's own scoping is tested in tests/trust/test_admin_scoping.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Access:
    anon: int
    other: int
    staff: int
    supervisor: int
    manager: int
    kwargs: Callable[[Any], dict] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[Any], dict] = field(default=lambda world: {})
    public: bool = False  # answers anonymous visitors itself instead of sending them to log in


def page(min_role: str = "staff", *, other: int = 200, **extra) -> Access:
    """A page of the current office, open to ``min_role`` and above."""
    ranks = ["staff", "supervisor", "manager"]
    codes = {role: (200 if ranks.index(role) >= ranks.index(min_role) else 403) for role in ranks}
    return Access(anon=302, other=other, **codes, **extra)


def office_object(min_role: str = "staff", **extra) -> Access:
    """A page about one object of the first office: the other office's member gets 404."""
    return page(min_role, other=404, **extra)


def _placements(world):
    """One employer, hire and application of the first office (built once per test world)."""
    if not hasattr(world, "_placements"):
        from types import SimpleNamespace

        from tests.factories import ApplicationFactory, HireFactory

        hire = HireFactory(office=world.office, created_by=world.staff)
        application = ApplicationFactory(office=world.office, client=hire.client, employer=hire.employer,
                                         created_by=world.staff)
        world._placements = SimpleNamespace(hire=hire, employer=hire.employer, application=application)
    return world._placements


def _billing_closing_kwargs(world) -> dict:
    """A stored closing of the first office (May 2024, version 1)."""
    from datetime import date

    from django.utils import timezone

    from billing.models import MonthClosing

    MonthClosing.objects.get_or_create(
        office=world.office, month=date(2024, 5, 1), version=1,
        defaults={"closed_at": timezone.now(), "closed_by": world.manager},
    )
    return {"year": 2024, "month": 5, "version": 1}
def _billing_document(world):
    """A finished billing document of the first office (issue 9)."""
    from datetime import date

    from billing.models import GeneratedDocument

    document, _ = GeneratedDocument.objects.get_or_create(
        office=world.office, kind="month_summary", month=date(2024, 5, 1), requested_by=world.manager,
        defaults={"status": "done", "content": b"%PDF-1.7 test", "size": 13, "filename": "t.pdf",
                  "content_type": "application/pdf"},
    )
    return {"pk": document.pk}


def _papers(world):
    """A closed April 2025 of the first office with 札幌 一郎's invoice (co-payment 9,300, fake test figures)."""
    if not hasattr(world, "_papers"):
        from types import SimpleNamespace

        from billing.papers.services import client_invoices_issue
        from tests.billing.papers.conftest import APRIL, build_papers_month

        papers = build_papers_month(world)
        client_invoices_issue(office=world.office, month=APRIL, by=world.manager)
        world._papers = SimpleNamespace(papers=papers, invoice=papers.closing.invoices.get(client=papers.ichiro))
    return world._papers


def _papers_month(world) -> dict:
    _papers(world)
    return {"year": 2025, "month": 4}


def _sent(world):
    """A sending of the first office's May 2024 file (version 1, sent 2024-06-05) with three lines: one without
    a result, one accepted (to withdraw), one returned (to claim again) — issue 21, after sending."""
    if not hasattr(world, "_sent"):
        from datetime import date
        from decimal import Decimal
        from types import SimpleNamespace

        from billing.models import ClaimLine, MonthClosing
        from billing.submissions.models import ClaimResult, ClaimSubmission
        from tests.factories import ClientFactory

        _billing_closing_kwargs(world)
        closing = MonthClosing.objects.get(office=world.office, month=date(2024, 5, 1), version=1)
        lines = [ClaimLine.objects.create(
            closing=closing, service="transition", client=ClientFactory(office=world.office), client_name="送信 一郎",
            billable_days=1, basic_units=500, addon_units=0, total_units=500, yen_per_unit=Decimal("10.00"),
            total_yen=5000, copayment=0, claimed=5000, explanation={}) for _ in range(3)]
        submission = ClaimSubmission.objects.create(closing=closing, file_name="J2405V01.CSV",
                                                    sent_on=date(2024, 6, 5), sent_by=world.manager)
        accepted = ClaimResult.objects.create(submission=submission, line=lines[1], status="accepted",
                                              notice_on=date(2024, 7, 1), recorded_by=world.manager)
        returned = ClaimResult.objects.create(submission=submission, line=lines[2], status="returned",
                                              notice_on=date(2024, 7, 1), return_reason="PB07",
                                              recorded_by=world.manager)
        world._sent = SimpleNamespace(submission=submission, line=lines[0], accepted=accepted, returned=returned)
    return world._sent


def _meeting(world):
    """A regional cooperation meeting of the first office (2025-05-20, an open month)."""
    from datetime import date

    from attendance.models import RegionalMeeting
    from tests.factories import ClientFactory

    return RegionalMeeting.objects.create(office=world.office, client=ClientFactory(office=world.office),
                                          day=date(2025, 5, 20), kind="i", participants="相談支援事業所ぽっけ",
                                          recorded_by=world.staff)


def _supervisor_object(**extra) -> Access:
    """A supervisor's page about one object of the first office: staff get 403, another office 404."""
    return Access(anon=302, other=404, staff=403, supervisor=200, manager=200, **extra)


def _client(world):
    """A client whose first visit is the one ``_client_fields`` posts."""
    from datetime import date

    from tests.factories import ClientFactory

    return ClientFactory(office=world.office, first_visit_on=date(2025, 4, 1), enrolled_on=date(2025, 4, 15))


def _cap_managed(world):
    """A client of the first office whose certificate says another office manages the co-payment cap (上限額管理),
    over May 2025 (built once per test world)."""
    if not hasattr(world, "_cap_managed"):
        from datetime import date

        from tests.factories import CertificateFactory, ClientFactory

        client = ClientFactory(office=world.office, first_visit_on=date(2025, 4, 1), enrolled_on=date(2025, 4, 15))
        certificate = CertificateFactory(client=client, period_start=date(2025, 4, 1), period_end=date(2026, 3, 31),
                                         cap_management="other_office", cap_manager_number="0110000999",
                                         cap_manager_name="つばさ相談支援")
        world._cap_managed = (client, certificate)
    return world._cap_managed


def _cap_management_kwargs(world) -> dict:
    return {"year": 2025, "month": 5, "client_id": _cap_managed(world)[0].pk}


def _ended_client(world):
    """A client whose use ended (so that a return may be recorded)."""
    from datetime import date

    from tests.factories import ClientFactory, ServicePeriodFactory

    client = ClientFactory(office=world.office, status="ended", first_visit_on=date(2025, 4, 1),
                           enrolled_on=date(2025, 4, 15), ended_on=date(2025, 6, 1), end_reason="転居")
    ServicePeriodFactory(client=client, started_on=date(2025, 4, 1), enrolled_on=date(2025, 4, 15),
                         ended_on=date(2025, 6, 1), end_reason="転居")
    return client


def _plan(world):
    from tests.factories import SupportPlanFactory

    return SupportPlanFactory(client=_client(world), created_by=world.supervisor)


def _agreed_plan(world):
    """A plan drafted on 2025-05-01 and agreed on 2025-05-08 (so it can be handed over, revised, monitored)."""
    from datetime import date

    from tests.factories import SupportPlanFactory

    return SupportPlanFactory(client=_client(world), created_by=world.supervisor, agreed_on=date(2025, 5, 8))


def _print_sign(world):
    """An agreed plan of the first office with a monitoring and a tablet signature (issue 19: print and sign)."""
    if not hasattr(world, "_print_sign"):
        from datetime import date
        from types import SimpleNamespace

        from clients.models import PlanSignature, SupportPlanReview
        from tests.clients.plan_print import signature_png
        from tests.factories import SupportPlanFactory

        plan = SupportPlanFactory(client=_client(world), created_by=world.supervisor, agreed_on=date(2025, 5, 2))
        review = SupportPlanReview.objects.create(plan=plan, reviewed_on=date(2025, 6, 2), summary="順調",
                                                  reviewed_by=world.supervisor)
        signature = PlanSignature.objects.create(plan=plan, kind="tablet", signed_on=date(2025, 5, 2),
                                                 content=signature_png(), content_type="image/png",
                                                 recorded_by=world.supervisor)
        world._print_sign = SimpleNamespace(plan=plan, review=review, signature=signature)
    return world._print_sign


ACCESS: dict[str, Access] = {
    "home": page(),
    # the upload screen of the imports (compostela/import_views.py): managers only; a token not kept for this
    # user in this office is unknown (404)
    "import_upload": page("manager"),
    "import_confirm": Access(anon=302, other=404, staff=403, supervisor=403, manager=404, method="post",
                             kwargs=lambda world: {"token": "no-such-upload"}),
    "login": Access(anon=200, other=200, staff=200, supervisor=200, manager=200, public=True),
    "logout": Access(anon=302, other=302, staff=302, supervisor=302, manager=302, method="post"),
    "password_change": page(),
    "password_change_done": page(),
    "switch_office": Access(
        anon=302, other=400, staff=302, supervisor=302, manager=302, method="post",
        data=lambda world: {"office": world.office.pk},
    ),
    "set_language": Access(
        anon=302, other=302, staff=302, supervisor=302, manager=302, method="post",
        data=lambda world: {"language": "ja", "next": "/"}, public=True,
    ),
    "office_detail": office_object(kwargs=lambda world: {"pk": world.office.pk}),
    "clients:list": page(),
    # clients (issue 4): every client page answers 404 to another office; plans are created and closed by
    # supervisors; the export of health data is for supervisors (it is recorded).
    "clients:export": page("supervisor"),
    "clients:register": page(),
    "clients:detail": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:edit": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:status": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:return": office_object(kwargs=lambda world: {"pk": _ended_client(world).pk}),
    "clients:certificate_add": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    # who manages the co-payment cap (上限額管理) on a recorded certificate: staff, like recording it
    "clients:certificate_cap_manager": office_object(
        kwargs=lambda world: {"pk": _cap_managed(world)[0].pk, "certificate_id": _cap_managed(world)[1].pk}),
    "clients:health": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:profile": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:profile_history": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:note_add": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    # the support plan (issue 19): every office role reads it; supervisors and managers write it and its
    # monitoring; another office's plan answers 404
    "clients:plan_create": _supervisor_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:plan_detail": office_object(kwargs=lambda world: {"pk": _plan(world).pk}),
    "clients:plan_edit": _supervisor_object(kwargs=lambda world: {"pk": _plan(world).pk}),
    "clients:plan_meeting": _supervisor_object(kwargs=lambda world: {"pk": _plan(world).pk}),
    "clients:plan_agreement": _supervisor_object(kwargs=lambda world: {"pk": _plan(world).pk}),
    "clients:plan_delivery": _supervisor_object(kwargs=lambda world: {"pk": _agreed_plan(world).pk}),
    "clients:plan_consultation": _supervisor_object(kwargs=lambda world: {"pk": _agreed_plan(world).pk}),
    "clients:plan_revise": _supervisor_object(kwargs=lambda world: {"pk": _agreed_plan(world).pk}),
    "clients:plan_close": _supervisor_object(kwargs=lambda world: {"pk": _plan(world).pk}),
    "clients:plan_review": _supervisor_object(kwargs=lambda world: {"pk": _agreed_plan(world).pk}),
    # print and sign (issue 19): every role prints and views a signature; supervisors and managers attach one
    "clients:plan_pdf": office_object(kwargs=lambda world: {"pk": _print_sign(world).plan.pk}),
    "clients:monitoring_pdf": office_object(kwargs=lambda world: {"pk": _print_sign(world).review.pk}),
    "clients:plan_signature_add": _supervisor_object(kwargs=lambda world: {"pk": _print_sign(world).plan.pk}),
    "clients:plan_signature_file": office_object(kwargs=lambda world: {"pk": _print_sign(world).signature.pk}),
    # the read log (compostela/reads.py): the office's managers only; another office's client or staff 404
    "clients:reads": office_object("manager", kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:staff_reads": office_object("manager", kwargs=lambda world: {"pk": world.staff.pk}),
    "attendance:day": page(),
    "attendance:month": page(),
    # regional cooperation meetings (issue 20): every office role records them; another office's one 404
    "attendance:meetings": page(),
    "attendance:meeting_create": page(),
    "attendance:meeting_edit": office_object(kwargs=lambda world: {"pk": _meeting(world).pk}),
    "attendance:meeting_delete": office_object(kwargs=lambda world: {"pk": _meeting(world).pk}),
    "review:board": page(),
    # case review (issue 7): every office role views and writes notes; the settings are supervisor+
    "review:settings": page("supervisor"),
    "review:person": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "review:note": Access(anon=302, other=404, staff=302, supervisor=302, manager=302, method="post",
                          kwargs=lambda world: {"pk": _client(world).pk},
                          data=lambda world: {"text": "ケース会議で確認", "minutes": 5}),
    "review:mark": Access(anon=302, other=404, staff=302, supervisor=302, manager=302, method="post",
                          kwargs=lambda world: {"pk": _client(world).pk}),
    "placements:index": page(),
    "billing:index": page("manager"),
    # placements (issue 6): every office role; another office's object answers 404
    "placements:employer_list": page(),
    "placements:employer_create": page(),
    "placements:employer_detail": office_object(kwargs=lambda world: {"pk": _placements(world).employer.pk}),
    "placements:employer_edit": office_object(kwargs=lambda world: {"pk": _placements(world).employer.pk}),
    "placements:employer_person_create": office_object(
        kwargs=lambda world: {"pk": _placements(world).employer.pk}),
    "placements:contact_log": page(),
    "placements:contact_create": page(),
    "placements:client": office_object(kwargs=lambda world: {"pk": _placements(world).hire.client_id}),
    "placements:application_create": office_object(kwargs=lambda world: {"pk": _placements(world).hire.client_id}),
    "placements:hire_create": office_object(kwargs=lambda world: {"pk": _placements(world).hire.client_id}),
    "placements:outreach_create": office_object(kwargs=lambda world: {"pk": _placements(world).hire.client_id}),
    "placements:application_result": office_object(
        kwargs=lambda world: {"pk": _placements(world).application.pk}),
    "placements:interview_create": office_object(kwargs=lambda world: {"pk": _placements(world).application.pk}),
    "placements:hire_list": page(),
    "placements:hire_detail": office_object(kwargs=lambda world: {"pk": _placements(world).hire.pk}),
    "placements:hire_end": office_object(kwargs=lambda world: {"pk": _placements(world).hire.pk}),
    "placements:followup_create": office_object(kwargs=lambda world: {"pk": _placements(world).hire.pk}),
    "placements:outreach_list": page(),
    "placements:figures": page(),
    "billing:version": office_object("manager", kwargs=lambda world: _billing_closing_kwargs(world)),
    # the closing's confirmation page (GET; POST closes): a manager of another office sees their own month
    "billing:close": page("manager", kwargs=lambda world: {"year": 2024, "month": 5}),
    # a manager reopens a month of their own office: a redirect
    "billing:reopen": Access(anon=302, other=302, staff=403, supervisor=403, manager=302, method="post",
                             kwargs=lambda world: {"year": 2024, "month": 5}, data=lambda world: {"reason": "訂正"}),
    # the month's co-payment cap of one client: another office's manager gets 404 for this office's client
    "billing:copay_cap": Access(anon=302, other=404, staff=403, supervisor=403, manager=302, method="post",
                                kwargs=lambda world: {"year": 2024, "month": 5, "client_id": _client(world).pk},
                                data=lambda world: {"certificate": "1"}),
    # the fee page (issue 20): the revisions in force, what is to verify, the office's settings
    # the co-payment cap across providers (上限額管理) of one client's month (issue 21): managers; another
    # office's client answers 404.  The result sheet of a month with nothing to print sends the manager back to
    # the page (302); tests/billing/test_cap_management.py prints one.
    "billing:cap_management": office_object("manager", kwargs=_cap_management_kwargs),
    "billing:cap_result_pdf": Access(anon=302, other=404, staff=403, supervisor=403, manager=302,
                                     kwargs=_cap_management_kwargs),
    "billing:fees": page("manager"),
    # loading a revision file from the fee page (upload → diff → confirm); revisions are shared reference data,
    # so a manager of another office loads the same file too
    "billing:fee_load": page("manager"),
    "billing:fee_load_confirm": Access(anon=302, other=302, staff=403, supervisor=403, manager=302, method="post",
                                       data=lambda world: _fee_load_post(world)),
    # a value to verify confirmed against the notice, the office's dated settings and staff-pay categories: each
    # for the manager's own office (another office's manager writes for theirs)
    "billing:fee_value_confirm": Access(anon=302, other=302, staff=403, supervisor=403, manager=302, method="post",
                                        data=lambda world: _fee_value_post(world)),
    "billing:fee_settings": Access(anon=302, other=302, staff=403, supervisor=403, manager=302, method="post",
                                   data=lambda world: _fee_settings_post(world)),
    "billing:fee_staff_pay": Access(anon=302, other=302, staff=403, supervisor=403, manager=302, method="post",
                                    data=lambda world: _fee_staff_pay_post(world)),
    # after sending (issue 21): the month's sendings and results (a month page: another office's manager sees
    # their own month; POST records a sending), and the writes on one line or result: another office's 404
    "billing:submission": page("manager", kwargs=lambda world: _billing_closing_kwargs(world) and {
        "year": 2024, "month": 5}),
    "billing:line_result": Access(
        anon=302, other=404, staff=403, supervisor=403, manager=302, method="post",
        kwargs=lambda world: {"pk": _sent(world).submission.pk, "line_id": _sent(world).line.pk},
        data=lambda world: {"status": "returned", "notice_on": "2024-07-01", "return_reason": "PB07 受給者証番号"}),
    "billing:line_withdraw": Access(
        anon=302, other=404, staff=403, supervisor=403, manager=302, method="post",
        kwargs=lambda world: {"pk": _sent(world).accepted.pk},
        data=lambda world: {"withdrawn_on": "2024-09-02", "withdrawal_reason": "送迎加算の算定誤り"}),
    "billing:line_reclaim": Access(
        anon=302, other=404, staff=403, supervisor=403, manager=302, method="post",
        kwargs=lambda world: {"pk": _sent(world).returned.pk}, data=lambda world: {"month": "2024-06"}),
    "billing:outstanding": page("manager"),
    "billing:tier": page("manager"),
    "billing:tier_override": Access(
        anon=302, other=302, staff=403, supervisor=403, manager=302, method="post",
        data=lambda world: {"fiscal_year": 2024, "rate_percent": "35", "reason": "札幌市通知"},
    ),
    "billing:followup_cost": page("manager"),
    # the retention-support rate of an office with no history (issue 18): the manager's own office only
    "billing:no_history_rate": page("manager"),
    # billing documents and exports (issue 9): managers only; a document of another office answers 404
    "billing:claim_file": page("manager", kwargs=lambda world: {"year": 2024, "month": 5}),
    "billing:month_summary_pdf": page("manager", kwargs=lambda world: {"year": 2024, "month": 5}),
    "billing:month_export": page("manager", kwargs=lambda world: {"year": 2024, "month": 5, "fmt": "xlsx"}),
    "billing:followup_export": page("manager", kwargs=lambda world: {"fmt": "csv"}),
    "billing:document_new": Access(anon=302, other=302, staff=403, supervisor=403, manager=302, method="post",
                                   data=lambda world: {"kind": "month_summary", "month": "2024-05"}),
    "billing:document_status": office_object("manager", kwargs=_billing_document),
    "billing:document_download": office_object("manager", kwargs=_billing_document),
    # the client's papers of a month (issue 21): managers only; another office's invoice answers 404, and its
    # manager sees their own office's month
    "billing:papers": page("manager", kwargs=_papers_month),
    "billing:papers_invoices": Access(anon=302, other=302, staff=403, supervisor=403, manager=302, method="post",
                                      kwargs=_papers_month),
    "billing:papers_payment": Access(anon=302, other=404, staff=403, supervisor=403, manager=302, method="post",
                                     kwargs=lambda world: {**_papers_month(world), "pk": _papers(world).invoice.pk},
                                     data=lambda world: {f"p{_papers(world).invoice.pk}-paid_on": "2025-06-02",
                                                         f"p{_papers(world).invoice.pk}-amount": "1000",
                                                         f"p{_papers(world).invoice.pk}-method": "cash"}),
    # (another office's manager: their own month is not closed, the form says so: 422)
    "billing:papers_federation": Access(anon=302, other=422, staff=403, supervisor=403, manager=302, method="post",
                                        kwargs=_papers_month,
                                        data=lambda world: {"received_on": "2025-06-10", "amount": "131500"}),
    "billing:papers_pdf": office_object("manager", kwargs=lambda world: {
        **_papers_month(world), "kind": "invoice", "pk": _papers(world).invoice.pk}),
    # Audit-trail history pages (compostela/history.py)
    "clients:history": office_object("supervisor", kwargs=lambda world: {"pk": _trust_client(world).pk}),
    "attendance:history": page("supervisor", kwargs=lambda world: {"day": "2025-04-01"}),
    "billing:month_history": page("manager", kwargs=lambda world: {"year": 2025, "month": 4}),
    # Admin: superusers, and managers (who see only the manager-editable models, scoped to their offices:
    # tests/trust/test_admin_scoping.py); staff and supervisors are sent to the admin login.
    "admin:index": Access(anon=302, other=200, staff=302, supervisor=302, manager=200),
}


def _trust_client(world):
    from tests.trust.helpers import make_client

    return make_client(world.office)


# --- Valid writes ---------------------------------------------------------------------------------------
# For every URL that accepts a form, data that the lowest allowed role may POST and that writes (a test
# proves it writes: tests/trust/test_refused_writes.py).  The same data, POSTed by a refused visitor, must
# change nothing.  URLs declared with method="post" above use their own ``data``.

def _client_fields() -> dict:
    return {"family_name": "田中", "given_name": "太郎", "family_name_kana": "タナカ", "given_name_kana": "タロウ",
            "birth_date": "1990-01-02", "referral_source": "hospital", "first_visit_on": "2025-04-01"}


def _recent() -> str:
    """A day a week before the clock's ``TODAY`` (writes may not be dated in the future; the tests that post
    ``VALID_POSTS`` take the ``clock`` fixture)."""
    from datetime import timedelta

    from tests.conftest import TODAY

    return (TODAY - timedelta(days=7)).isoformat()


def _today() -> str:
    from tests.conftest import TODAY

    return TODAY.isoformat()


def _attendance_post(world) -> dict:
    from datetime import date, timedelta

    from tests.conftest import TODAY
    from tests.factories import enrolled_client

    client = enrolled_client(world.office, period=(date(2024, 4, 1), TODAY + timedelta(days=400)))
    return {"day": _recent(), f"c{client.pk}-status": "attended", f"c{client.pk}-start_time": "10:00",
            f"c{client.pk}-end_time": "15:00", f"c{client.pk}-version": "0", f"c{client.pk}-fingerprint": ""}


def _signed_scan():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.clients.plan_print import PDF_SCAN

    return SimpleUploadedFile("signed.pdf", PDF_SCAN, content_type="application/pdf")


VALID_POSTS: dict[str, Callable[[Any], dict]] = {
    "clients:register": lambda world: {**_client_fields(), "status": "visitor"},
    "clients:edit": lambda world: {**_client_fields(), "phone": "011-222-3333"},
    "clients:status": lambda world: {"status": "ended", "on": "2025-06-01", "reason": "転居"},
    "clients:return": lambda world: {"on": _recent(), "enrolled": "on"},
    "clients:certificate_add": lambda world: {
        "service": "transition", "number": "0123456789", "municipality": "札幌市", "period_start": "2027-04-01",
        "period_end": "2028-03-31", "income_category": "general_1"},
    "clients:certificate_cap_manager": lambda world: {"cap_management": "this_office"},
    "billing:cap_management": lambda world: {"result": "2", "amount": "0"},
    "clients:health": lambda world: {"diagnosis_note": "通院中", "disability_certificate": "none",
                                     "pension_grade": "none"},
    "clients:profile": lambda world: {"own_words": "事務の仕事がしたい", "jobs-TOTAL_FORMS": "0",
                                      "jobs-INITIAL_FORMS": "0"},
    "clients:note_add": lambda world: {"day": "2025-06-01", "kind": "interview", "minutes": "30", "text": "面談"},
    "clients:plan_create": lambda world: {
        "service": "transition", "created_on": _recent(), "period_start": "2025-11-01", "period_end": "2026-04-30",
        "long_term_goal": "週5日通所", "overall_policy": "面談を週1回", "goals-TOTAL_FORMS": "1",
        "goals-INITIAL_FORMS": "0", "goals-0-goal": "週5日通所する", "goals-0-support": "通所の振り返り"},
    "clients:plan_edit": lambda world: {
        "created_on": "2025-05-01", "period_start": "2025-05-01", "period_end": "2025-10-31",
        "long_term_goal": "週5日通所", "overall_policy": "面談を週1回", "goals-TOTAL_FORMS": "0",
        "goals-INITIAL_FORMS": "0"},
    "clients:plan_meeting": lambda world: {"meeting_on": "2025-05-02", "attendees": "本人、サービス管理責任者"},
    "clients:plan_agreement": lambda world: {"agreed_on": "2025-05-02"},
    "clients:plan_delivery": lambda world: {"delivered_on": "2025-05-09"},
    "clients:plan_consultation": lambda world: {"consultation_office": "相談室ぽっけ",
                                                "consultation_sent_on": "2025-05-09"},
    "clients:plan_revise": lambda world: {"created_on": _recent()},
    "clients:plan_close": lambda world: {"closed_on": "2025-10-31"},
    "clients:plan_review": lambda world: {"reviewed_on": "2025-06-01", "summary": "順調",
                                          "progress-TOTAL_FORMS": "0", "progress-INITIAL_FORMS": "0"},
    "clients:plan_signature_add": lambda world: {"kind": "scan", "scan-signed_on": _recent(),
                                                 "scan-upload": _signed_scan()},
    "attendance:day": _attendance_post,
    "attendance:meeting_create": lambda world: {
        "client": _client(world).pk, "day": _recent(), "kind": "ii", "participants": "病院 MSW、相談支援専門員"},
    "attendance:meeting_edit": lambda world: {"day": _recent(), "kind": "i",
                                              "participants": "相談支援事業所ぽっけ 山田"},
    "attendance:meeting_delete": lambda world: {},
    "placements:employer_create": lambda world: {"name": "札幌新規物流"},
    "placements:employer_edit": lambda world: {"name": "改名した会社"},
    "placements:employer_person_create": lambda world: {"name": "佐藤 一郎"},
    "placements:contact_create": lambda world: {
        "day": _recent(), "employer": _placements(world).employer.pk, "kind": "phone", "staff": world.staff.pk},
    "placements:application_create": lambda world: {
        "employer": _placements(world).employer.pk, "job_title": "事務補助", "job_field": "office",
        "recruitment_type": "quota", "applied_on": _recent()},
    "placements:hire_create": lambda world: {
        "employer": _placements(world).employer.pk, "job_title": "倉庫作業", "job_field": "warehouse",
        "recruitment_type": "quota", "start_date": _recent(), "hours_per_week": "20", "hourly_wage": "1100",
        "employment_form": "permanent", "disclosed": "on", "competitive": "on"},
    "placements:outreach_create": lambda world: {
        "day": _recent(), "kind": "home_visit", "minutes": "30", "staff": world.staff.pk},
    "placements:application_result": lambda world: {"result": "rejected", "result_on": _recent()},
    "placements:interview_create": lambda world: {"day": _recent(), "staff": world.staff.pk},
    "placements:hire_end": lambda world: {"ended_on": _recent(), "reason": "quit", "confirmed": "on"},
    "placements:followup_create": lambda world: {
        "day": _recent(), "kind": "phone_online", "minutes": "15", "staff": world.staff.pk},
    "billing:close": lambda world: {"confirmed": _close_digest(world), "reason": "4月分は返戻待ち"},
    "billing:no_history_rate": lambda world: {"rate": "0.9000", "notice": "札幌市障がい福祉課の通知"},
    # the closing the page's kwargs make is closed "now" (the clock's TODAY): its file is sent the same day
    "billing:submission": lambda world: {"version": "1", "file_name": "J2405V01.CSV", "sent_on": _today()},
}


def _close_digest(world) -> str:
    """The digest of the points to check of May 2024 as the confirmation page shows it."""
    from datetime import date

    from billing.selectors import billing_close_checks
    from billing.services.checks import checks_digest

    return checks_digest(billing_close_checks(office=world.office, month=date(2024, 5, 1)))


# --- the fee page's writes (issue 20) ----------------------------------------------------------------------
def _fee_load_post(world) -> dict:
    """A test revision file (fake figures, unverified) with the digest of its diff, as the confirmation page
    carries them."""
    import json

    from billing.services.revisions import revision_diff, revision_diff_digest
    from tests.billing.test_fee_revisions import a_2026_revision

    data = a_2026_revision()
    return {"text": json.dumps(data, ensure_ascii=False), "name": "2026-06.json",
            "confirmed": revision_diff_digest(revision_diff(data))}


def _fee_value_post(world) -> dict:
    """A shipped add-on value marked to verify, as the fee page shows it."""
    from billing.models import AddOnRate
    from billing.services.fees import row_ref

    rate = AddOnRate.objects.filter(to_verify=True).order_by("pk").first()
    return {"row": row_ref(rate), "value": str(rate.units), "notice": "報酬告示 別表第十一 p.3"}


def _fee_settings_post(world) -> dict:
    return {"valid_from": "2025-07-01", "area_grade": "7", "followup_cost_method": "per_contact",
            "cost_per_followup": "10000", "hourly_staff_cost": "2500", "restraint_not_done": "on"}


def _fee_staff_pay_post(world) -> dict:
    return {"service": "transition", "scheme": "unified", "category": "I", "month": "2025-07", "note": "体制届受理"}
