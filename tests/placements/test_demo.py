"""Rules: the demo history is shaped like the seed office's, idempotent and deterministic; every employed demo
client has a hire (in the app "employed" comes only from one) — the clients seeder's from the day after their
last period of use, with its follow-up contacts, drawn from the client id so a run over an existing database
adds each missing one once; employed people hold 就労定着支援 certificates from their six-month day (at most 20
people of an office a month, the shipped fee band), and seeding over an existing database adds the missing
ones, never a second copy."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from clients.models import Certificate, Client, ClientStatus
from compostela.models import Membership, Office
from devtools.demo import placements as demo
from placements.figures import placement_retention_figures
from placements.models import EmployerContact, FollowUpContact, Hire
from placements.selectors import placement_client_funnel
from regulations import rules as regulations
from regulations.rules import six_month_date
from regulations.selectors import figures_on
from review.selectors import review_board


def test_demo_history_is_shaped_like_the_seed_office_and_idempotent(db):
    call_command("seed_demo", "--offices", "2", "--years", "2", "--quiet-logins")
    office = Office.objects.get(number="0110000001")
    hires = Hire.objects.filter(office=office)
    assert 50 <= hires.count() <= 70
    assert hires.values("employer").distinct().count() < hires.count()  # employers reused
    assert set(hires.values_list("recruitment_type", flat=True)) == {"quota", "open", "closed"}
    years = placement_retention_figures(office=office, as_of=timezone.localdate())
    retained = sum(y.retained for y in years) / sum(y.decided for y in years)
    assert 0.45 <= retained <= 0.8
    first_months = FollowUpContact.objects.filter(office=office).count() / hires.count()
    assert first_months >= 30
    assert not FollowUpContact.objects.filter(day__gt=timezone.localdate()).exists(), "no contact in the future"
    assert not EmployerContact.objects.filter(day__gt=timezone.localdate()).exists(), "no contact in the future"
    returned = Client.objects.filter(office=office, periods__is_return=True, status="enrolled").distinct()
    for client in returned:  # enrolled from the return, with a certificate valid today
        assert client.enrolled_on == client.periods.get(is_return=True, ended_on__isnull=True).started_on
        assert client.certificates.filter(period_start__lte=timezone.localdate(),
                                          period_end__gt=timezone.localdate()).exists()
    assert max(placement_client_funnel(client=h.client).stages[0].count for h in hires) >= 40
    counts = (Hire.objects.count(), FollowUpContact.objects.count(), EmployerContact.objects.count())
    call_command("seed_demo", "--offices", "2", "--years", "2", "--quiet-logins")
    assert (Hire.objects.count(), FollowUpContact.objects.count(), EmployerContact.objects.count()) == counts


def retention_support_rows():
    return sorted(Certificate.objects.retention_support().values_list(
        "client_id", "number", "period_start", "period_end", "income_category", "copay_cap"))


def test_employed_people_get_retention_support_certificates_from_their_six_month_day(db):
    call_command("seed_demo", "--offices", "2", "--years", "2", "--quiet-logins")
    today = timezone.localdate()
    office = Office.objects.get(number="0110000001")
    certificates = Certificate.objects.retention_support().filter(office=office).select_related("client")
    assert certificates.count() >= 15
    hires = {h.client_id: h for h in Hire.objects.filter(office=office)}
    for cert in certificates:
        hire = hires[cert.client_id]  # every holder has a hire (the clients seeder's employed people too)
        # from the six-month day, a year at most, within months 7–42 and the job
        six = six_month_date(hire.start_date)
        assert cert.period_start in {six + relativedelta(years=n) for n in range(3)}
        assert cert.period_end < hire.start_date + relativedelta(months=42)
        assert hire.ended_on is None or cert.period_end <= hire.ended_on
        assert cert.period_end < cert.period_start + relativedelta(years=1)
        assert cert.period_start <= today
        transition = cert.client.certificates.transition().order_by("period_start").last()
        assert (cert.number, cert.income_category) == (transition.number, transition.income_category)
        assert cert.copay_cap == regulations.standard_copay_cap(cert.income_category,
                                                               figures_on(day=cert.period_start))
    for months_back in range(0, 24):  # the shipped fee table bills up to 20 users a month
        first = today.replace(day=1) - relativedelta(months=months_back)
        last = first + relativedelta(months=1, days=-1)
        holders = certificates.filter(period_start__lte=last, period_end__gte=first)
        assert holders.values("client").distinct().count() <= 20


def test_seeding_over_an_existing_database_adds_the_missing_retention_support_certificates(db):
    # given a demo database and its retention-support certificates
    call_command("seed_demo", "--offices", "2", "--years", "2", "--quiet-logins")
    wanted = retention_support_rows()
    assert wanted
    # when seeding again, and again after they were lost (a database seeded before they existed)
    call_command("seed_demo", "--offices", "2", "--years", "2", "--quiet-logins")
    assert retention_support_rows() == wanted
    Certificate.objects.retention_support().delete()
    call_command("seed_demo", "--offices", "2", "--years", "2", "--quiet-logins")
    # then the same certificates are back, once each
    assert retention_support_rows() == wanted


def employed_without_a_hire():
    return Client.objects.filter(status=ClientStatus.EMPLOYED).exclude(pk__in=Hire.objects.values("client_id"))


def demo_counts():
    return (Hire.objects.count(), Client.objects.filter(status=ClientStatus.EMPLOYED).count(),
            FollowUpContact.objects.count(), Certificate.objects.retention_support().count())


def seed_without_the_employed_hires(monkeypatch):
    """A demo database as seeded before the employed people of the clients seeder got their hire."""
    monkeypatch.setattr(demo, "employed_without_hire_rows", lambda **_: demo.Rows())
    call_command("seed_demo", "--offices", "2", "--years", "2", "--quiet-logins")
    monkeypatch.undo()
    return dict(employed_without_a_hire().annotate(last_end=Max("periods__ended_on")).values_list("pk", "last_end"))


def test_every_employed_demo_client_has_a_hire_and_is_in_the_case_review(db):
    # when seeding, and seeding again over the same database (nothing deleted)
    call_command("seed_demo", "--offices", "2", "--years", "2", "--quiet-logins")
    first = demo_counts()
    call_command("seed_demo", "--offices", "2", "--years", "2", "--quiet-logins")
    # then nobody is employed without a hire, and the second run added nothing
    assert demo_counts() == first
    assert not employed_without_a_hire().exists()
    today = timezone.localdate()
    for office in Office.objects.all():
        employed = set(Client.objects.filter(office=office, status=ClientStatus.EMPLOYED).values_list("pk", flat=True))
        assert len(employed) >= 5
        board = review_board(office=office, day=today, user=None)
        assert employed <= {row.client.pk for row in board.employed.rows}


def test_the_clients_seeders_employed_people_get_their_hire_from_the_day_after_their_last_period(db, monkeypatch):
    # given a demo database seeded before they had hires: the clients seeder's five employed people an office
    lacking = seed_without_the_employed_hires(monkeypatch)
    assert len(lacking) == 10 and None not in lacking.values()
    # when seeding over it
    call_command("seed_demo", "--offices", "2", "--years", "2", "--quiet-logins")
    # then each has one hire, still on, from the day after their last period of use, at a demo employer of the
    # office, made and followed up by the office's staff: contacts from the first day, none in the future
    today = timezone.localdate()
    assert not employed_without_a_hire().exists()
    hires = list(Hire.objects.filter(client__in=list(lacking)).select_related("employer"))
    assert sorted(h.client_id for h in hires) == sorted(lacking)
    members = {office: set(Membership.objects.filter(office=office).values_list("user_id", flat=True))
               for office in Office.objects.values_list("pk", flat=True)}
    for hire in hires:
        assert hire.start_date == lacking[hire.client_id] + timedelta(days=1)
        assert hire.ended_on is None
        assert hire.employer.office_id == hire.office_id and hire.employer.name in demo.DEMO_EMPLOYERS
        assert hire.job_title == demo.JOB_TITLES[hire.job_field]
        assert hire.created_by_id in members[hire.office_id]
        contacts = FollowUpContact.objects.filter(hire=hire)
        assert contacts.filter(day=hire.start_date).exists()
        assert not contacts.filter(day__gt=today).exists()
        assert set(contacts.values_list("staff_id", flat=True)) <= members[hire.office_id]
        six = six_month_date(hire.start_date)
        if six <= today:  # the first six months in full (~35 contacts)
            assert contacts.filter(day__lt=six).count() >= 25
    assert len({h.job_field for h in hires}) > 1 and len({h.hourly_wage for h in hires}) > 1  # drawn, not alike


def test_a_lost_employed_hire_comes_back_the_same_and_once(db, monkeypatch):
    # given a demo database whose employed people got their hires on a later run
    lacking = seed_without_the_employed_hires(monkeypatch)
    call_command("seed_demo", "--offices", "2", "--years", "2", "--quiet-logins")
    hires = Hire.objects.filter(client__in=list(lacking))
    rows = sorted(hires.values_list(
        "client_id", "employer_id", "job_title", "job_field", "recruitment_type", "start_date", "hours_per_week",
        "hourly_wage", "employment_form", "fixed_term_end", "disclosed", "competitive", "created_by_id"))
    contacts = sorted(FollowUpContact.objects.filter(hire__in=hires).values_list(
        "hire__client_id", "day", "staff_id", "kind", "minutes"))
    counts = demo_counts()
    # when they are lost and the seeder runs again, twice
    FollowUpContact.objects.filter(hire__in=hires).delete()
    hires.delete()
    call_command("seed_demo", "--offices", "2", "--years", "2", "--quiet-logins")
    call_command("seed_demo", "--offices", "2", "--years", "2", "--quiet-logins")
    # then the same hires and contacts are back (drawn from the client id), once each
    assert demo_counts() == counts
    assert sorted(hires.values_list(
        "client_id", "employer_id", "job_title", "job_field", "recruitment_type", "start_date", "hours_per_week",
        "hourly_wage", "employment_form", "fixed_term_end", "disclosed", "competitive", "created_by_id")) == rows
    assert sorted(FollowUpContact.objects.filter(hire__in=hires).values_list(
        "hire__client_id", "day", "staff_id", "kind", "minutes")) == contacts


def test_the_missing_hires_are_found_in_three_queries_whatever_the_number_of_offices(
        db, monkeypatch, django_assert_num_queries):
    lacking = seed_without_the_employed_hires(monkeypatch)
    offices = list(Office.objects.order_by("number"))
    today = timezone.localdate()
    with django_assert_num_queries(3):
        one = demo.employed_without_hire_rows(offices=offices[:1], today=today)
    with django_assert_num_queries(3):
        both = demo.employed_without_hire_rows(offices=offices, today=today)
    assert len(one.hires) == 5 and sorted(h.client.pk for h in both.hires) == sorted(lacking)
    assert len(both.followups) > len(one.followups) > 0
