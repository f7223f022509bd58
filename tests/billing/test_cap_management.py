"""Rule: 上限額管理 (the co-payment cap across providers) in the month's computation.

* The certificate names who manages the cap.  Another office: its result is entered (result and the amount
  it leaves to us) and our co-payment follows it; no result yet: the person's lines are held (要確認) and the
  month cannot be closed (``cap_management_missing``).  An amount above our own co-payment is held too.
* This office: the other providers' figures are entered; the result (1/2/3) and what we collect follow from
  ``regulations.rules.cap_management``; a shared cap (result 3) needs the division entered (offered managing
  office first, checked to add up to the cap).  With other providers, 利用者負担上限額管理加算 is claimed once,
  with the units of the revision in force — none loaded: the line is held, never guessed.
* A person with a transition and a 定着 line is capped once: both lines together collect what the management
  leaves.
* The line's explanation keeps the management it followed; the claim file writes J121 01 15–17, 26 and
  J121 04 20 from it; the 上限額管理結果票 prints it.

Unit figures of the add-on here are test figures made up in the test (``FAKE_ADDON_UNITS``)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing.claimfile.build import cap_management_fields
from billing.documents.cap_result import cap_result_pdf
from billing.errors import BillingError, CloseCheck
from billing.models import AddOnKind, AddOnRate, ClaimLine, CopayCapManagement, Service
from billing.selectors import billing_close_checks
from billing.services.cap_management import (
    ProviderFigures,
    billing_cap_management_record,
    billing_cap_result_record,
)
from billing.services.checks import MSG_CAP_MANAGEMENT_THIS_OFFICE_MISSING
from billing.services.claims import billing_month_compute
from billing.services.closing import billing_month_close
from billing.services.tier import retention_tier_override
from clients.models import CapManagement
from placements.models import FollowUpKind
from tests.billing.helpers import confirm_no_history_rate, retention_plan
from tests.conftest import logged_in
from tests.factories import (
    CertificateFactory,
    ClientFactory,
    HireFactory,
    SupportCertificateFactory,
    attend,
    followup,
    monitored_plan,
    office_settings,
)
from tests.helpers import codes_of
from tests.pdf_reading import pdf_text

JUNE = date(2024, 6, 1)
FAKE_ADDON_UNITS = 77  # a test figure, not the notice's
OTHER = ProviderFigures(office_number="0110000777", office_name="さっぽろ生活介護", total_yen=50_000, copay_yen=5_000)


@pytest.fixture
def office(world):
    retention_tier_override(office=world.office, fiscal_year=2024, rate=Decimal("0.3"), reason="札幌市通知",
                            by=world.manager)
    return world.office


@pytest.fixture
def addon_rate(db):
    return AddOnRate.objects.create(kind=AddOnKind.COPAY_CAP_MANAGEMENT, valid_from=date(2024, 4, 1),
                                    units=FAKE_ADDON_UNITS, monthly_max=1, source="test figure")


def managed_client(office, *, management, days=1, number="", name="", kana="ヤマダ"):
    """A client attending ``days`` days of June whose certificate says who manages the cap."""
    client = ClientFactory(office=office, family_name_kana=kana)
    CertificateFactory(client=client, cap_management=management, cap_manager_number=number,
                       cap_manager_name=name)
    monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 5))
    attend(client, [JUNE + timedelta(days=n) for n in range(3, 3 + days)])
    return client


def lines_of(office, client):
    claims = billing_month_compute(office=office, month=JUNE)
    return [line for line in claims.lines if line.client == client], claims


def other_managed(office, **kwargs):
    return managed_client(office, management=CapManagement.OTHER_OFFICE, number="0110000999",
                          name="つばさ相談支援", **kwargs)


# -- another office manages the cap ---------------------------------------------------------------------------
def test_a_month_managed_elsewhere_without_its_result_is_held_and_cannot_close(office, world, clock):
    client = other_managed(office)
    lines, claims = lines_of(office, client)
    assert BillingError.CAP_MANAGEMENT_MISSING in lines[0].holds and lines[0].claimed == 0
    checks = [c for c in billing_close_checks(office=office, month=JUNE, claims=claims)
              if c.code == CloseCheck.CAP_MANAGEMENT]
    assert len(checks) == 1 and checks[0].blocks
    assert checks[0].href == reverse("billing:cap_management", args=(2024, 6, client.pk))
    with pytest.raises(ValidationError) as refused:
        billing_month_close(office=office, month=JUNE, by=world.manager, reason="順番どおりでない理由のテスト")
    assert codes_of(refused.value) == {BillingError.CAP_MANAGEMENT_MISSING}


def test_our_co_payment_follows_the_result_another_office_sent(office, world):
    client = other_managed(office, days=5)
    billing_cap_result_record(office=office, client=client, month=JUNE, result=3, amount=2000, by=world.manager)
    [line], _claims = lines_of(office, client)
    assert not line.holds
    assert line.copay_raw > 2000 and line.copayment == 2000
    assert line.claimed == line.total_yen - 2000
    management = line.explanation()["copay_management"]
    assert management["managed_by"] == "other_office" and management["office_number"] == "0110000999"
    assert management["result"] == 3 and management["after"] == 2000
    # no add-on: the managing office claims it, not us
    assert not any(a.kind == AddOnKind.COPAY_CAP_MANAGEMENT for a in line.addons)


def test_a_result_leaving_more_than_our_co_payment_is_held(office, world):
    client = other_managed(office, days=1)
    billing_cap_result_record(office=office, client=client, month=JUNE, result=2, amount=9000, by=world.manager)
    [line], _claims = lines_of(office, client)
    assert line.copay_raw < 9000
    assert BillingError.CAP_AMOUNT_OVER_OURS in line.holds


def test_a_person_with_transition_and_retention_support_is_capped_once(office, world):
    office_settings(office, runs_retention_support=True)
    confirm_no_history_rate(office, world.manager)
    client = other_managed(office, days=10)
    SupportCertificateFactory(client=client, cap_management=CapManagement.OTHER_OFFICE,
                              cap_manager_number="0110000999", cap_manager_name="つばさ相談支援")
    retention_plan(client)
    hire = HireFactory(office=office, client=client, start_date=date(2023, 10, 1))
    followup(hire, date(2024, 6, 20))
    followup(hire, date(2024, 6, 20), kind=FollowUpKind.SUPPORT_REPORT)
    billing_cap_result_record(office=office, client=client, month=JUNE, result=3, amount=6000, by=world.manager)
    lines, _claims = lines_of(office, client)
    assert {line.service for line in lines} == {Service.TRANSITION, Service.RETENTION_SUPPORT}
    assert sum(line.copayment for line in lines) == 6000  # one amount for both lines
    assert [line.service for line in lines if line.copayment] == [Service.TRANSITION]  # transition first


# -- this office manages the cap ------------------------------------------------------------------------------
def test_a_month_we_manage_without_the_providers_entered_is_held(office, world):
    client = managed_client(office, management=CapManagement.THIS_OFFICE)
    [line], claims = lines_of(office, client)
    assert BillingError.CAP_MANAGEMENT_MISSING in line.holds
    [check] = [c for c in billing_close_checks(office=office, month=JUNE, claims=claims)
               if c.code == CloseCheck.CAP_MANAGEMENT]
    assert check.message == str(MSG_CAP_MANAGEMENT_THIS_OFFICE_MISSING) % {"client": client.full_name}


def test_no_other_provider_leaves_the_co_payment_and_claims_no_addon(office, world, addon_rate):
    client = managed_client(office, management=CapManagement.THIS_OFFICE)
    billing_cap_management_record(office=office, client=client, month=JUNE, providers=[], by=world.manager)
    [line], _claims = lines_of(office, client)
    assert not line.holds and line.copayment == line.copay_raw
    assert not line.addons
    assert cap_management_fields([_stored(line)]) == {}


def test_result_2_each_collects_its_own_and_we_claim_the_addon(office, world, addon_rate):
    client = managed_client(office, management=CapManagement.THIS_OFFICE, days=1)
    small = ProviderFigures("0110000777", "さっぽろ生活介護", total_yen=20_000, copay_yen=2_000)
    billing_cap_management_record(office=office, client=client, month=JUNE, providers=[small], by=world.manager)
    [line], _claims = lines_of(office, client)
    addon = next(a for a in line.addons if a.kind == AddOnKind.COPAY_CAP_MANAGEMENT)
    assert addon.count == 1 and addon.units == FAKE_ADDON_UNITS
    management = line.copay_management
    assert management["result"] == 2 and management["collect"] == line.copay_raw
    assert line.copayment == line.copay_raw and not line.holds
    assert management["providers"][0]["collect"] == 2000


def test_result_1_we_collect_the_cap_and_the_others_nothing(office, world, addon_rate):
    client = managed_client(office, management=CapManagement.THIS_OFFICE, days=15)
    billing_cap_management_record(office=office, client=client, month=JUNE, providers=[OTHER], by=world.manager)
    [line], _claims = lines_of(office, client)
    assert line.copay_raw > 9300
    assert line.copay_management["result"] == 1 and line.copayment == 9300
    assert line.copay_management["providers"][0]["collect"] == 0


def test_result_3_is_held_until_the_division_is_entered_and_it_must_add_up(office, world, addon_rate):
    client = managed_client(office, management=CapManagement.THIS_OFFICE, days=1)
    big = ProviderFigures("0110000777", "さっぽろ生活介護", total_yen=90_000, copay_yen=9_000)
    billing_cap_management_record(office=office, client=client, month=JUNE, providers=[big], by=world.manager)
    [line], _claims = lines_of(office, client)
    ours = line.copay_raw
    assert 300 < ours < 9300 and ours + 9000 > 9300  # together above the cap: result 3
    assert line.copay_management["result"] == 3 and BillingError.CAP_DIVISION_TO_ENTER in line.holds
    assert line.copay_management["prefill"] == [ours, 9300 - ours]  # managing office first
    # a division that does not add up to the cap is refused, nothing changes
    wrong = ProviderFigures(**{**big.__dict__, "share_yen": 1000})
    with pytest.raises(ValidationError) as refused:
        billing_cap_management_record(office=office, client=client, month=JUNE, providers=[wrong], own_share=200,
                                      by=world.manager)
    assert codes_of(refused.value) == {BillingError.CAP_SHARES_NOT_CAP}
    # nor one that gives this office more than its own co-payment
    over = ProviderFigures(**{**big.__dict__, "share_yen": 8300})
    with pytest.raises(ValidationError) as refused:
        billing_cap_management_record(office=office, client=client, month=JUNE, providers=[over], own_share=1000,
                                      by=world.manager)
    assert codes_of(refused.value) == {BillingError.CAP_SHARE_OVER_COPAY}
    assert CopayCapManagement.objects.get(client=client).own_share is None
    # the manager's division: 300 here, the rest there
    right = ProviderFigures(**{**big.__dict__, "share_yen": 9000})
    billing_cap_management_record(office=office, client=client, month=JUNE, providers=[right], own_share=300,
                                  by=world.manager)
    [line], _claims = lines_of(office, client)
    assert not line.holds and line.copayment == 300
    fields = cap_management_fields([_stored(line)])
    assert fields == {15: office.number, 16: "3", 17: "300", 26: "300"}


def test_the_addon_without_units_in_the_revision_holds_the_line(office, world):
    client = managed_client(office, management=CapManagement.THIS_OFFICE, days=15)
    billing_cap_management_record(office=office, client=client, month=JUNE, providers=[OTHER], by=world.manager)
    [line], _claims = lines_of(office, client)
    assert BillingError.ADDON_RATE_MISSING in line.holds
    assert line.held_addons == [{"kind": "copay_cap_management", "count": 1, "dates": []}]


def test_a_zero_cap_has_nothing_to_manage(office, world):
    client = other_managed(office)
    client.certificates.update(copay_cap=0)
    [line], _claims = lines_of(office, client)
    assert not line.holds and line.copayment == 0 and line.copay_management == {}


# -- refusals of the entries ----------------------------------------------------------------------------------
def test_entries_are_refused_when_the_certificate_names_no_such_management(office, world):
    client = managed_client(office, management=CapManagement.NONE)
    with pytest.raises(ValidationError) as refused:
        billing_cap_result_record(office=office, client=client, month=JUNE, result=2, amount=0, by=world.manager)
    assert codes_of(refused.value) == {BillingError.CAP_MANAGEMENT_NOT_MANAGED}
    with pytest.raises(ValidationError) as refused:
        billing_cap_management_record(office=office, client=client, month=JUNE, providers=[], by=world.manager)
    assert codes_of(refused.value) == {BillingError.CAP_MANAGEMENT_NOT_MANAGED}


def test_result_1_leaves_nothing_to_collect(office, world):
    client = other_managed(office)
    with pytest.raises(ValidationError) as refused:
        billing_cap_result_record(office=office, client=client, month=JUNE, result=1, amount=500, by=world.manager)
    assert codes_of(refused.value) == {BillingError.CAP_RESULT_1_NOTHING}


def test_our_own_office_is_not_another_provider(office, world):
    client = managed_client(office, management=CapManagement.THIS_OFFICE)
    us = ProviderFigures(office.number, office.name, 10_000, 1_000)
    with pytest.raises(ValidationError) as refused:
        billing_cap_management_record(office=office, client=client, month=JUNE, providers=[us, OTHER],
                                      by=world.manager)
    assert codes_of(refused.value) == {BillingError.CAP_PROVIDER_IS_US}


def test_a_closed_month_does_not_change(office, world, clock):
    client = other_managed(office)
    billing_cap_result_record(office=office, client=client, month=JUNE, result=2, amount=0, by=world.manager)
    billing_month_close(office=office, month=JUNE, by=world.manager, reason="順番どおりでない理由のテスト")
    with pytest.raises(ValidationError) as refused:
        billing_cap_result_record(office=office, client=client, month=JUNE, result=2, amount=0, by=world.manager)
    assert codes_of(refused.value) == {BillingError.CAP_MANAGEMENT_MONTH_CLOSED}
    stored = ClaimLine.objects.get(client=client)
    assert stored.copayment == 0
    assert cap_management_fields([stored]) == {15: "0110000999", 16: "2", 17: "0", 26: "0"}


# -- the result sheet and the screens ---------------------------------------------------------------------------
def test_the_result_sheet_prints_each_office_and_the_result(office, world, addon_rate):
    client = managed_client(office, management=CapManagement.THIS_OFFICE, days=15)
    billing_cap_management_record(office=office, client=client, month=JUNE, providers=[OTHER], by=world.manager)
    text = pdf_text(cap_result_pdf(office=office, month=JUNE, client_id=client.pk).data)
    assert "利用者負担上限額管理結果票" in text
    assert "管理結果 1" in text
    assert office.number in text and "0110000777" in text and "さっぽろ生活介護" in text
    assert "9,300円" in text


def test_the_manager_enters_the_result_on_the_client_month_page(office, world):
    client = other_managed(office, days=5)
    http = logged_in(world.manager)
    url = reverse("billing:cap_management", args=(2024, 6, client.pk))
    page = http.get(url)
    assert page.status_code == 200 and "つばさ相談支援" in page.content.decode()
    response = http.post(url, {"result": "3", "amount": "1500"})
    assert response.status_code == 302
    [line], _claims = lines_of(office, client)
    assert line.copayment == 1500
    # a refused entry shows again with its error, nothing written
    response = http.post(url, {"result": "1", "amount": "100"})
    assert response.status_code == 422
    assert CopayCapManagement.objects.get(client=client).amount == 1500


def test_the_month_page_links_the_clients_concerned(office, world):
    client = other_managed(office)
    page = logged_in(world.manager).get(reverse("billing:index") + "?month=2024-06").content.decode()
    assert reverse("billing:cap_management", args=(2024, 6, client.pk)) in page


def test_the_month_page_marks_the_link_of_a_line_held_for_its_cap_management_as_a_warning(office, world):
    # rule: a line held until the cap management across providers is entered (CAP_MANAGEMENT_HOLDS) says so
    client = other_managed(office)
    [line], _claims = lines_of(office, client)
    assert BillingError.CAP_MANAGEMENT_MISSING in line.holds
    page = logged_in(world.manager).get(reverse("billing:index") + "?month=2024-06").content.decode()
    url = reverse("billing:cap_management", args=(2024, 6, client.pk))
    assert f'<a class="badge warning" href="{url}">' in page


def _stored(line) -> ClaimLine:
    """The line as a closing stores it (unsaved): what the claim file reads."""
    return ClaimLine(service=line.service, client=line.client, copayment=line.copayment, explanation=line.explanation())


def test_the_manager_enters_the_other_providers_and_the_division_offered(office, world, addon_rate):
    client = managed_client(office, management=CapManagement.THIS_OFFICE, days=1)
    http = logged_in(world.manager)
    url = reverse("billing:cap_management", args=(2024, 6, client.pk))
    row = {"p1_office_number": "0110000777", "p1_office_name": "さっぽろ生活介護", "p1_total_yen": "90000",
           "p1_copay_yen": "9000"}
    assert http.post(url, row).status_code == 302
    # result 3: the page offers the division, this office first
    [line], _claims = lines_of(office, client)
    ours = line.copay_raw
    form = http.get(url).context["form"]
    assert form.initial["own_share"] == ours and form.initial["p1_share_yen"] == 9300 - ours
    # an incomplete row is refused on its field; nothing changes
    response = http.post(url, {**row, "p2_office_name": "名前だけ"})
    assert response.status_code == 422
    assert "p2_office_number" in response.context["form"].errors
    # the division confirmed: recorded, the line is claimable
    assert http.post(url, {**row, "own_share": str(ours), "p1_share_yen": str(9300 - ours)}).status_code == 302
    [line], _claims = lines_of(office, client)
    assert not line.holds and line.copayment == ours
    assert http.get(reverse("billing:cap_result_pdf", args=(2024, 6, client.pk)))["Content-Type"] == "application/pdf"


def test_the_certificate_records_who_manages_the_cap(office, world):
    client = ClientFactory(office=office)
    certificate = CertificateFactory(client=client)
    http = logged_in(world.staff)
    url = reverse("clients:certificate_cap_manager", args=(client.pk, certificate.pk))
    response = http.post(url, {"cap_management": "other_office"})
    assert response.status_code == 200 and "cap_manager_number" in response.context["form"].errors
    certificate.refresh_from_db()
    assert certificate.cap_management == CapManagement.NONE
    response = http.post(url, {"cap_management": "other_office", "cap_manager_number": "0110000999",
                               "cap_manager_name": "つばさ相談支援"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.cap_management, certificate.cap_manager_number) == ("other_office", "0110000999")
