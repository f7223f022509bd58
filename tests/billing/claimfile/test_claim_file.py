"""The electronic claim file (国保連 CSV) of a closed month (issue 21): records from the snapshot, the layout
check that refuses rather than guesses, CP932 with CRLF, the file name and the command.  Every service code,
form number, municipality number and price here is a test figure created in the test (never the ministry's)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from billing.claimfile import ClaimFileRefused, claim_file_build
from billing.claimfile.build import Record
from billing.claimfile.check import record_problems
from billing.claimfile.codes import AREA_GRADE_CODES, area_grade_code, yen_per_unit_thousandths
from billing.claimfile.encoding import line, quoted
from billing.errors import BillingError
from billing.models import FeeRevision, MonthClosing, ServiceCode
from billing.services.closing import billing_month_close
from billing.services.revisions import FEES_DIR, revision_file_read, revision_load
from billing.services.tier import retention_tier_override
from compostela.models import AreaGrade
from tests.billing.helpers import weekdays
from tests.factories import CertificateFactory, ClientFactory, attend, office_settings, plan

GOLDEN = Path(__file__).parent / "golden"
JUNE_2020 = date(2020, 6, 1)
TIMES = {"start_time": time(10, 0), "end_time": time(15, 0)}
NOTE = "面接同行,企業訪問"  # remarks of a day: double-byte characters and a comma (quoted)


def claim_data(office):
    """The office's control-record data and a FY2020 month priced by hand at 10.17 yen (test figure)."""
    office.prefecture_number = "01"
    office.claim_file_municipality_number = "000000"
    office.save()
    office_settings(office, yen_per_unit=Decimal("10.17"), yen_per_unit_reason="市の通知（テスト）")


def fake_codes(revision=None):
    """Test service codes (fake: 43T…) for the items of the 2019-10 revision's FY2020 tier, verified."""
    revision = revision or FeeRevision.objects.get(effective_from=date(2019, 10, 1))
    ServiceCode.objects.create(revision=revision, service="transition", item="basic:1-20:0.3", code="43T001",
                               form_type="0099", name="テスト 基本")


def attending(office, *, family_name, given_name, municipality, number, days, **certificate):
    client = ClientFactory(office=office, enrolled_on=date(2020, 4, 1), family_name=family_name,
                           given_name=given_name)
    CertificateFactory(client=client, number=number, municipality_number=municipality,
                       decision_service_code="43T0D1", provider_entry_number=1, contract_start=date(2020, 4, 1),
                       **certificate)
    plan(client, date(2020, 4, 1), date(2021, 3, 31), agreed_on=date(2020, 4, 5))
    return client, attend(client, days, **TIMES)


@pytest.fixture
def june(world):
    """A small closed month: two clients of two municipalities, one day with remarks."""
    office = world.office
    claim_data(office)
    retention_tier_override(office=office, fiscal_year=2020, rate=Decimal("0.3"), reason="通知", by=world.manager)
    fake_codes()
    _client, rows = attending(office, family_name="見本", given_name="花子", municipality="011002",
                              number="0000000011", days=weekdays(date(2020, 6, 1), date(2020, 6, 5)))
    rows[1].note = NOTE
    rows[1].save()
    attending(office, family_name="試験", given_name="太郎", municipality="012025", number="0000000022",
              days=weekdays(date(2020, 6, 8), date(2020, 6, 10)))
    return billing_month_close(office=office, month=JUNE_2020, by=world.manager)


def refused_codes(office, month=JUNE_2020) -> set[str]:
    with pytest.raises(ClaimFileRefused) as refused:
        claim_file_build(office=office, month=month)
    assert {e.code for e in refused.value.error_list} == {p.code for p in refused.value.problems}
    return {p.code for p in refused.value.problems}


# -- the file ------------------------------------------------------------------------------------------------
def test_the_file_of_a_small_month_is_byte_exact(world, june):
    """Rule: the records, CP932, CRLF, quoting and trailing commas exactly as the layout reference says
    (golden file)."""
    claim = claim_file_build(office=world.office, month=JUNE_2020)
    assert claim.name == "J2006V01.CSV" and not claim.sample
    assert claim.content == (GOLDEN / "J2006V01.CSV").read_bytes()


def test_cp932_crlf_and_every_line_ends_with_a_comma(world, june):
    content = claim_file_build(office=world.office, month=JUNE_2020).content
    text = content.decode("cp932")
    lines = text.split("\r\n")
    assert lines[-1] == "" and all(ln.endswith(",") for ln in lines[:-1])
    assert "\n" not in text.replace("\r\n", "")
    assert f'"{NOTE}"'.encode("cp932") in content
    assert [ln.split(",")[1] for ln in lines[:-1]] == [str(n) for n in range(1, len(lines))]  # sequence
    assert lines[0].startswith("1,1,") and lines[-2].startswith("3,")


def test_the_j121_units_add_up_to_the_month_claim(world, june):
    """Rule: the sum of the J121 03 service units equals the closed month's units; J111 equals its yen."""
    text = claim_file_build(office=world.office, month=JUNE_2020).content.decode("cp932")
    records = [ln.split(",") for ln in text.split("\r\n") if ln.startswith("2,")]
    j121_03 = [r for r in records if r[2:4] == ["J121", "03"]]
    assert sum(int(r[2 + 9]) for r in j121_03) == june.total_units
    j111_01 = [r for r in records if r[2:4] == ["J111", "01"]]
    assert len(j111_01) == 2  # two municipalities
    assert sum(int(r[2 + 18]) for r in j111_01) == june.total_yen
    assert sum(int(r[2 + 19]) for r in j111_01) == june.claimed_yen


# -- refusals ------------------------------------------------------------------------------------------------
def test_an_open_month_gives_no_file(world):
    assert refused_codes(world.office) == {BillingError.CLAIM_FILE_NOT_CLOSED}


def test_unverified_fees_and_missing_codes_give_no_file(world):
    """Rule: a month computed without the revisions in force (2024-06: known revisions not loaded) and with no
    service code gives no file; each problem names its class."""
    office = world.office
    claim_data(office)
    retention_tier_override(office=office, fiscal_year=2024, rate=Decimal("0.3"), reason="通知", by=world.manager)
    client = ClientFactory(office=office, enrolled_on=date(2024, 4, 1))
    CertificateFactory(client=client, municipality_number="011002", decision_service_code="43T0D1",
                       provider_entry_number=1, contract_start=date(2024, 4, 1))
    plan(client, date(2024, 4, 1), date(2025, 3, 31), agreed_on=date(2024, 4, 5))
    attend(client, weekdays(date(2024, 6, 3), date(2024, 6, 5)), **TIMES)
    billing_month_close(office=office, month=date(2024, 6, 1), by=world.manager)
    assert refused_codes(office, date(2024, 6, 1)) >= {BillingError.CLAIM_FILE_FEES_UNVERIFIED,
                                                       BillingError.CLAIM_FILE_CODE_MISSING}


def test_a_missing_municipality_number_is_listed_with_where_to_fix_it(world, june):
    from clients.models import Certificate

    Certificate.objects.filter(number="0000000022").update(municipality_number="", provider_entry_number=None)
    with pytest.raises(ClaimFileRefused) as refused:
        claim_file_build(office=world.office, month=JUNE_2020)
    problems = refused.value.problems
    assert {p.code for p in problems} == {BillingError.CLAIM_FILE_FIELD_MISSING}
    assert any(p.client == "試験 太郎" and p.record == "J121 01" and p.field == "市町村番号" and "受給者証" in p.where
               for p in problems)
    assert any(p.record == "J121 05" and p.field == "事業者記入欄番号" for p in problems)


def test_the_office_control_record_data_is_required(world, june):
    office = world.office
    office.prefecture_number = ""
    office.save()
    with pytest.raises(ClaimFileRefused) as refused:
        claim_file_build(office=office, month=JUNE_2020)
    assert [(p.record, p.field, p.code) for p in refused.value.problems] == [
        ("outer_control", "都道府県番号", BillingError.CLAIM_FILE_FIELD_MISSING)]


def test_remarks_too_long_or_not_in_cp932_are_refused(world, june):
    from attendance.models import Attendance

    Attendance.objects.filter(note=NOTE).update(note="長" * 51)  # 102 bytes, 備考 holds 100
    assert refused_codes(world.office) == {BillingError.CLAIM_FILE_FIELD_TOO_LONG}
    Attendance.objects.filter(note="長" * 51).update(note="𠮷野家")  # not in CP932
    assert refused_codes(world.office) == {BillingError.CLAIM_FILE_NOT_ENCODABLE}


def test_totals_that_differ_from_the_closed_month_are_refused(world, june):
    MonthClosing.objects.filter(pk=june.pk).update(total_units=june.total_units + 1)
    assert refused_codes(world.office) == {BillingError.CLAIM_FILE_TOTALS}


def test_example_fee_data_on_a_real_office_is_refused(world, june):
    june.summary["fee_status"]["example"] = True
    MonthClosing.objects.filter(pk=june.pk).update(summary=june.summary)
    assert BillingError.CLAIM_FILE_EXAMPLE_DATA in refused_codes(world.office)


def test_non_digits_in_a_numeric_field_are_refused():
    record = Record("J121 03", {1: "J121", 2: "03", 3: "202006", 4: "01100A", 5: "0110000001", 6: "0000000011",
                                7: "43T001", 8: "８１１", 9: "5", 10: "4055"})
    assert {(p.field, p.code) for p in record_problems(record)} == {
        ("市町村番号", BillingError.CLAIM_FILE_NOT_DIGITS), ("単位数", BillingError.CLAIM_FILE_NOT_DIGITS)}


def test_a_month_from_example_data_gives_a_sample_file_on_a_demonstration_office(world):
    """Rule: the EXAMPLE revision (demonstration office only) gives a file named SAMPLE…, not for submission."""
    office = world.office
    revision_load(data=revision_file_read(FEES_DIR / "example-2026-06.json"), by=world.manager)
    office.demo = True
    office.save()
    claim_data(office)
    retention_tier_override(office=office, fiscal_year=2026, rate=Decimal("0.3"), reason="通知", by=world.manager)
    client = ClientFactory(office=office, enrolled_on=date(2026, 4, 1))
    CertificateFactory(client=client, period_start=date(2026, 4, 1), period_end=date(2027, 3, 31),
                       municipality_number="011002", decision_service_code="43T0D1", provider_entry_number=1,
                       contract_start=date(2026, 4, 1))
    plan(client, date(2026, 4, 1), date(2027, 3, 31), agreed_on=date(2026, 4, 5))
    attend(client, weekdays(date(2026, 6, 1), date(2026, 6, 5)), **TIMES)
    billing_month_close(office=office, month=date(2026, 6, 1), by=world.manager)
    claim = claim_file_build(office=office, month=date(2026, 6, 1))
    assert claim.sample and claim.name == "SAMPLE01.CSV" and "見本" in claim.notice


# -- pieces --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "written"), [
    ("811", "811"), ("見本 花子", '"見本 花子"'), ("a,b", '"a,b"'), ('say "x"', '"say ""x"""'), ("ab c", '"ab c"'),
    ("", ""),
])
def test_quoting(value, written):
    assert quoted(value) == written


def test_a_line_ends_with_a_comma_and_crlf():
    assert line(["3", "9"]) == "3,9,\r\n"


def test_area_grade_codes_and_thousandths():
    assert area_grade_code(AreaGrade.GRADE_7) == "17" and area_grade_code(AreaGrade.OTHER) == "23"
    assert set(AREA_GRADE_CODES) == set(AreaGrade.values)
    assert yen_per_unit_thousandths(Decimal("10.17")) == "10170"
    assert yen_per_unit_thousandths(Decimal("8.5")) == "08500"


# -- the command ---------------------------------------------------------------------------------------------
def test_the_command_writes_the_file(world, june, tmp_path, capsys):
    out = tmp_path / "JUNE.CSV"
    call_command("claim_file", office=world.office.number, month="2020-06", output=str(out))
    assert out.read_bytes() == (GOLDEN / "J2006V01.CSV").read_bytes()


def test_the_command_prints_the_problems_and_fails(world, capsys):
    with pytest.raises(CommandError):
        call_command("claim_file", office=world.office.number, month="2020-06")
    assert "2020-06" in capsys.readouterr().err


def test_building_the_file_reads_a_fixed_number_of_queries(world, june, django_assert_max_num_queries):
    """The file reads the closing, its lines, their certificates and attendance and the fee book: a fixed
    number of queries, whatever the number of clients and days."""
    with django_assert_max_num_queries(24):
        claim_file_build(office=world.office, month=JUNE_2020)
