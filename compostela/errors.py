"""The codes of the ground app's refusals: every ``ValidationError`` it raises carries one, so tests (and
any caller) tell refusals apart without reading the message in the user's language."""

from django.db import models


class CompostelaError(models.TextChoices):
    OFFICE_NUMBER_FORMAT = "office_number_format", "an office number is not exactly 10 digits"
    PREFECTURE_NUMBER_FORMAT = "prefecture_number_format", "a prefecture number is not exactly 2 digits"
    CLAIM_MUNICIPALITY_FORMAT = "claim_municipality_format", "a municipality number is not exactly 6 digits"
    FUTURE_DATE = "future_date", "a record of what happened is dated after today"
    # the spreadsheet reader every import uses (compostela.tabular) and the import framework
    IMPORT_NO_FILE = "import_no_file", "the file to import does not exist"
    IMPORT_TOO_LARGE = "import_too_large", "the file is larger than the import limit"
    IMPORT_UNPACKS_TOO_LARGE = "import_unpacks_too_large", "the XLSX archive unpacks past the limit (zip bomb)"
    IMPORT_NOT_XLSX = "import_not_xlsx", "the file named .xlsx is not a readable workbook"
    IMPORT_ENCODING = "import_encoding", "the CSV file is neither UTF-8 nor Shift_JIS"
    IMPORT_NOT_CSV = "import_not_csv", "the CSV file cannot be parsed"
    IMPORT_UNSUPPORTED_FILE = "import_unsupported_file", "the file is neither .csv nor .xlsx"
    IMPORT_EMPTY = "import_empty", "the file has no header line"
    IMPORT_MISSING_COLUMNS = "import_missing_columns", "the file lacks columns the import needs"
    IMPORT_UNKNOWN_COLUMNS = "import_unknown_columns", "the file has columns the import does not know"
    # the database constraints (their messages are on the constraints, compostela.models)
    UNKNOWN_CHOICE = "unknown_choice", "a value outside the field's choices"
    CAPACITY_POSITIVE = "capacity_positive", "a capacity below 1"
    CAPACITY_ONE_PER_DAY = "capacity_one_per_day", "the office has a capacity from that date already"
    ONE_ROLE_PER_OFFICE = "one_role_per_office", "the user has a role in the office already"
