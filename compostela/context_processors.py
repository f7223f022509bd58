from compostela.models import Role
from compostela.scoping import request_memberships


def office_scope(request):
    """What the base layout needs: the current office, the user's offices and role-based navigation."""
    membership = getattr(request, "membership", None)
    if not membership:
        return {"current_membership": None}
    return {
        "current_membership": membership,
        "current_office": membership.office,
        "user_memberships": request_memberships(request),
        "can_supervise": membership.has_role(Role.SUPERVISOR),
        "can_manage": membership.has_role(Role.MANAGER),
    }
