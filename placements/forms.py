"""Forms of the placements app.  Every choice of a related row is limited to the current office."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, ClientStatus
from compostela.models import Office, User
from placements.models import (
    ApplicationResult,
    Employer,
    EmployerContact,
    EmployerPerson,
    FollowUpContact,
    Hire,
    Interview,
    JobApplication,
    JobEndReason,
    Outreach,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def office_staff(office: Office):
    return User.objects.filter(memberships__office=office, is_active=True).order_by("last_name", "first_name", "pk")


def office_clients(office: Office):
    return Client.objects.filter(office=office).order_by("family_name_kana", "given_name_kana", "pk")


def job_search_clients(office: Office):
    """Clients the job-development log is usually for: in service or employed."""
    return office_clients(office).filter(
        status__in=[ClientStatus.TRIAL, ClientStatus.ENROLLED, ClientStatus.EMPLOYED]
    )


class EmployerForm(forms.ModelForm):
    class Meta:
        model = Employer
        fields = ["name", "industry", "area", "address", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class EmployerPersonForm(forms.ModelForm):
    class Meta:
        model = EmployerPerson
        fields = ["name", "position", "phone", "email", "note"]


class EmployerContactForm(forms.ModelForm):
    """The short form of the job-development log, made for a phone."""

    class Meta:
        model = EmployerContact
        fields = ["day", "employer", "kind", "clients", "outcome", "minutes", "staff"]
        widgets = {
            "day": DateInput(),
            "outcome": forms.Textarea(attrs={"rows": 2}),
            "clients": forms.CheckboxSelectMultiple,
            "minutes": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 720}),
        }

    def __init__(self, *args, office: Office, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Employer.objects.filter(office=office).order_by("name")
        self.fields["clients"].queryset = job_search_clients(office)
        self.fields["staff"].queryset = office_staff(office)
        self.fields["staff"].initial = user.pk
        self.fields["day"].initial = timezone.localdate()


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = JobApplication
        fields = ["employer", "job_title", "job_field", "recruitment_type", "applied_on", "note"]
        widgets = {"applied_on": DateInput()}

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Employer.objects.filter(office=office).order_by("name")
        self.fields["applied_on"].initial = timezone.localdate()


class ApplicationResultForm(forms.Form):
    result = forms.ChoiceField(label=_("result"), choices=ApplicationResult.choices)
    result_on = forms.DateField(label=_("result on"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("result") and data["result"] != ApplicationResult.PENDING and not data.get("result_on"):
            self.add_error("result_on", _("Enter the date of the result."))
        return data


class InterviewForm(forms.ModelForm):
    class Meta:
        model = Interview
        fields = ["day", "accompanied", "staff", "note"]
        widgets = {"day": DateInput()}

    def __init__(self, *args, office: Office, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = office_staff(office)
        self.fields["staff"].initial = user.pk


class HireForm(forms.ModelForm):
    class Meta:
        model = Hire
        fields = ["employer", "job_title", "job_field", "recruitment_type", "start_date", "hours_per_week",
                  "hourly_wage", "employment_form", "fixed_term_end", "disclosed", "competitive", "application"]
        widgets = {"start_date": DateInput(), "fixed_term_end": DateInput()}
        labels = {"employer": _("Employer")}  # 就職先

    def __init__(self, *args, office: Office, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Employer.objects.filter(office=office).order_by("name")
        self.fields["application"].queryset = JobApplication.objects.filter(client=client).select_related("employer")


class JobEndForm(forms.Form):
    """Ending a job is a deliberate step: nothing is filled in for the user, and the end is confirmed."""

    ended_on = forms.DateField(label=_("job ended on"), widget=DateInput())
    reason = forms.ChoiceField(label=_("reason the job ended"), choices=[("", "---------"), *JobEndReason.choices])
    confirmed = forms.BooleanField(
        label=_("I have confirmed with the person or the employer that this job has ended."), required=True,
    )


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUpContact
        fields = ["day", "kind", "minutes", "note", "staff"]
        widgets = {
            "day": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 720}),
        }

    def __init__(self, *args, office: Office, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = office_staff(office)
        self.fields["staff"].initial = user.pk
        self.fields["day"].initial = timezone.localdate()


class OutreachForm(forms.ModelForm):
    class Meta:
        model = Outreach
        fields = ["day", "kind", "place", "minutes", "note", "staff"]
        widgets = {
            "day": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 720}),
        }

    def __init__(self, *args, office: Office, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = office_staff(office)
        self.fields["staff"].initial = user.pk
        self.fields["day"].initial = timezone.localdate()


class FiguresForm(forms.Form):
    start = forms.DateField(label=_("from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("to"), required=False, widget=DateInput())


class EmployerSearchForm(forms.Form):
    """The employer list's search box (``?q=``): text without NUL characters, at most 100 characters."""

    q = forms.CharField(required=False, max_length=100)
