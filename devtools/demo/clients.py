"""Demo clients for ``seed_demo``: about 25 per office in every status, with periods of use, certificates
(a few ending soon), health records drawn from the diagnoses in domain.md, IPS career profiles, support plans
(renewed every six months and reviewed every three — one person in fifteen has missed the last review) and
case notes.

Deterministic for the rng and idempotent: a client is found again by office, name and date of birth, and the
rows that hang off a client are only made for clients created in this run.  Everything is written with
``bulk_create`` (a handful of queries whatever the number of offices).

Employed clients have their last period closed the day before their job starts (``ended_on + 1``); the
placements seeder, which runs next, records their hire with that start date, its follow-up contacts and
their 就労定着支援 certificates (``devtools.demo.placements.employed_without_hire_rows``).
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from faker import Faker

from clients.models import (
    CareerProfile,
    CareerProfileChange,
    CaseNote,
    CaseNoteKind,
    Certificate,
    CertificateService,
    Client,
    ClientStatus,
    Diagnosis,
    DisabilityCertificateKind,
    HealthRecord,
    IncomeCategory,
    JobField,
    PensionGrade,
    PensionKind,
    RecruitmentType,
    ReferralSource,
    ServicePeriod,
    SupportPlan,
    SupportPlanReview,
    WorkHistoryEntry,
)
from clients.plan_guard import PlanFacts
from clients.services import PROFILE_FIELDS
from compostela.models import Office, User
from devtools.demo.caps import demo_copay_cap
from devtools.demo.offices import demo_username
from regulations import rules as regulations
from regulations.rules import month_end
from regulations.selectors import figures_on

# One office's mix, repeated: about a third enrolled, some visitors and trials, employed, ended, one return.
STATUS_CYCLE = ["enrolled", "visitor", "enrolled", "trial", "employed", "enrolled", "ended", "employed",
                "enrolled", "trial", "return", "visitor", "employed", "enrolled", "ended"]
PLAN_MONTHS = 6  # a support plan's period: renewed every six months
END_REASONS = ["体調不良のため", "転居のため", "他の事業所へ移行", "本人の希望により", "家族の事情"]
DREAM_JOBS = ["自分のペースで働ける事務職", "パン屋さんで働きたい", "プログラマーとして自立したい",
              "介護の仕事で人の役に立ちたい", "倉庫でコツコツ働きたい", "お店で接客をしてみたい"]
STRENGTHS = ["几帳面で丁寧", "時間を守る", "人と話すのが好き", "パソコンが得意", "体力がある", "集中力がある"]
SKILLS = ["Word・Excel", "タイピング（毎分60字）", "調理の経験", "フォークリフト", "接客の経験", "Python の独学"]
LICENCES = ["普通自動車免許", "日商簿記3級", "介護職員初任者研修", "MOS Excel", "なし"]
SUPPORTS = ["指示は紙に書いてほしい", "通院日に休みがほしい", "静かな席", "最初は短時間から"]
AVOID = ["大きな音", "夜勤", "電話応対", "人混み", "長時間の立ち仕事"]
PLACES = ["札幌市中央区", "札幌市北区", "札幌市白石区", "江別市", "札幌駅周辺"]
EMPLOYERS = ["株式会社北海物流", "すすきの食堂", "札幌データサービス", "ホクレン商事", "さっぽろケア"]
NOTE_TEXTS = {
    CaseNoteKind.INTERVIEW: ["仕事の希望を聞いた。事務職に関心。", "最近の体調と睡眠について面談。"],
    CaseNoteKind.PHONE: ["欠席の連絡。明日は来所予定。", "求人の件で電話。応募を希望。"],
    CaseNoteKind.FAMILY: ["母親と電話。家庭での様子は安定。"],
    CaseNoteKind.MEDICAL: ["主治医と就労について情報共有。短時間勤務から可。"],
    CaseNoteKind.LIFE_WELFARE: ["障害年金の更新について相談。", "生活保護の担当者と連絡。"],
    CaseNoteKind.CASE_MEETING: ["ケース会議：応募先の候補を3社に絞る。"],
}


def _staff(offices: list[Office]) -> dict[int, dict[str, User | None]]:
    index_of = {office.pk: number for number, office in enumerate(offices, start=1)}
    wanted = {demo_username(index_of[o.pk], suffix): o.pk for o in offices for suffix in ("es1", "es2", "cm",
                                                                                          "supervisor")}
    users = {u.username: u for u in User.objects.filter(username__in=wanted)}
    return {
        office.pk: {suffix: users.get(demo_username(index_of[office.pk], suffix))
                    for suffix in ("es1", "es2", "cm", "supervisor")}
        for office in offices
    }


def demo_certificate_number(office_number: int, n: int) -> str:
    """The certificate number of the n-th demo client of the office_number-th demo office."""
    return f"{office_number % 10000:04d}{n + 1:06d}"


def seed(*, offices: list[Office], clients_per_office: int, years: int, rng: random.Random, stdout=None) -> None:
    today = timezone.localdate()
    fake = Faker("ja_JP")
    base_seed = rng.randrange(2**32)
    staff = _staff(offices)
    diagnoses = list(Diagnosis.objects.filter(is_active=True).order_by("sort_order", "name"))
    planned = []  # (office, client, extra)
    for office_number, office in enumerate(offices, start=1):
        # each office draws from its own generator, so its demo clients are the same whatever the number of
        # offices or of clients asked for (the n-th demo client of an office is always the same person)
        rng = random.Random(f"{base_seed}:{office.number}")  # noqa: S311 - demo data
        fake.seed_instance(rng.randrange(2**32))
        names: set[tuple[str, str]] = set()
        for n in range(clients_per_office):
            while True:
                family, family_kana, _ = fake.last_name_pair()
                given, given_kana, _ = (fake.first_name_female_pair() if rng.random() < 0.45
                                        else fake.first_name_male_pair())
                if (family, given) not in names:
                    names.add((family, given))
                    break
            kind = STATUS_CYCLE[n % len(STATUS_CYCLE)]
            planned.append(_plan_client(office, office_number, n, kind, family, given, family_kana, given_kana,
                                        fake, rng, today, years, staff[office.pk]))
    existing = set(
        Client.objects.filter(office__in=offices).values_list("office_id", "family_name", "given_name", "birth_date")
    )
    numbers_used = set(Certificate.objects.filter(office__in=offices).values_list("office_id", "number"))
    new = [p for p in planned if (p["client"].office_id, p["client"].family_name, p["client"].given_name,
                                  p["client"].birth_date) not in existing
           and (p["client"].office_id, demo_certificate_number(p["office_number"], p["n"])) not in numbers_used]
    with transaction.atomic():
        Client.objects.bulk_create([p["client"] for p in new])
        _bulk_dependents(new, diagnoses, rng, today, staff)
    if stdout is not None:
        stdout.write(f"clients: {len(new)} created, {len(planned) - len(new)} already there.")


def _plan_client(office, office_number, n, kind, family, given, family_kana, given_kana, fake, rng, today, years,
                 staff) -> dict:
    span = max(60, years * 365)
    status = {"return": ClientStatus.ENROLLED}.get(kind, kind)
    if kind == "visitor":
        first = today - timedelta(days=rng.randrange(1, 25))
    elif kind == "trial":
        first = today - timedelta(days=rng.randrange(15, 45))
    elif kind == "enrolled":
        first = today - timedelta(days=rng.randrange(40, min(span, 600)))
    else:
        first = today - timedelta(days=rng.randrange(200, max(span, 400)))
    enrolled = None if kind in ("visitor", "trial") else first + timedelta(days=rng.randrange(7, 30))
    if kind == "enrolled" and n % 15 == 2:  # a few certificates ending within 60 days
        enrolled = today + timedelta(days=rng.randrange(20, 55)) - relativedelta(months=24) + timedelta(days=1)
        first = enrolled - timedelta(days=14)
    specialist = staff["es1"] if n % 2 == 0 else staff["es2"]
    client = Client(
        office=office, family_name=family, given_name=given, family_name_kana=family_kana,
        given_name_kana=given_kana, birth_date=date(today.year - rng.randrange(19, 60), rng.randrange(1, 13),
                                                    rng.randrange(1, 29)),
        phone=fake.phone_number(), address=fake.address()[:200],
        emergency_contact_name=f"{family} {fake.first_name()}", emergency_contact_phone=fake.phone_number(),
        referral_source=rng.choice(ReferralSource.values), first_visit_on=first, enrolled_on=enrolled,
        status=status, specialist=specialist, case_manager=staff["cm"],
        usual_start=time(9, 30) if enrolled else None,
        usual_end=time(rng.choice([12, 15, 16]), 0) if enrolled else None,
    )
    periods = []
    if kind in ("visitor", "trial", "enrolled"):
        periods.append(ServicePeriod(started_on=first, enrolled_on=enrolled))
    elif kind == "employed":
        hire_start = min(today - timedelta(days=rng.randrange(10, 300)),
                         enrolled + timedelta(days=rng.randrange(30, 200)))
        hire_start = max(hire_start, enrolled + timedelta(days=14))
        periods.append(ServicePeriod(started_on=first, enrolled_on=enrolled, ended_on=hire_start - timedelta(days=1),
                                     end_reason="就職"))
    elif kind == "ended":
        ended = min(today - timedelta(days=1), enrolled + timedelta(days=rng.randrange(30, 300)))
        reason = rng.choice(END_REASONS)
        client.ended_on, client.end_reason = ended, reason
        periods.append(ServicePeriod(started_on=first, enrolled_on=enrolled, ended_on=ended, end_reason=reason))
    else:  # return: hired, the job ended, came back
        first_end = enrolled + timedelta(days=rng.randrange(30, 90))
        back = min(today - timedelta(days=30), first_end + timedelta(days=rng.randrange(120, 200)))
        periods += [ServicePeriod(started_on=first, enrolled_on=enrolled, ended_on=first_end, end_reason="就職"),
                    ServicePeriod(started_on=back, enrolled_on=back, is_return=True)]
        client.enrolled_on = back
    return {"client": client, "kind": kind, "periods": periods, "n": n, "office_number": office_number}


def _bulk_dependents(new: list[dict], diagnoses, rng: random.Random, today: date, staff) -> None:
    periods, certificates, health, profiles, changes, jobs, plans, notes = [], [], [], [], [], [], [], []
    diagnosis_links = []
    for p in new:
        client, kind, n = p["client"], p["kind"], p["n"]
        team = staff[client.office_id]
        author = team["es1"] or team["supervisor"]
        for period in p["periods"]:
            period.client = client
            periods.append(period)
        # a trial (体験利用) is used under a certificate too; one trial in fifteen people has not received it yet
        with_certificate = client.enrolled_on or (kind == "trial" and n % 15 != 9)
        if with_certificate and author is not None:
            first_enrolled = p["periods"][0].enrolled_on or client.first_visit_on
            category = rng.choice(IncomeCategory.values)
            start = first_enrolled
            end = start + relativedelta(months=24) - timedelta(days=1)
            certificates.append(Certificate(
                office_id=client.office_id, client=client, number=demo_certificate_number(p["office_number"], n),
                municipality=rng.choice(["札幌市", "江別市", "北広島市"]), period_start=start, period_end=end,
                income_category=category, copay_cap=demo_copay_cap(category, start),
            ))
        if author is None:
            continue
        record = HealthRecord(
            client=client, diagnosis_note=rng.choice(["", "服薬中", "通院は月2回", ""]),
            hospital=rng.choice(["札幌こころのクリニック", "北大通メンタルクリニック", "白石中央病院"]),
            doctor=rng.choice(["佐藤医師", "山口医師", "中村医師"]), updated_by=author,
            public_assistance=rng.random() < 0.2,
        )
        if rng.random() < 0.6:
            record.disability_certificate = DisabilityCertificateKind.MENTAL
            record.disability_grade = rng.choice(["2級", "3級"])
        if rng.random() < 0.35:
            record.pension_grade = rng.choice([PensionGrade.GRADE_2, PensionGrade.GRADE_3])
            record.pension_kind = (PensionKind.EMPLOYEES if record.pension_grade == PensionGrade.GRADE_3
                                   else rng.choice([PensionKind.BASIC, PensionKind.EMPLOYEES]))
            record.pension_amount = rng.choice([780000, 600000])
        health.append(record)
        diagnosis_links.append((record, rng.sample(diagnoses[:10], k=rng.choice([1, 1, 2]))))
        if kind in ("visitor", "trial") and n % 15 != 11:  # a call this week; one visitor in fifteen is not called back
            notes.append(CaseNote(
                client=client, day=max(client.first_visit_on, today - timedelta(days=rng.randrange(0, 6))),
                kind=CaseNoteKind.PHONE, text="見学・体験の感想と今後の予定を電話で確認。", minutes=15,
                author=team["es1"] or author))
        if kind == "visitor":
            continue
        profile = CareerProfile(
            client=client, own_words=rng.choice(["週4日くらいから働きたい。", "人と関わる仕事がしたい。",
                                                 "まずは短い時間で慣れたい。"]),
            dream_job=rng.choice(DREAM_JOBS), next_job=rng.choice(["事務補助", "倉庫内軽作業", "調理補助", "清掃"]),
            job_fields=sorted(set(rng.sample(JobField.values, k=rng.randrange(1, 4)))),
            tasks="データ入力、軽作業", hours_per_week=rng.choice([20, 20, 30, 35]), days_per_week=rng.choice([4, 5]),
            preferred_days="平日の日中", places=rng.choice(PLACES), commute_minutes=rng.choice([30, 45, 60]),
            hourly_wage=rng.choice([1010, 1050, 1100]), recruitment_type=rng.choice(RecruitmentType.values),
            disclosure_discussed_on=client.first_visit_on + timedelta(days=21) if rng.random() < 0.6 else None,
            strengths=rng.choice(STRENGTHS), skills=rng.choice(SKILLS), licences=rng.choice(LICENCES),
            education=rng.choice(["高校卒業", "専門学校卒業", "大学卒業"]),
            supports_needed=rng.choice(SUPPORTS), things_to_avoid=rng.choice(AVOID), updated_by=author,
        )
        profiles.append(profile)
        job = WorkHistoryEntry(client=client, employer=rng.choice(EMPLOYERS), job_title=rng.choice(["事務", "販売"]),
                               started_on=date(2015, 4, 1), ended_on=date(2018, 3, 31), end_reason="体調を崩して退職")
        jobs.append(job)
        snapshot = {name: _json(getattr(profile, name)) for name in PROFILE_FIELDS}
        snapshot["work_history"] = [{"employer": job.employer, "job_title": job.job_title}]
        changes.append(CareerProfileChange(client=client, changed_by=author, changed_fields=list(snapshot),
                                           snapshot=snapshot))
        for _note in range(rng.randrange(2, 5)):
            note_kind = rng.choice(CaseNoteKind.values)
            notes.append(CaseNote(
                client=client, day=max(client.first_visit_on, today - timedelta(days=rng.randrange(0, 90))),
                kind=note_kind, text=rng.choice(NOTE_TEXTS[note_kind]), minutes=rng.choice([15, 30, 45, 60]),
                author=rng.choice([u for u in (team["es1"], team["es2"], team["cm"]) if u] or [author]),
            ))
        if client.enrolled_on and team["supervisor"] is not None and kind in ("enrolled", "employed", "return"):
            # the first plan is agreed within two weeks of enrolment (in the month of it, so that month is
            # covered) and renewed every six months: the history of plans, each a new version, the open one the
            # latest — so the plans' monitoring dates follow the enrolments, spread over the year
            created = min(client.enrolled_on + timedelta(days=14), month_end(client.enrolled_on), today)
            version = 1
            while True:
                following = created + relativedelta(months=PLAN_MONTHS)
                current = following > today
                plans.append((SupportPlan(client=client, version=version, period_start=created,
                                          period_end=following - timedelta(days=1) if not current else following,
                                          long_term_goal="週4日の安定した通所と、希望する仕事への応募",
                                          overall_policy="週1回の面談、求人の紹介と職場開拓、通院との調整",
                                          created_by=team["supervisor"], created_on=created, agreed_on=created),
                              current, current and n % 15 == 5))  # one in fifteen missed the last review: overdue
                if current:
                    break
                created, version = following, version + 1
    ServicePeriod.objects.bulk_create(periods)
    Certificate.objects.bulk_create(certificates)
    HealthRecord.objects.bulk_create(health)
    Through = HealthRecord.diagnoses.through
    Through.objects.bulk_create([Through(healthrecord_id=record.pk, diagnosis_id=d.pk)
                                 for record, chosen in diagnosis_links for d in chosen])
    CareerProfile.objects.bulk_create(profiles)
    WorkHistoryEntry.objects.bulk_create(jobs)
    CareerProfileChange.objects.bulk_create(changes)
    CaseNote.objects.bulk_create(notes)
    SupportPlan.objects.bulk_create([plan for plan, _current, _missed in plans])
    reviews = []
    history_rng = random.Random(len(plans))  # the past plans' days: the shared sequence stays as it was
    interval = figures_on(day=today).plan_monitoring_months[CertificateService.TRANSITION]
    for plan, current, missed_the_last in plans:
        reviews += [SupportPlanReview(plan=plan, reviewed_on=day, summary="通所は安定。目標を継続。",
                                      reviewed_by=plan.created_by)
                    for day in plan_monitoring_days(plan, rng=rng if current else history_rng, today=today,
                                                    months=interval, missed_the_last=missed_the_last)]
    SupportPlanReview.objects.bulk_create(reviews)


def plan_monitoring_days(plan: SupportPlan, *, rng: random.Random, today: date, months: int,
                         missed_the_last: bool = False) -> list[date]:
    """The plan's monitoring (モニタリング) as an office keeps it: held in the week before each due day
    (``regulations.rules.plan_monitoring_due_on``: ``months`` after the agreement, then after the last one),
    while the plan runs and up to today — so no month of the plan carries the missing-plan reduction, unless
    the person ``missed_the_last`` one."""
    days: list[date] = []
    while True:
        facts = PlanFacts(plan.period_start, plan.period_end, plan.agreed_on, tuple(days))
        due = regulations.plan_monitoring_due_on(facts, day=days[-1] if days else plan.agreed_on,
                                                 monitoring_months=months)
        if due > min(today, plan.period_end):
            break
        days.append(max(plan.agreed_on + timedelta(days=1), due - timedelta(days=rng.randrange(0, 8))))
    return days[:-1] if missed_the_last and days else days


def _json(value):
    if isinstance(value, date):
        return value.isoformat()
    return value



