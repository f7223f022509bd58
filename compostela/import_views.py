"""The upload screen of the one import framework: a manager uploads a file, sees the dry-run report, then
confirms.  Every importer registered in ``compostela.importing.REGISTRY`` is offered.

The confirm step trusts nothing the browser sends back but a token: the uploaded file stays on the server
(``IMPORT_UPLOAD_DIR``), recorded in the session under a random token with the office, the user, the
importer and the file's SHA-256.  Confirming in another office, as another user, or after the file changed
answers 404; a confirmed or abandoned upload is deleted (abandoned ones after ``UPLOAD_TTL``)."""

from __future__ import annotations

import hashlib
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from compostela.importing import REGISTRY, ImportReport
from compostela.models import Role
from compostela.scoping import office_required
from compostela.tabular import FileRefused, max_file_bytes

SESSION_KEY = "compostela_imports"
COUNT_LABELS = {
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Updated"),
    "unchanged": gettext_lazy("Unchanged"),
    "deleted": gettext_lazy("Removed"),
    "certificates": gettext_lazy("Certificates added"),
}
UPLOAD_TTL = 24 * 3600  # seconds an unconfirmed upload is kept


def upload_dir() -> Path:
    folder = Path(getattr(settings, "IMPORT_UPLOAD_DIR", "") or Path(tempfile.gettempdir()) / "compostela-imports")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    cutoff = time.time() - UPLOAD_TTL
    for path in folder.glob("*.upload"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"))
    file = forms.FileField(label=gettext_lazy("File (CSV in UTF-8 or Shift_JIS, or XLSX)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(key, _(importer.label)) for key, importer in REGISTRY.items()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_file_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB; split it into smaller files.")
                % {"limit": f"{max_file_bytes() / 2**20:g}"},
                code="import_too_large",
            )
        return upload


class ConfirmForm(forms.Form):
    partial = forms.BooleanField(required=False, label=gettext_lazy("Import the good rows only"))


def report_counts(report: ImportReport) -> list[tuple[str, int]]:
    """The report's counts with their labels (a removal only when there was one)."""
    return [
        (COUNT_LABELS.get(name, name), count) for name, count in report.counts().items() if name != "deleted" or count
    ]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(request: HttpRequest, pending: dict, path: Path, *, dry_run: bool, partial: bool) -> ImportReport:
    importer = REGISTRY[pending["kind"]]
    return importer.run(
        office=request.office, path=path, name=pending["name"], by=request.user, partial=partial, dry_run=dry_run
    )


@office_required(Role.MANAGER)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload → dry run → the report, with a confirm button bound to the kept file."""
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "importers": REGISTRY.values()}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        folder = upload_dir()
        _sweep(folder)
        token = secrets.token_urlsafe(24)
        path = folder / f"{token}.upload"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        pending = {
            "kind": form.cleaned_data["kind"],
            "name": Path(upload.name).name[:200],
            "office": request.office.pk,
            "user": request.user.pk,
            "sha256": _digest(path),
        }
        try:
            report = _run(request, pending, path, dry_run=True, partial=False)
        except FileRefused as error:
            path.unlink(missing_ok=True)
            form.add_error("file", str(error))
            return render(request, "compostela/import.html", context, status=400)
        request.session.setdefault(SESSION_KEY, {})[token] = pending
        request.session.modified = True
        context.update(
            report=report,
            counts=report_counts(report),
            token=token,
            pending=pending,
            confirm=ConfirmForm(),
            importer=REGISTRY[pending["kind"]],
        )
    elif request.method == "POST":
        return render(request, "compostela/import.html", context, status=400)
    return render(request, "compostela/import.html", context)


@office_required(Role.MANAGER)
@require_POST
def import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Import the file kept under ``token``: only in the office and by the user who uploaded it."""
    pending = request.session.get(SESSION_KEY, {}).get(token)
    path = upload_dir() / f"{token}.upload"
    if (
        pending is None
        or pending["office"] != request.office.pk
        or pending["user"] != request.user.pk
        or pending["kind"] not in REGISTRY
        or not path.is_file()
        or _digest(path) != pending["sha256"]
    ):
        raise Http404
    confirm = ConfirmForm(request.POST)
    partial = confirm.is_valid() and confirm.cleaned_data["partial"]
    try:
        report = _run(request, pending, path, dry_run=False, partial=partial)
    except FileRefused as error:  # cannot happen for a file that passed the dry run, but never a 500
        report = None
        refused = str(error)
    else:
        refused = ""
    if report is None or report.written:
        request.session[SESSION_KEY].pop(token, None)
        request.session.modified = True
        path.unlink(missing_ok=True)
    context = {
        "result": report,
        "counts": report_counts(report) if report else [],
        "refused": refused,
        "pending": pending,
        "importer": REGISTRY[pending["kind"]],
        "token": token,
        "confirm": confirm,
        "form": UploadForm(),
        "importers": REGISTRY.values(),
    }
    return render(request, "compostela/import.html", context, status=200 if report and report.written else 400)
