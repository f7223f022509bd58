from django.core.management.base import CommandError

from clients.plan_importing import PLANS
from compostela.importing import ImportCommand
from compostela.models import ROLE_RANK, Membership, Office, Role, User


class Command(ImportCommand):
    help = (
        'Import support-plan history (plans, goals, monitoring) from a CSV or XLSX file (see README, "Importing '
        'support plans"). Nothing is written unless every row is valid, or with --partial the valid rows are written.'
    )
    importer = PLANS

    def default_actor(self, office: Office) -> User:
        """Plans are the supervisor's: the office's first supervisor, else its first manager."""
        memberships = Membership.objects.filter(office=office, role__in=[Role.SUPERVISOR, Role.MANAGER])
        ranked = sorted(memberships.select_related("user"), key=lambda m: (ROLE_RANK[Role(m.role)], m.pk))
        if not ranked:
            raise CommandError(f"{office} has no supervisor or manager; give --user.")
        return ranked[0].user
