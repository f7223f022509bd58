"""Builders for the case-review tests: a person in service, an employed person, and their row."""

from __future__ import annotations

from datetime import date, timedelta

from clients.models import Client, ClientStatus
from placements.models import Hire
from review.selectors import ReviewRow, review_row
from tests.factories import CertificateFactory, ClientFactory, HireFactory

DAY = date(2025, 6, 18)  # a Wednesday, no holiday


def client_in_service(office, *, enrolled_on: date | None = None, status: str = ClientStatus.ENROLLED,
                      certificate: bool = True, day: date = DAY, **kwargs) -> Client:
    enrolled_on = enrolled_on or day - timedelta(days=100)
    client = ClientFactory(office=office, status=status, first_visit_on=enrolled_on - timedelta(days=10),
                           enrolled_on=enrolled_on if status != ClientStatus.VISITOR else None, **kwargs)
    if certificate:
        CertificateFactory(client=client, office=office, period_start=enrolled_on - timedelta(days=5),
                           period_end=day + timedelta(days=365))
    return client


def employed_person(office, *, start: date, by, ended_on: date | None = None, **kwargs) -> Hire:
    client = ClientFactory(office=office, status=ClientStatus.EMPLOYED, first_visit_on=start - timedelta(days=200),
                           enrolled_on=start - timedelta(days=190), **kwargs)
    return HireFactory(office=office, client=client, start_date=start, created_by=by, ended_on=ended_on,
                       end_reason="quit" if ended_on else "")


def row_of(client: Client, day: date = DAY) -> ReviewRow | None:
    return review_row(office=client.office, day=day, client=client)


def codes(client: Client, day: date = DAY) -> set[str]:
    row = row_of(client, day)
    assert row is not None, "the person is not on the board"
    return {flag.code for flag in row.flags}
