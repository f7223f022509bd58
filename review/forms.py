"""Forms of the morning case review (issue 7)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from review.models import CaseReviewSettings
from review.selectors import ORDER_SPECIALIST, ORDER_URGENCY
from review.services import REVIEW_NOTE_MINUTES_DEFAULT


class BoardFilterForm(forms.Form):
    mine = forms.BooleanField(label=_("My cases"), required=False)
    flagged = forms.BooleanField(label=_("Flagged only"), required=False)
    specialist = forms.TypedChoiceField(label=_("Specialist"), required=False, coerce=int, empty_value=None)
    order = forms.ChoiceField(
        label=_("Order"), required=False,
        choices=[(ORDER_SPECIALIST, _("By specialist")), (ORDER_URGENCY, _("By urgency"))],
    )
    display = forms.BooleanField(label=_("Large display"), required=False)

    def __init__(self, *args, specialists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].choices = [("", _("All specialists"))] + [(u.pk, str(u)) for u in specialists]


class ReviewNoteForm(forms.Form):
    text = forms.CharField(label=_("Case review note"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.IntegerField(label=_("minutes"), min_value=1, max_value=720,
                                 initial=REVIEW_NOTE_MINUTES_DEFAULT)


class ReviewSettingsForm(forms.ModelForm):
    class Meta:
        model = CaseReviewSettings
        fields = ["quiet_days"]
