"""Rule (OWASP CSV injection): every export meant for people neutralises text that a spreadsheet would run
as a formula — cells starting with = + - @ tab or CR get a leading apostrophe — while numbers stay numbers,
and XLSX text cells are strings, never formulas.  (The 国保連 claim file has its own layout check.)"""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from billing.reports import to_csv as report_csv
from compostela.spreadsheets import FORMULA_TRIGGERS, spreadsheet_cell
from tests.billing.documents.conftest import MAY, build_known_month

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://e.x/","x")'
DDE = "+cmd|' /C calc'!A0"
HOSTILE = [HYPERLINK, DDE, "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_starts_a_formula_is_neutralised(text):
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("value", [0, -5, Decimal("-10.17"), 3.5, None, True])
def test_numbers_stay_numbers(value):
    assert spreadsheet_cell(value) is value


@pytest.mark.parametrize("text", ["札幌 一郎", "a=b", "", "'=already", "10.17"])
def test_ordinary_text_is_unchanged(text):
    assert spreadsheet_cell(text) == text


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def no_live_cell(rows):
    """Text cells that would start a formula (a CSV number such as -50000 is a number, not text)."""
    cells = [cell for row in rows for cell in row if isinstance(cell, str) and not NUMBER.fullmatch(cell)]
    return [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]


def test_the_client_list_csv_carries_no_formula(world, supervisor_client):
    from tests.factories import ClientFactory

    ClientFactory(office=world.office, family_name=HYPERLINK, given_name=DDE)
    response = supervisor_client.get(reverse("clients:export"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert no_live_cell(rows) == []
    assert any("'" + HYPERLINK in row and "'" + DDE in row for row in rows)


@pytest.fixture
def hostile_month(world):
    known_month = build_known_month(world)
    known_month.ichiro.family_name = HYPERLINK
    known_month.ichiro.given_name = ""
    known_month.ichiro.save()
    return known_month


def test_the_billing_csv_carries_no_formula(hostile_month, manager_client):
    response = manager_client.get(reverse("billing:month_export", args=[2024, 5, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert no_live_cell(rows) == []
    assert any(row[0].startswith("'=HYPERLINK") for row in rows)


def test_the_billing_xlsx_stores_text_never_a_formula_and_numbers_as_numbers(hostile_month, manager_client):
    response = manager_client.get(reverse("billing:month_export", args=[2024, 5, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    names = [cell.value for cell in sheet["A"][1:]]
    assert any(name.startswith("'=HYPERLINK") for name in names)
    column = next(cell.column for cell in sheet[1] if cell.value == "総費用額")
    totals = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row if cell.column == column]
    assert totals and all(isinstance(total, int) for total in totals)


def test_the_followup_exports_carry_no_formula(world, manager_client):
    from tests.factories import ClientFactory, HireFactory

    client = ClientFactory(office=world.office, family_name="@SUM(1+1)", given_name="x", status="employed")
    HireFactory(office=world.office, client=client, start_date=MAY, created_by=world.manager)
    xlsx = manager_client.get(reverse("billing:followup_export", args=["xlsx"]) + "?year=2024")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    for sheet in book.worksheets:
        assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
        assert no_live_cell(sheet.iter_rows(values_only=True)) == []
    text = manager_client.get(reverse("billing:followup_export", args=["csv"]) + "?year=2024").content
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert no_live_cell(rows) == []


def test_the_command_line_csv_reports_carry_no_formula():
    out = report_csv([{"client": HYPERLINK, "units": -5}], ["client", "units"])
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[1] == ["'" + HYPERLINK, "-5"]
