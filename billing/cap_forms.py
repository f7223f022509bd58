"""The forms of the co-payment cap across providers (上限額管理): the other providers of a month this office
manages, and the result another office sent."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billing.errors import BillingError
from billing.models import CapResultCode
from billing.services.cap_management import ProviderFigures

PROVIDER_ROWS = 6  # other providers a month (a person rarely uses more; a row left empty is ignored)
PROVIDER_FIELDS = ("office_number", "office_name", "total_yen", "copay_yen", "share_yen")
PROVIDER_REQUIRED = ("office_number", "office_name", "total_yen", "copay_yen")
MSG_ROW_INCOMPLETE = _("Give the office number, its name, the total cost and the co-payment before the cap.")


def provider_field(row: int, name: str) -> str:
    return f"p{row}_{name}"


class CapProvidersForm(forms.Form):
    """This office manages the cap: the other providers of the month, and — when the co-payments exceed the cap
    (result 3) — the division of the cap (this office's share and each provider's)."""

    own_share = forms.IntegerField(label=_("this office's share of the cap (yen)"), min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(1, PROVIDER_ROWS + 1):
            self.fields[provider_field(row, "office_number")] = forms.RegexField(
                label=_("office number"), regex=r"^\d{10}$", required=False, max_length=10,
                error_messages={"invalid": _("The office number has exactly 10 digits.")})
            self.fields[provider_field(row, "office_name")] = forms.CharField(
                label=_("office name"), max_length=100, required=False)
            self.fields[provider_field(row, "total_yen")] = forms.IntegerField(
                label=_("total cost (yen)"), min_value=0, max_value=99_999_999, required=False)
            self.fields[provider_field(row, "copay_yen")] = forms.IntegerField(
                label=_("co-payment before the cap (yen)"), min_value=0, max_value=9_999_999, required=False)
            self.fields[provider_field(row, "share_yen")] = forms.IntegerField(
                label=_("share of the cap (yen)"), min_value=0, max_value=999_999, required=False)

    def rows(self) -> list[list]:
        """The bound fields of each row, for the template."""
        return [[self[provider_field(row, name)] for name in PROVIDER_FIELDS] for row in range(1, PROVIDER_ROWS + 1)]

    def clean(self):
        cleaned = super().clean()
        providers = []
        for row in range(1, PROVIDER_ROWS + 1):
            values = {name: cleaned.get(provider_field(row, name)) for name in PROVIDER_FIELDS}
            if all(v in (None, "") for v in values.values()):
                continue
            missing = [name for name in PROVIDER_REQUIRED if values[name] in (None, "")]
            if missing:
                for name in missing:
                    if provider_field(row, name) not in self.errors:
                        self.add_error(provider_field(row, name),
                                       ValidationError(MSG_ROW_INCOMPLETE, code=BillingError.CAP_PROVIDER_INCOMPLETE))
                continue
            providers.append(ProviderFigures(**values))
        cleaned["providers"] = providers
        return cleaned


class CapResultForm(forms.Form):
    """Another office manages the cap: the result it sent for the month."""

    result = forms.TypedChoiceField(label=_("management result"), choices=CapResultCode.choices, coerce=int)
    amount = forms.IntegerField(
        label=_("amount this office may collect (yen)"), min_value=0, max_value=999_999,
        help_text=_("管理結果額 on the managing office's result sheet (result 1: 0)."),
    )
