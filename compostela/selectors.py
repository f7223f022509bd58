from django.db.models import QuerySet

from compostela.models import Membership, Office


def office_staff(*, office: Office) -> QuerySet[Membership]:
    """Everyone with a role in ``office``, managers first."""
    return (
        Membership.objects.filter(office=office)
        .select_related("user")
        .order_by("-role", "user__last_name", "user__first_name")
    )
