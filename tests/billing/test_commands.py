"""The batch commands print JSON (integers for yen and units, decimal strings for rates) and CSV."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from billing.services.tier import retention_tier_override
from tests.billing.helpers import weekdays
from tests.factories import CertificateFactory, ClientFactory, HireFactory, attend, followup, monitored_plan


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def may(world):
    retention_tier_override(office=world.office, fiscal_year=2024, rate=Decimal("0.3"), reason="通知", by=world.manager)
    client = ClientFactory(office=world.office)
    CertificateFactory(client=client)
    monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 5))
    attend(client, weekdays(date(2024, 5, 1), date(2024, 5, 14)))
    hire = HireFactory(client=client, office=world.office, start_date=date(2024, 6, 3))
    followup(hire, date(2024, 6, 10))
    return client


def test_what_if_json_is_the_seed_table():
    data = json.loads(run("followup_cost", "--what-if", "--yen-per-day", "10000", "--followups", "35",
                          "--cost-per-followup", "10000", "--days", "500,250,100,50,30", "--format", "json"))
    assert [(r["net"], r["net_per_day"]) for r in data["rows"]] == [
        (4650000, 9300), (2150000, 8600), (650000, 6500), (150000, 3000), (-50000, -1667)]


def test_billing_month_json(world, may):
    data = json.loads(run("billing_month", "--office", world.office.number, "--month", "2024-05", "--format", "json"))
    assert data["totals"] == {"total_units": 8110, "total_yen": 82478, "copayment": 8247, "claimed": 74231}
    assert data["closed"] is False and data["lines"][0]["yen_per_unit"] == "10.17"
    assert data["tier"]["rate"] == "0.3000"


def test_billing_month_csv_has_one_row_per_line(world, may):
    out = run("billing_month", "--office", world.office.number, "--month", "2024-05", "--format", "csv")
    header, row = out.strip().splitlines()
    assert header.startswith("service,client_id") and row.endswith(",82478,8247,74231")


def test_retention_tier_json(world):
    data = json.loads(run("retention_tier", "--office", world.office.number, "--fiscal-year", "2024",
                          "--format", "json"))
    assert (data["numerator"], data["denominator"], data["computed_rate"]) == (0, 40, "0.0000")
    assert data["periods"][0]["units"] == 502


def test_followup_cost_json(world, may):
    data = json.loads(run("followup_cost", "--office", world.office.number, "--year", "2024", "--format", "json"))
    hire = data["hires"][0]
    assert (hire["days_before"], hire["fees"], hire["fee_source"], hire["cost"], hire["net"]) == (
        10, 82478, "estimate", 10000, 72478)
    assert isinstance(data["cost_share_of_fees"], str)


def test_unknown_office_is_an_error(db):
    with pytest.raises(CommandError):
        run("retention_tier", "--office", "0000000000", "--fiscal-year", "2024")


def test_text_formats_run(world, may):
    assert "82478" in run("billing_month", "--office", world.office.number, "--month", "2024-05")
    assert "FY2024" in run("retention_tier", "--office", world.office.number, "--fiscal-year", "2024")
    assert "2024" in run("followup_cost", "--office", world.office.number, "--year", "2024")
