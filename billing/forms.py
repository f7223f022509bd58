from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.errors import BillingError
from compostela.dates import parse_service_month

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
