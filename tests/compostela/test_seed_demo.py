"""Rule: seed_demo is deterministic and idempotent — running it twice duplicates nothing."""

from django.core.management import call_command

from compostela.models import Membership, Office, Role, User


def counts():
    return Office.objects.count(), User.objects.count(), Membership.objects.count()


def test_seed_demo_twice_creates_nothing_new(db):
    call_command("seed_demo", "--offices", "2", "--quiet-logins")
    first = counts()
    call_command("seed_demo", "--offices", "2", "--quiet-logins")
    assert counts() == first
    assert first[0] == 2


def test_seed_demo_builds_a_compostela_like_office_with_every_role(db):
    call_command("seed_demo", "--quiet-logins")
    office = Office.objects.get(number="0110000001")
    assert office.capacity == 20
    assert office.area_grade == "7"
    roles = set(Membership.objects.filter(office=office).values_list("role", flat=True))
    assert roles == {Role.STAFF, Role.SUPERVISOR, Role.MANAGER}


def test_demo_logins_work_with_the_printed_password(db, client):
    call_command("seed_demo", "--quiet-logins")
    assert client.login(username="manager", password="compostela-demo")
