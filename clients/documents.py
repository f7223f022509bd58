"""The support plan (個別支援計画書) and each monitoring record (モニタリング記録) as A4 PDFs, in the layout
offices file them: the header (the person, the office, the サービス管理責任者, the service, the version and
the dates of the plan's steps), the contents, the goals table, and the person's signature box.

One person's document is one or two pages, so it is laid out in the request (``compostela.pdf``, the same
WeasyPrint setup and embedded IPAex font as billing's documents; billing uses a background task only for
whole months).  Like billing's documents they are Japanese office documents whatever the reader's UI
language: the templates (``templates/pdf/clients/``) are written in Japanese and render under
``translation.override("ja")``.

When the person signed the plan on a tablet, the latest tablet signature (a PNG checked on upload,
``clients.signatures``) is printed in the signature box; otherwise the box is empty, to be signed on paper.
Each builder reads a fixed number of queries whatever the number of goals or signatures."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation

from clients.models import GoalProgress, PlanGoal, PlanSignature, SignatureKind, SupportPlan, SupportPlanReview
from compostela.filenames import safe_filename_part
from compostela.pdf import PdfFile, layout_html, write_pdf


@dataclass(frozen=True)
class PlanDocument:
    plan: SupportPlan
    goals: list[PlanGoal]
    signature: PlanSignature | None  # the latest tablet signature, printed in the box
    signature_uri: str  # that signature as a data: URI ("" when none)
    scans: list[PlanSignature]  # signed papers kept as scans (named under the box)
    printed_at: datetime

    @property
    def draft(self) -> bool:
        """Not agreed yet: printed as the draft (原案) for the meeting and the explanation."""
        return self.plan.agreed_on is None


@dataclass(frozen=True)
class ProgressRow:
    goal: PlanGoal
    progress: GoalProgress | None


@dataclass(frozen=True)
class MonitoringDocument:
    review: SupportPlanReview
    plan: SupportPlan
    rows: list[ProgressRow]
    printed_at: datetime


def _plan_query():
    return SupportPlan.objects.select_related("client", "client__office", "created_by", "revises")


def _data_uri(signature: PlanSignature) -> str:
    return f"data:{signature.content_type};base64,{base64.b64encode(bytes(signature.content)).decode('ascii')}"


def plan_document(*, plan: SupportPlan) -> PlanDocument:
    """Everything the plan's PDF prints: three queries (the plan with its people, the goals, the signatures)."""
    plan = (
        _plan_query()
        .prefetch_related(
            Prefetch("goals", queryset=PlanGoal.objects.select_related("staff").order_by("order")),
        )
        .get(pk=plan.pk)
    )
    signatures = PlanSignature.objects.filter(plan=plan).select_related("recorded_by")
    signatures = list(signatures.order_by("-signed_on", "-recorded_at", "-pk"))
    tablet = next((s for s in signatures if s.kind == SignatureKind.TABLET), None)
    return PlanDocument(
        plan=plan,
        goals=list(plan.goals.all()),
        signature=tablet,
        signature_uri=_data_uri(tablet) if tablet else "",
        scans=[s for s in signatures if s.kind == SignatureKind.SCAN],
        printed_at=timezone.localtime(),
    )


def monitoring_document(*, review: SupportPlanReview) -> MonitoringDocument:
    """Everything a monitoring record's PDF prints: the plan's goals, each with this monitoring's progress
    (a goal the monitoring did not note prints empty).  Four queries."""
    review = SupportPlanReview.objects.select_related("reviewed_by").get(pk=review.pk)
    plan = _plan_query().get(pk=review.plan_id)
    goals = list(PlanGoal.objects.filter(plan=plan).select_related("staff").order_by("order"))
    progress = {p.goal_id: p for p in GoalProgress.objects.filter(review=review)}
    return MonitoringDocument(
        review=review,
        plan=plan,
        rows=[ProgressRow(goal=g, progress=progress.get(g.pk)) for g in goals],
        printed_at=timezone.localtime(),
    )


def _render(template_name: str, context: dict) -> PdfFile:
    with translation.override("ja"):
        html = render_to_string(template_name, context)
    return write_pdf(layout_html(html))


def support_plan_pdf(*, plan: SupportPlan) -> PdfFile:
    """The plan as the office's 個別支援計画書 (A4 portrait)."""
    return _render("pdf/clients/plan.html", {"doc": plan_document(plan=plan)})


def monitoring_pdf(*, review: SupportPlanReview) -> PdfFile:
    """One monitoring as the office's モニタリング記録 (A4 portrait)."""
    return _render("pdf/clients/monitoring.html", {"doc": monitoring_document(review=review)})


def support_plan_pdf_filename(plan: SupportPlan) -> str:
    name = safe_filename_part(plan.client.full_name.replace(" ", ""), fallback="client")
    return f"個別支援計画書_{name}_第{plan.version}版_{plan.period_start:%Y%m%d}.pdf"


def monitoring_pdf_filename(review: SupportPlanReview) -> str:
    name = safe_filename_part(review.plan.client.full_name.replace(" ", ""), fallback="client")
    return f"モニタリング記録_{name}_{review.reviewed_on:%Y%m%d}.pdf"
