"""``import_attendance --office NUMBER FILE [--partial] [--dry-run] [--by NAME] [--override-reason TEXT]``:
past attendance through the roster's rules (see ``attendance.importing``)."""

from django.core.management.base import CommandError

from attendance.importing import ATTENDANCE
from compostela.importing import ImportCommand
from compostela.models import ROLE_RANK, Membership, Office, Role, User


class Command(ImportCommand):
    help = "Import attendance from a CSV or XLSX file into an office (all or nothing unless --partial)."
    importer = ATTENDANCE

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--override-reason",
            default="",
            help="Confirm days beyond the granted days with this reason (--by must be a supervisor).",
        )

    def default_actor(self, office: Office) -> User:
        """The office's highest-ranked member (a manager, else a supervisor …)."""
        memberships = Membership.objects.filter(office=office).select_related("user")
        ranked = sorted(memberships, key=lambda m: (-ROLE_RANK[Role(m.role)], m.pk))
        if not ranked:
            raise CommandError(f"{office} has no staff; give --by.")
        return ranked[0].user

    def import_options(self, options: dict) -> dict:
        return {"override_reason": options["override_reason"]}
