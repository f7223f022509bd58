"""Forms of the clients app: they parse and check input; services do the writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import (
    CareerProfile,
    CaseNote,
    CaseNoteKind,
    Certificate,
    Client,
    ClientStatus,
    Diagnosis,
    HealthRecord,
    IncomeCategory,
    JobField,
    WorkHistoryEntry,
)
from clients.services import CLIENT_FIELDS, REGISTER_STATUSES
from compostela.models import Office, User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def staff_choices(office: Office):
    return User.objects.filter(memberships__office=office).order_by("last_name", "first_name", "username")


class ClientSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or kana"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *ClientStatus.choices])
    staff = forms.ModelChoiceField(label=_("Assigned staff"), required=False, queryset=User.objects.none(),
                                   empty_label=_("Anyone"))

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_choices(office)


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [name for name in CLIENT_FIELDS]
        widgets = {
            "birth_date": DateInput(), "first_visit_on": DateInput(), "enrolled_on": DateInput(),
            "usual_start": TimeInput(), "usual_end": TimeInput(),
        }

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("specialist", "case_manager"):
            self.fields[name].queryset = staff_choices(office)
        if self.instance.pk:
            # the enrolment date follows the status (see the status form)
            del self.fields["enrolled_on"]


class ClientRegisterForm(ClientForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=[(s.value, s.label) for s in REGISTER_STATUSES], initial=ClientStatus.VISITOR
    )


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[
        (s.value, s.label) for s in (ClientStatus.TRIAL, ClientStatus.ENROLLED, ClientStatus.ENDED)
    ])
    on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for ending"), required=False, max_length=200)


class ReturnForm(forms.Form):
    on = forms.DateField(label=_("Start of the new period"), widget=DateInput())
    enrolled = forms.BooleanField(label=_("Enrolled from this date"), required=False)


class CertificateForm(forms.ModelForm):
    copay_cap = forms.IntegerField(
        label=_("co-payment monthly cap (yen)"), required=False, min_value=0,
        help_text=_("Leave empty for the standard cap of the income category (the regulations' figures in force "
                    "on the first day of the service period)."),
    )

    class Meta:
        model = Certificate
        fields = ["service", "number", "municipality", "period_start", "period_end", "is_extension", "granted_days",
                  "income_category", "copay_cap", "municipality_number", "decision_service_code",
                  "provider_entry_number", "contract_start", "cap_management", "cap_manager_number",
                  "cap_manager_name"]
        widgets = {"period_start": DateInput(), "period_end": DateInput(), "contract_start": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["income_category"].choices = IncomeCategory.choices
        self.fields["cap_management"].required = False  # empty: nobody manages the cap (the default)

    def _post_clean(self):
        pass  # the service validates the model (office and client are not on the form)


class CapManagerForm(forms.ModelForm):
    """Who manages the person's co-payment cap (上限額管理事業所) on a recorded certificate."""

    class Meta:
        model = Certificate
        fields = ["cap_management", "cap_manager_number", "cap_manager_name"]

    def _post_clean(self):
        pass  # validated by certificate_cap_manager_set


class HealthForm(forms.ModelForm):
    diagnoses = forms.ModelMultipleChoiceField(
        label=_("diagnoses"), required=False, queryset=Diagnosis.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = HealthRecord
        fields = ["diagnoses", "diagnosis_note", "disability_certificate", "disability_grade", "pension_kind",
                  "pension_grade", "pension_amount", "public_assistance", "hospital", "doctor"]
        widgets = {"diagnosis_note": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        pass  # validated by health_update


class ProfileForm(forms.ModelForm):
    job_fields = forms.MultipleChoiceField(label=_("preferred job fields"), required=False,
                                           choices=JobField.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = CareerProfile
        fields = ["own_words", "dream_job", "next_job", "job_fields", "tasks", "hours_per_week", "days_per_week",
                  "preferred_days", "places", "commute_minutes", "hourly_wage", "recruitment_type",
                  "disclosure_discussed_on", "disclosure_note", "strengths", "skills", "licences", "education",
                  "supports_needed", "things_to_avoid"]
        widgets = {
            "disclosure_discussed_on": DateInput(),
            **{name: forms.Textarea(attrs={"rows": 2}) for name in (
                "own_words", "tasks", "disclosure_note", "strengths", "skills", "licences", "education",
                "supports_needed", "things_to_avoid")},
        }

    def _post_clean(self):
        pass  # validated by career_profile_update


class WorkHistoryForm(forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = WorkHistoryEntry
        fields = ["employer", "job_title", "started_on", "ended_on", "end_reason"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def _post_clean(self):
        pass  # validated by career_profile_update


WorkHistoryFormSet = forms.formset_factory(WorkHistoryForm, extra=1, can_delete=False)


class CaseNoteForm(forms.ModelForm):
    minutes = forms.IntegerField(label=_("minutes"), min_value=1, max_value=720)

    class Meta:
        model = CaseNote
        fields = ["day", "kind", "minutes", "text"]
        widgets = {"day": DateInput(), "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = CaseNoteKind.choices

    def _post_clean(self):
        pass  # validated by case_note_add
