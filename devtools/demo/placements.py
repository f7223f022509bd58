"""Demo placement history shaped like the seed office's figures.

Per office and year: about 30 hires across the three recruitment types and the job fields, ~60 %
retained at six months, a few short fixed-term jobs, ~35 follow-up contacts in each hire's first six
months (then a monthly face-to-face contact and support report while retained), the job search before
each hire (employer contacts → applications → interviews → offer), one hard search of ~40 employer
contacts, employers reused across hires, outreach, and re-use (再利用) for about half of those who left.

Hires need people: each gets a historical client (employed / ended / back in service) with the period
of use and 就労移行支援 certificates that cover the time before the hire, so the attendance seeder that
runs next can fill their days.  Everything is built in memory and written with ``bulk_create`` — no
per-row queries — so 50 offices × 3 years take well under a minute.  Idempotent: an office that already
has hires is left as it is.  Deterministic for the ``rng`` given by ``seed_demo``.

Every employed person has a hire, as in the app (where "employed" comes only from recording one): at every
run, the offices' employed people who have none — the clients seeder's, whose last period of use ends the
day before their job starts — get one (``employed_without_hire_rows``), with its follow-up contacts up to
today.  Each is drawn from a generator of its own (a fixed seed and the client id), so the rest of the demo
does not shift, and only people without a hire are picked, so a second run adds none.

Employed people also get their 就労定着支援 certificates (``retention_support_certificates``): from the
six-month day of a job that lasted that long, one a year (renewed) until the job ended or today, within
months 7–42, with the number, municipality and income category of their transition certificate — for at
most 20 people of an office in any month, the band the shipped fee table covers.  They are worked out from
the hires on file at every run, so running the seeder over an existing database adds the ones missing
(never a second copy).
"""

from __future__ import annotations

import math
import random
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from clients.models import (
    Certificate,
    CertificateService,
    Client,
    ClientStatus,
    IncomeCategory,
    ServicePeriod,
    SupportPlan,
    SupportPlanReview,
)
from compostela.models import Office, User
from devtools.demo.caps import demo_copay_cap
from devtools.demo.clients import plan_monitoring_days
from devtools.demo.offices import DEMO_STAFF, demo_username
from placements.models import (
    ApplicationResult,
    Employer,
    EmployerContact,
    EmployerContactKind,
    EmploymentForm,
    FollowUpContact,
    FollowUpKind,
    Hire,
    Interview,
    JobApplication,
    JobEndReason,
    JobField,
    Outreach,
    OutreachKind,
    RecruitmentType,
)
from regulations.rules import RETENTION_SUPPORT_LAST_MONTH, retention_support_span, six_month_date
from regulations.selectors import figures_on

HIRES_PER_YEAR = 30
EMPLOYED_HIRE_SEED = "devtools.demo.placements:employed-hire"  # with the client id: the draws of one such hire
RETENTION_SUPPORT_DEMO_USERS = 20  # the shipped 就労定着支援 fee table's band: up to 20 users a month
FOLLOWUPS_FIRST_SIX_MONTHS = 35
BATCH = 5000

FAMILY = [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"), ("渡辺", "ワタナベ"),
          ("伊藤", "イトウ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
          ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("松本", "マツモト"), ("井上", "イノウエ"),
          ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"), ("山口", "ヤマグチ")]
GIVEN = [("大輔", "ダイスケ"), ("美咲", "ミサキ"), ("翔太", "ショウタ"), ("愛", "アイ"), ("健太", "ケンタ"),
         ("陽子", "ヨウコ"), ("拓也", "タクヤ"), ("由美", "ユミ"), ("誠", "マコト"), ("恵", "メグミ"),
         ("直樹", "ナオキ"), ("さくら", "サクラ"), ("亮", "リョウ"), ("真由美", "マユミ"), ("和也", "カズヤ"),
         ("千尋", "チヒロ"), ("悠", "ユウ"), ("香織", "カオリ"), ("剛", "ツヨシ"), ("明美", "アケミ")]
PLACES = ["中央区", "北区", "東区", "白石区", "豊平区", "南区", "西区", "厚別区", "手稲区", "清田区"]
# (name core, industry, the fields it hires for)
EMPLOYER_KINDS = [
    ("物流センター", "物流", [JobField.WAREHOUSE, JobField.DATA_ENTRY]),
    ("食品", "食品製造", [JobField.MANUFACTURING, JobField.KITCHEN]),
    ("ケアセンター", "介護", [JobField.CARE, JobField.SUPPORT]),
    ("システムズ", "IT", [JobField.PROGRAMMER, JobField.SYSTEMS, JobField.DATA_ENTRY]),
    ("ストア", "小売", [JobField.STORE, JobField.CUSTOMER]),
    ("ホテル", "宿泊", [JobField.CUSTOMER, JobField.CLEANING, JobField.KITCHEN]),
    ("警備保障", "警備", [JobField.SECURITY]),
    ("ビルサービス", "ビルメンテナンス", [JobField.CLEANING]),
    ("商事", "卸売", [JobField.OFFICE, JobField.WAREHOUSE]),
    ("会計事務所", "専門サービス", [JobField.OFFICE, JobField.DATA_ENTRY]),
    ("福祉会", "福祉", [JobField.SUPPORT, JobField.CARE]),
    ("キッチン", "飲食", [JobField.KITCHEN, JobField.CUSTOMER]),
]
EMPLOYER_PREFIX = ["北斗", "さっぽろ", "大通", "すすきの", "円山", "豊平", "白石", "手稲", "琴似", "麻生",
                   "新札幌", "北海"]
JOB_TITLES = {
    JobField.OFFICE: "事務補助", JobField.WAREHOUSE: "ピッキング・検品", JobField.KITCHEN: "調理補助",
    JobField.STORE: "品出し", JobField.CUSTOMER: "接客スタッフ", JobField.MANUFACTURING: "製造ライン",
    JobField.CARE: "介護補助", JobField.SUPPORT: "生活支援員", JobField.PROGRAMMER: "プログラマー",
    JobField.SYSTEMS: "システム保守", JobField.DATA_ENTRY: "データ入力", JobField.SECURITY: "施設警備",
    JobField.CLEANING: "清掃スタッフ", JobField.OTHER: "軽作業",
}
RECRUITMENT_WEIGHTS = [(RecruitmentType.DISABILITY_QUOTA, 45), (RecruitmentType.OPEN, 35), (RecruitmentType.CLOSED, 20)]
FOLLOWUP_WEIGHTS = [(FollowUpKind.FACE_TO_FACE, 40), (FollowUpKind.PHONE_ONLINE, 30),
                    (FollowUpKind.WORKPLACE_VISIT, 15), (FollowUpKind.ACCOMPANIMENT, 5),
                    (FollowUpKind.SUPPORT_REPORT, 10)]
CONTACT_WEIGHTS = [(EmployerContactKind.FIRST_VISIT, 25), (EmployerContactKind.LEARN_BUSINESS, 20),
                   (EmployerContactKind.PHONE, 25), (EmployerContactKind.HIRING_MANAGER, 15),
                   (EmployerContactKind.JOB_LEAD, 10), (EmployerContactKind.ACCOMPANIMENT, 5)]
OUTREACH_PLACES = {OutreachKind.HOME_VISIT: "自宅", OutreachKind.ACCOMPANY_INTERVIEW: "面接先",
                   OutreachKind.ACCOMPANY_HELLO_WORK: "ハローワーク札幌",
                   OutreachKind.ACCOMPANY_HOSPITAL: "主治医の病院",
                   OutreachKind.ACCOMPANY_BENEFITS: "区役所保護課", OutreachKind.FAMILY: "電話",
                   OutreachKind.RE_ENGAGEMENT: "自宅"}


def _demo_employers() -> dict[str, tuple[str, list[str]]]:
    """An office's demo employers, in the order they are made: name → (industry, the fields it hires for)."""
    named: dict[str, tuple[str, list[str]]] = {}
    for i in range(48):
        core, industry, hires_for = EMPLOYER_KINDS[i % len(EMPLOYER_KINDS)]
        prefix = EMPLOYER_PREFIX[(i // len(EMPLOYER_KINDS) * 5 + i) % len(EMPLOYER_PREFIX)]
        named.setdefault(f"株式会社{prefix}{core}", (industry, hires_for))
    return named


DEMO_EMPLOYERS = _demo_employers()


def _employers_by_field(employers: list[Employer]) -> dict[str, list[Employer]]:
    """The demo employers among ``employers`` (one office's) by the fields they hire for, in the order of
    ``DEMO_EMPLOYERS`` — so the same draws pick the same employer whether they were just made or read back."""
    by_name = {e.name: e for e in employers}
    by_field: dict[str, list[Employer]] = {}
    for name, (_industry, hires_for) in DEMO_EMPLOYERS.items():
        if name in by_name:
            for f in hires_for:
                by_field.setdefault(f, []).append(by_name[name])
    return by_field


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


@dataclass
class Rows:
    """Everything to write, in the order it must be written."""

    employers: list = field(default_factory=list)
    clients: list = field(default_factory=list)
    periods: list = field(default_factory=list)
    certificates: list = field(default_factory=list)
    applications: list = field(default_factory=list)
    interviews: list = field(default_factory=list)  # (Interview, JobApplication)
    hires: list = field(default_factory=list)
    followups: list = field(default_factory=list)
    contacts: list = field(default_factory=list)  # (EmployerContact, [Client])
    outreach: list = field(default_factory=list)


def _office_index(office: Office) -> int:
    return int(office.number[-5:])


def _certificates(rows: Rows, rng, office, client, first: date, last: date, seq: list[int], index: int) -> None:
    """Certificates of at most a year each, covering first … last."""
    income = _pick(rng, [(IncomeCategory.WELFARE, 25), (IncomeCategory.LOW_INCOME, 45),
                         (IncomeCategory.GENERAL_1, 25), (IncomeCategory.GENERAL_2, 5)])
    number = f"9{index % 1000:03d}{seq[0] % 1000000:06d}"
    seq[0] += 1
    start = first
    while start <= last:
        end = min(start + relativedelta(years=1) - timedelta(days=1), max(last, start))
        rows.certificates.append(Certificate(
            office=office, client=client, number=number, municipality="札幌市", period_start=start, period_end=end,
            income_category=income, copay_cap=demo_copay_cap(income, start)))
        start = end + timedelta(days=1)


def _client(rng, office, status, specialist, case_manager, first_visit, enrolled, ended_on=None) -> Client:
    family, family_kana = rng.choice(FAMILY)
    given, given_kana = rng.choice(GIVEN)
    return Client(
        office=office, family_name=family, given_name=given, family_name_kana=family_kana, given_name_kana=given_kana,
        birth_date=date(1965 + rng.randrange(38), 1 + rng.randrange(12), 1 + rng.randrange(28)),
        address=f"札幌市{rng.choice(PLACES)}", first_visit_on=first_visit, enrolled_on=enrolled, status=status,
        ended_on=ended_on, end_reason="就職後の離職" if status == ClientStatus.ENDED else "",
        specialist=specialist, case_manager=case_manager, referral_source=rng.choice(
            ["consultation", "hospital", "hello_work", "family", "self"]),
    )


def _followups(rows: Rows, rng, hire: Hire, staff: list[User], until: date, retained_later: bool,
               main: User | None = None) -> None:
    """~35 contacts in the first six months (within 3 days, weekly in the first month, and one in every
    calendar month), then a face-to-face contact on the person's usual day of each month and its support report
    while the job lasts (to the end of year 3½) — so on any day of the month only a few are due and not yet
    held (``review.placement_flags.monthly_contact_due``).  ``main`` makes most of them (the person's
    specialist unless given)."""
    six = six_month_date(hire.start_date)
    first_end = min(six, until + timedelta(days=1))
    span = (first_end - hire.start_date).days
    if span <= 0:
        return
    days = {hire.start_date + timedelta(days=d) for d in (0, 1, 7, 14, 21) if d < span}
    target = max(1, round(FOLLOWUPS_FIRST_SIX_MONTHS * span / (six - hire.start_date).days))
    while len(days) < min(target + rng.randrange(-4, 5), span):
        days.add(hire.start_date + timedelta(days=min(span - 1, int(rng.triangular(0, span, 0)))))
    # the office owes a contact in every calendar month of the six: one on a working day of the first three
    # weeks where the draws left a month empty (about one month in ten stays empty: the supervisor's case)
    month = hire.start_date.replace(day=1)
    while month < first_end:
        if not any(d.year == month.year and d.month == month.month for d in days) and rng.random() < 0.9:
            day = max(hire.start_date, month.replace(day=rng.randrange(2, 20)))
            if day < first_end:
                days.add(day)
        month += relativedelta(months=1)
    main = main or hire.client.specialist or staff[0]
    for day in sorted(days):
        rows.followups.append(FollowUpContact(
            office=hire.office, hire=hire, day=day, staff=main if rng.random() < 0.8 else rng.choice(staff),
            kind=_pick(rng, FOLLOWUP_WEIGHTS), minutes=rng.choice([15, 20, 30, 45, 60, 90]),
            note=""))
    if not retained_later:
        return
    # 就労定着支援: a face-to-face meeting in every calendar month, on the person's usual day of the month (the
    # office spreads them over the first three weeks), then the support report; a workplace visit every other
    # month; about one month in twenty is missed (the supervisor's case)
    usual = rng.randrange(2, 19)
    last = min(until, hire.start_date + relativedelta(months=RETENTION_SUPPORT_LAST_MONTH) - timedelta(days=1))
    month = six.replace(day=1)
    while month <= last:
        meeting = max(six, month.replace(day=min(28, max(1, usual + rng.randrange(-2, 3)))))
        if rng.random() < 0.95 and meeting <= last:  # never a contact after ``until`` (today): none in the future
            rows.followups.append(FollowUpContact(office=hire.office, hire=hire, day=meeting,
                                                  staff=main, kind=FollowUpKind.FACE_TO_FACE, minutes=45))
            report = meeting + timedelta(days=rng.randrange(1, 8))
            if report <= last:
                rows.followups.append(FollowUpContact(office=hire.office, hire=hire, day=report,
                                                      staff=main, kind=FollowUpKind.SUPPORT_REPORT, minutes=20))
        visit = meeting + timedelta(days=rng.randrange(3, 10))
        if rng.random() < 0.5 and visit <= last:
            rows.followups.append(FollowUpContact(office=hire.office, hire=hire, day=visit,
                                                  staff=main, kind=FollowUpKind.WORKPLACE_VISIT, minutes=60))
        month += relativedelta(months=1)


def _first_employer_meeting(rows: Rows, rng, office, client, specialists, employers, since: date, today: date
                            ) -> None:
    """IPS rapid search: a face-to-face employer contact for the person within four weeks of enrolment (or of
    coming back) — for about seven people in eight; the others are the supervisor's case."""
    day = since + timedelta(days=rng.randrange(5, 28))
    if rng.random() < 0.875 and day <= today:
        rows.contacts.append((EmployerContact(
            office=office, employer=rng.choice(employers), day=day, staff=client.specialist or specialists[0],
            kind=EmployerContactKind.FIRST_VISIT, minutes=45, outcome="本人の希望を伝え、職場を見学"), [client]))


def _search(rows: Rows, rng, office, client, staff, employers, hired_at: Employer | None, field_: str,
            before: date, contacts: int, applications: int, interviews: int, by: User) -> JobApplication | None:
    """The job search that ends on ``before``: contacts, applications, interviews; the last application
    (with ``hired_at``) is the offer."""
    length = max(30, contacts * 2)
    for _ in range(contacts):
        kind = _pick(rng, CONTACT_WEIGHTS)
        rows.contacts.append((EmployerContact(
            office=office, employer=rng.choice(employers), day=before - timedelta(days=rng.randrange(1, length)),
            staff=client.specialist or rng.choice(staff), kind=kind, minutes=rng.choice([20, 30, 45, 60]),
            outcome="求人情報を確認" if kind == EmployerContactKind.JOB_LEAD else ""), [client]))
    offer = None
    for i in range(applications):
        last = i == applications - 1
        is_offer = hired_at is not None and last
        pending = hired_at is None and last
        employer = hired_at if is_offer else rng.choice(employers)
        applied = before - timedelta(days=(rng.randrange(10, 25) if is_offer else rng.randrange(15, length + 15)))
        if is_offer:
            result, result_on = ApplicationResult.OFFER, min(before - timedelta(days=3), applied + timedelta(days=7))
        elif pending:
            result, result_on = ApplicationResult.PENDING, None
        else:
            result, result_on = ApplicationResult.REJECTED, applied + timedelta(days=rng.randrange(7, 15))
        application = JobApplication(
            office=office, client=client, employer=employer, job_title=JOB_TITLES[field_], job_field=field_,
            recruitment_type=_pick(rng, RECRUITMENT_WEIGHTS), applied_on=applied, result=result,
            result_on=result_on, created_by=by)
        rows.applications.append(application)
        if is_offer or i < interviews - 1:
            accompanied = rng.random() < 0.6
            rows.interviews.append(Interview(
                office=office, application=application, day=min(result_on or applied + timedelta(days=5),
                                                                applied + timedelta(days=5)),
                accompanied=accompanied, staff=(client.specialist or by) if accompanied else None))
        if is_offer:
            offer = application
    return offer


def _seed_office(rows: Rows, rng: random.Random, office: Office, staff: dict[str, User], years: int,
                 today: date, current_clients: list[Client]) -> None:
    index = _office_index(office)
    specialists = [staff["es1"], staff["es2"]]
    team = list(staff.values())
    manager = staff["manager"]
    employers = [Employer(office=office, name=name, industry=industry, area=f"札幌市{rng.choice(PLACES)}")
                 for name, (industry, _fields) in DEMO_EMPLOYERS.items()]
    rows.employers += employers
    by_field = _employers_by_field(employers)
    fields = list(by_field)
    seq = [0]
    history_start = today - timedelta(days=365 * years)
    total = HIRES_PER_YEAR * years + rng.randrange(-3, 4)
    hard_search_done = False
    for n in range(total):
        start = history_start + timedelta(days=int((today - history_start - timedelta(days=7)).days * n / total))
        start += timedelta(days=rng.randrange(0, 5))
        days_before = int(min(600, max(5, rng.lognormvariate(math.log(43), 1.05))))
        period_start = start - timedelta(days=int(days_before * 1.45) + rng.randrange(3, 15))
        enrolled = period_start + timedelta(days=rng.randrange(0, 3))
        specialist = rng.choice(specialists)
        field_ = rng.choice(fields)
        employer = rng.choice(by_field[field_])
        recruitment = _pick(rng, RECRUITMENT_WEIGHTS)
        roll = rng.random()
        six = six_month_date(start)
        form, fixed_end, ended_on, reason = EmploymentForm.PERMANENT, None, None, ""
        if roll < 0.05:
            form, fixed_end = EmploymentForm.FIXED_TERM, start + relativedelta(months=3) - timedelta(days=1)
            ended_on, reason = fixed_end, JobEndReason.CONTRACT_ENDED
        elif roll < 0.38:
            ended_on = start + timedelta(days=rng.randrange(7, (six - start).days))
            reason = _pick(rng, [(JobEndReason.QUIT, 60), (JobEndReason.DISMISSED, 15), (JobEndReason.CHANGED_JOB, 25)])
        elif roll < 0.50:
            ended_on = six + timedelta(days=rng.randrange(30, 600))
            reason = _pick(rng, [(JobEndReason.QUIT, 50), (JobEndReason.CHANGED_JOB, 50)])
        elif rng.random() < 0.15:
            form, fixed_end = EmploymentForm.FIXED_TERM, start + relativedelta(years=1) - timedelta(days=1)
        if ended_on is not None and ended_on > today:
            ended_on, reason = None, ""
        returned_on = None
        if ended_on is not None and ended_on < six and rng.random() < 0.52:
            returned_on = ended_on + timedelta(days=rng.randrange(20, 120))
            if returned_on > today:
                returned_on = None
        status = (ClientStatus.EMPLOYED if ended_on is None
                  else ClientStatus.ENROLLED if returned_on else ClientStatus.ENDED)
        # a client who came back is enrolled from the return (as clients.services.client_return records it)
        client = _client(rng, office, status, specialist, staff["cm"], period_start, returned_on or enrolled,
                         ended_on if status == ClientStatus.ENDED else None)
        rows.clients.append(client)
        rows.periods.append(ServicePeriod(client=client, started_on=period_start, enrolled_on=enrolled,
                                          ended_on=start - timedelta(days=1), end_reason="就職"))
        _certificates(rows, rng, office, client, period_start, start - timedelta(days=1), seq, index)
        if returned_on:
            rows.periods.append(ServicePeriod(client=client, started_on=returned_on, enrolled_on=returned_on,
                                              is_return=True))
            _first_employer_meeting(rows, rng, office, client, specialists, employers, returned_on, today)
            # the new decision runs on past today (never ending today, as a real certificate would not)
            _certificates(rows, rng, office, client, returned_on,
                          max(today + relativedelta(months=6), returned_on + relativedelta(years=1)), seq, index)
        hard = not hard_search_done and n >= total // 3
        hard_search_done = hard_search_done or hard
        offer = _search(rows, rng, office, client, specialists, employers, employer, field_, start,
                        contacts=40 if hard else rng.randrange(3, 12), applications=20 if hard else rng.randrange(1, 5),
                        interviews=6 if hard else rng.randrange(1, 3), by=specialist)
        hire = Hire(office=office, client=client, employer=employer, job_title=JOB_TITLES[field_], job_field=field_,
                    recruitment_type=recruitment, start_date=start,
                    hours_per_week=Decimal(rng.choice([15, 20, 20, 25, 30, 30, 35, 40])),
                    hourly_wage=rng.randrange(960, 1400, 10), employment_form=form, fixed_term_end=fixed_end,
                    disclosed=recruitment != RecruitmentType.CLOSED, competitive=rng.random() < 0.96,
                    ended_on=ended_on, end_reason=reason, application=offer, created_by=specialist)
        rows.hires.append(hire)
        _followups(rows, rng, hire, team, min(today, ended_on or today), retained_later=ended_on is None
                   or ended_on >= six)
        for _ in range(rng.randrange(0, 4)):
            kind = rng.choice(list(OutreachKind))
            day = start - timedelta(days=rng.randrange(1, 60))
            rows.outreach.append(Outreach(office=office, client=client, day=day, staff=specialist, kind=kind,
                                          place=OUTREACH_PLACES[kind], minutes=rng.choice([30, 60, 90, 120])))
    # employer development not tied to a client: ~3 a week per specialist
    for week in range(52 * years):
        for specialist in specialists:
            for _ in range(rng.randrange(1, 6)):
                day = history_start + timedelta(days=week * 7 + rng.randrange(0, 5))
                if day <= today:
                    rows.contacts.append((EmployerContact(
                        office=office, employer=rng.choice(employers), day=day, staff=specialist,
                        kind=_pick(rng, CONTACT_WEIGHTS), minutes=rng.choice([20, 30, 45, 60])), []))
    # the clients seeder's people who are in service now: a search under way and some outreach
    for client in current_clients:
        if client.status != ClientStatus.ENROLLED:
            continue
        _search(rows, rng, office, client, specialists, employers, None, rng.choice(fields), today,
                contacts=rng.randrange(0, 8), applications=rng.randrange(0, 3), interviews=1, by=manager)
        if client.enrolled_on:
            _first_employer_meeting(rows, rng, office, client, specialists, employers, client.enrolled_on, today)
        for _ in range(rng.randrange(0, 3)):
            kind = rng.choice(list(OutreachKind))
            day = today - timedelta(days=rng.randrange(1, 60))
            rows.outreach.append(Outreach(office=office, client=client, day=day,
                                          staff=client.specialist or specialists[0], kind=kind,
                                          place=OUTREACH_PLACES[kind], minutes=rng.choice([30, 60, 90])))


def _write(rows: Rows) -> None:
    Employer.objects.bulk_create(rows.employers, batch_size=BATCH)
    Client.objects.bulk_create(rows.clients, batch_size=BATCH)
    ServicePeriod.objects.bulk_create(rows.periods, batch_size=BATCH)
    Certificate.objects.bulk_create(rows.certificates, batch_size=BATCH)
    JobApplication.objects.bulk_create(rows.applications, batch_size=BATCH)
    Interview.objects.bulk_create(rows.interviews, batch_size=BATCH)
    Hire.objects.bulk_create(rows.hires, batch_size=BATCH)
    FollowUpContact.objects.bulk_create(rows.followups, batch_size=BATCH)
    EmployerContact.objects.bulk_create([c for c, _clients in rows.contacts], batch_size=BATCH)
    through = EmployerContact.clients.through
    through.objects.bulk_create([through(employercontact_id=c.pk, client_id=client.pk)
                                 for c, clients in rows.contacts for client in clients], batch_size=BATCH)
    Outreach.objects.bulk_create(rows.outreach, batch_size=BATCH)


def employed_without_hire_rows(*, offices: list[Office], today: date) -> Rows:
    """A hire, and its follow-up contacts up to today, for each employed person of the offices who has none —
    the clients seeder's employed people, whose job starts the day after their last period of use.  In the
    app "employed" comes only from recording a hire; here the demo keeps to it.

    Drawn like the history's hires (one of the office's demo employers, job field, recruitment type, hours,
    wage; the job still on), but from a generator of the person's own (``EMPLOYED_HIRE_SEED`` and the client
    id), not from the seeder's stream, so nothing else of the demo shifts.  Only people without a hire are
    picked, so a second run adds none.  Three queries, however many offices; an office without its demo staff
    or demo employers is left out."""
    office_by_pk = {o.pk: o for o in offices}
    clients = list(
        Client.objects.filter(office__in=offices, status=ClientStatus.EMPLOYED)
        .filter(~Exists(Hire.objects.filter(client=OuterRef("pk"))))
        .annotate(last_end=Max("periods__ended_on")).select_related("specialist").order_by("pk")
    )
    rows = Rows()
    if not clients:
        return rows
    offices_with_clients = [office_by_pk[pk] for pk in sorted({c.office_id for c in clients})]
    staff = _demo_staff(offices_with_clients)
    employers: dict[int, list[Employer]] = {}
    for employer in Employer.objects.filter(office__in=offices_with_clients, name__in=list(DEMO_EMPLOYERS)):
        employers.setdefault(employer.office_id, []).append(employer)
    by_field = {office_id: _employers_by_field(found) for office_id, found in employers.items()}
    for client in clients:
        team, fields = staff.get(client.office_id, {}), by_field.get(client.office_id)
        if len(team) < len(DEMO_STAFF) or not fields or client.last_end is None:
            continue  # no demo staff or employers to draw from, or no period of use to start the job after
        rng = random.Random(f"{EMPLOYED_HIRE_SEED}:{client.pk}")
        # the specialist of the person if one of the office's (the clients seeder may name another's)
        specialist = client.specialist if client.specialist in (team["es1"], team["es2"]) else team["es1"]
        field_ = rng.choice(list(fields))
        employer = rng.choice(fields[field_])
        recruitment = _pick(rng, RECRUITMENT_WEIGHTS)
        start = client.last_end + timedelta(days=1)
        form, fixed_end = EmploymentForm.PERMANENT, None
        if rng.random() < 0.15:
            form, fixed_end = EmploymentForm.FIXED_TERM, start + relativedelta(years=1) - timedelta(days=1)
        hire = Hire(office=office_by_pk[client.office_id], client=client, employer=employer,
                    job_title=JOB_TITLES[field_], job_field=field_, recruitment_type=recruitment, start_date=start,
                    hours_per_week=Decimal(rng.choice([15, 20, 20, 25, 30, 30, 35, 40])),
                    hourly_wage=rng.randrange(960, 1400, 10), employment_form=form, fixed_term_end=fixed_end,
                    disclosed=recruitment != RecruitmentType.CLOSED, competitive=rng.random() < 0.96,
                    created_by=specialist)
        rows.hires.append(hire)
        _followups(rows, rng, hire, list(team.values()), today, retained_later=True, main=specialist)
    return rows


def retention_support_periods(*, job_start: date, job_end: date | None, today: date) -> list[tuple[date, date]]:
    """The 就労定着支援 certificate periods of a job: none unless it lasted to its six-month day (and that day
    has come); else a year each from that day, the last one cut at the end of month 42 or at the job's end,
    and none starting after the job's end or today."""
    first, span_end = retention_support_span(job_start)
    last_day = span_end - timedelta(days=1)
    if job_end is not None:
        last_day = min(last_day, job_end)
    periods = []
    start = first
    while start <= min(last_day, today):
        end = min(start + relativedelta(years=1) - timedelta(days=1), last_day)
        periods.append((start, end))
        start = end + timedelta(days=1)
    return periods


def _months(start: date, end: date) -> range:
    return range(start.year * 12 + start.month - 1, end.year * 12 + end.month)


def retention_support_certificates(*, offices: list[Office], today: date) -> list[Certificate]:
    """The 就労定着支援 certificates the offices' employed people should hold and do not — two queries,
    however many people.  A new certificate overlaps none of the person's retention-support ones, so a second
    run (or a certificate entered by hand) is never doubled.

    At most ``RETENTION_SUPPORT_DEMO_USERS`` people of an office hold one in any month: the shipped fee table
    of 就労定着支援 has rows for up to 20 users a month only, and an office beyond it could not be billed.
    Certificates are given in the order of their start; one that does not fit is not made, and the monthly
    claim warns that the person holds no certificate that month."""
    jobs: dict[int, list[tuple[date, date | None]]] = {}
    for client_id, start, ended_on in Hire.objects.filter(office__in=offices).values_list(
            "client_id", "start_date", "ended_on"):
        jobs.setdefault(client_id, []).append((start, ended_on))
    held: dict[int, list[Certificate]] = {}
    holders: dict[tuple[int, int], set[int]] = defaultdict(set)  # (office, month index) → people holding one
    for cert in Certificate.objects.filter(
            Q(client_id__in=list(jobs)) | Q(service=CertificateService.RETENTION_SUPPORT), office__in=offices,
    ).order_by("period_start", "pk"):
        if cert.client_id in jobs:
            held.setdefault(cert.client_id, []).append(cert)
        if cert.service == CertificateService.RETENTION_SUPPORT:
            for month in _months(cert.period_start, cert.period_end):
                holders[(cert.office_id, month)].add(cert.client_id)
    wanted = []  # (period start, client, period end, the certificate to copy)
    for client_id, client_jobs in jobs.items():
        certificates = held.get(client_id, [])
        transition = [c for c in certificates if c.service == CertificateService.TRANSITION]
        if not transition:
            continue  # nobody to copy the number, municipality and income category from
        support = [(c.period_start, c.period_end) for c in certificates
                   if c.service == CertificateService.RETENTION_SUPPORT]
        for job_start, job_end in sorted(client_jobs):
            for start, end in retention_support_periods(job_start=job_start, job_end=job_end, today=today):
                if not any(s <= end and start <= e for s, e in support):
                    support.append((start, end))
                    wanted.append((start, client_id, end, transition[-1]))
    new = []
    for start, client_id, end, model in sorted(wanted, key=lambda w: w[:2]):
        months = _months(start, end)
        if any(len(holders[(model.office_id, m)] - {client_id}) >= RETENTION_SUPPORT_DEMO_USERS for m in months):
            continue  # the office's 就労定着支援 is full in some month of this period
        for month in months:
            holders[(model.office_id, month)].add(client_id)
        new.append(Certificate(
            office_id=model.office_id, client_id=client_id, service=CertificateService.RETENTION_SUPPORT,
            number=model.number, municipality=model.municipality, period_start=start, period_end=end,
            income_category=model.income_category, copay_cap=demo_copay_cap(model.income_category, start)))
    return new


def seed(*, offices: list[Office], clients_per_office: int, years: int, rng: random.Random, stdout=None) -> None:
    # seed_demo does not pass stdout yet (its argument is caught in a comment); write to the console then
    stdout = stdout or sys.stdout
    today = timezone.localdate()
    seeded = set(Hire.objects.filter(office__in=offices).values_list("office_id", flat=True).distinct())
    todo = [o for o in offices if o.pk not in seeded]
    if todo:
        _seed_history(todo, rng=rng, years=years, today=today, stdout=stdout)
    else:
        stdout.write("Placements: demo history already there.\n")
    rows = employed_without_hire_rows(offices=offices, today=today)
    with transaction.atomic():
        Hire.objects.bulk_create(rows.hires, batch_size=BATCH)
        FollowUpContact.objects.bulk_create(rows.followups, batch_size=BATCH)
    stdout.write(f"Placements: {len(rows.hires)} hire(s) for employed people who had none, "
                 f"{len(rows.followups)} follow-up contacts.\n")
    with transaction.atomic():
        support = Certificate.objects.bulk_create(retention_support_certificates(offices=offices, today=today),
                                                  batch_size=BATCH)
        plans = retention_support_plans(certificates=support, staff=_demo_staff(offices), today=today)
    stdout.write(f"Placements: {len(support)} retention-support certificate(s) added, {plans} support plan(s).\n")


QUARTERLY = 3  # the demo office monitors its 就労定着支援 plans every three months


def retention_support_plans(*, certificates: list[Certificate], staff: dict[int, dict[str, User]],
                            today: date) -> int:
    """A 就労定着支援 support plan for each new retention-support certificate — its period, agreed on its first
    day and monitored with the office's quarterly review, more often than the six months the figures ask, so it
    is never late nor near its due day — except for one person of each office, whose monthly fee then shows the
    missing-plan reduction (and the pre-close list names them).  Returns how many."""
    rng = random.Random(len(certificates))  # its own sequence: the shared one stays as it was
    versions = dict(SupportPlan.objects.filter(client_id__in={c.client_id for c in certificates},
                                               service=CertificateService.RETENTION_SUPPORT)
                    .values("client_id").annotate(n=Max("version")).values_list("client_id", "n"))
    interval = min(QUARTERLY, figures_on(day=today).plan_monitoring_months[CertificateService.RETENTION_SUPPORT])
    without = {}  # office → the one person left without a plan
    for cert in sorted(certificates, key=lambda c: (c.office_id, c.client_id)):
        without.setdefault(cert.office_id, cert.client_id)
    plans = []
    for cert in certificates:
        supervisor = staff.get(cert.office_id, {}).get("supervisor")
        if supervisor is None or without[cert.office_id] == cert.client_id:
            continue
        version = versions[cert.client_id] = versions.get(cert.client_id, 0) + 1
        plans.append(SupportPlan(
            client_id=cert.client_id, service=CertificateService.RETENTION_SUPPORT, version=version,
            period_start=cert.period_start, period_end=cert.period_end, created_by=supervisor,
            created_on=cert.period_start, agreed_on=cert.period_start,
            long_term_goal="今の職場で働き続ける", overall_policy="月1回の面談と職場訪問、生活リズムの確認"))
    SupportPlan.objects.bulk_create(plans, batch_size=BATCH)
    SupportPlanReview.objects.bulk_create([
        SupportPlanReview(plan=plan, reviewed_on=day, summary="勤務は安定。目標を継続。", reviewed_by=plan.created_by)
        for plan in plans for day in plan_monitoring_days(plan, rng=rng, today=today, months=interval)
    ], batch_size=BATCH)
    return len(plans)


def _demo_staff(offices: list[Office]) -> dict[int, dict[str, User]]:
    """Each office's demo staff by suffix, in the order of ``DEMO_STAFF`` (one query); an office without
    demo staff is missing, one without some of them has fewer than five."""
    suffixes = [suffix for suffix, *_rest in DEMO_STAFF]
    usernames = {demo_username(_office_index(o), s): (o.pk, s) for o in offices for s in suffixes}
    found: dict[int, dict[str, User]] = {}
    for user in User.objects.filter(username__in=usernames):
        office_id, suffix = usernames[user.username]
        found.setdefault(office_id, {})[suffix] = user
    return {office_id: {s: users[s] for s in suffixes if s in users} for office_id, users in found.items()}


def _seed_history(todo: list[Office], *, rng: random.Random, years: int, today: date, stdout) -> None:
    staff = _demo_staff(todo)
    current: dict[int, list[Client]] = {}
    for client in Client.objects.filter(office__in=todo, status=ClientStatus.ENROLLED):
        current.setdefault(client.office_id, []).append(client)
    rows = Rows()
    for office in todo:
        office_rng = random.Random(f"{rng.random()}:{office.number}")
        if len(staff.get(office.pk, {})) < 5:
            stdout.write(f"Placements: {office} has no demo staff; skipped.\n")
            continue
        _seed_office(rows, office_rng, office, staff[office.pk], years, today, current.get(office.pk, []))
    with transaction.atomic():
        _write(rows)
    stdout.write(f"Placements: {len(rows.hires)} hires, {len(rows.followups)} follow-up contacts, "
                 f"{len(rows.contacts)} employer contacts in {len(todo)} office(s).\n")
