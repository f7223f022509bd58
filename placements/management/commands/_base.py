"""What import_placements and import_followups share: rows are recorded in a manager's name by default."""

from django.core.management.base import CommandError

from compostela.importing import ImportCommand
from compostela.models import Membership, Office, Role, User


class PlacementsImportCommand(ImportCommand):
    def default_actor(self, office: Office) -> User:
        manager = (
            Membership.objects.filter(office=office, role=Role.MANAGER).select_related("user").order_by("pk").first()
        )
        if manager is None:
            raise CommandError("The office has no manager; imported rows are recorded in a manager's name.")
        return manager.user
