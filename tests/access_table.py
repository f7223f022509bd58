"""What every URL of the project answers to each kind of visitor — one declaration per URL name.

A URL pattern that is not declared here makes ``test_url_access`` fail, so no page can slip in
without a decision about who may see it.

Columns: anon (not logged in), other (a manager of another office, asking for this office's
object), staff, supervisor, manager.  302 for anon means "redirected to the login page".
``kwargs`` builds the URL arguments from the test world (objects of the first office), ``method``
and ``data`` say how to call it.  Admin URLs are covered by ``admin:index`` (superusers only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Access:
    anon: int
    other: int
    staff: int
    supervisor: int
    manager: int
    kwargs: Callable[[Any], dict] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[Any], dict] = field(default=lambda world: {})
    public: bool = False  # answers anonymous visitors itself instead of sending them to log in


def page(min_role: str = "staff", *, other: int = 200, **extra) -> Access:
    """A page of the current office, open to ``min_role`` and above."""
    ranks = ["staff", "supervisor", "manager"]
    codes = {role: (200 if ranks.index(role) >= ranks.index(min_role) else 403) for role in ranks}
    return Access(anon=302, other=other, **codes, **extra)


def office_object(min_role: str = "staff", **extra) -> Access:
    """A page about one object of the first office: the other office's member gets 404."""
    return page(min_role, other=404, **extra)


def _supervisor_object(**extra) -> Access:
    """A supervisor's page about one object of the first office: staff get 403, another office 404."""
    return Access(anon=302, other=404, staff=403, supervisor=200, manager=200, **extra)


def _client(world):
    from tests.clients.factories import ClientFactory

    return ClientFactory(office=world.office)


def _plan(world):
    from tests.clients.factories import SupportPlanFactory

    return SupportPlanFactory(client=_client(world), created_by=world.supervisor)


ACCESS: dict[str, Access] = {
    "home": page(),
    "login": Access(anon=200, other=200, staff=200, supervisor=200, manager=200, public=True),
    "logout": Access(anon=302, other=302, staff=302, supervisor=302, manager=302, method="post"),
    "password_change": page(),
    "password_change_done": page(),
    "switch_office": Access(
        anon=302, other=400, staff=302, supervisor=302, manager=302, method="post",
        data=lambda world: {"office": world.office.pk},
    ),
    "set_language": Access(
        anon=302, other=302, staff=302, supervisor=302, manager=302, method="post",
        data=lambda world: {"language": "ja", "next": "/"}, public=True,
    ),
    "office_detail": office_object(kwargs=lambda world: {"pk": world.office.pk}),
    "clients:list": page(),
    # clients (issue 4): every client page answers 404 to another office; plans are created and closed by
    # supervisors; the export of health data is for supervisors (it is recorded).
    "clients:export": page("supervisor"),
    "clients:register": page(),
    "clients:detail": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:edit": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:status": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:return": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:certificate_add": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:health": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:profile": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:profile_history": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:note_add": office_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:plan_create": _supervisor_object(kwargs=lambda world: {"pk": _client(world).pk}),
    "clients:plan_close": _supervisor_object(kwargs=lambda world: {"pk": _plan(world).pk}),
    "clients:plan_agreement": office_object(kwargs=lambda world: {"pk": _plan(world).pk}),
    "clients:plan_review": office_object(kwargs=lambda world: {"pk": _plan(world).pk}),
    "attendance:day": page(),
    "review:board": page(),
    "placements:index": page(),
    "billing:index": page("manager"),
    # Admin holds every office's data: superusers only; everyone else is sent to the admin login.
    "admin:index": Access(anon=302, other=302, staff=302, supervisor=302, manager=302),
}
