"""After sending (issue 21): the sending of a month's file, each line's result (accepted, returned 返戻,
withdrawn 過誤申立), the re-claim of a returned or withdrawn line with a later month (月遅れ請求) — in that month's
claim file — and what is outstanding.  Every service code, municipality number and price is a test figure made
in the test (tests/billing/claimfile/test_claim_file.py's setup), never the ministry's."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from billing.claimfile import ClaimFileRefused, claim_file_build
from billing.errors import BillingError
from billing.models import ClaimLine, MonthClosing
from billing.services.closing import billing_month_close, billing_month_reopen
from billing.submissions.models import ClaimResult, ClaimSubmission, LateClaim, ResultStatus
from billing.submissions.rules import LineOutcome, claim_lines_received, claims_outstanding, months_between
from billing.submissions.selectors import billing_month_received, billing_outstanding
from billing.submissions.services import (
    claim_line_reclaim,
    claim_line_result_record,
    claim_line_withdraw,
    claim_submission_record,
)
from compostela.errors import CompostelaError
from tests.billing.claimfile.test_claim_file import JUNE_2020, attending, claim_data, fake_codes
from tests.billing.helpers import weekdays
from tests.conftest import TODAY, logged_in
from tests.helpers import codes_of

pytestmark = pytest.mark.usefixtures("clock")

JULY_2020 = date(2020, 7, 1)
SENT = date(2020, 7, 6)  # June 2020's file, sent in the first ten days of July
NOTICE = date(2020, 8, 3)  # the 国保連's notice of its result


def refused(call, **kwargs) -> set:
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return codes_of(error.value)


def closed_on(closing: MonthClosing, day: date) -> MonthClosing:
    """Date the closing as the office closed it (the clock stands in 2025)."""
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 9, 0))
    MonthClosing.objects.filter(pk=closing.pk).update(closed_at=moment)
    closing.refresh_from_db()
    return closing


@pytest.fixture
def june(world):
    """June 2020 closed (two clients of two municipalities: 見本 花子 and 試験 太郎), on 2020-07-02."""
    from decimal import Decimal

    from billing.services.tier import retention_tier_override

    office = world.office
    claim_data(office)
    retention_tier_override(office=office, fiscal_year=2020, rate=Decimal("0.3"), reason="通知", by=world.manager)
    fake_codes()
    attending(office, family_name="見本", given_name="花子", municipality="011002", number="0000000011",
              days=weekdays(date(2020, 6, 1), date(2020, 6, 5)))
    attending(office, family_name="試験", given_name="太郎", municipality="012025", number="0000000022",
              days=weekdays(date(2020, 6, 8), date(2020, 6, 10)))
    return closed_on(billing_month_close(office=office, month=JUNE_2020, by=world.manager), date(2020, 7, 2))


def july_client(office):
    """A client of July 2020 of their own (a fake code for their month's basic fee, whose plan is due for its
    review by then)."""
    from billing.models import FeeRevision, ServiceCode

    ServiceCode.objects.create(revision=FeeRevision.objects.get(effective_from=date(2019, 10, 1)),
                               service="transition", item="basic:1-20:0.3:plan_missing_70", code="43T002",
                               form_type="0099", name="テスト 基本 計画未作成")
    attending(office, family_name="七月", given_name="一郎", municipality="011002", number="0000000033",
              days=weekdays(date(2020, 7, 1), date(2020, 7, 3)))


def line_of(closing: MonthClosing, family_name: str) -> ClaimLine:
    return ClaimLine.objects.get(closing=closing, client_name__startswith=family_name)


@pytest.fixture
def sent(world, june) -> ClaimSubmission:
    return claim_submission_record(office=world.office, month=JUNE_2020, version=1, file_name="J2006V01.CSV",
                                   sent_on=SENT, by=world.manager)


def result(world, submission, line, status=ResultStatus.ACCEPTED, reason="", notice_on=NOTICE) -> ClaimResult:
    return claim_line_result_record(submission=submission, line=line, status=status, notice_on=notice_on,
                                    return_reason=reason, by=world.manager)


# -- the sending -----------------------------------------------------------------------------------------------
def test_the_sending_of_the_version_in_force_is_recorded(world, sent, june):
    assert (sent.closing, sent.file_name, sent.sent_on, sent.sent_by) == (june, "J2006V01.CSV", SENT, world.manager)


@pytest.mark.parametrize(("changes", "code"), [
    ({"version": 2}, BillingError.SUBMISSION_NOT_IN_FORCE),
    ({"month": JULY_2020}, BillingError.SUBMISSION_NOT_IN_FORCE),  # not closed
    ({"sent_on": date(2020, 7, 1)}, BillingError.SUBMISSION_BEFORE_CLOSING),
    ({"sent_on": TODAY + timedelta(days=1)}, CompostelaError.FUTURE_DATE),
    ({"file_name": "請求.CSV"}, BillingError.SUBMISSION_FILE_NAME),
    ({"file_name": "J2006V01.TXT"}, BillingError.SUBMISSION_FILE_NAME),
])
def test_an_impossible_sending_is_refused_with_its_code(world, june, changes, code):
    kwargs = {"office": world.office, "month": JUNE_2020, "version": 1, "file_name": "J2006V01.CSV",
              "sent_on": SENT, "by": world.manager, **changes}
    assert refused(claim_submission_record, **kwargs) == {code}
    assert not ClaimSubmission.objects.exists()


def test_a_version_is_sent_once_and_a_reopened_one_not_at_all(world, june, sent):
    assert refused(claim_submission_record, office=world.office, month=JUNE_2020, version=1,
                   file_name="J2006V01.CSV", sent_on=SENT, by=world.manager) == {BillingError.SUBMISSION_ONCE}
    billing_month_reopen(office=world.office, month=JUNE_2020, reason="返戻の訂正", by=world.manager)
    assert refused(claim_submission_record, office=world.office, month=JUNE_2020, version=1,
                   file_name="J2006V01.CSV", sent_on=SENT, by=world.manager) == {BillingError.SUBMISSION_NOT_IN_FORCE}


# -- results ---------------------------------------------------------------------------------------------------
def test_each_line_is_accepted_or_returned_with_the_notices_reason(world, june, sent):
    accepted = result(world, sent, line_of(june, "見本"))
    returned = result(world, sent, line_of(june, "試験"), ResultStatus.RETURNED, " PB07 受給者証番号が台帳と不一致 ")
    assert (accepted.status, accepted.return_reason) == (ResultStatus.ACCEPTED, "")
    assert (returned.status, returned.return_reason) == (ResultStatus.RETURNED, "PB07 受給者証番号が台帳と不一致")


def test_a_result_for_a_line_that_was_not_sent_is_refused(world, june):
    # given June is closed but its sending is not recorded, and July's sending is
    attending(world.office, family_name="七月", given_name="一郎", municipality="011002", number="0000000033",
              days=weekdays(date(2020, 7, 1), date(2020, 7, 3)))
    july = billing_month_close(office=world.office, month=JULY_2020, by=world.manager)
    july_sent = claim_submission_record(office=world.office, month=JULY_2020, version=july.version,
                                        file_name="J2007V01.CSV", sent_on=TODAY, by=world.manager)
    # then a June line has no result in July's sending
    assert refused(claim_line_result_record, submission=july_sent, line=line_of(june, "見本"),
                   status=ResultStatus.ACCEPTED, notice_on=TODAY, by=world.manager) == {
        BillingError.RESULT_LINE_NOT_SENT}


@pytest.mark.parametrize(("changes", "code"), [
    ({"notice_on": SENT - timedelta(days=1)}, BillingError.RESULT_BEFORE_SENDING),
    ({"notice_on": TODAY + timedelta(days=1)}, CompostelaError.FUTURE_DATE),
    ({"status": ResultStatus.RETURNED, "return_reason": "  "}, BillingError.RETURN_NEEDS_REASON),
    ({"status": ResultStatus.WITHDRAWN}, BillingError.RESULT_STATUS),
])
def test_an_impossible_result_is_refused_with_its_code(world, june, sent, changes, code):
    kwargs = {"submission": sent, "line": line_of(june, "見本"), "status": ResultStatus.ACCEPTED,
              "notice_on": NOTICE, "by": world.manager, **changes}
    assert refused(claim_line_result_record, **kwargs) == {code}
    assert not ClaimResult.objects.exists()


def test_a_lines_result_in_a_sending_is_recorded_once(world, june, sent):
    result(world, sent, line_of(june, "見本"))
    assert refused(claim_line_result_record, submission=sent, line=line_of(june, "見本"),
                   status=ResultStatus.RETURNED, return_reason="誤り", notice_on=NOTICE, by=world.manager) == {
        BillingError.RESULT_ONCE}


# -- withdrawal (過誤申立) ----------------------------------------------------------------------------------------
def test_an_accepted_line_is_withdrawn_with_its_date_and_reason(world, june, sent):
    accepted = result(world, sent, line_of(june, "見本"))
    withdrawn = claim_line_withdraw(result=accepted, withdrawn_on=date(2020, 10, 1),
                                    withdrawal_reason="算定誤り（送迎加算）", by=world.manager)
    assert (withdrawn.status, withdrawn.notice_on, withdrawn.withdrawn_on) == (
        ResultStatus.WITHDRAWN, NOTICE, date(2020, 10, 1))


def test_withdrawing_a_line_not_accepted_is_refused(world, june, sent):
    returned = result(world, sent, line_of(june, "試験"), ResultStatus.RETURNED, "PB07")
    assert refused(claim_line_withdraw, result=returned, withdrawn_on=date(2020, 10, 1), withdrawal_reason="誤り",
                   by=world.manager) == {BillingError.WITHDRAW_NOT_ACCEPTED}
    accepted = result(world, sent, line_of(june, "見本"))
    claim_line_withdraw(result=accepted, withdrawn_on=date(2020, 10, 1), withdrawal_reason="誤り", by=world.manager)
    assert refused(claim_line_withdraw, result=accepted, withdrawn_on=date(2020, 10, 2), withdrawal_reason="誤り",
                   by=world.manager) == {BillingError.WITHDRAW_NOT_ACCEPTED}


@pytest.mark.parametrize(("changes", "code"), [
    ({"withdrawn_on": NOTICE - timedelta(days=1)}, BillingError.WITHDRAWN_BEFORE_ACCEPTED),
    ({"withdrawn_on": TODAY + timedelta(days=1)}, CompostelaError.FUTURE_DATE),
    ({"withdrawal_reason": " "}, BillingError.WITHDRAWAL_INCOMPLETE),
])
def test_an_impossible_withdrawal_is_refused_with_its_code(world, june, sent, changes, code):
    accepted = result(world, sent, line_of(june, "見本"))
    kwargs = {"result": accepted, "withdrawn_on": date(2020, 10, 1), "withdrawal_reason": "誤り",
              "by": world.manager, **changes}
    assert refused(claim_line_withdraw, **kwargs) == {code}
    accepted.refresh_from_db()
    assert accepted.status == ResultStatus.ACCEPTED


# -- re-claim (月遅れ請求) ---------------------------------------------------------------------------------------
def test_a_returned_line_is_claimed_again_with_a_later_month(world, june, sent):
    returned = result(world, sent, line_of(june, "試験"), ResultStatus.RETURNED, "PB07")
    late = claim_line_reclaim(result=returned, month=date(2020, 8, 15), by=world.manager)
    assert (late.line, late.original_month, late.month, late.submission) == (
        line_of(june, "試験"), JUNE_2020, date(2020, 8, 1), None)


def test_a_withdrawn_line_is_claimed_again(world, june, sent):
    accepted = result(world, sent, line_of(june, "見本"))
    claim_line_withdraw(result=accepted, withdrawn_on=date(2020, 10, 1), withdrawal_reason="誤り", by=world.manager)
    assert claim_line_reclaim(result=accepted, month=date(2020, 10, 1), by=world.manager).month == date(2020, 10, 1)


def test_an_impossible_reclaim_is_refused_with_its_code(world, june, sent):
    accepted = result(world, sent, line_of(june, "見本"))
    assert refused(claim_line_reclaim, result=accepted, month=JULY_2020, by=world.manager) == {
        BillingError.RECLAIM_NOT_UNPAID}
    returned = result(world, sent, line_of(june, "試験"), ResultStatus.RETURNED, "PB07")
    assert refused(claim_line_reclaim, result=returned, month=JUNE_2020, by=world.manager) == {
        BillingError.RECLAIM_NOT_LATER}
    claim_line_reclaim(result=returned, month=JULY_2020, by=world.manager)
    assert refused(claim_line_reclaim, result=returned, month=date(2020, 8, 1), by=world.manager) == {
        BillingError.RECLAIM_ONCE}
    assert LateClaim.objects.count() == 1


def test_a_reclaim_with_a_month_already_sent_or_from_a_reopened_month_is_refused(world, june, sent):
    returned = result(world, sent, line_of(june, "試験"), ResultStatus.RETURNED, "PB07")
    july = billing_month_close(office=world.office, month=JULY_2020, by=world.manager)
    claim_submission_record(office=world.office, month=JULY_2020, version=july.version, file_name="J2007V01.CSV",
                            sent_on=TODAY, by=world.manager)
    assert refused(claim_line_reclaim, result=returned, month=JULY_2020, by=world.manager) == {
        BillingError.RECLAIM_MONTH_SENT}
    billing_month_reopen(office=world.office, month=JUNE_2020, reason="返戻の訂正", by=world.manager)
    assert refused(claim_line_reclaim, result=returned, month=date(2020, 8, 1), by=world.manager) == {
        BillingError.RECLAIM_MONTH_OPEN}


def test_a_reclaim_needs_the_line_in_the_months_latest_version(world, june, sent):
    from attendance.models import Attendance

    returned = result(world, sent, line_of(june, "試験"), ResultStatus.RETURNED, "利用実績なし")
    billing_month_reopen(office=world.office, month=JUNE_2020, reason="誤って記録した通所の削除", by=world.manager)
    Attendance.objects.filter(client=line_of(june, "試験").client).delete()
    billing_month_close(office=world.office, month=JUNE_2020, by=world.manager)
    assert refused(claim_line_reclaim, result=returned, month=JULY_2020, by=world.manager) == {
        BillingError.RECLAIM_NO_LINE}


# -- the later month's claim file --------------------------------------------------------------------------------
def _records(content: bytes) -> list[list[str]]:
    return [ln.split(",")[2:] for ln in content.decode("cp932").split("\r\n") if ln.startswith("2,")]


def test_done_when_a_return_is_recorded_and_claimed_again_the_next_month(world, june, sent, manager_client):
    """The issue's path: a line of June is returned; the month is corrected (reopened with a reason, closed
    again as version 2); the line is claimed again with July; July's file carries it under June, its J111
    totals count it, and the sending of July's file carries the re-claim."""
    office = world.office
    line = line_of(june, "試験")
    # the return is recorded on the sending page
    response = manager_client.post(reverse("billing:line_result", args=[sent.pk, line.pk]), {
        "status": "returned", "notice_on": "2020-08-03", "return_reason": "PB07 受給者証番号の誤り"})
    assert response.status_code == 302
    returned = ClaimResult.objects.get(line=line)
    assert returned.status == ResultStatus.RETURNED
    # the month is corrected: reopened with the reason, closed again (version 2)
    billing_month_reopen(office=office, month=JUNE_2020, reason="返戻（PB07）の訂正", by=world.manager)
    v2 = billing_month_close(office=office, month=JUNE_2020, by=world.manager)
    # the line is claimed again with July, from version 2
    response = manager_client.post(reverse("billing:line_reclaim", args=[returned.pk]), {"month": "2020-07"})
    assert response.status_code == 302
    late = LateClaim.objects.get()
    assert (late.line.closing, late.month) == (v2, JULY_2020)
    # July (one client of its own) is closed; its file carries the June line under June
    july_client(office)
    july = billing_month_close(office=office, month=JULY_2020, by=world.manager)
    claim = claim_file_build(office=office, month=JULY_2020)
    records = _records(claim.content)
    late_line = line_of(v2, "試験")
    june_j121 = [r for r in records if r[0] == "J121" and r[2] == "202006"]
    assert june_j121 and {r[5] for r in june_j121} == {"0000000022"}
    assert sum(int(r[9]) for r in june_j121 if r[1] == "03") == late_line.total_units
    assert any(r[0] == "J611" and r[2] == "202006" for r in records)
    j111 = [r for r in records if r[:2] == ["J111", "01"]]
    assert {(r[2], r[3]) for r in j111} == {("202007", "011002"), ("202006", "012025")}
    assert sum(int(r[17]) for r in j111) == july.total_units + late_line.total_units
    assert sum(int(r[19]) for r in j111) == july.claimed_yen + late_line.claimed
    assert [r[0] for r in records] == sorted((r[0] for r in records), key=["J111", "J121", "J611"].index)
    control = claim.content.decode("cp932").split("\r\n")[0].split(",")
    assert control[3] == str(len(records))
    # the sending of July's file carries the re-claim, whose result is recorded in July's sending
    july_sent = claim_submission_record(office=office, month=JULY_2020, version=july.version,
                                        file_name=claim.name, sent_on=TODAY, by=world.manager)
    late.refresh_from_db()
    assert late.submission == july_sent
    paid = result(world, july_sent, late_line, notice_on=TODAY)
    assert billing_outstanding(office=office, today=TODAY) == []
    assert billing_month_received(office=office, month=JUNE_2020)[
        (late_line.client_id, "transition", JUNE_2020)].line_id == paid.line_id


def test_the_late_line_is_the_version_in_force_when_the_later_file_is_made(world, june, sent):
    """A re-claim recorded before the correction sends the corrected line: the file reads the version in
    force; while the month is reopened, the later month gives no file and its sending is refused."""
    office = world.office
    returned = result(world, sent, line_of(june, "試験"), ResultStatus.RETURNED, "PB07")
    claim_line_reclaim(result=returned, month=JULY_2020, by=world.manager)
    july_client(office)
    july = billing_month_close(office=office, month=JULY_2020, by=world.manager)
    billing_month_reopen(office=office, month=JUNE_2020, reason="返戻の訂正", by=world.manager)
    with pytest.raises(ClaimFileRefused) as no_file:
        claim_file_build(office=office, month=JULY_2020)
    assert {p.code for p in no_file.value.problems} == {BillingError.RECLAIM_MONTH_OPEN}
    assert refused(claim_submission_record, office=office, month=JULY_2020, version=july.version,
                   file_name="J2007V01.CSV", sent_on=TODAY, by=world.manager) == {BillingError.RECLAIM_MONTH_OPEN}
    v2 = billing_month_close(office=office, month=JUNE_2020, by=world.manager)
    records = _records(claim_file_build(office=office, month=JULY_2020).content)
    assert any(r[:3] == ["J121", "01", "202006"] for r in records)
    claim_submission_record(office=office, month=JULY_2020, version=july.version, file_name="J2007V01.CSV",
                            sent_on=TODAY, by=world.manager)
    assert LateClaim.objects.get().line == line_of(v2, "試験")


# -- the rules (pure) ------------------------------------------------------------------------------------------
def outcome(result_id, *, status, sent_on, notice_on, client=1, month=date(2025, 4, 1), claimed=9000, **extra):
    return LineOutcome(result_id=result_id, line_id=result_id, client_id=client, client_name=f"c{client}",
                       service="transition", month=month, claimed=claimed, status=status, notice_on=notice_on,
                       sent_on=sent_on, **extra)


def test_received_lines_are_the_claims_whose_latest_result_is_an_acceptance():
    returned_then_paid = [
        outcome(1, status="returned", sent_on=date(2025, 5, 8), notice_on=date(2025, 6, 5)),
        outcome(2, status="accepted", sent_on=date(2025, 7, 8), notice_on=date(2025, 8, 5), claimed=9100),
    ]
    paid_then_withdrawn = [outcome(3, client=2, status="withdrawn", sent_on=date(2025, 5, 8),
                                   notice_on=date(2025, 6, 5), withdrawn_on=date(2025, 9, 1))]
    just_returned = [outcome(4, client=3, status="returned", sent_on=date(2025, 5, 8), notice_on=date(2025, 6, 5))]
    paid = [outcome(5, client=4, status="accepted", sent_on=date(2025, 5, 8), notice_on=date(2025, 6, 5))]
    received = claim_lines_received(returned_then_paid + paid_then_withdrawn + just_returned + paid)
    assert {key: o.claimed for key, o in received.items()} == {
        (1, "transition", date(2025, 4, 1)): 9100, (4, "transition", date(2025, 4, 1)): 9000}


def test_outstanding_claims_say_since_when_and_how_many_months():
    history = [
        outcome(1, status="returned", sent_on=date(2025, 5, 8), notice_on=date(2025, 6, 5),
                reclaim_month=date(2025, 6, 1)),
        outcome(2, status="returned", sent_on=date(2025, 7, 8), notice_on=date(2025, 8, 5)),  # returned again
        outcome(3, client=2, status="withdrawn", sent_on=date(2025, 5, 8), notice_on=date(2025, 6, 5),
                withdrawn_on=date(2025, 9, 1)),
        outcome(4, client=3, status="accepted", sent_on=date(2025, 5, 8), notice_on=date(2025, 6, 5)),
    ]
    found = claims_outstanding(history, today=date(2025, 10, 20))
    assert [(o.latest.result_id, o.since, o.months, o.claimed) for o in found] == [
        (2, date(2025, 6, 5), 4, 9000), (3, date(2025, 9, 1), 1, 9000)]
    assert months_between(date(2025, 6, 30), date(2025, 6, 1)) == 0


# -- the screens -----------------------------------------------------------------------------------------------
def test_the_sending_form_shows_a_refusal_on_its_field(world, june, manager_client):
    url = reverse("billing:submission", args=[2020, 6])
    response = manager_client.get(url)
    assert response.status_code == 200 and 'value="J2006V01.CSV"' in response.content.decode()
    response = manager_client.post(url, {"version": "1", "file_name": "J2006V01.CSV", "sent_on": "2020-06-30"})
    assert response.status_code == 422
    assert response.context["form"].errors["sent_on"][0]
    assert not ClaimSubmission.objects.exists()


def test_a_result_form_with_errors_is_shown_again_on_its_line(world, june, sent, manager_client):
    line = line_of(june, "見本")
    response = manager_client.post(reverse("billing:line_result", args=[sent.pk, line.pk]),
                                   {"status": "returned", "notice_on": "2020-08-03", "return_reason": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert f'id="line-{sent.pk}-{line.pk}"' in body and 'name="return_reason"' in body
    row = next(each for s in response.context["sendings"] for each in s.lines if each.line == line)
    assert "return_reason" in row.result_form.errors
    assert not ClaimResult.objects.exists()


def test_the_outstanding_page_lists_returned_and_withdrawn_lines_with_the_total(world, june, sent, manager_client,
                                                                                django_assert_max_num_queries):
    returned = result(world, sent, line_of(june, "試験"), ResultStatus.RETURNED, "PB07", notice_on=date(2025, 3, 3))
    accepted = result(world, sent, line_of(june, "見本"), notice_on=date(2025, 3, 3))
    claim_line_withdraw(result=accepted, withdrawn_on=date(2025, 5, 1), withdrawal_reason="算定誤り",
                        by=world.manager)
    claim_line_reclaim(result=returned, month=JULY_2020, by=world.manager)
    with django_assert_max_num_queries(12):
        response = manager_client.get(reverse("billing:outstanding"))
    assert response.status_code == 200
    items = response.context["items"]
    assert [(i.latest.client_name, i.latest.status, i.since, i.months, i.claimed) for i in items] == [
        ("試験 太郎", "returned", date(2025, 3, 3), 3, returned.line.claimed),
        ("見本 花子", "withdrawn", date(2025, 5, 1), 1, accepted.line.claimed)]
    assert response.context["total"] == returned.line.claimed + accepted.line.claimed
    body = response.content.decode()
    assert reverse("billing:submission", args=[2020, 6]) + f"#line-{sent.pk}-{returned.line_id}" in body
    assert "2020-07" in body  # claimed again with July


def test_the_outstanding_page_is_the_offices_own(world, june, sent):
    result(world, sent, line_of(june, "試験"), ResultStatus.RETURNED, "PB07")
    response = logged_in(world.outsider).get(reverse("billing:outstanding"))
    assert response.status_code == 200 and response.context["items"] == []
