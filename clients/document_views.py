"""The support plan's print and signature screens: the plan and a monitoring record as PDFs (laid out in the
request: one person's one or two pages), the page that attaches the person's signature (a scan or a
tablet signature), and the stored signature file.

Every object is found through ``scoped(request, ...)`` (another office's answers 404).  Staff read (print,
view a signature); supervisors and managers attach signatures.  Opening a printout or a signature is a
read of the person's records (``compostela.reads.record_read``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from clients import documents, signatures
from clients.models import PlanSignature, SignatureKind, SupportPlan, SupportPlanReview
from clients.signature_forms import PlanSignatureForm
from compostela.filenames import safe_filename
from compostela.forms import form_submit
from compostela.models import ReadPage, Role
from compostela.reads import record_read
from compostela.scoping import office_required, scoped


def _file_response(data: bytes, *, filename: str, content_type: str, inline: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not inline, filename=safe_filename(filename)
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@office_required()
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """個別支援計画書 (A4 PDF), shown in the browser to print."""
    plan = get_object_or_404(scoped(request, SupportPlan.objects.select_related("client")), pk=pk)
    record_read(request, client_id=plan.client_id, page=ReadPage.PLAN_PRINT)
    pdf = documents.support_plan_pdf(plan=plan)
    return _file_response(pdf.data, filename=documents.support_plan_pdf_filename(plan), content_type="application/pdf")


@office_required()
def monitoring_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """モニタリング記録 (A4 PDF) of one monitoring."""
    review = get_object_or_404(scoped(request, SupportPlanReview.objects.select_related("plan__client")), pk=pk)
    record_read(request, client_id=review.plan.client_id, page=ReadPage.PLAN_PRINT)
    pdf = documents.monitoring_pdf(review=review)
    return _file_response(pdf.data, filename=documents.monitoring_pdf_filename(review), content_type="application/pdf")


@office_required(Role.SUPERVISOR)
def plan_signature_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach the person's signature: a signature drawn here on a tablet, or a scan of the signed paper.
    One page, two forms; the POST's ``kind`` says which was sent (anything else is refused on the scan form)."""
    plan = get_object_or_404(scoped(request, SupportPlan.objects.select_related("client")), pk=pk)
    kind = request.POST.get("kind", "") if request.method == "POST" else None
    sent = kind if kind in SignatureKind.values else SignatureKind.SCAN
    initial = {"signed_on": plan.agreed_on or timezone.localdate()}
    forms = {
        option: PlanSignatureForm(
            *((request.POST, request.FILES) if kind is not None and option == sent else ()),
            kind=option,
            initial=initial,
        )
        for option in (SignatureKind.TABLET, SignatureKind.SCAN)
    }
    form = forms[sent]
    done = form_submit(
        request,
        form,
        success=_("The signature was attached to the support plan."),
        action=lambda: signatures.plan_signature_add(
            plan=plan,
            kind=kind,
            signed_on=form.cleaned_data["signed_on"],
            upload=form.cleaned_data.get("upload"),
            by=request.user,
        ),
        then=lambda: redirect("clients:plan_detail", pk=plan.pk),
    )
    if done:
        return done
    return render(
        request,
        "clients/plan_signature.html",
        {
            "plan": plan,
            "client": plan.client,
            "tablet_form": forms[SignatureKind.TABLET],
            "scan_form": forms[SignatureKind.SCAN],
            "title": _("Attach the person's signature"),
            "signatures": PlanSignature.objects.filter(plan=plan).defer("content").order_by("-signed_on", "-pk"),
        },
    )


@office_required()
def plan_signature_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored signature (the scan or the tablet's PNG), shown in the browser."""
    signature = get_object_or_404(scoped(request, PlanSignature.objects.select_related("plan")), pk=pk)
    record_read(request, client_id=signature.plan.client_id, page=ReadPage.PLAN_SIGNATURE)
    return _file_response(
        bytes(signature.content),
        filename=signature.filename or f"signature-{signature.pk}",
        content_type=signature.content_type,
    )
