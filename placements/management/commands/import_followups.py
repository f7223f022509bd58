from placements.imports import import_followups
from placements.management.commands._base import ImportCommand


class Command(ImportCommand):
    help = "Import follow-up contacts of imported hires (CSV/XLSX). All or nothing unless --partial."
    importer = staticmethod(import_followups)
