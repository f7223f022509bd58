from placements.imports import PLACEMENTS
from placements.management.commands._base import PlacementsImportCommand


class Command(PlacementsImportCommand):
    help = "Import an office's hires (CSV/XLSX). All or nothing unless --partial; re-importing changes nothing."
    importer = PLACEMENTS
