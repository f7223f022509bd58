"""Admin (superusers only): the managed diagnosis list is maintained here; the export log is read-only."""

from django.contrib import admin

from clients.models import Diagnosis, SensitiveExport


@admin.register(Diagnosis)
class DiagnosisAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False  # health records refer to it; retire an entry with "in use" instead


@admin.register(SensitiveExport)
class SensitiveExportAdmin(admin.ModelAdmin):
    list_display = ["exported_at", "office", "exported_by", "kind"]
    list_filter = ["office", "kind"]
    readonly_fields = ["office", "exported_by", "exported_at", "kind", "filters", "client_ids", "fields"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
