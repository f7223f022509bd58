"""factory_boy factories shared by every test module: the one place where test rows are built.

Offices and users; clients with their periods of use, certificates, support plans and case notes;
employers, applications, hires, follow-ups and employer contacts; attendance; and the builders that several
directories share (``enrolled_client``, ``attend``, ``followup``, ``plan``, ``office_settings``, ``capacity``).
Helpers of one directory (e.g. tests/review/helpers.py) build on these.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import factory
from dateutil.relativedelta import relativedelta

from attendance.models import BILLABLE_ATTENDANCE, Attendance, AttendanceStatus
from billing.models import OfficeFeeSettings
from clients.models import (
    CaseNote,
    CaseNoteKind,
    Certificate,
    CertificateService,
    Client,
    ClientStatus,
    IncomeCategory,
    ServicePeriod,
    SupportPlan,
    SupportPlanReview,
)
from compostela.models import AreaGrade, Membership, Office, OfficeCapacity, Role, User
from devtools.kana import kana_number
from placements.models import (
    Employer,
    EmployerContact,
    EmployerContactKind,
    EmploymentForm,
    FollowUpContact,
    FollowUpKind,
    Hire,
    JobApplication,
    JobField,
    RecruitmentType,
)

TEST_PASSWORD = "correct-horse-battery-9"

# --- Offices and users ---------------------------------------------------------------------------------------


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("number",)

    name = factory.Sequence(lambda n: f"テスト事業所{n}")
    number = factory.Sequence(lambda n: f"01{n:08d}")
    capacity = 20
    area_grade = AreaGrade.GRADE_7
    opened_on = date(2010, 4, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "山田"
    first_name = factory.Sequence(lambda n: f"太郎{n}")
    language = "ja"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    role = Role.STAFF


# --- Clients -------------------------------------------------------------------------------------------------

IN_SERVICE = (ClientStatus.VISITOR, ClientStatus.TRIAL, ClientStatus.ENROLLED)  # as Client.objects.in_service()


class ClientFactory(factory.django.DjangoModelFactory):
    """An enrolled client (first visit two weeks before the enrolment) with an open period of use, as
    ``client_register`` and the status changes leave one."""

    class Meta:
        model = Client
        skip_postgeneration_save = True

    office = factory.SubFactory(OfficeFactory)
    family_name = "佐々木"
    given_name = factory.Sequence(lambda n: f"花子{n}")
    family_name_kana = "ササキ"
    given_name_kana = factory.Sequence(lambda n: f"ハナコ{kana_number(n, width=4)}")  # kana order is creation order
    birth_date = date(1990, 5, 20)
    status = ClientStatus.ENROLLED
    enrolled_on = date(2024, 4, 1)
    first_visit_on = factory.LazyAttribute(
        lambda o: (o.enrolled_on or date(2024, 4, 1)) - timedelta(days=14))
    usual_start = time(10, 0)
    usual_end = time(15, 0)

    @factory.post_generation
    def service_period(obj, create, extracted, **kwargs):  # noqa: N805
        """An open period of use from the first visit for a person in service (visitor, trial, enrolled); an
        employed or ended person's period was closed, so a test that needs it makes it.
        ``service_period=False``: none (for a test that makes its own)."""
        if create and extracted is not False and obj.status in IN_SERVICE:
            ServicePeriodFactory(client=obj, started_on=obj.first_visit_on, enrolled_on=obj.enrolled_on)


class ServicePeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePeriod

    client = factory.SubFactory(ClientFactory, service_period=False)
    started_on = date(2024, 4, 1)
    enrolled_on = factory.SelfAttribute("started_on")


class CertificateFactory(factory.django.DjangoModelFactory):
    """A transition (就労移行支援) certificate, general income 1, valid over every month the tests use."""

    class Meta:
        model = Certificate

    client = factory.SubFactory(ClientFactory)
    office = factory.SelfAttribute("client.office")
    number = factory.Sequence(lambda n: f"{1000000000 + n}")  # explicit numbers in tests start with 0
    municipality = "札幌市"
    period_start = date(2018, 4, 1)
    period_end = date(2030, 3, 31)
    granted_days = None
    income_category = IncomeCategory.GENERAL_1
    copay_cap = 9300


class SupportCertificateFactory(CertificateFactory):
    """A 就労定着支援 certificate: the only kind the retention-support claim reads (employed people's
    transition certificates have ended, and would not count if they had not)."""

    service = CertificateService.RETENTION_SUPPORT


class SupportPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportPlan

    client = factory.SubFactory(ClientFactory)
    version = factory.Sequence(lambda n: n + 1)  # one client's plans of a service carry different versions
    period_start = date(2025, 5, 1)
    period_end = date(2025, 10, 31)
    long_term_goal = "週4日の通所を続ける"
    overall_policy = "面談を週1回"
    created_by = factory.SubFactory(UserFactory)
    created_on = factory.SelfAttribute("period_start")


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    client = factory.SubFactory(ClientFactory)
    day = date(2025, 6, 1)
    kind = CaseNoteKind.INTERVIEW
    text = "体調は安定している"
    minutes = 30
    author = factory.SubFactory(UserFactory)


def enrolled_client(office, *, kana: str | None = None, enrolled_on=date(2024, 4, 1), ended_on=None,
                    period=(date(2024, 4, 1), date(2027, 3, 31)), granted_days=None, **extra) -> Client:
    """A client of ``office`` enrolled on ``enrolled_on`` (ended on ``ended_on``) with one certificate over
    ``period``."""
    if kana is not None:
        extra["family_name_kana"] = kana
    status = ClientStatus.ENDED if ended_on else ClientStatus.ENROLLED
    client = ClientFactory(office=office, enrolled_on=enrolled_on, ended_on=ended_on, status=status, **extra)
    CertificateFactory(client=client, period_start=period[0], period_end=period[1], granted_days=granted_days)
    return client


def plan(client: Client, start: date, end: date, agreed_on: date | None, *, monitored_on=(),
         service: str = CertificateService.TRANSITION, **extra) -> SupportPlan:
    """A support plan of ``service`` over ``start``–``end``, made on ``start`` (``created_on=`` to say
    otherwise) and agreed on ``agreed_on`` (None: not yet), monitored (モニタリング) on ``monitored_on``; the
    client's next version of that service's plan unless ``version=`` is given."""
    extra.setdefault("version", SupportPlan.objects.filter(client=client, service=service).count() + 1)
    made = SupportPlanFactory(client=client, service=service, period_start=start, period_end=end,
                              agreed_on=agreed_on, created_by=UserFactory(username="plan-writer"), **extra)
    SupportPlanReview.objects.bulk_create([SupportPlanReview(plan=made, reviewed_on=day, summary="目標を継続",
                                                             reviewed_by=made.created_by) for day in monitored_on])
    return made


def monitored_plan(client: Client, start: date, end: date, agreed_on: date, *, every: int = 3,
                   service: str = CertificateService.TRANSITION) -> SupportPlan:
    """An agreed plan monitored on each day its monitoring falls due (``every`` months after the agreement,
    then after each monitoring) up to its end: never late, so no month of it is reduced."""
    days, day = [], agreed_on + relativedelta(months=every)
    while day <= end:
        days.append(day)
        day += relativedelta(months=every)
    return plan(client, start, end, agreed_on, monitored_on=days, service=service)


# --- Attendance ----------------------------------------------------------------------------------------------


class AttendanceFactory(factory.django.DjangoModelFactory):
    """A day of attendance: times for the billable statuses, a note for an absence with support."""

    class Meta:
        model = Attendance

    client = factory.SubFactory(ClientFactory)
    office = factory.SelfAttribute("client.office")
    day = date(2025, 6, 2)
    status = AttendanceStatus.ATTENDED
    start_time = factory.LazyAttribute(lambda o: time(10, 0) if o.status in BILLABLE_ATTENDANCE else None)
    end_time = factory.LazyAttribute(lambda o: time(15, 0) if o.status in BILLABLE_ATTENDANCE else None)
    note = factory.LazyAttribute(lambda o: "電話で様子を確認" if o.status == AttendanceStatus.ABSENT_SUPPORTED else "")
    updated_by = factory.SubFactory(UserFactory)


def attend(client: Client, days, *, status=AttendanceStatus.ATTENDED, by=None, **extra) -> list[Attendance]:
    """Rows of ``status`` for ``client`` on each of ``days`` in one query (no times unless given)."""
    by = by or UserFactory(username="att-writer")
    fields = {"start_time": None, "end_time": None, **extra}
    return Attendance.objects.bulk_create([
        AttendanceFactory.build(client=client, day=day, status=status, updated_by=by, **fields) for day in days
    ])


# --- Placements ----------------------------------------------------------------------------------------------


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    industry = "物流"
    area = "札幌市中央区"


class HireFactory(factory.django.DjangoModelFactory):
    """A hire of the office (pass ``office`` with ``client``: the office is not read from the client)."""

    class Meta:
        model = Hire

    office = factory.SubFactory(OfficeFactory)
    client = factory.SubFactory(ClientFactory, office=factory.SelfAttribute("..office"),
                                status=ClientStatus.EMPLOYED)
    employer = factory.SubFactory(EmployerFactory, office=factory.SelfAttribute("..office"))
    job_title = "ピッキング"
    job_field = JobField.WAREHOUSE
    recruitment_type = RecruitmentType.DISABILITY_QUOTA
    start_date = date(2024, 6, 1)
    hours_per_week = Decimal("20.0")
    hourly_wage = 1010
    employment_form = EmploymentForm.PERMANENT
    disclosed = True
    created_by = factory.SubFactory(UserFactory)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpContact

    hire = factory.SubFactory(HireFactory)
    office = factory.SelfAttribute("hire.office")
    day = factory.SelfAttribute("hire.start_date")
    staff = factory.SubFactory(UserFactory)
    kind = FollowUpKind.FACE_TO_FACE
    minutes = 30


def followup(hire: Hire, day: date, kind=FollowUpKind.FACE_TO_FACE, minutes=60) -> FollowUpContact:
    """A follow-up contact of ``hire`` on ``day`` by one shared member of staff."""
    return FollowUpFactory(hire=hire, day=day, kind=kind, minutes=minutes, staff=UserFactory(username="fu-staff"))


class EmployerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerContact
        skip_postgeneration_save = True

    office = factory.SubFactory(OfficeFactory)
    employer = factory.SubFactory(EmployerFactory, office=factory.SelfAttribute("..office"))
    day = date(2024, 5, 1)
    staff = factory.SubFactory(UserFactory)
    kind = EmployerContactKind.FIRST_VISIT

    @factory.post_generation
    def clients(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.clients.set(extracted)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobApplication

    office = factory.SubFactory(OfficeFactory)
    client = factory.SubFactory(ClientFactory, office=factory.SelfAttribute("..office"))
    employer = factory.SubFactory(EmployerFactory, office=factory.SelfAttribute("..office"))
    job_title = "事務補助"
    job_field = JobField.OFFICE
    recruitment_type = RecruitmentType.OPEN
    applied_on = date(2024, 5, 10)
    created_by = factory.SubFactory(UserFactory)


# --- Billing settings ----------------------------------------------------------------------------------------


def office_settings(office, valid_from=date(2018, 4, 1), **fields) -> OfficeFeeSettings:
    return OfficeFeeSettings.objects.create(office=office, valid_from=valid_from, **fields)


def capacity(office, valid_from, value) -> OfficeCapacity:
    return OfficeCapacity.objects.create(office=office, valid_from=valid_from, capacity=value)
