"""Writes of the clients app: one function per business action, each owning its transaction."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clients.models import Client, ClientStatus, ServicePeriod
from compostela.models import User

MSG_HIRE_BEFORE_PERIOD = "The hire starts before the client's current period of use."


def _open_period(client: Client) -> ServicePeriod | None:
    return client.periods.select_for_update().filter(ended_on__isnull=True).order_by("-started_on").first()


@transaction.atomic
def client_record_hire(*, client: Client, start_date: date, by: User) -> Client:
    """A hire (recorded in placements) moves the client to "employed" and closes the period of use on the
    day before the job starts (the history of the period is kept)."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    period = _open_period(client)
    if period is not None:
        if start_date < period.started_on:
            raise ValidationError(_(MSG_HIRE_BEFORE_PERIOD))
        period.ended_on = max(period.started_on, start_date - timedelta(days=1))
        period.end_reason = _("Hired")
        period.full_clean()
        period.save(update_fields=["ended_on", "end_reason"])
    client.status = ClientStatus.EMPLOYED
    client.ended_on = None
    client.end_reason = ""
    client.full_clean()
    client.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    return client


@transaction.atomic
def client_record_job_end(*, client: Client, ended_on: date, still_employed: bool, by: User) -> Client:
    """A job ended.  Unless the client still has another job, the client's use ends ("ended", reason: the
    job ended); they may come back (再利用) as a new period."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.status == ClientStatus.EMPLOYED and not still_employed:
        client.status = ClientStatus.ENDED
        client.ended_on = ended_on
        client.end_reason = _("The job ended")
        client.full_clean()
        client.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    return client
