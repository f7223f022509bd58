"""The manager's screens of the read log (``compostela.reads``): who read one client's records, and what one
staff member opened.  Managers of the office only; another office's client or staff member answers 404.
They live in the clients app because every read is of a client's records (and compostela imports no app)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from clients import selectors
from clients.models import Client
from compostela.models import Role
from compostela.reads import reads_by_user, reads_of_client
from compostela.scoping import office_required, scoped
from compostela.selectors import office_staff

READS_PER_PAGE = 50
EXPORTS_SHOWN = 20


@office_required(Role.MANAGER)
def client_reads(request: HttpRequest, pk: int) -> HttpResponse:
    """Who read this person's records: every recorded read, newest first, and the exports that included them."""
    client = get_object_or_404(scoped(request, Client), pk=pk)
    page = Paginator(reads_of_client(office=request.office, client_id=client.pk), READS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "clients/reads.html",
        {
            "title": _("Who read the records of %(client)s") % {"client": client},
            "client": client,
            "page": page,
            "rows": list(page),
            "exports": selectors.sensitive_exports_of_client(client=client)[:EXPORTS_SHOWN],
        },
    )


@office_required(Role.MANAGER)
def staff_reads(request: HttpRequest, pk: int) -> HttpResponse:
    """What this staff member opened in the office: every recorded read, newest first, and their exports."""
    membership = get_object_or_404(office_staff(office=request.office), user_id=pk)
    staff = membership.user
    page = Paginator(reads_by_user(office=request.office, user=staff), READS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page)
    clients = selectors.clients_by_pk(office=request.office, pks=[read.client_id for read in rows])
    for read in rows:
        read.client = clients.get(read.client_id)
    return render(
        request,
        "clients/reads.html",
        {
            "title": _("Client records opened by %(staff)s") % {"staff": staff},
            "staff": staff,
            "page": page,
            "rows": rows,
            "exports": selectors.sensitive_exports_by(office=request.office, user=staff)[:EXPORTS_SHOWN],
        },
    )
