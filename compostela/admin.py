from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from compostela.models import Membership, Office, User


class SuperuserOnlyAdminSite(admin.AdminSite):
    """The admin holds every office's data, so only superusers may enter it."""

    site_header = _("Compostela administration")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


admin.site.__class__ = SuperuserOnlyAdminSite


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Preferences"), {"fields": ("language",)}))


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "capacity", "area_grade", "opened_on"]
    search_fields = ["name", "number"]
