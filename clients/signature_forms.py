"""The signature page's forms: the date the person signed and the file (a scan, or the tablet's PNG that
``static/js/signature.js`` puts in the file field).  The file is checked by ``clients.signatures`` (one rule
for the page and any other caller): the form takes any upload, even none or an empty one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.forms import DateInput
from clients.models import SignatureKind
from compostela.dates import validate_service_date


class PlanSignatureForm(forms.Form):
    signed_on = forms.DateField(label=_("Date signed"), widget=DateInput(), validators=[validate_service_date])
    upload = forms.FileField(label=_("File"), required=False, allow_empty_file=True)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, prefix=kind, **kwargs)
        self.kind = kind
        if kind == SignatureKind.SCAN:
            self.fields["upload"].label = _("signed paper, scanned (PDF, PNG or JPEG, up to 5 MB)")
            self.fields["upload"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
        else:
            self.fields["upload"].widget = forms.FileInput(
                attrs={"accept": "image/png", "hidden": True, "data-signature-file": ""}
            )
