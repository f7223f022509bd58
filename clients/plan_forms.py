"""Forms of the support plan and its monitoring: they parse and check input; ``clients.plans`` does the writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.forms import DateInput, staff_choices
from clients.models import GoalProgressStatus, PlanGoal, SupportPlan
from compostela.models import Office

TEXTAREA = {"rows": 3}


class PlanForm(forms.ModelForm):
    """The draft's contents (原案).  ``service`` only when the plan is created."""

    class Meta:
        model = SupportPlan
        fields = [
            "service",
            "created_on",
            "period_start",
            "period_end",
            "assessed_on",
            "assessment",
            "person_wishes",
            "family_wishes",
            "issues",
            "overall_policy",
            "long_term_goal",
            "long_term_goal_by",
            "short_term_goal",
            "short_term_goal_by",
            "care_points",
        ]
        widgets = {
            **{
                name: DateInput()
                for name in (
                    "created_on",
                    "period_start",
                    "period_end",
                    "assessed_on",
                    "long_term_goal_by",
                    "short_term_goal_by",
                )
            },
            **{
                name: forms.Textarea(attrs=TEXTAREA)
                for name in (
                    "assessment",
                    "person_wishes",
                    "family_wishes",
                    "issues",
                    "overall_policy",
                    "long_term_goal",
                    "short_term_goal",
                    "care_points",
                )
            },
        }
        labels = {
            "created_on": _("draft written on"),
            "person_wishes": _("the person's wishes for life and work"),
        }

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["service"]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end cannot be before the start."))
        return data

    def _post_clean(self):
        pass  # the service validates the model (the client and the author are not on the form)


class GoalForm(forms.ModelForm):
    """One row of the goals table; a row left empty is skipped."""

    class Meta:
        model = PlanGoal
        fields = [
            "goal",
            "target_on",
            "person_role",
            "support",
            "provider",
            "staff",
            "frequency",
            "support_until",
            "is_employment",
        ]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 2}),
            "person_role": forms.Textarea(attrs={"rows": 2}),
            "support": forms.Textarea(attrs={"rows": 2}),
            "target_on": DateInput(),
            "support_until": DateInput(),
        }
        help_texts = {"provider": _("A role, for example employment specialist (就労支援員).")}

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_choices(office)
        self.fields["goal"].required = False
        self.fields["support"].required = False

    def clean(self):
        data = super().clean()
        goal, support = (data.get("goal") or "").strip(), (data.get("support") or "").strip()
        if goal and not support:
            self.add_error("support", _("Write the support for this goal."))
        if support and not goal:
            self.add_error("goal", _("Write the goal."))
        return data

    def _post_clean(self):
        pass  # validated by the service


class BaseGoalFormSet(forms.BaseFormSet):
    def __init__(self, *args, office: Office, **kwargs):
        self.office = office
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "office": self.office}

    def rows(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data]


GoalFormSet = forms.formset_factory(GoalForm, formset=BaseGoalFormSet, extra=2, can_delete=False)


def goal_initial(plan: SupportPlan) -> list[dict]:
    return [{name: getattr(goal, name) for name in GoalForm.Meta.fields} for goal in plan.goals.all()]


class MeetingForm(forms.Form):
    meeting_on = forms.DateField(label=_("support-plan meeting on"), widget=DateInput())
    attendees = forms.CharField(
        label=_("who attended the meeting"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Names and roles, for example the client, the supervisor, the employment specialist."),
    )


class AgreementForm(forms.Form):
    agreed_on = forms.DateField(
        label=_("agreed by the client on"),
        widget=DateInput(),
        help_text=_("The day the plan was explained and the client agreed to it."),
    )


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("handed over to the client on"), widget=DateInput())


class ConsultationCopyForm(forms.Form):
    consultation_office = forms.CharField(label=_("consultation-support office"), max_length=200)
    consultation_sent_on = forms.DateField(
        label=_("copy sent to the consultation-support office on"), widget=DateInput()
    )


class ReviseForm(forms.Form):
    created_on = forms.DateField(label=_("draft of the new version written on"), widget=DateInput())


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("closed on"), widget=DateInput())


class MonitoringForm(forms.Form):
    reviewed_on = forms.DateField(label=_("monitored on"), widget=DateInput())
    person_view = forms.CharField(
        label=_("the person's view"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary = forms.CharField(label=_("summary"), widget=forms.Textarea(attrs={"rows": 4}))
    changes_plan = forms.BooleanField(
        label=_("the plan changes"),
        required=False,
        help_text=_("When it does, make a new version of the plan after saving."),
    )


class ProgressForm(forms.Form):
    goal = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("progress"), choices=GoalProgressStatus.choices)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


ProgressFormSet = forms.formset_factory(ProgressForm, extra=0, can_delete=False)
