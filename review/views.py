"""The morning case review (issue 7).  Thin: parse input, call a selector or service, render.

Every person is found through ``scoped(request, ...)``, so another office's person answers 404.  With
htmx the same views answer with fragments (the detail panel, the updated row); without JavaScript a
normal POST redirects back to the board.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.models import Client
from compostela.models import ReadPage, Role
from compostela.reads import record_read
from compostela.scoping import has_role, office_required, scoped
from review import services
from review.forms import BoardFilterForm, ReviewNoteForm, ReviewSettingsForm
from review.labels import RowLabels
from review.selectors import (
    ORDER_SPECIALIST,
    BoardFilters,
    review_board,
    review_recent_notes,
    review_row,
    review_specialists,
)


def _person(request: HttpRequest, pk: int) -> Client:
    return get_object_or_404(scoped(request, Client), pk=pk)


def _back(request: HttpRequest, pk: int):
    """Back to the board the user came from (its filters kept), at the person's row."""
    target = request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                         require_https=request.is_secure()):
        target = reverse("review:board")
    return redirect(f"{target.split('#')[0]}#row-{pk}")


def _current_board(request: HttpRequest) -> str:
    """The board's address (with its filters) that an htmx request came from; the plain board otherwise."""
    if request.htmx and request.htmx.current_url_abs_path:
        return request.htmx.current_url_abs_path
    return reverse("review:board")


@office_required()
def case_review(request: HttpRequest) -> HttpResponse:
    specialists = review_specialists(office=request.office)
    form = BoardFilterForm(request.GET or None, specialists=specialists)
    data = form.cleaned_data if form.is_valid() else {}
    filters = BoardFilters(mine=data.get("mine", False), flagged=data.get("flagged", False),
                           specialist_id=data.get("specialist"), order=data.get("order") or ORDER_SPECIALIST)
    board = review_board(office=request.office, day=timezone.localdate(), user=request.user, filters=filters)
    return render(request, "review/board.html", {
        "board": board, "form": form, "display": data.get("display", False),
        "can_configure": has_role(request, Role.SUPERVISOR), "note_form": ReviewNoteForm(), "labels": RowLabels(),
    })


def _panel(request: HttpRequest, client: Client, *, form: ReviewNoteForm | None = None, saved: bool = False,
           status: int = 200) -> HttpResponse:
    row = review_row(office=request.office, day=timezone.localdate(), client=client)
    context = {"client": client, "row": row, "notes": review_recent_notes(client=client),
               "note_form": form or ReviewNoteForm(), "saved": saved, "oob": bool(request.htmx),
               "next_url": _current_board(request), "labels": RowLabels()}
    template = "review/person.html#panel" if request.htmx else "review/person.html"
    return render(request, template, context, status=status)


@office_required()
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's details: every flag explained, the latest notes, the case-review note form (a page, or
    with htmx the board's details panel: either is one read of the person's records)."""
    client = _person(request, pk)
    record_read(request, client_id=client.pk, page=ReadPage.CASE_REVIEW)
    return _panel(request, client)


@require_POST
@office_required()
def note(request: HttpRequest, pk: int) -> HttpResponse:
    client = _person(request, pk)
    form = ReviewNoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_review_note_add(office=request.office, client=client, by=request.user,
                                          day=timezone.localdate(), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.htmx:
                return _panel(request, client, saved=True)
            messages.success(request, _("The case review note was saved for %(name)s.") % {"name": client})
            return _back(request, pk)
    return _panel(request, client, form=form, status=200 if request.htmx else 400)


@require_POST
@office_required()
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the person reviewed today (``reviewed=0`` takes the mark back)."""
    client = _person(request, pk)
    day = timezone.localdate()
    if request.POST.get("reviewed", "1") == "0":
        services.case_review_unmark(office=request.office, client=client, day=day, by=request.user)
    else:
        services.case_review_mark(office=request.office, client=client, day=day, by=request.user)
    if request.htmx:
        row = review_row(office=request.office, day=day, client=client)
        return render(request, "review/summary.html", {"row": row, "labels": RowLabels(), "oob": False},
                      using="jinja2")
    return _back(request, pk)


@office_required(Role.SUPERVISOR)
def review_settings(request: HttpRequest) -> HttpResponse:
    from review.models import CaseReviewSettings

    current = CaseReviewSettings.objects.filter(office=request.office).first()
    form = ReviewSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_review_settings_save(office=request.office, by=request.user,
                                               quiet_days=form.cleaned_data["quiet_days"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The case review settings were saved."))
            return redirect("review:board")
    return render(request, "review/settings.html", {"form": form})
