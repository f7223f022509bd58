"""A URLconf for tests/trust/test_admin_scoping.py: the project's URLs plus an admin site with
manager-editable (OfficeScopedAdminMixin) admins, as the domain apps will register them."""

from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import include, path

from billing.models import MonthClosing
from clients.models import ServicePeriod
from compostela.admin import CompostelaAdminSite, OfficeScopedAdminMixin

site = CompostelaAdminSite(name="scoped_admin")


@admin.register(MonthClosing, site=site)
class MonthClosingAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    list_display = ["office", "month", "version"]
    fields = ["office", "month", "version", "closed_at", "closed_by", "reopen_reason"]


@admin.register(ServicePeriod, site=site)
class ServicePeriodAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    list_display = ["client", "started_on", "ended_on"]


@admin.register(Group, site=site)
class ReferenceTableAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    """Stands in for an office-less reference table such as the fee schedule."""


urlpatterns = [
    path("scoped-admin/", site.urls),
    path("", include("compostela.urls")),
]
