"""Fixtures every test module can use: two offices, and a logged-in client for each role."""

from dataclasses import dataclass
from importlib import import_module

import pytest
from django.test import Client as HttpClient

from compostela.models import Office, Role, User
from tests.factories import MembershipFactory, OfficeFactory, UserFactory

pytest_plugins = ["tests.browser_support"]  # browser + page fixtures, one definition for every directory


def load_shipped_tables() -> None:
    """The rows the migrations ship (the fee tables, the regulations' dated figures).  A transactional test
    starts from a flushed database, so they are loaded again."""
    from django.apps import apps

    from billing.fee_data import fee_data_load

    fee_data_load()
    import_module("regulations.migrations.0002_load_figures_2019_2021").load(apps, None)


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
