"""Fee data editable in the admin.  Office managers edit their own offices' fee settings and capacities
(``OfficeScopedAdminMixin``: another office's row is 404) and may read the fee schedules, add-on rates and
unit prices (office-less reference tables: only superusers change them).  Closings, claim lines and tier
overrides are read-only: they change only through closing, reopening and the tier page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from billing.models import (
    AddOnRate,
    AreaUnitPrice,
    BasicFee,
    ClaimLine,
    FeeRevision,
    FeeSchedule,
    MonthClosing,
    OfficeFeeSettings,
    RetentionTierOverride,
    ServiceCode,
)
from compostela.admin import OfficeScopedAdminMixin
from compostela.models import OfficeCapacity


class BasicFeeInline(admin.TabularInline):
    model = BasicFee
    extra = 0


@admin.register(FeeSchedule)
class FeeScheduleAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    list_display = ["service", "valid_from", "name", "to_verify"]
    list_filter = ["service", "to_verify"]
    inlines = [BasicFeeInline]


@admin.register(FeeRevision)
class FeeRevisionAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    """Revisions are loaded from their files (``manage.py billing_load_fees``), which the admin lists."""

    list_display = ["effective_from", "title", "notice_number", "checked_on", "checked_by", "loaded_from"]


@admin.register(ServiceCode)
class ServiceCodeAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    list_display = ["revision", "service", "item", "code", "form_type", "record_status", "to_verify"]
    list_filter = ["revision", "service", "to_verify"]


@admin.register(AddOnRate)
class AddOnRateAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "valid_from", "units", "monthly_max", "yearly_max", "to_verify"]
    list_filter = ["kind", "to_verify"]


@admin.register(AreaUnitPrice)
class AreaUnitPriceAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    list_display = ["area_grade", "service", "valid_from", "yen_per_unit", "to_verify"]
    list_filter = ["service", "area_grade", "to_verify"]
    fieldsets = [(None, {
        "fields": ["area_grade", "service", "valid_from", "yen_per_unit", "to_verify"],
        "description": _("Sapporo is area grade 7. 10.17 yen a unit is the figure given for 就労継続支援; it is "
                         "to verify for 就労移行支援 and 就労定着支援 against the ministry's notice."),
    })]


@admin.register(OfficeFeeSettings)
class OfficeFeeSettingsAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    list_display = ["office", "valid_from", "area_grade", "yen_per_unit", "yen_per_unit_reason", "qualified_staff",
                    "trained_staff", "transition_prep", "transport", "meals", "runs_retention_support"]
    list_filter = ["office"]


@admin.register(OfficeCapacity)
class OfficeCapacityAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    list_display = ["office", "valid_from", "capacity"]
    list_filter = ["office"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionTierOverride)
class RetentionTierOverrideAdmin(ReadOnlyAdmin):
    list_display = ["office", "service", "fiscal_year", "rate", "reason", "created_by", "created_at"]
    list_filter = ["office", "service", "fiscal_year"]


@admin.register(MonthClosing)
class MonthClosingAdmin(ReadOnlyAdmin):
    list_display = ["office", "month", "version", "closed_at", "closed_by", "reopened_at", "reopen_reason",
                    "total_yen", "claimed_yen"]
    list_filter = ["office"]


@admin.register(ClaimLine)
class ClaimLineAdmin(ReadOnlyAdmin):
    list_display = ["closing", "service", "client_name", "billable_days", "total_units", "total_yen", "copayment",
                    "claimed"]
    list_filter = ["service", "closing__office"]
