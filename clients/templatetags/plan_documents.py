"""``{% plan_signatures plan as signatures %}``: a plan's signatures for its links, without their files (a
scan may be 5 MB).  Uses the plan's prefetched signatures when the page prefetched them."""

from __future__ import annotations

from django import template

from clients.models import PlanSignature, SupportPlan

register = template.Library()


@register.simple_tag
def plan_signatures(plan: SupportPlan) -> list[PlanSignature]:
    prefetched = getattr(plan, "_prefetched_objects_cache", {}).get("signatures")
    if prefetched is not None:
        return list(prefetched)
    return list(PlanSignature.objects.filter(plan=plan).defer("content").order_by("-signed_on", "-pk"))
