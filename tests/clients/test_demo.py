"""Rules: the clients demo seeder is idempotent (so deterministic: a second run finds every client again),
covers every status, and writes in bulk (the number of queries does not grow with the offices)."""

import random

from django.core.management import call_command

from clients.models import CaseNote, Certificate, Client, ClientStatus, ServicePeriod, SupportPlan
from devtools.demo import clients as demo
from devtools.demo.offices import demo_seed_offices


def snapshot():
    return (sorted(Client.objects.values_list("family_name", "given_name", "birth_date", "status")),
            ServicePeriod.objects.count(), Certificate.objects.count(), CaseNote.objects.count())


def test_seeding_twice_creates_nothing_new_and_covers_every_status(db):
    call_command("seed_demo", "--offices", "2", "--quiet-logins")
    first = snapshot()
    call_command("seed_demo", "--offices", "2", "--quiet-logins")
    assert snapshot() == first
    office_1 = Client.objects.filter(office__number="0110000001")
    assert office_1.count() >= 25  # 25 from the clients seeder, plus the placements seeder's earlier hires
    assert set(office_1.values_list("status", flat=True)) == set(ClientStatus.values)
    assert office_1.filter(status=ClientStatus.ENROLLED).count() >= 8
    assert office_1.filter(specialist__username="es1").exists()
    assert SupportPlan.objects.exists()


def test_the_number_of_queries_does_not_grow_with_the_offices(db, django_assert_max_num_queries):
    offices = demo_seed_offices(offices=6, seed=1).offices
    with django_assert_max_num_queries(20):
        demo.seed(offices=offices[:1], clients_per_office=5, years=2, rng=random.Random(1), stdout=None)
    with django_assert_max_num_queries(20):
        demo.seed(offices=offices[1:], clients_per_office=30, years=2, rng=random.Random(2), stdout=None)
    assert Client.objects.count() == 5 + 5 * 30


def test_seeding_again_with_more_clients_and_offices_only_adds(db):
    # given a demo office seeded with 5 clients
    offices = demo_seed_offices(offices=1, seed=1).offices
    demo.seed(offices=offices, clients_per_office=5, years=1, rng=random.Random(1), stdout=None)
    first = set(Client.objects.values_list("family_name", "given_name", "birth_date"))
    # when the data set grows (more clients per office, more offices)
    offices = demo_seed_offices(offices=2, seed=1).offices
    demo.seed(offices=offices, clients_per_office=8, years=1, rng=random.Random(1), stdout=None)
    # then the first office keeps its clients and gains three, with no certificate number used twice
    office_1 = Client.objects.filter(office=offices[0])
    assert first <= set(office_1.values_list("family_name", "given_name", "birth_date"))
    assert office_1.count() == 8 and Client.objects.filter(office=offices[1]).count() == 8
