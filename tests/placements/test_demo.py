"""Rules: the demo history is shaped like the seed office's, idempotent and deterministic; employed people hold
就労定着支援 certificates from their six-month day (at most 20 people of an office a month, the shipped fee
band), and seeding over an existing database adds the missing ones, never a second copy."""

from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone

from clients.models import STANDARD_COPAY_CAPS, Certificate, Client
from compostela.models import Office
from placements.figures import placement_retention_figures
from placements.models import EmployerContact, FollowUpContact, Hire
from placements.rules import six_month_date
from placements.selectors import placement_client_funnel


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
        hire = hires.get(cert.client_id)
        if hire is not None:  # from the six-month day, a year at most, within months 7–42 and the job
            six = six_month_date(hire.start_date)
            assert cert.period_start in {six + relativedelta(years=n) for n in range(3)}
            assert cert.period_end < hire.start_date + relativedelta(months=42)
            assert hire.ended_on is None or cert.period_end <= hire.ended_on
        assert cert.period_end < cert.period_start + relativedelta(years=1)
        assert cert.period_start <= today
        transition = cert.client.certificates.transition().order_by("period_start").last()
        assert (cert.number, cert.income_category) == (transition.number, transition.income_category)
        assert cert.copay_cap == STANDARD_COPAY_CAPS[cert.income_category]
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
