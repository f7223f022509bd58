from placements.imports import import_placements
from placements.management.commands._base import ImportCommand


class Command(ImportCommand):
    help = "Import an office's hires (CSV/XLSX). All or nothing unless --partial; re-importing changes nothing."
    importer = staticmethod(import_placements)
