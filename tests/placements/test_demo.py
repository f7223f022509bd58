"""Rules: the demo history is shaped like the seed office's, idempotent and deterministic."""

from django.core.management import call_command
from django.utils import timezone

from clients.models import Client
from compostela.models import Office
from placements.figures import placement_retention_figures
from placements.models import EmployerContact, FollowUpContact, Hire
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
