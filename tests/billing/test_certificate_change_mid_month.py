"""Rule: a certificate that changes mid-month applies to its own days — its granted days over the days it
covers, its cap among the month's — and when the certificates carry different caps the manager confirms
which governs the month (recorded: who, when); until then the person's lines are held (not claimable,
closing refuses with ``copay_cap_to_confirm``).  The same cap on both: nothing to confirm.  The explanation
lists both certificates and the decision."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils.translation import gettext as _

from billing.errors import BillingError
from billing.explain import claim_explanation_rows
from billing.models import ClaimLine, CopayCapDecision, Service
from billing.selectors import billing_month_statement
from billing.services.claims import billing_month_compute
from billing.services.closing import billing_month_close, billing_month_reopen
from billing.services.copay import billing_copay_cap_confirm
from billing.services.tier import retention_tier_override
from clients.models import IncomeCategory
from placements.models import FollowUpKind
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

JUNE = date(2024, 6, 1)  # 30 days
EVERY_DAY = [JUNE + timedelta(days=n) for n in range(30)]
UNITS = 811  # the tier of a 30 % rate (overridden below), a day
CAP_URL = "billing:copay_cap"


@pytest.fixture
def office(world):
    retention_tier_override(
        office=world.office, fiscal_year=2024, rate=Decimal("0.3"), reason="札幌市通知", by=world.manager
    )
    return world.office


def changing_client(office, *, cap_b=0, kana="ヤマダ"):
    """Certificate A (… to June 15th: 20 granted days, general 1, cap 9,300) then B (June 16th …: 10 granted
    days, cap ``cap_b``), attending every day of June with an agreed plan."""
    client = ClientFactory(office=office, family_name_kana=kana)
    a = CertificateFactory(
        client=client, period_start=date(2023, 6, 16), period_end=date(2024, 6, 15), granted_days=20, copay_cap=9300
    )
    b = CertificateFactory(
        client=client,
        period_start=date(2024, 6, 16),
        period_end=date(2025, 6, 15),
        granted_days=10,
        copay_cap=cap_b,
        income_category=IncomeCategory.LOW_INCOME if cap_b == 0 else IncomeCategory.GENERAL_1,
    )
    monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 5))
    attend(client, EVERY_DAY)
    return client, a, b


def transition_line(office, client):
    result = billing_month_compute(office=office, month=JUNE)
    return next(x for x in result.lines if x.client == client and x.service == Service.TRANSITION), result


def test_each_certificate_bills_its_own_days_under_its_own_granted_days(office):
    # given A covers 15 days (20 granted: all 15), B 15 days (10 granted: 10, 5 beyond)
    client, a, b = changing_client(office)
    # when
    line, result = transition_line(office, client)
    # then 25 billable days — not B's 10 for the whole month, nor the standard 22
    assert (line.billable_days, line.days["over_granted_days"], line.days["granted_days_to_confirm"]) == (25, 5, True)
    first, second = line.certificates
    assert (
        first["number"],
        first["first"],
        first["last"],
        first["granted_days"],
        len(first["days"]),
        first["billable"],
        first["basic_units"],
    ) == (a.number, "2024-06-01", "2024-06-15", 20, 15, 15, 15 * UNITS)
    assert (
        second["number"],
        second["first"],
        second["last"],
        second["granted_days"],
        len(second["days"]),
        second["billable"],
        second["over_granted_days"],
        second["basic_units"],
    ) == (b.number, "2024-06-16", "2024-06-30", 10, 15, 10, 5, 10 * UNITS)
    assert line.basic_units == first["basic_units"] + second["basic_units"] == 25 * UNITS


def test_the_persons_lines_are_held_until_the_manager_confirms_the_cap(office):
    client, _a, _b = changing_client(office)
    line, result = transition_line(office, client)
    assert line.holds == [BillingError.COPAY_CAP_TO_CONFIRM]
    assert (line.copay_cap, line.copayment, line.claimed) == (None, 0, 0)  # not claimable, no cap picked
    assert line.total_yen > 0 and result.claimed_yen == 0
    assert [x.client for x in result.held_lines] == [client]
    assert (
        _(
            "%(client)s: the certificates of this month carry different co-payment caps; confirm which one governs "
            "the month (the lines are held until then)."
        )
        % {"client": client}
        in result.warnings
    )
    assert line.cap_decision["to_confirm"] and line.cap_decision["confirmed"] is None
    assert [c["copay_cap"] for c in line.cap_decision["candidates"]] == [9300, 0]


@pytest.mark.parametrize(("chosen", "cap"), [("a", 9300), ("b", 0)])
def test_the_confirmed_certificates_cap_governs_the_whole_month(office, world, chosen, cap):
    client, a, b = changing_client(office)
    billing_copay_cap_confirm(
        office=office, client=client, month=JUNE, certificate_id={"a": a, "b": b}[chosen].pk, by=world.manager
    )
    line, _result = transition_line(office, client)
    assert line.holds == []
    assert line.copay_cap == cap
    assert line.copayment == min(line.total_yen // 10, cap)
    assert line.claimed == line.total_yen - line.copayment
    assert line.cap_decision["confirmed"]["by"] == str(world.manager)


def test_the_same_cap_on_both_certificates_needs_no_confirmation(office):
    client, _a, _b = changing_client(office, cap_b=9300)
    line, result = transition_line(office, client)
    assert line.holds == [] and not line.cap_decision["to_confirm"]
    assert (line.copay_cap, line.copayment) == (9300, 9300)
    assert result.held_lines == []


def test_changing_the_chosen_certificates_cap_afterwards_holds_the_line_again(office, world):
    client, a, _b = changing_client(office)
    billing_copay_cap_confirm(office=office, client=client, month=JUNE, certificate_id=a.pk, by=world.manager)
    a.copay_cap = 37200
    a.save(update_fields=["copay_cap"])
    line, _result = transition_line(office, client)
    assert line.holds == [BillingError.COPAY_CAP_TO_CONFIRM]


def test_a_transition_and_a_retention_support_line_share_one_cap(office, world):
    # given one person with a transition line and a retention-support line this month, caps 9,300 on both
    office_settings(world.office, runs_retention_support=True)
    client = ClientFactory(office=office)
    CertificateFactory(client=client, copay_cap=9300)
    SupportCertificateFactory(
        client=client, period_start=date(2024, 4, 1), period_end=date(2025, 3, 31), copay_cap=9300
    )
    monitored_plan(client, date(2024, 1, 1), date(2024, 12, 31), agreed_on=date(2024, 1, 5))
    attend(client, EVERY_DAY[:20])
    hire = HireFactory(client=client, office=office, start_date=date(2023, 10, 1))
    followup(hire, date(2024, 6, 10))
    followup(hire, date(2024, 6, 20), kind=FollowUpKind.SUPPORT_REPORT)
    # when
    result = billing_month_compute(office=office, month=JUNE)
    own = [x for x in result.lines if x.client == client]
    # then the transition line takes the cap first, the retention-support line what is left (nothing)
    assert [x.service for x in own] == [Service.TRANSITION, Service.RETENTION_SUPPORT]
    assert own[0].total_yen // 10 > 9300
    assert [x.copayment for x in own] == [9300, 0]
    assert sum(x.copayment for x in own) == 9300


def test_closing_is_refused_while_a_line_is_held_and_stores_the_decision_once_confirmed(office, world):
    client, a, b = changing_client(office)
    with pytest.raises(ValidationError) as refusal:
        billing_month_close(office=office, month=JUNE, by=world.manager)
    assert codes_of(refusal.value) == {BillingError.COPAY_CAP_TO_CONFIRM}
    assert client.full_name in " ".join(refusal.value.messages)
    billing_copay_cap_confirm(office=office, client=client, month=JUNE, certificate_id=a.pk, by=world.manager)
    closing = billing_month_close(office=office, month=JUNE, by=world.manager)
    line = ClaimLine.objects.get(closing=closing, client=client)
    assert line.copayment == 9300
    assert [c["number"] for c in line.explanation["certificates"]] == [a.number, b.number]
    assert line.explanation["cap_decision"]["confirmed"]["number"] == a.number


def test_a_closed_months_cap_cannot_change(office, world):
    client, a, b = changing_client(office)
    billing_copay_cap_confirm(office=office, client=client, month=JUNE, certificate_id=a.pk, by=world.manager)
    billing_month_close(office=office, month=JUNE, by=world.manager)
    with pytest.raises(ValidationError) as refusal:
        billing_copay_cap_confirm(office=office, client=client, month=JUNE, certificate_id=b.pk, by=world.manager)
    assert codes_of(refusal.value) == {BillingError.COPAY_CAP_MONTH_CLOSED}
    billing_month_reopen(office=office, month=JUNE, by=world.manager, reason="上限額の確認")
    billing_copay_cap_confirm(office=office, client=client, month=JUNE, certificate_id=b.pk, by=world.manager)
    assert CopayCapDecision.objects.get(client=client).copay_cap == 0


def test_nothing_to_confirm_when_the_caps_agree_or_the_certificate_is_not_the_months(office, world):
    client, a, _b = changing_client(office, cap_b=9300)
    with pytest.raises(ValidationError) as refusal:
        billing_copay_cap_confirm(office=office, client=client, month=JUNE, certificate_id=a.pk, by=world.manager)
    assert codes_of(refusal.value) == {BillingError.COPAY_CAP_NOT_A_CHOICE}
    other, _x, _y = changing_client(office, kana="タナカ")
    with pytest.raises(ValidationError) as refusal:
        billing_copay_cap_confirm(office=office, client=other, month=JUNE, certificate_id=a.pk, by=world.manager)
    assert codes_of(refusal.value) == {BillingError.COPAY_CAP_NOT_A_CHOICE}
    assert not CopayCapDecision.objects.exists()


def test_the_decision_is_recorded_in_the_history_with_who(office, world):
    client, a, b = changing_client(office)
    billing_copay_cap_confirm(office=office, client=client, month=JUNE, certificate_id=a.pk, by=world.manager)
    billing_copay_cap_confirm(office=office, client=client, month=JUNE, certificate_id=b.pk, by=world.manager)
    decision = CopayCapDecision.objects.get(client=client)
    assert (decision.certificate, decision.copay_cap, decision.decided_by) == (b, 0, world.manager)
    events = list(CopayCapDecision.pgh_event_model.objects.filter(pgh_obj=decision).order_by("pgh_id"))
    assert [e.copay_cap for e in events] == [9300, 0]


# -- the explanation ------------------------------------------------------------------------------------------
def test_the_explanation_lists_both_certificates_and_the_cap_to_confirm(office):
    client, a, b = changing_client(office)
    line, _result = transition_line(office, client)
    rows = claim_explanation_rows(line.explanation())
    text = " ".join(f"{r.label} {r.detail}" for r in rows)
    for number in (a.number, b.number):
        assert number in text
    assert "06-01–06-15" in text and "06-16–06-30" in text
    assert [r.units for r in rows if a.number in r.label or b.number in r.label] == [15 * UNITS, 10 * UNITS]
    assert "要確認" in text  # granted days and the cap, both to confirm


def test_the_explanation_names_who_confirmed_the_cap_and_when(office, world):
    client, a, _b = changing_client(office)
    decision = billing_copay_cap_confirm(
        office=office, client=client, month=JUNE, certificate_id=a.pk, by=world.manager
    )
    line, _result = transition_line(office, client)
    text = " ".join(f"{r.label} {r.detail}" for r in claim_explanation_rows(line.explanation()))
    assert str(world.manager) in text and f"{decision.decided_at.astimezone():%Y-%m-%d}" in text
    assert a.number in text


# -- the month page ---------------------------------------------------------------------------------------------
def test_the_manager_confirms_the_cap_on_the_month_page(office, world, manager_client):
    client, a, b = changing_client(office)
    page = manager_client.get(reverse("billing:index"), {"month": "2024-06"}).content.decode()
    assert reverse(CAP_URL, kwargs={"year": 2024, "month": 6, "client_id": client.pk}) in page
    assert a.number in page and b.number in page and "要確認" in page
    response = manager_client.post(
        reverse(CAP_URL, kwargs={"year": 2024, "month": 6, "client_id": client.pk}), {"certificate": b.pk}
    )
    assert response.status_code == 302
    decision = CopayCapDecision.objects.get(client=client, month=JUNE)
    assert (decision.certificate, decision.decided_by, decision.office) == (b, world.manager, office)
    statement = billing_month_statement(office=office, month=JUNE)
    assert statement.held_lines == []


def test_the_cap_form_on_the_month_page_posts_its_csrf_token(office, world):
    # rule: every form posts a CSRF token — the cap question is rendered by a Jinja2 fragment, so the token is the
    # view's csrf_input, not {% csrf_token %}; a browser that submits the form as rendered is accepted
    client, a, b = changing_client(office)
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(world.manager)
    url = reverse(CAP_URL, kwargs={"year": 2024, "month": 6, "client_id": client.pk})
    page = http.get(reverse("billing:index"), {"month": "2024-06"}).content.decode()
    form = re.search(rf'<form method="post" action="{re.escape(url)}".*?</form>', page, flags=re.S).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = http.post(url, {"certificate": b.pk, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert CopayCapDecision.objects.get(client=client, month=JUNE).certificate == b


def test_a_bad_choice_on_the_month_page_says_why_and_records_nothing(office, manager_client):
    client, _a, _b = changing_client(office)
    url = reverse(CAP_URL, kwargs={"year": 2024, "month": 6, "client_id": client.pk})
    for data in ({}, {"certificate": "x"}, {"certificate": 999999}):
        response = manager_client.post(url, data, follow=True)
        assert response.status_code == 200
        assert list(response.context["messages"])
    assert not CopayCapDecision.objects.exists()


@pytest.mark.parametrize("persona", ["staff", "supervisor"])
def test_only_the_manager_confirms_the_cap(office, world, persona):
    client, a, _b = changing_client(office)
    url = reverse(CAP_URL, kwargs={"year": 2024, "month": 6, "client_id": client.pk})
    assert logged_in(getattr(world, persona)).post(url, {"certificate": a.pk}).status_code == 403
    assert not CopayCapDecision.objects.exists()


def test_another_offices_client_answers_404_and_nothing_changes(office, world, outsider_client):
    client, a, _b = changing_client(office)
    url = reverse(CAP_URL, kwargs={"year": 2024, "month": 6, "client_id": client.pk})
    assert outsider_client.post(url, {"certificate": a.pk}).status_code == 404
    assert not CopayCapDecision.objects.exists()


def test_anonymous_is_sent_to_login(office, client):
    person, a, _b = changing_client(office)
    url = reverse(CAP_URL, kwargs={"year": 2024, "month": 6, "client_id": person.pk})
    response = client.post(url, {"certificate": a.pk})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not CopayCapDecision.objects.exists()


def test_the_month_with_a_change_reads_one_more_query_only(office, world, django_assert_max_num_queries):
    # the month's inputs read the confirmed caps only when someone's certificates differ: a constant +1
    for n in range(3):
        changing_client(office, kana=f"ア{n}")
    with django_assert_max_num_queries(26) as small:
        billing_month_compute(office=office, month=JUNE)
    for n in range(20):
        changing_client(office, kana=f"イ{n}")
    with django_assert_max_num_queries(26) as large:
        billing_month_compute(office=office, month=JUNE)
    assert len(small.captured_queries) == len(large.captured_queries)
