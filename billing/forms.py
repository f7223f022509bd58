from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from billing.errors import BillingError
from billing.models import OfficeFeeSettings, Service, TreatmentCategory, TreatmentScheme
from billing.services.fee_settings import SETTINGS_FIELDS
from billing.services.revisions import revision_text_read
from compostela.dates import parse_service_month, validate_service_date

MONTH_FORMAT_ERROR = _("Enter a month as YYYY-MM, between 2000 and 2100.")


def parse_month(value: str) -> date | None:
    """``YYYY-MM`` of 2000–2100 (compostela.dates), or None."""
    return parse_service_month(value)


class MonthField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(MONTH_FORMAT_ERROR, code=BillingError.MONTH_FORMAT)
        return month


class MonthForm(forms.Form):
    month = MonthField(label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"}))


class CopayCapForm(forms.Form):
    """Which certificate's co-payment cap governs a month whose certificates carry different caps (the
    choices are checked by ``billing_copay_cap_confirm``: the month's certificates of the client)."""

    certificate = forms.IntegerField(label=_("Certificate whose cap governs the month"), min_value=1)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=300)


class FiscalYearForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100, required=False)


class TierOverrideForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    rate_percent = forms.DecimalField(
        label=_("Retention rate on the notice (%)"), min_value=Decimal(0), max_digits=7, decimal_places=2,
        required=False, help_text=_("Leave empty to return to the computed rate."),
    )
    reason = forms.CharField(label=_("Reason (the city's notice)"), max_length=300)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)


def parse_day_list(value: str) -> list[int]:
    days = [int(part) for part in value.replace(" ", "").split(",") if part]
    if not days or any(d <= 0 for d in days):
        raise ValueError
    return days


class WhatIfForm(forms.Form):
    yen_per_day = forms.IntegerField(label=_("Fee a day (yen)"), min_value=0, initial=10000)
    followups = forms.IntegerField(label=_("Follow-ups in six months"), min_value=0, initial=35)
    cost_per_followup = forms.IntegerField(label=_("Cost per follow-up (yen)"), min_value=0, initial=10000)
    days = forms.CharField(label=_("Days before the hire (comma-separated)"), initial="500,250,100,50,30")

    def clean_days(self):
        try:
            return parse_day_list(self.cleaned_data["days"])
        except ValueError as error:
            raise forms.ValidationError(_("Enter positive whole numbers separated by commas."),
                                        code=BillingError.DAYS_FORMAT) from error


class DocumentRequestForm(forms.Form):
    """Which document to make: a month's (with an optional stored version) or a year's follow-up report."""

    kind = forms.ChoiceField(label=_("Document"), choices=[])
    month = MonthField(label=_("Month"), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        from billing.models import DocumentKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = DocumentKind.choices

    def clean(self):
        from billing.models import DocumentKind

        data = super().clean()
        if data.get("kind") == DocumentKind.FOLLOWUP:
            if not data.get("year"):
                raise forms.ValidationError(_("Give the year of the report."), code=BillingError.DOCUMENT_NEEDS_YEAR)
        elif not data.get("month"):
            raise forms.ValidationError(MONTH_FORMAT_ERROR, code=BillingError.DOCUMENT_NEEDS_MONTH)
        return data


class CloseForm(forms.Form):
    """The confirmation of a month's closing: the digest of the points to check the manager saw, and the
    reason when earlier months are still open (``billing_month_close`` decides whether it is needed)."""

    confirmed = forms.CharField(widget=forms.HiddenInput, max_length=64)
    reason = forms.CharField(
        label=_("Reason for closing out of order"), max_length=300, required=False,
        help_text=_("Needed only while an earlier month is still open."),
    )


class NoHistoryRateForm(forms.Form):
    """The retention-support rate of an office with no history: one of the schedule's tiers, and the notice."""

    rate = forms.ChoiceField(label=_("Tier to use"))
    notice = forms.CharField(label=_("The city's notice (title, number, date)"), max_length=300)

    def __init__(self, *args, tiers: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate"].choices = tiers

    def clean_rate(self) -> Decimal:
        return Decimal(self.cleaned_data["rate"])


# -- the fee page (issue 20): load a revision file, confirm a value, the office's dated settings ---------------
REVISION_MAX_BYTES = 512 * 1024  # a revision file is tens of kilobytes; its text travels back in a hidden field
MSG_REVISION_TOO_LARGE = _("The file is larger than %(limit)s KB: a revision file is much smaller. Is it the right "
                           "file?")
MSG_REVISION_NOT_UTF8 = _("The file is not text in UTF-8: save the JSON file as UTF-8 and upload it again.")


def revision_max_bytes() -> int:
    """The largest revision file the fee page accepts (``FEE_REVISION_MAX_BYTES``, default 512 KB)."""
    return getattr(settings, "FEE_REVISION_MAX_BYTES", REVISION_MAX_BYTES)


def _revision_checked(text: str) -> dict:
    """The revision's data: ``billing.services.revisions.revision_text_read`` (every refusal with its JSON
    path), after the size limit."""
    if len(text.encode()) > revision_max_bytes():
        raise forms.ValidationError(MSG_REVISION_TOO_LARGE, code=BillingError.REVISION_FILE_TOO_LARGE,
                                    params={"limit": revision_max_bytes() // 1024})
    return revision_text_read(text)


class RevisionUploadForm(forms.Form):
    """A revision file to load: checked (size, UTF-8, the schema) before the confirmation page shows its diff."""

    file = forms.FileField(label=_("Revision file (JSON)"))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > revision_max_bytes():
            raise forms.ValidationError(MSG_REVISION_TOO_LARGE, code=BillingError.REVISION_FILE_TOO_LARGE,
                                        params={"limit": revision_max_bytes() // 1024})
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(MSG_REVISION_NOT_UTF8, code=BillingError.REVISION_FILE_INVALID) from error
        self.revision = _revision_checked(text)
        self.name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:100]
        return text


class RevisionConfirmForm(forms.Form):
    """The confirmation of a load: the file's text as uploaded (checked again), its name, and the digest of the
    diff the manager read (``revision_diff_digest``): a load whose diff differs now is refused."""

    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    name = forms.CharField(widget=forms.HiddenInput, max_length=100, required=False)
    confirmed = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        self.revision = _revision_checked(text)
        return text


class FeeValueConfirmForm(forms.Form):
    """A manager's confirmation of one value to verify: the row and the value the page showed, and the notice."""

    row = forms.CharField(widget=forms.HiddenInput, max_length=80)
    value = forms.CharField(widget=forms.HiddenInput, max_length=40)
    notice = forms.CharField(
        label=_("Notice and page checked against"), max_length=300,
        help_text=_("For example the notice's number and the page of its table."),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OfficeFeeSettingsForm(forms.ModelForm):
    """A settings row of the office from a date (``billing.services.fee_settings.office_fee_settings_set``)."""

    class Meta:
        model = OfficeFeeSettings
        fields = ("valid_from", *SETTINGS_FIELDS)
        widgets = {"valid_from": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].validators.append(validate_service_date)


class OfficeTreatmentForm(forms.Form):
    """The office's staff-pay add-on category of a service from a month (its 体制届)."""

    service = forms.ChoiceField(label=_("Service"))
    scheme = forms.ChoiceField(label=_("Staff pay add-on"))
    category = forms.ChoiceField(label=_("Category"), required=False)
    month = MonthField(label=_("From month"), required=True, widget=forms.TextInput(attrs={"type": "month"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("For example the date the notification (体制届) was accepted."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = Service.choices
        self.fields["scheme"].choices = TreatmentScheme.choices
        self.fields["category"].choices = [("", _("None (not claimed)")), *TreatmentCategory.choices]


# -- the client's papers (billing.papers) ----------------------------------------------------------------------
class ClientPaymentForm(forms.Form):
    """A client's payment of one invoice (prefixed with the invoice, so each row of the page has its own)."""

    paid_on = forms.DateField(label=_("Paid on"), validators=[validate_service_date],
                              widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.IntegerField(label=_("Amount (yen)"), min_value=1, max_value=10_000_000)
    method = forms.ChoiceField(label=_("Payment method"), choices=[])

    def __init__(self, *args, **kwargs):
        from billing.models import PaymentMethod

        super().__init__(*args, **kwargs)
        self.fields["method"].choices = PaymentMethod.choices


class FederationPaymentForm(forms.Form):
    """The 国保連's payment of the month: the day it was received and the amount."""

    received_on = forms.DateField(label=_("Received on"), validators=[validate_service_date],
                                  widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.IntegerField(label=_("Amount received (yen)"), min_value=1, max_value=2_000_000_000)
