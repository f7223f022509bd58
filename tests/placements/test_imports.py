"""Rules: imports are all-or-nothing with a line-numbered report, accept CSV and XLSX and the office's
Japanese labels, and re-importing the same file changes nothing."""

import re
from datetime import date

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext as _

from compostela import importing
from placements.models import Employer, FollowUpContact, Hire
from tests.factories import ClientFactory

HEADER = ("family_name,given_name,birth_date,employer,job_title,job_field,recruitment_type,start_date,"
          "hours_per_week,hourly_wage,employment_form,fixed_term_end,disclosed,ended_on,end_reason\n")


@pytest.fixture
def clients(world):
    return [ClientFactory(office=world.office, family_name="札幌", given_name=name, birth_date=date(1990, 1, 1),
                          enrolled_on=date(2023, 1, 10))  # in use since early January 2023
            for name in ["一郎", "花子"]]


def write(tmp_path, text, name="hires.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


GOOD = HEADER + (
    "札幌,一郎,1990-01-01,株式会社北倉庫,ピッキング,倉庫作業,障がい者求人,2023-05-01,20,1000,無期,,はい,,\n"
    "札幌,花子,1990-01-01,ほっかいどう食堂,調理補助,kitchen,closed,2023-06-01,25.5,980,fixed_term,2023-09-30,no,"
    "2023-09-30,contract_ended\n"
)


def test_import_creates_hires_and_employers_and_a_reimport_changes_nothing(world, clients, tmp_path):
    path = write(tmp_path, GOOD)
    call_command("import_placements", "--office", world.office.number, path)
    assert Hire.objects.filter(office=world.office).count() == 2
    assert Employer.objects.filter(office=world.office).count() == 2
    before = list(Hire.objects.order_by("pk").values())
    call_command("import_placements", "--office", world.office.number, path)
    assert list(Hire.objects.order_by("pk").values()) == before


def test_one_bad_line_imports_nothing_and_names_the_line(world, clients, tmp_path, capsys):
    bad = GOOD + "札幌,三郎,1990-01-01,株式会社北倉庫,ピッキング,倉庫作業,quota,2023-07-01,20,1000,permanent,,yes,,\n"
    bad = bad.replace("25.5", "abc")
    nothing = _(importing.MSG_NOTHING_IMPORTED) % {"count": 2}
    with pytest.raises(CommandError, match=re.escape(nothing)):
        call_command("import_placements", "--office", world.office.number, write(tmp_path, bad))
    errors = capsys.readouterr().err
    assert "hires.csv:3: hours_per_week: not a number: 'abc'" in errors
    assert "hires.csv:4: family_name: no client of this office" in errors
    assert not Hire.objects.exists() and not Employer.objects.exists()


def test_partial_import_writes_the_good_lines(world, clients, tmp_path):
    bad = GOOD.replace("25.5", "abc")
    call_command("import_placements", "--office", world.office.number, write(tmp_path, bad), "--partial")
    assert Hire.objects.count() == 1


def test_xlsx_is_read_like_csv(world, clients, tmp_path):
    path = tmp_path / "hires.xlsx"
    pd.read_csv(write(tmp_path, GOOD), dtype=str, keep_default_na=False).to_excel(path, index=False)
    call_command("import_placements", "--office", world.office.number, str(path))
    assert Hire.objects.count() == 2


def test_followups_import_matches_the_hire_and_is_idempotent(world, clients, tmp_path):
    call_command("import_placements", "--office", world.office.number, write(tmp_path, GOOD))
    followups = ("family_name,given_name,birth_date,employer,start_date,day,kind,minutes,staff,note\n"
                 f"札幌,一郎,1990-01-01,株式会社北倉庫,2023-05-01,2023-05-02,面談,30,{world.staff.username},初日\n"
                 f"札幌,一郎,1990-01-01,株式会社北倉庫,2023-05-01,2023-05-09,phone_online,10,{world.staff.username},\n"
                 f"札幌,一郎,1990-01-01,株式会社北倉庫,2023-05-01,2023-05-09,phone_online,10,{world.staff.username},\n")
    path = write(tmp_path, followups, "followups.csv")
    call_command("import_followups", "--office", world.office.number, path)
    call_command("import_followups", "--office", world.office.number, path)
    assert FollowUpContact.objects.count() == 3  # two identical calls on one day are two contacts, once


def test_followup_for_an_unknown_hire_or_staff_is_reported(world, clients, tmp_path, capsys):
    followups = ("family_name,given_name,birth_date,employer,start_date,day,kind,minutes,staff,note\n"
                 "札幌,一郎,1990-01-01,株式会社北倉庫,2023-05-01,2023-05-02,面談,30,nobody,\n")
    with pytest.raises(CommandError):
        call_command("import_followups", "--office", world.office.number, write(tmp_path, followups, "f.csv"))
    assert "f.csv:2: employer: no hire of this client" in capsys.readouterr().err


def test_unknown_office_and_missing_columns_are_refused(world, tmp_path):
    with pytest.raises(CommandError, match="No office"):
        call_command("import_placements", "--office", "0000000000", write(tmp_path, GOOD))
    missing = _(importing.MSG_MISSING_COLUMNS) % {"columns": "job_title"}
    with pytest.raises(CommandError, match=re.escape(f"hires.csv: {missing}")):
        call_command("import_placements", "--office", world.office.number,
                     write(tmp_path, GOOD.replace("job_title,", "")))


def test_a_hire_ending_before_it_starts_is_refused_by_the_services_rule(world, clients, tmp_path, capsys):
    from placements.models import MSG_JOB_ENDS_BEFORE_START

    bad = HEADER + "札幌,一郎,1990-01-01,株式会社北倉庫,ピッキング,倉庫作業,quota,2023-05-01,20,1000,無期,,はい," \
                   "2023-04-01,quit\n"
    with pytest.raises(CommandError):
        call_command("import_placements", "--office", world.office.number, write(tmp_path, bad))
    assert f"hires.csv:2: ended_on: {MSG_JOB_ENDS_BEFORE_START}" in capsys.readouterr().err
    assert not Hire.objects.exists()


def test_a_shift_jis_file_is_read(world, clients, tmp_path):
    path = tmp_path / "hires.csv"
    path.write_bytes(GOOD.encode("cp932"))
    call_command("import_placements", "--office", world.office.number, str(path))
    assert Hire.objects.count() == 2


@pytest.mark.parametrize(("start", "why"), [
    ("2010-04-01", "就職日が事業所の開所日より前です"),  # the office opened later
    ("2022-12-01", "就職日がこの事業所の最初の利用開始より前です"),  # before the client's first period of use
])
def test_a_hire_before_the_office_opened_or_before_first_use_is_refused_with_its_line(world, clients, tmp_path,
                                                                                      capsys, start, why):
    """Rule (placements.services.hire_check_rules): such a hire is not the office's placement and would count
    in the retention tier."""
    world.office.opened_on = date(2012, 4, 1)
    world.office.save()
    bad = GOOD.replace("2023-05-01", start)
    with pytest.raises(CommandError):
        call_command("import_placements", "--office", world.office.number, write(tmp_path, bad))
    assert f"hires.csv:2: start_date: {why}" in capsys.readouterr().err
    assert not Hire.objects.exists()


def test_recording_a_hire_before_first_use_is_refused_with_its_code(world, clients):
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from placements.errors import PlacementError
    from placements.services import placement_record_hire
    from tests.factories import EmployerFactory
    from tests.helpers import codes_of

    with pytest.raises(ValidationError) as refused:
        placement_record_hire(client=clients[0], employer=EmployerFactory(office=world.office), job_title="事務",
                              job_field="office", recruitment_type="quota", start_date=date(2022, 12, 1),
                              hours_per_week=Decimal(20), hourly_wage=1000, employment_form="permanent",
                              disclosed=True, by=world.staff)
    assert codes_of(refused.value) == {PlacementError.HIRE_BEFORE_FIRST_USE}
