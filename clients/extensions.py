"""What the apps above clients add to the client's screens, without clients importing them.

Attendance and placements depend on clients, not the reverse; yet the client list shows the days attended
this month and the client page shows recent attendance, the hires, the job search and one timeline.  Each
of those apps registers its part here in its ``AppConfig.ready()`` and clients calls whatever is
registered, so the dependency between the apps stays one way (``make test`` checks it with import-linter)
while every screen keeps its sections.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

# (first, last) day of the month shown → {annotation name: expression over Client}
ListAnnotations = Callable[[date, date], dict[str, Any]]
# (client=, today=) → {ClientPage field: value}; a "timeline" value is a list of entries merged with the notes
PagePart = Callable[..., dict[str, Any]]

# (office=, months=[first days]) → those of the months billing has closed (attendance registers its lock)
ClosedMonths = Callable[..., set[date]]

_list_annotations: list[ListAnnotations] = []
_page_parts: list[PagePart] = []
_closed_months: list[ClosedMonths] = []


def register_closed_months(provider: ClosedMonths) -> None:
    if provider not in _closed_months:
        _closed_months.append(provider)


def closed_months(*, office, months: list[date]) -> set[date]:
    """Of ``months`` (first days), those billing has closed — what a support plan entered with a past date
    must not change (``clients.plan_guard``)."""
    found: set[date] = set()
    for provider in _closed_months:
        found |= provider(office=office, months=months)
    return found


def register_client_list_annotations(provider: ListAnnotations) -> None:
    if provider not in _list_annotations:
        _list_annotations.append(provider)


def register_client_page_part(provider: PagePart) -> None:
    if provider not in _page_parts:
        _page_parts.append(provider)


def client_list_annotations(*, first: date, last: date) -> dict[str, Any]:
    annotations: dict[str, Any] = {}
    for provider in _list_annotations:
        annotations.update(provider(first, last))
    return annotations


def client_page_parts(*, client, today: date) -> dict[str, Any]:
    """Every registered part of the client page; timelines are concatenated."""
    parts: dict[str, Any] = {"timeline": []}
    for provider in _page_parts:
        for key, value in provider(client=client, today=today).items():
            if key == "timeline":
                parts["timeline"].extend(value)
            else:
                parts[key] = value
    return parts
