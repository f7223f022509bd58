"""The write path every form page shares: valid input → one service call → a message and a redirect; a
service's ValidationError goes back onto the form, so the page is shown again with the input kept."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse


def form_add_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_submit(
    request: HttpRequest,
    form: BaseForm,
    *,
    action: Callable[[], object],
    success: str,
    then: Callable[[], HttpResponse],
) -> HttpResponse | None:
    """Run ``action`` when ``form`` was posted and is valid.  Returns the response to send (``then()``, after
    flashing ``success``), or None when the form must be shown again (not posted, invalid, or refused by the
    service — its errors are then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        action()
    except ValidationError as error:
        form_add_service_errors(form, error)
        return None
    messages.success(request, success)
    return then()
