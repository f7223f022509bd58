"""Fixtures every test module can use: two offices, a logged-in client for each role, and a fixed clock."""

import time as monotonic_time
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from compostela.models import Office, Role, User
from tests.factories import MembershipFactory, OfficeFactory, UserFactory

pytest_plugins = ["tests.browser_support"]  # browser + page fixtures, one definition for every directory

TOKYO = ZoneInfo("Asia/Tokyo")
TODAY = date(2025, 6, 13)  # a Friday, no holiday: "today" for every test that takes the clock


@dataclass
class Clock:
    """Django's clock in a test that takes the ``clock`` fixture (or ``today``)."""

    started: datetime  # aware, in Asia/Tokyo

    def now(self) -> datetime:
        return timezone.now()

    @property
    def today(self) -> date:
        return self.started.date()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Fix the date: ``django.utils.timezone.now()`` starts at 10:00 on ``TODAY`` in Asia/Tokyo (and runs on
    with the real seconds, so ``auto_now`` stamps keep their order), and ``timezone.localdate()``, which reads
    it, is ``TODAY``.  The application reads the time only through these two, so its views, services and
    forms see the same day as the test, whatever the real date.  (Audit events are stamped by PostgreSQL's
    ``now()``, which stays real.)"""
    started = datetime.combine(TODAY, time(10, 0), tzinfo=TOKYO)
    real_start = monotonic_time.monotonic()
    monkeypatch.setattr(
        "django.utils.timezone.now",
        lambda: started.astimezone(UTC) + timedelta(seconds=monotonic_time.monotonic() - real_start),
    )
    return Clock(started=started)


@pytest.fixture
def today(clock) -> date:
    """``TODAY``, with the clock fixed on it."""
    return clock.today


def load_shipped_tables() -> None:
    """The rows the migrations ship (the fee tables, the regulations' dated figures, the diagnosis list).  A
    transactional test starts from a flushed database, so they are loaded again."""
    from django.apps import apps

    from billing.fee_data import fee_data_load

    fee_data_load()
    _load_shipped_figures(apps)
    import_module("clients.migrations.0005_seed_diagnoses").seed(apps, None)


def _load_shipped_figures(apps) -> None:
    """The figures as the migrations leave them: regulations 0002's rows with the support-plan monitoring
    intervals regulations 0006 added to every row (its defaults: 3 and 6 months) and its note."""
    from compostela.audit import audit_context
    from regulations.models import RegulatoryFigures

    shipped = import_module("regulations.migrations.0002_load_figures_2019_2021")
    with audit_context(reason=shipped.MIGRATION):
        for row in shipped.ROWS:
            values = {**row, "plan_monitoring_months_transition": 3, "plan_monitoring_months_retention": 6}
            RegulatoryFigures.objects.update_or_create(valid_from=values.pop("valid_from"), defaults=values)
    import_module("regulations.migrations.0006_plan_monitoring_months").note(apps, None)


@pytest.fixture(scope="session", autouse=True)
def _test_flush_passes_the_trail_truncate_guard():
    """Between transactional tests Django empties the test database with one TRUNCATE of every table; the
    event tables refuse TRUNCATE (``compostela.audit.track``), so the test flush — and only it — runs under
    ``pgtrigger.ignore`` of those guards."""
    import pgtrigger
    from django.core.management.commands import flush

    from compostela.audit import truncate_guard_uris

    original = flush.Command.handle

    def handle(self, *args, **options):
        with pgtrigger.ignore(*truncate_guard_uris()):
            return original(self, *args, **options)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture(autouse=True)
def _shipped_tables_in_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server"))
    if transactional:
        request.getfixturevalue("transactional_db")
        load_shipped_tables()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per user; the tests are about rules, not about PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    office: Office
    other_office: Office
    staff: User
    supervisor: User
    manager: User
    outsider: User  # a manager of the other office


def make_world() -> World:
    """Two offices, a user of each role in the first and a manager of the second (module-scoped data may call
    it directly)."""
    office = OfficeFactory(name="コンポステラ", number="0110000001")
    other = OfficeFactory(name="よその事業所", number="0110000099")
    users = {}
    for role in Role:
        user = UserFactory(username=f"a-{role.value}")
        MembershipFactory(user=user, office=office, role=role)
        users[role.value] = user
    outsider = UserFactory(username="b-manager")
    MembershipFactory(user=outsider, office=other, role=Role.MANAGER)
    return World(office=office, other_office=other, outsider=outsider, **users)


@pytest.fixture
def world(db) -> World:
    return make_world()


def logged_in(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.fixture
def staff_client(world) -> HttpClient:
    return logged_in(world.staff)


@pytest.fixture
def supervisor_client(world) -> HttpClient:
    return logged_in(world.supervisor)


@pytest.fixture
def manager_client(world) -> HttpClient:
    return logged_in(world.manager)


@pytest.fixture
def outsider_client(world) -> HttpClient:
    return logged_in(world.outsider)
