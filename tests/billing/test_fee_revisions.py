"""Fee revisions as published data (issue 20): the revision file's schema, the loader and its command."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from billing.errors import BillingError
from billing.fee_data import fee_data_load
from billing.models import AddOnRate, AreaUnitPrice, BasicFee, FeeRevision, FeeSchedule, Service
from billing.services.fees import fee_book_load
from billing.services.revisions import (
    FEES_DIR,
    SHIPPED_REVISIONS,
    VALUE_KEYS,
    known_revisions,
    revision_data_check,
    revision_diff,
    revision_file_read,
    revision_load,
)
from tests.helpers import codes_of

pytestmark = pytest.mark.django_db


def shipped(name: str = "2019-10.json") -> dict:
    return json.loads((FEES_DIR / name).read_text(encoding="utf-8"))


def a_2026_revision(**changes) -> dict:
    """A filled-in 2026 template with one add-on and one price (test values, unverified: not the notice's)."""
    data = shipped("2026-06.template.json")
    data["addons"] = [{"kind": "qualified_staff_i", "units": 16, "monthly_max": None, "verified": False}]
    data["area_prices"] = [{"service": "transition", "area_grade": "7", "yen_per_unit": "10.50", "verified": False}]
    data.update(changes)
    return data


TEMPLATES = ("2024-04.template.json", "2024-06.template.json", "2026-06.template.json")


def test_the_example_revision_is_flagged_and_verifies_nothing():
    """Rule: the EXAMPLE revision (made-up staff-pay rates and codes for the demonstration office) says so,
    and none of its values is marked verified."""
    data = revision_file_read(FEES_DIR / "example-2026-06.json")
    assert data["example"] is True and "EXAMPLE" in data["title"]
    values = [v for key in ("service_codes", "treatment_improvement") for v in data[key]]
    assert values and not any(v["verified"] for v in values)
    assert all(c["code"][2] == "X" for c in data["service_codes"])


def event_count() -> int:
    return sum(
        model.pgh_event_model.objects.count()
        for model in (FeeRevision, FeeSchedule, BasicFee, AddOnRate, AreaUnitPrice)
    )


def test_shipped_revisions_and_templates_follow_the_schema():
    """Rule: every shipped revision file and template is valid against fixtures/fees/revision.schema.json."""
    for name in SHIPPED_REVISIONS:
        revision_file_read(FEES_DIR / name)
    for name in TEMPLATES:
        with pytest.raises(ValidationError) as refused:
            revision_file_read(FEES_DIR / name)
        assert codes_of(refused.value) == {BillingError.REVISION_FILE_INVALID}  # valid, but empty: refused


def test_the_2019_revision_ships_verified_only_what_the_seeds_give():
    """Rule: of October 2019, only the ≤ 20 tiers of both services ship verified, each with its source."""
    tiers = BasicFee.objects.filter(schedule__valid_from=date(2019, 10, 1))
    assert tiers.count() == 14
    assert not tiers.filter(to_verify=True).exists()
    assert all(t.source and t.band_max == 20 for t in tiers)
    assert AreaUnitPrice.objects.filter(to_verify=False).count() == 0  # prices by grade: not in our sources
    assert AddOnRate.objects.get(kind="transition_prep_ii").to_verify
    assert {r.effective_from for r in FeeRevision.objects.all()} == {date(2018, 4, 1), date(2019, 10, 1)}


def test_templates_hold_no_figure():
    """Rule: never invent a figure: the 2024 and 2026 templates list no value."""
    for name in TEMPLATES:
        data = shipped(name)
        assert not any(data[k] for k in VALUE_KEYS)


def test_known_revision_dates_are_data():
    """Rule: the known revision dates come from fixtures/fees/known_revisions.json."""
    assert [r.effective_from for r in known_revisions()] == [
        date(2019, 10, 1),
        date(2021, 4, 1),
        date(2022, 10, 1),
        date(2024, 4, 1),
        date(2024, 6, 1),
        date(2026, 6, 1),
    ]


def test_a_revision_loaded_twice_changes_nothing():
    """Rule: loading is matched by natural key — a second load writes nothing (no row, no audit event)."""
    data = a_2026_revision()
    first = revision_load(data=data)
    assert {c.action for c in first.changes} == {"add"}
    before = event_count()
    again = revision_load(data=data)
    assert {c.action for c in again.changes} == {"same"}
    assert event_count() == before
    assert fee_data_load() == 0  # the shipped revisions, loaded by the migrations already


def test_a_malformed_value_is_refused_with_its_path():
    """Rule: a malformed value is refused with the JSON path of the value; nothing is loaded."""
    data = shipped()
    data["basic_fees"][0]["tiers"][2]["units"] = "811x"
    with pytest.raises(ValidationError) as refused:
        revision_data_check(data)
    assert codes_of(refused.value) == {BillingError.REVISION_FILE_INVALID}
    assert any(m.startswith("$.basic_fees[0].tiers[2].units:") for m in refused.value.messages)


def test_a_verified_value_without_its_source_is_refused():
    """Rule: a value marked verified names its source."""
    data = a_2026_revision()
    data["addons"][0].update(verified=True)
    with pytest.raises(ValidationError) as refused:
        revision_data_check(data)
    assert any(m.startswith("$.addons[0]:") and "source" in m for m in refused.value.messages)


def test_a_value_the_tables_refuse_is_named_by_its_path_and_nothing_is_written():
    """Rule: full_clean on every row; a refused value rolls the whole file back, named by its JSON path."""
    data = a_2026_revision()
    data["area_prices"][0]["yen_per_unit"] = "0.50"
    revisions = FeeRevision.objects.count()
    with pytest.raises(ValidationError) as refused:
        revision_load(data=revision_data_check(data))
    assert codes_of(refused.value) == {BillingError.REVISION_VALUE_INVALID}
    assert any(m.startswith("$.area_prices[0].yen_per_unit:") for m in refused.value.messages)
    assert FeeRevision.objects.count() == revisions
    assert not AddOnRate.objects.filter(valid_from=date(2026, 6, 1)).exists()


def test_values_in_force_come_from_the_latest_revision_effective_on_the_months_first_day(world):
    """Rule: a service month takes the values of the latest revision effective on its first day, and each value
    carries its revision (the notice an explanation names)."""
    revision_load(data=a_2026_revision())
    book = fee_book_load(office=world.office)
    may = book.addon_on(kind="qualified_staff_i", day=date(2026, 5, 1))
    june = book.addon_on(kind="qualified_staff_i", day=date(2026, 6, 1))
    assert (may.units, june.units) == (15, 16)
    assert may.revision.effective_from == date(2018, 4, 1)
    assert june.revision.effective_from == date(2026, 6, 1) and june.to_verify
    tiers = book.tiers_on(service=Service.TRANSITION, day=date(2026, 6, 1), band=20)
    assert tiers[0].units == 1094  # the 2026 file changes no basic fee: October 2019's stays in force


def test_command_shows_the_difference_then_asks(monkeypatch, tmp_path, capsys):
    """Rule: billing_load_fees shows a diff against what is loaded, then confirms; --yes loads without asking."""
    path = tmp_path / "2026-06.json"
    path.write_text(json.dumps(a_2026_revision(), ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    call_command("billing_load_fees", str(path))
    out = capsys.readouterr().out
    assert "$.addons[0]" in out and "units: — → 16" in out and "Not loaded." in out
    assert not FeeRevision.objects.filter(effective_from=date(2026, 6, 1)).exists()
    call_command("billing_load_fees", str(path), "--yes")
    revision = FeeRevision.objects.get(effective_from=date(2026, 6, 1))
    assert revision.loaded_from == str(path)
    call_command("billing_load_fees", str(path), "--yes")
    assert "loaded already" in capsys.readouterr().out


def test_command_refuses_a_malformed_file_with_the_path(tmp_path):
    """Rule: the command names the refused value's JSON path and loads nothing."""
    data = a_2026_revision()
    data["area_prices"][0]["area_grade"] = "9"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match=r"\$\.area_prices\[0\]\.area_grade"):
        call_command("billing_load_fees", str(path), "--yes")
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="JSON"):
        call_command("billing_load_fees", str(path), "--yes")


def test_diff_of_a_changed_value():
    """Rule: the diff names the old and new value of a changed row."""
    data = copy.deepcopy(shipped())
    data["basic_fees"][0]["tiers"][0]["units"] = 1100
    changes = revision_diff(data).changed
    assert [(c.path, c.fields["units"]) for c in changes] == [("$.basic_fees[0].tiers[0]", (1094, 1100))]
    assert Decimal("0.5") == BasicFee.objects.get(units=1094).min_rate
