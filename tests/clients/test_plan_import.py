"""Rules of import_plans (support-plan history): two years of plans and monitoring import; re-importing changes
nothing; every bad row is reported by line, column and code and nothing is written; a row that would change a
month billing has closed is refused; a past month covered by an imported agreed plan bills with no
missing-plan reduction; the sample file in fixtures/ imports into the demo office."""

import csv
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from attendance.models import ClosedMonth
from billing.services.claims import billing_month_compute
from billing.services.tier import retention_tier_override
from clients.errors import ClientError
from clients.models import (
    CertificateService,
    Client,
    GoalProgress,
    GoalProgressStatus,
    PlanGoal,
    SupportPlan,
    SupportPlanReview,
)
from clients.plan_importing import MSG_SUMMARY, import_plans
from compostela.errors import CompostelaError
from compostela.models import Role
from compostela.tabular import FileRefused
from tests.billing.helpers import weekdays
from tests.factories import CertificateFactory, ClientFactory, MembershipFactory, UserFactory, attend
from tests.trust.helpers import events_of

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "import" / "plans_sample.csv"
FIRST = date(2023, 4, 1)  # the history starts: a plan every six months, monitoring every three
HEADER = [
    "kind",
    "certificate_number",
    "service",
    "version",
    "supervisor",
    "period_start",
    "period_end",
    "assessed_on",
    "draft_on",
    "meeting_on",
    "meeting_attendees",
    "agreed_on",
    "delivered_on",
    "consultation_office",
    "consultation_sent_on",
    "person_wishes",
    "overall_policy",
    "issues",
    "long_term_goal",
    "short_term_goal",
    "care_points",
    "goal1_goal",
    "goal1_target_on",
    "goal1_support",
    "goal1_provider",
    "goal1_frequency",
    "goal1_employment",
    "goal2_goal",
    "goal2_support",
    "monitored_on",
    "summary",
    "person_view",
    "changes_plan",
    "goal1_progress",
    "goal2_progress",
]


def history(number: str, *, plans: int = 4, first: date = FIRST, **changes) -> list[dict]:
    """Two years of one client's plans (every six months, agreed a few days before the period) and their
    monitoring (three months in, and before the revision).  ``changes``: {"v2_agreed_on": "…"} alters a cell."""
    rows = []
    for k in range(plans):
        start = first + relativedelta(months=6 * k)
        end = start + relativedelta(months=6) - timedelta(days=1)
        v = k + 1
        rows.append(
            {
                "kind": "計画",
                "certificate_number": number,
                "service": "就労移行支援",
                "version": v,
                "supervisor": "a-supervisor",
                "period_start": start,
                "period_end": end,
                "assessed_on": start - timedelta(days=10),
                "draft_on": start - timedelta(days=7),
                "meeting_on": start - timedelta(days=5),
                "meeting_attendees": "本人、サビ管、支援員",
                "agreed_on": start - timedelta(days=3),
                "delivered_on": start - timedelta(days=3),
                "consultation_office": "相談室みらい",
                "consultation_sent_on": start - timedelta(days=1),
                "person_wishes": "事務の仕事に就きたい",
                "overall_policy": "週1回の面談と求人開拓",
                "issues": "生活リズム",
                "long_term_goal": "一般企業で事務職として働く",
                "short_term_goal": "週4日通所",
                "care_points": "通院日に配慮",
                "goal1_goal": "週4日通所する",
                "goal1_target_on": end,
                "goal1_support": "朝の連絡と面談",
                "goal1_provider": "就労支援員",
                "goal1_frequency": "週1回",
                "goal1_employment": "",
                "goal2_goal": "事務職の求人に応募する",
                "goal2_support": "求人の紹介と同行",
            }
        )
        for months, days, changes_plan in ((3, 5, "なし"), (6, 10, "あり")):
            rows.append(
                {
                    "kind": "モニタリング",
                    "certificate_number": number,
                    "service": "就労移行支援",
                    "version": v,
                    "monitored_on": start + relativedelta(months=months) - timedelta(days=days),
                    "summary": "通所は安定",
                    "person_view": "続けたい",
                    "changes_plan": changes_plan,
                    "goal1_progress": "継続",
                    "goal2_progress": "未達成",
                }
            )
    for key, value in changes.items():
        version, column = key.split("_", 1)
        kind = "モニタリング" if column.startswith("m") and column[1:].isdigit() else "計画"
        matching = [r for r in rows if r["version"] == int(version[1:]) and r["kind"] == kind]
        if kind == "モニタリング":
            matching[int(column[1:]) - 1]["monitored_on"] = value
        else:
            matching[0][column] = value
    return rows


def write(tmp_path, rows, header=HEADER, name="plans.csv") -> str:
    buffer = StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return str(path)


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_plans", *args, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def client_in_service(office, number="0123456789", start=FIRST, end=date(2025, 3, 31)) -> Client:
    client = ClientFactory(office=office, enrolled_on=start)
    CertificateFactory(client=client, number=number, period_start=start, period_end=end)
    return client


def summary(created=0, updated=0, unchanged=0) -> str:
    return gettext(MSG_SUMMARY) % {"created": created, "updated": updated, "unchanged": unchanged}


def problems(report) -> set[tuple[int, str, str]]:
    return {(p.line, p.column, p.code) for p in report.errors}


def snapshot():
    return (
        list(SupportPlan.objects.order_by("pk").values()),
        list(PlanGoal.objects.order_by("pk").values()),
        list(SupportPlanReview.objects.order_by("pk").values()),
        list(GoalProgress.objects.order_by("pk").values()),
    )


# -- a good file ------------------------------------------------------------------------------------------
def test_two_years_of_plans_and_monitoring_import_with_their_steps_goals_and_progress(world, tmp_path):
    client = client_in_service(world.office)
    ok, out, err = run("--office", world.office.number, write(tmp_path, history("0123456789")))
    assert ok, err
    plans = list(client.support_plans.order_by("version"))
    assert [p.version for p in plans] == [1, 2, 3, 4]
    assert [p.revises_id for p in plans] == [None, plans[0].pk, plans[1].pk, plans[2].pk]
    first = plans[0]
    assert (first.service, first.period_start, first.created_on, first.agreed_on, first.delivered_on) == (
        CertificateService.TRANSITION,
        FIRST,
        date(2023, 3, 25),
        date(2023, 3, 29),
        date(2023, 3, 29),
    )
    assert (first.created_by, first.consultation_office, first.step) == (world.supervisor, "相談室みらい", "delivered")
    assert [(g.order, g.goal, g.frequency) for g in first.goals.all()] == [
        (1, "週4日通所する", "週1回"),
        (2, "事務職の求人に応募する", ""),
    ]
    reviews = list(first.reviews.order_by("reviewed_on"))
    assert [(r.reviewed_on, r.changes_plan) for r in reviews] == [(date(2023, 6, 26), False), (date(2023, 9, 21), True)]
    assert {(p.goal.order, p.status) for p in reviews[0].progress.all()} == {
        (1, GoalProgressStatus.PROGRESSING),
        (2, GoalProgressStatus.NOT_YET),
    }
    assert SupportPlanReview.objects.count() == 8
    assert summary(created=12) in out


def test_the_audit_trail_names_who_imported(world, tmp_path):
    client_in_service(world.office)
    run("--office", world.office.number, "--user", "a-manager", write(tmp_path, history("0123456789", plans=1)))
    plan = SupportPlan.objects.get()
    (event,) = events_of(SupportPlan, plan.pk)
    assert (event.user_id, event.reason) == (world.manager.pk, "command: import_plans plans.csv")


def test_re_importing_the_same_file_changes_nothing(world, tmp_path):
    client_in_service(world.office)
    path = write(tmp_path, history("0123456789"))
    run("--office", world.office.number, path)
    before = snapshot()
    ok, out, _err = run("--office", world.office.number, path)
    assert ok and summary(unchanged=12) in out
    assert snapshot() == before


def test_japanese_headers_and_name_and_birth_date_find_the_client(world, tmp_path):
    client = client_in_service(world.office)
    japanese = {
        "種別": "計画",
        "姓": client.family_name,
        "名": client.given_name,
        "生年月日": "1990/5/20",
        "版": "1",
        "計画期間開始": "2024/4/1",
        "計画期間終了": "2024/9/30",
        "原案作成日": "2024/3/25",
        "同意日": "2024/3/29",
        "総合的な支援の方針": "面談を週1回",
        "長期目標": "事務職で働く",
        "目標１": "週4日通所",
        "目標１支援内容": "面談",
    }
    path = write(tmp_path, [japanese], header=list(japanese))
    ok, _out, err = run("--office", world.office.number, path)
    assert ok, err
    plan = client.support_plans.get()
    assert (plan.agreed_on, plan.goals.get().goal) == (date(2024, 3, 29), "週4日通所")


def test_a_retention_support_plan_is_its_own_history(world, tmp_path):
    client = client_in_service(world.office)
    rows = history("0123456789", plans=1)
    for row in rows:
        row["service"] = "就労定着支援"
    ok, _out, err = run("--office", world.office.number, write(tmp_path, rows))
    assert ok, err
    assert client.support_plans.get().service == CertificateService.RETENTION_SUPPORT


# -- bad rows -------------------------------------------------------------------------------------------
def test_bad_rows_are_reported_by_line_column_and_code_and_nothing_is_written(world, tmp_path):
    client_in_service(world.office)
    client_in_service(world.office, number="0222222222")
    rows = history("0123456789", plans=2, v1_agreed_on="2023-03-20")  # line 2: agreed before the draft (03-25)
    rows[3]["draft_on"] = "2023-09-31"  # line 5 (plan v2): no such day
    rows[1]["monitored_on"] = "2023-03-01"  # line 3: monitoring before the plan's draft
    rows += history("0999999999", plans=1)  # lines 8–10: no such client
    rows += history("0222222222", plans=1, v1_meeting_on="2023-03-20")  # line 11: meeting before the draft
    report = import_plans(office=world.office, path=write(tmp_path, rows), by=world.supervisor)
    found = problems(report)
    assert (2, "agreed_on", ClientError.PLAN_AGREED_BEFORE_CREATED) in found
    assert (3, "monitored_on", ClientError.REVIEW_BEFORE_PLAN) in found
    assert (5, "draft_on", ClientError.IMPORT_BAD_DATE) in found
    assert {
        (8, "certificate_number", ClientError.IMPORT_UNKNOWN_CLIENT),
        (9, "certificate_number", ClientError.IMPORT_UNKNOWN_CLIENT),
    } <= found
    assert (11, "meeting_on", ClientError.PLAN_MEETING_BEFORE_DRAFT) in found
    assert not report.written
    assert not SupportPlan.objects.exists() and not SupportPlanReview.objects.exists()


def test_an_agreement_or_a_monitoring_dated_after_today_is_refused_as_on_the_screens(world, tmp_path, today):
    """Rule: what happened is never dated after today (clients.plans.refuse_future_steps, the screens' check
    of each step) — a plan agreed or monitored tomorrow would count as covered before it happened."""
    client_in_service(world.office)
    tomorrow = (today + timedelta(days=1)).isoformat()
    rows = history("0123456789", plans=1, v1_agreed_on=tomorrow, v1_delivered_on=tomorrow,
                   v1_consultation_sent_on=tomorrow, v1_m2=tomorrow)
    report = import_plans(office=world.office, path=write(tmp_path, rows), by=world.supervisor)
    found = problems(report)
    assert (2, "agreed_on", CompostelaError.FUTURE_DATE) in found  # the first step dated after today
    assert not SupportPlan.objects.exists()


def test_the_command_prints_each_bad_row_as_file_line_column(world, tmp_path):
    client_in_service(world.office)
    rows = history("0123456789", plans=1, v1_agreed_on="2023-03-20")
    ok, _out, err = run("--office", world.office.number, write(tmp_path, rows))
    assert not ok
    assert "plans.csv:2: agreed_on: " in err
    assert "plans.csv:3: : " not in err and "plans.csv:3: Left out" not in err  # all or nothing: no noise


def test_a_monitoring_before_the_agreement_or_of_a_missing_version_is_refused(world, tmp_path):
    """Rule: a monitoring is dated on or after the agreement (clients.plans.refuse_monitoring_day, as the
    screens), and names a version and goals the file or the office has."""
    client_in_service(world.office)
    rows = history("0123456789", plans=1, v1_m1="2023-03-27")  # after the draft (03-25), before agreement (03-29)
    rows.append({**rows[1], "version": 7, "monitored_on": "2023-07-01"})
    rows.append(
        {**rows[1], "goal1_progress": "", "goal2_progress": "", "monitored_on": "2023-08-01", "goal3_progress": "達成"}
    )
    header = [*HEADER, "goal3_progress"]
    report = import_plans(office=world.office, path=write(tmp_path, rows, header=header), by=world.supervisor)
    found = problems(report)
    assert (3, "monitored_on", ClientError.REVIEW_BEFORE_PLAN) in found
    assert (5, "version", ClientError.IMPORT_PLAN_NOT_FOUND) in found
    assert (6, "goal3_progress", ClientError.IMPORT_NO_SUCH_GOAL) in found


def test_a_file_without_a_required_column_is_refused_whole(world, tmp_path):
    client_in_service(world.office)
    header = [c for c in HEADER if c not in ("kind", "long_term_goal")]
    rows = [r for r in history("0123456789", plans=1) if r["kind"] == "計画"]
    with pytest.raises(FileRefused) as caught:
        import_plans(office=world.office, path=write(tmp_path, rows, header=header), by=world.supervisor)
    assert caught.value.code == CompostelaError.IMPORT_MISSING_COLUMNS and "long_term_goal" in str(caught.value)
    ok, _out, err = run("--office", world.office.number, write(tmp_path, rows, header=header))
    assert not ok and "long_term_goal" in err


def test_a_required_cell_left_empty_and_an_unknown_column_are_named(world, tmp_path):
    client_in_service(world.office)
    rows = history("0123456789", plans=1)
    rows[0]["overall_policy"] = ""
    report = import_plans(office=world.office, path=write(tmp_path, rows), by=world.supervisor)
    assert (2, "overall_policy", ClientError.IMPORT_REQUIRED) in problems(report)
    with pytest.raises(FileRefused) as caught:
        import_plans(office=world.office, path=write(tmp_path, rows, header=[*HEADER, "備考"]), by=world.supervisor)
    assert caught.value.code == CompostelaError.IMPORT_UNKNOWN_COLUMNS


def test_an_agreed_plan_is_not_rewritten_by_a_changed_row(world, tmp_path):
    client_in_service(world.office)
    run("--office", world.office.number, write(tmp_path, history("0123456789", plans=1)))
    rows = history("0123456789", plans=1, v1_long_term_goal="別の目標")
    report = import_plans(office=world.office, path=write(tmp_path, rows), by=world.supervisor)
    assert (2, "long_term_goal", ClientError.PLAN_AGREED) in problems(report)
    assert SupportPlan.objects.get().long_term_goal == "一般企業で事務職として働く"


def test_a_supervisor_not_of_the_office_is_refused(world, tmp_path):
    client_in_service(world.office)
    rows = history("0123456789", plans=1)
    rows[0]["supervisor"] = "a-staff"  # staff, not a supervisor
    report = import_plans(office=world.office, path=write(tmp_path, rows), by=world.supervisor)
    assert (2, "supervisor", ClientError.IMPORT_UNKNOWN_STAFF) in problems(report)


def test_partial_leaves_out_the_bad_clients_plans_and_writes_the_others(world, tmp_path):
    good = client_in_service(world.office)
    client_in_service(world.office, number="0222222222")
    rows = history("0123456789", plans=1) + history("0222222222", plans=1, v1_agreed_on="2023-03-20")
    report = import_plans(office=world.office, path=write(tmp_path, rows), by=world.supervisor, partial=True)
    assert report.written and report.created == 3
    assert list(SupportPlan.objects.values_list("client", flat=True)) == [good.pk]
    assert {
        (5, "agreed_on", ClientError.PLAN_AGREED_BEFORE_CREATED),
        (6, "", ClientError.IMPORT_LEFT_OUT),
        (7, "", ClientError.IMPORT_LEFT_OUT),
    } <= problems(report)


# -- closed months --------------------------------------------------------------------------------------------
def test_a_row_that_would_change_a_month_billing_has_closed_is_refused(world, tmp_path):
    client_in_service(world.office)
    ClosedMonth.objects.create(office=world.office, month=date(2024, 5, 1))
    report = import_plans(office=world.office, path=write(tmp_path, history("0123456789")), by=world.supervisor)
    # plan 3 (agreed 2024-03-29) would cover May 2024, which billing closed without a plan
    assert (8, "agreed_on", ClientError.PLAN_CHANGES_CLOSED_MONTH) in problems(report)
    assert not report.written and not SupportPlan.objects.exists()


def test_history_after_the_closed_month_is_accepted(world, tmp_path):
    client = client_in_service(world.office)
    ClosedMonth.objects.create(office=world.office, month=date(2023, 2, 1))  # before the client's certificate
    report = import_plans(office=world.office, path=write(tmp_path, history("0123456789")), by=world.supervisor)
    assert report.written, report.lines()
    assert client.support_plans.count() == 4


# -- billing reads the imported plans ---------------------------------------------------------------------------
def test_a_past_month_covered_by_an_imported_agreed_plan_bills_without_the_plan_reduction(world, tmp_path):
    retention_tier_override(office=world.office, fiscal_year=2024, rate=Decimal("0.3"), reason="通知", by=world.manager)
    client = client_in_service(world.office)
    without = client_in_service(world.office, number="0222222222")  # the same month, no plan: reduced
    may = weekdays(date(2024, 5, 1), date(2024, 5, 14))
    attend(client, may)
    attend(without, may)
    import_plans(office=world.office, path=write(tmp_path, history("0123456789")), by=world.supervisor)
    lines = {line.client: line for line in billing_month_compute(office=world.office, month=date(2024, 5, 1)).lines}
    assert lines[client].reductions.get("plan_missing_percent") is None
    assert lines[without].reductions["plan_missing_percent"] == 50


# -- speed ----------------------------------------------------------------------------------------------------
def test_the_queries_do_not_grow_with_the_rows(world, tmp_path):
    def import_for(count: int, prefix: str) -> int:
        rows = []
        for n in range(count):
            number = f"{prefix}{n:05d}"
            client_in_service(world.office, number=number)
            rows += history(number)
        with CaptureQueriesContext(connection) as queries:
            report = import_plans(
                office=world.office, path=write(tmp_path, rows, name=f"{prefix}.csv"), by=world.supervisor
            )
        assert report.written and report.created == 12 * count
        return len(queries)

    small, large = import_for(2, "01234"), import_for(20, "05678")
    print(f"import_plans queries: 2 clients (24 rows) {small}, 20 clients (240 rows) {large}")  # noqa: T201
    assert large == small
    # with a closed month the changes could touch, each client's changes take the guard (3 queries a client)
    ClosedMonth.objects.create(office=world.office, month=date(2025, 6, 1))  # after the certificates: no change
    guarded_small, guarded_large = import_for(2, "03456"), import_for(20, "07890")
    print(f"with a closed month: 2 clients {guarded_small}, 20 clients {guarded_large}")  # noqa: T201
    assert guarded_large - guarded_small == 3 * 18


# -- the sample file --------------------------------------------------------------------------------------------
def test_the_sample_file_imports_into_the_demo_office(db, clock):
    call_command("seed_demo", "--offices", "1", "--quiet-logins")
    ok, out, err = run("--office", "0110000001", str(SAMPLE))
    assert ok, err
    plans = SupportPlan.objects.filter(client__certificates__number="0001000004")
    assert (plans.count(), SupportPlanReview.objects.filter(plan__in=plans).count()) == (4, 8)
    ok, out, _err = run("--office", "0110000001", str(SAMPLE))
    assert ok and summary(unchanged=12) in out


def test_the_sample_file_names_only_known_columns():
    header = SAMPLE.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    from clients.plan_importing import ALIASES

    assert [h for h in header if h not in ALIASES] == []


def test_plans_written_with_a_supervisor_role_only(world, tmp_path):
    """--user must be a supervisor or manager when the rows name none."""
    client_in_service(world.office)
    staff = UserFactory(username="clerk")
    MembershipFactory(user=staff, office=world.office, role=Role.STAFF)
    rows = history("0123456789", plans=1)
    for row in rows:
        row["supervisor"] = ""
    ok, _out, err = run("--office", world.office.number, "--user", "clerk", write(tmp_path, rows))
    assert not ok and "plans.csv:2: supervisor: " in err


# -- later steps, drafts, XLSX, the dry run and the upload screen ---------------------------------------------
def test_a_re_import_fills_the_steps_after_the_agreement_and_rewrites_a_draft(world, tmp_path):
    client_in_service(world.office)
    rows = [r for r in history("0123456789", plans=2) if r["kind"] == "計画"]
    rows[0].update(delivered_on="", consultation_sent_on="")  # v1 agreed, not yet handed over
    rows[1].update(agreed_on="", delivered_on="", consultation_sent_on="")  # v2 a draft
    run("--office", world.office.number, write(tmp_path, rows))
    rows = [r for r in history("0123456789", plans=2) if r["kind"] == "計画"]
    rows[1]["long_term_goal"] = "事務職で週30時間働く"  # the draft's contents change before it is agreed
    report = import_plans(office=world.office, path=write(tmp_path, rows), by=world.supervisor)
    assert report.written and (report.created, report.updated) == (0, 2), report.lines()
    first, second = SupportPlan.objects.order_by("version")
    assert (first.delivered_on, first.consultation_sent_on) == (date(2023, 3, 29), date(2023, 3, 31))
    assert (second.agreed_on, second.long_term_goal) == (date(2023, 9, 28), "事務職で週30時間働く")


def test_an_xlsx_file_with_excel_dates_imports(world, tmp_path):
    from openpyxl import Workbook

    client_in_service(world.office)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["受給者証番号", "版", "計画期間開始", "計画期間終了", "原案作成日", "同意日", "総合的な支援の方針", "長期目標"]
    )
    sheet.append(
        [123456789, 1, date(2024, 4, 1), date(2024, 9, 30), date(2024, 3, 25), date(2024, 3, 29), "面談", "就職"]
    )
    path = tmp_path / "plans.xlsx"
    workbook.save(path)
    report = import_plans(office=world.office, path=path, by=world.supervisor)  # Excel dropped the leading 0
    assert report.written, report.lines()
    assert SupportPlan.objects.get().agreed_on == date(2024, 3, 29)


def test_the_dry_run_counts_and_writes_nothing(world, tmp_path):
    client_in_service(world.office)
    ok, out, _err = run("--office", world.office.number, "--dry-run", write(tmp_path, history("0123456789")))
    assert ok and summary(created=12) in out
    assert not SupportPlan.objects.exists()


def test_the_upload_screen_offers_the_plans_import(world, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.compostela.test_import_screen import token_of
    from tests.conftest import logged_in

    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
    client_in_service(world.office)
    http = logged_in(world.manager)
    text = Path(write(tmp_path, history("0123456789", plans=1))).read_bytes()
    response = http.post(reverse("import_upload"), {"kind": "plans", "file": SimpleUploadedFile("plans.csv", text)})
    assert response.status_code == 200 and not SupportPlan.objects.exists()
    assert http.post(reverse("import_confirm", args=[token_of(response)])).status_code == 200
    assert SupportPlan.objects.get().created_by == world.supervisor  # the row names the supervisor
