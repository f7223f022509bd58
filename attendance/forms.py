"""Forms of the attendance screens: the day's roster (one form, a row per client, prefix ``c<client id>``),
the day and month pickers, the override reason and the regional meetings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name
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


# The fields of one roster row, shared by every row of every request: the day's form reads each row's
# values with these fields' widgets and cleans them with these fields, so no field or form is built per row
# (building a Django form per row — deep copies of its fields, widgets and choices — was most of the
# roster's time).  Nothing here may be changed after import: ``DayRosterForm`` only reads them.
ROW_FIELDS: dict[str, forms.Field] = {
    "status": forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False, widget=forms.RadioSelect),
    "start_time": forms.TimeField(label=pgettext_lazy("attendance time", "Start"), required=False, widget=TimeInput),
    "end_time": forms.TimeField(label=pgettext_lazy("attendance time", "End"), required=False, widget=TimeInput),
    "transport_to": forms.BooleanField(label=_("Transport there"), required=False),
    "transport_from": forms.BooleanField(label=_("Transport back"), required=False),
    "meal": forms.BooleanField(label=_("Meal"), required=False),
    "note": forms.CharField(label=_("Note"), max_length=NOTE_MAX_LENGTH, required=False,
                            widget=forms.TextInput(attrs={"placeholder": _("Note"), "autocomplete": "off"})),
    # what the row had when the page was loaded (the optimistic concurrency check of attendance_record_day)
    "version": forms.IntegerField(min_value=0, widget=forms.HiddenInput),
    "fingerprint": forms.CharField(max_length=16, widget=forms.HiddenInput, required=False),
}
CHECKBOXES = ("transport_to", "transport_from", "meal")


def row_prefix(client_id: int) -> str:
    """The prefix of a row's input names and ids: ``c<client id>`` (``c12-status``, ``id_c12-status_1``)."""
    return f"c{client_id}"


@dataclass
class RosterEntry:
    """One client's row in the day's form."""

    client_id: int
    initial: dict
    bound: bool  # the POST carries this row (a row it does not carry is left as it is)
    values: dict[str, str | bool]  # what each input of the row shows (see DayRosterForm._shown)
    field_errors: list[tuple[str, str]] = field(default_factory=list)  # (field label, message)
    errors: list[str] = field(default_factory=list)  # the row's own refusals (attendance_record_day's)
    cleaned: dict | None = None

    @property
    def prefix(self) -> str:
        return row_prefix(self.client_id)

    @property
    def has_errors(self) -> bool:
        return bool(self.field_errors or self.errors)

    def to_row(self) -> AttendanceRow:
        data = self.cleaned
        return AttendanceRow(
            client_id=self.client_id, status=data["status"], start_time=data["start_time"],
            end_time=data["end_time"], transport_to=data["transport_to"], transport_from=data["transport_from"],
            meal=data["meal"], note=data["note"].strip(),
            loaded_version=data["version"], loaded_fingerprint=data["fingerprint"],
        )


class DayRosterForm:
    """The roster of one day as one form: a row per client (inputs ``c<client id>-<field>``), each read and
    cleaned with the shared ``ROW_FIELDS``; the errors are kept per row, keyed by client id.

    ``initials`` maps each client id of the roster, in order, to what its row shows before anyone types
    (``row_initial``).  With ``data`` (a POST), the rows it carries (their ``-version`` input) are bound and
    show what was sent; the others show their initial values and are not saved."""

    def __init__(self, data=None, *, initials: dict[int, dict]):
        self.data = data
        self.entries: dict[int, RosterEntry] = {}
        for client_id, initial in initials.items():
            bound = data is not None and f"{row_prefix(client_id)}-version" in data
            self.entries[client_id] = RosterEntry(client_id=client_id, initial=initial, bound=bound,
                                                  values=self._shown(client_id, initial, bound))
        self._validated = False

    def _raw(self, client_id: int, name: str):
        """A field's value in the POST, read as its widget reads it (a checkbox absent from it is False)."""
        return ROW_FIELDS[name].widget.value_from_datadict(self.data, None, f"{row_prefix(client_id)}-{name}")

    def _shown(self, client_id: int, initial: dict, bound: bool) -> dict[str, str | bool]:
        """What each input of a row shows — the posted data, else the initial values — as the widgets would
        print them.  The roster writes its inputs by hand from these; names and ids stay the widgets' own."""
        values: dict[str, str | bool] = {}
        for name in ROW_FIELDS:
            value = self._raw(client_id, name) if bound else initial.get(name)
            if name in CHECKBOXES:
                values[name] = not (value is False or value is None or value == "")  # CheckboxInput's test
            elif hasattr(value, "strftime"):
                values[name] = value.strftime(TIME_FORMAT)
            else:
                values[name] = "" if value is None else str(value)
        return values

    @property
    def bound_entries(self) -> list[RosterEntry]:
        return [entry for entry in self.entries.values() if entry.bound]

    def is_valid(self) -> bool:
        """Clean every posted row (all of them, so that each shows its errors)."""
        if not self._validated:
            labels = {name: str(row_field.label) if row_field.label is not None else pretty_name(name)
                      for name, row_field in ROW_FIELDS.items()}  # translated once, for the rows with an error
            for entry in self.bound_entries:
                self._clean(entry, labels)
            self._validated = True
        return not any(entry.field_errors for entry in self.bound_entries)

    def _clean(self, entry: RosterEntry, labels: dict[str, str]) -> None:
        cleaned = {}
        for name, row_field in ROW_FIELDS.items():
            try:
                cleaned[name] = row_field.clean(self._raw(entry.client_id, name))
            except ValidationError as error:
                entry.field_errors += [(labels[name], message) for message in error.messages]
        if cleaned.get("status") in rules.ABSENCES:
            # the screen greys these out for absences; what a browser without script still sends is dropped
            cleaned.update(start_time=None, end_time=None, transport_to=False, transport_from=False, meal=False)
        entry.cleaned = cleaned

    def rows(self) -> list[AttendanceRow]:
        """The posted rows, for ``attendance_record_day`` (after ``is_valid``)."""
        return [entry.to_row() for entry in self.bound_entries]

    def add_row_error(self, client_id: int, message: str) -> None:
        self.entries[client_id].errors.append(message)


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
