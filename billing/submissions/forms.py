"""The forms after sending: the sending of a month's file, a line's result, a withdrawal, a re-claim.  The
services check the rules (and say why on the field); the forms parse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.forms import MonthField
from billing.submissions.models import ResultStatus
from compostela.dates import validate_service_date


def _date(label):
    return forms.DateField(label=label, validators=[validate_service_date],
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class SubmissionForm(forms.Form):
    version = forms.IntegerField(label=_("Closing version sent"), min_value=1, max_value=999)
    file_name = forms.CharField(label=_("File name"), max_length=12,
                                help_text=_("As sent (for example J2506V01.CSV)."))
    sent_on = _date(_("Sent on"))


class ResultForm(forms.Form):
    status = forms.ChoiceField(label=_("Result"), widget=forms.RadioSelect,
                               choices=[(ResultStatus.ACCEPTED, ResultStatus.ACCEPTED.label),
                                        (ResultStatus.RETURNED, ResultStatus.RETURNED.label)])
    notice_on = _date(_("Date of the notice"))
    return_reason = forms.CharField(label=_("Reason for the return (as the notice states it)"), max_length=300,
                                    required=False)


class WithdrawForm(forms.Form):
    withdrawn_on = _date(_("Withdrawn on"))
    withdrawal_reason = forms.CharField(label=_("Reason for the withdrawal"), max_length=300)


class ReclaimForm(forms.Form):
    month = MonthField(label=_("Claim again with the month"), required=True,
                       widget=forms.TextInput(attrs={"type": "month"}))
