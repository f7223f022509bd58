"""The regulatory figures in the admin: office managers may read them (an office-less reference table),
only superusers change them — a revision is a new row with its source."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from compostela.admin import OfficeScopedAdminMixin
from regulations.models import RegulatoryFigures


@admin.register(RegulatoryFigures)
class RegulatoryFiguresAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    list_display = ["valid_from", "copay_percent", "over_capacity_percent", "plan_missing_early_percent",
                    "plan_missing_later_percent", "support_report_required", "to_verify"]
    list_filter = ["to_verify"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # the ministry's pages are https
    fieldsets = [
        (None, {"fields": ["valid_from"]}),
        (_("Co-payment"), {"fields": ["copay_percent", "cap_welfare", "cap_low_income", "cap_general_1",
                                      "cap_general_2"]}),
        (_("Reductions"), {"fields": ["over_capacity_percent", "plan_missing_early_percent",
                                      "plan_missing_later_percent", "plan_missing_early_months"]}),
        (_("New office and retention support"), {"fields": ["new_office_rate", "new_office_fiscal_years",
                                                            "support_report_required"]}),
        (_("Source"), {"fields": ["source_title", "source_url", "checked_on", "checked_by", "to_verify",
                                  "verification_note"]}),
    ]
