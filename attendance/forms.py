"""Forms of the attendance screens: one small form per roster row (prefix ``c<client id>``) and the day."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from attendance import rules
from attendance.models import Attendance, AttendanceStatus, RegionalMeeting
from attendance.services import AttendanceRow
from clients.models import Client
from compostela.dates import validate_service_date
from compostela.models import Office

NO_ENTRY = ""
STATUS_CHOICES = [(NO_ENTRY, _("No entry")), *AttendanceStatus.choices]
# One key per status on the roster (static/js/attendance.js reads data-key).
STATUS_KEYS = {AttendanceStatus.ATTENDED: "1", AttendanceStatus.OFFSITE: "2", AttendanceStatus.ABSENT: "3",
               AttendanceStatus.ABSENT_SUPPORTED: "4", NO_ENTRY: "0"}
NOTE_MAX_LENGTH = Attendance._meta.get_field("note").max_length


TIME_FORMAT = "%H:%M"
TIME_STEP = 300  # seconds: the time inputs move by 5 minutes


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs={"step": TIME_STEP, **(attrs or {})}, format=TIME_FORMAT)


class AttendanceRowForm(forms.Form):
    """One client's line on the roster.  ``version`` and ``fingerprint`` are what the row had when the
    page was loaded (the optimistic concurrency check of ``attendance_record_day``)."""

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False, widget=forms.RadioSelect)
    start_time = forms.TimeField(label=pgettext_lazy("attendance time", "Start"), required=False, widget=TimeInput)
    end_time = forms.TimeField(label=pgettext_lazy("attendance time", "End"), required=False, widget=TimeInput)
    transport_to = forms.BooleanField(label=_("Transport there"), required=False)
    transport_from = forms.BooleanField(label=_("Transport back"), required=False)
    meal = forms.BooleanField(label=_("Meal"), required=False)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX_LENGTH, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("Note"), "autocomplete": "off"}))
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    fingerprint = forms.CharField(max_length=16, widget=forms.HiddenInput, required=False)

    def __init__(self, *args, client_id: int, readonly: bool = False, **kwargs):
        kwargs.setdefault("prefix", f"c{client_id}")
        super().__init__(*args, **kwargs)
        self.client_id = client_id
        if readonly:
            for field in self.fields.values():
                field.disabled = True

    def clean(self):
        data = super().clean()
        if data.get("status") in rules.ABSENCES:
            # the screen greys these out for absences; what a browser without script still sends is dropped
            data.update(start_time=None, end_time=None, transport_to=False, transport_from=False, meal=False)
        return data

    def shown_values(self) -> dict[str, str | bool]:
        """What each input of the row shows — the bound data, else the initial values — as the widgets would
        print them.  The roster writes its inputs by hand from these (rendering ~30 forms' widgets through
        the form renderer took most of the page's time); names and ids stay the widgets' own."""
        values: dict[str, str | bool] = {}
        for name in self.fields:
            value = self[name].value()
            if name in ("transport_to", "transport_from", "meal"):
                values[name] = not (value is False or value is None or value == "")  # CheckboxInput's test
            elif hasattr(value, "strftime"):
                values[name] = value.strftime(TIME_FORMAT)
            else:
                values[name] = "" if value is None else str(value)
        return values

    def to_row(self) -> AttendanceRow:
        data = self.cleaned_data
        return AttendanceRow(
            client_id=self.client_id, status=data["status"], start_time=data["start_time"],
            end_time=data["end_time"], transport_to=data["transport_to"], transport_from=data["transport_from"],
            meal=data["meal"], note=data["note"].strip(),
            loaded_version=data["version"], loaded_fingerprint=data["fingerprint"],
        )


def row_initial(*, record: Attendance | None, client, fingerprint: str) -> dict:
    """What a row shows before anyone types: the record, else the client's usual times."""
    if record is None:
        return {"status": NO_ENTRY, "start_time": client.usual_start, "end_time": client.usual_end,
                "version": 0, "fingerprint": ""}
    return {
        "status": record.status, "start_time": record.start_time, "end_time": record.end_time,
        "transport_to": record.transport_to, "transport_from": record.transport_from, "meal": record.meal,
        "note": record.note, "version": record.version, "fingerprint": fingerprint,
    }


class DayForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          validators=[validate_service_date])


class OverrideForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for attending beyond the granted days"), max_length=300, required=False,
        help_text=_("Supervisors only. Recorded with your name for each client above the granted days."),
    )


class MonthForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                            validators=[validate_service_date])


def parse_day(value: str | None, *, default: date) -> tuple[date, list[str]]:
    """The day asked for, or ``default`` with the reason when it is not a date of 2000–2100."""
    if not value:
        return default, []
    form = DayForm({"day": value})
    if form.is_valid():
        return form.cleaned_data["day"], []
    return default, form.errors["day"]


def parse_month(value: str | None, *, default: date) -> tuple[date, list[str]]:
    """The month asked for, or ``default`` with the reason when it is not a month of 2000–2100."""
    if not value:
        return default, []
    form = MonthForm({"month": value})
    if form.is_valid():
        return form.cleaned_data["month"], []
    return default, form.errors["month"]


class RegionalMeetingForm(forms.ModelForm):
    """A regional cooperation meeting (地域連携会議): the client (when it is recorded), the day, the kind, who
    took part and a note.  The rules (not after today, not in a closed month, once a kind a day) are the
    service's; its refusals come back on the fields."""

    class Meta:
        model = RegionalMeeting
        fields = ["client", "day", "kind", "participants", "note"]
        widgets = {
            "day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "participants": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].validators.append(validate_service_date)
        if self.instance.pk:
            del self.fields["client"]  # a record stays the client's: delete it and record another
        else:
            self.fields["client"].queryset = Client.objects.filter(office=office).order_by(
                "family_name_kana", "given_name_kana", "pk")
