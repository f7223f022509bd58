from clients.importing import CLIENTS
from compostela.importing import ImportCommand


class Command(ImportCommand):
    help = (
        'Import clients from a CSV or XLSX file (one row per client; see README, "Importing clients"). '
        "Nothing is written unless every row is valid, or with --partial the valid rows are written."
    )
    importer = CLIENTS
