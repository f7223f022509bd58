from placements.imports import FOLLOWUPS
from placements.management.commands._base import PlacementsImportCommand


class Command(PlacementsImportCommand):
    help = "Import follow-up contacts of imported hires (CSV/XLSX). All or nothing unless --partial."
    importer = FOLLOWUPS
