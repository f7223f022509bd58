"""Support plans entered with past dates may not change a month billing has closed.

A supervisor enters history — plans, meetings, agreements, monitoring dated in the past — and that is
normal; what is refused is an entry that would change the missing-plan reduction (個別支援計画未作成減算) of
a month already closed.  ``months_changed`` is the pure comparison: the months whose facts
(``regulations.plan_month``: covered or not, and why) differ between the client's plans before and after the
entry.  ``refuse_closed_month_change`` reads what it needs (the client's certificates of the service, the
figures in force, the closed months through ``clients.extensions.closed_months``) and refuses with
``ClientError.PLAN_CHANGES_CLOSED_MONTH``, naming the months.

Every writer of plans, goals' agreement, and monitoring calls it: the screens' services and ``import_plans``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clients.errors import ClientError
from clients.extensions import closed_months
from regulations import rules as regulations
from regulations.selectors import figures_history, figures_on

MSG_CLOSED_MONTH = gettext_noop(
    "This would change the support-plan reduction of %(months)s, which billing has closed. Reopen the month "
    "in billing first (with a reason), or date the entry after it."
)


@dataclass(frozen=True)
class PlanFacts:
    """A plan as the missing-plan rule reads it (``regulations.rules.AgreedPeriod``)."""

    period_start: date
    period_end: date
    agreed_on: date | None
    monitored_on: tuple[date, ...] = ()


def plan_facts(plan, reviews: Iterable | None = None) -> PlanFacts:
    """The facts of a ``SupportPlan`` (its reviews: ``reviews`` when given, else ``plan.reviews``)."""
    reviews = plan.reviews.all() if reviews is None else reviews
    return PlanFacts(period_start=plan.period_start, period_end=plan.period_end, agreed_on=plan.agreed_on,
                     monitored_on=tuple(sorted(r.reviewed_on for r in reviews)))


def months_changed(*, months: Iterable[date], certificates: Sequence[regulations.Period],
                   before: Sequence[PlanFacts], after: Sequence[PlanFacts],
                   monitoring_months: Callable[[date], int]) -> list[date]:
    """Of ``months`` (first days), those whose missing-plan facts differ between ``before`` and ``after``
    (``monitoring_months(month)``: the figures' interval in force that month for the plans' service)."""
    changed = []
    for month in months:
        interval = monitoring_months(month)
        was = regulations.plan_month(month=month, certificates=certificates, plans=before, monitoring_months=interval)
        now = regulations.plan_month(month=month, certificates=certificates, plans=after, monitoring_months=interval)
        if (was.in_service, was.covered, was.gap) != (now.in_service, now.covered, now.gap):
            changed.append(month)
    return changed


def months_a_change_touches(before: Sequence[PlanFacts], after: Sequence[PlanFacts]) -> list[date]:
    """The months (first days) whose facts replacing ``before`` by ``after`` could change: from the earliest
    date that differs to this month (a monitoring or an agreement changes every month after it too); none
    when nothing differs."""
    changed = {d for facts in set(before) ^ set(after)
               for d in (facts.period_start, facts.period_end, facts.agreed_on, *facts.monitored_on) if d}
    if not changed:
        return []
    months, month, last = [], min(changed).replace(day=1), max(max(changed), timezone.localdate())
    while month <= last:
        months.append(month)
        month += relativedelta(months=1)
    return months


def refuse_closed_month_change(*, client, service: str, before: Sequence[PlanFacts], after: Sequence[PlanFacts],
                               field: str | None = None) -> None:
    """Refuse (``ValidationError`` on ``field``) when replacing the client's ``service`` plans ``before`` by
    ``after`` changes the facts of a month billing has closed.  Three queries when a closed month could be
    touched, one otherwise."""
    candidates = months_a_change_touches(before, after)
    if not candidates:
        return
    closed = sorted(closed_months(office=client.office, months=candidates))
    if not closed:
        return
    from clients.models import Certificate

    certificates = list(Certificate.objects.filter(client=client, service=service).order_by("period_start"))
    history = figures_history()

    def interval(month: date) -> int:
        return figures_on(day=month, history=history).plan_monitoring_months[service]

    months = months_changed(months=closed, certificates=certificates, before=before, after=after,
                            monitoring_months=interval)
    if months:
        message = _(MSG_CLOSED_MONTH) % {"months": ", ".join(f"{m:%Y-%m}" for m in months)}
        if field:
            raise ValidationError({field: ValidationError(message, code=ClientError.PLAN_CHANGES_CLOSED_MONTH)})
        raise ValidationError(message, code=ClientError.PLAN_CHANGES_CLOSED_MONTH)
