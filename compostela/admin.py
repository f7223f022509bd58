"""The admin site.

Superusers see and edit everything.  An office manager may enter the admin too, but sees only the models
whose ModelAdmin uses ``OfficeScopedAdminMixin`` (explicitly marked manager-editable), and in them only
the rows of the offices they manage.  Reference tables without an office (fee schedules) are read-only
for managers.  Everyone else (staff, supervisors) is sent to the admin login.  Users, offices and every
other ModelAdmin keep Django's permission checks, which managers do not have.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from compostela.models import AuditEvent, Membership, Office, Role, User


def managed_office_ids(user) -> set[int]:
    """The offices ``user`` is a manager of (cached on the user object for one request)."""
    if not (user.is_active and user.is_authenticated):
        return set()
    if not hasattr(user, "_managed_office_ids"):
        user._managed_office_ids = set(
            Membership.objects.filter(user=user, role=Role.MANAGER).values_list("office_id", flat=True)
        )
    return user._managed_office_ids


class ManagerAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin login accepts superusers and office managers (who are not ``is_staff``)."""

    def confirm_login_allowed(self, user):
        if not (user.is_active and (user.is_superuser or managed_office_ids(user))):
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                  params={"username": self.username_field.verbose_name})


class CompostelaAdminSite(admin.AdminSite):
    """The admin holds every office's data: superusers see it all; managers only their offices' rows of
    the models marked manager-editable (OfficeScopedAdminMixin)."""

    site_header = _("Compostela administration")
    login_form = ManagerAdminAuthenticationForm

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or bool(managed_office_ids(user)))


admin.site.__class__ = CompostelaAdminSite


def _office_id_of(obj: Model, path: str) -> int | None:
    """Follow ``office_path`` (e.g. ``client__office``) on an instance, saved or not."""
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    target = obj
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


class OfficeScopedAdminMixin:
    """Marks a ModelAdmin manager-editable and scopes it to the manager's offices.

    * The model says how it reaches its office with ``office_path`` (as for ``compostela.scoping``).
      A model without ``office_path`` is a reference table: managers may view it, only superusers
      change it.
    * The list, the change and delete pages, search and autocomplete show only the manager's offices'
      rows; another office's row answers 404.
    * Foreign-key choices are limited to the manager's offices' rows (and offices, and users of them).
    * A save that would put a row into another office is refused.
    """

    manager_can_add = True
    manager_can_delete = False  # deleting sensitive rows stays with superusers unless a ModelAdmin says so

    # --- who may do what
    def _is_manager(self, request) -> bool:
        return not request.user.is_superuser and bool(managed_office_ids(request.user))

    def _office_path(self) -> str | None:
        return getattr(self.model, "office_path", None)

    def _allowed(self, request, obj=None, write: bool = False) -> bool:
        if not self._is_manager(request):
            return False
        if self._office_path() is None:
            return not write  # reference table: read-only for managers
        if obj is None:
            return True
        return _office_id_of(obj, self._office_path()) in managed_office_ids(request.user)

    def has_module_permission(self, request):
        return request.user.is_superuser or self._is_manager(request)

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_view_permission(request, obj)
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_change_permission(request, obj)
        return self._allowed(request, obj, write=True)

    def has_add_permission(self, request, *args):
        if request.user.is_superuser:
            return super().has_add_permission(request, *args)
        return self.manager_can_add and self._allowed(request, write=True)

    def has_delete_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_delete_permission(request, obj)
        return self.manager_can_delete and self._allowed(request, obj, write=True)

    # --- which rows
    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        path = self._office_path()
        if path is None:
            return queryset if self._is_manager(request) else queryset.none()
        lookup = "pk__in" if path == "pk" else f"{path}__in"
        return queryset.filter(**{lookup: managed_office_ids(request.user)})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not request.user.is_superuser:
            raise Http404  # not "does not exist, perhaps deleted": it is simply not theirs
        return obj

    def get_list_filter(self, request):
        """A filter by office would list every office's name: managers do not get it."""
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [f for f in filters if not (isinstance(f, str) and (f == "office" or f.endswith("__office")))]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            offices = managed_office_ids(request.user)
            related = db_field.related_model
            if related is Office:
                kwargs["queryset"] = Office.objects.filter(pk__in=offices)
            elif related is User:
                kwargs["queryset"] = User.objects.filter(memberships__office__in=offices).distinct()
            elif getattr(related, "office_path", None):
                path = related.office_path
                lookup = "pk__in" if path == "pk" else f"{path}__in"
                kwargs["queryset"] = related._default_manager.filter(**{lookup: offices})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and not self._allowed(request, obj, write=True):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


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


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The whole audit trail (every event table, through pghistory's ``Events``), for superusers only,
    read-only (the event tables themselves refuse changes)."""

    list_display = ["pgh_created_at", "pgh_label", "pgh_obj_model", "pgh_obj_id", "user", "reason", "request"]
    list_filter = ["pgh_label"]
    list_select_related = ["user"]

    def get_queryset(self, request):
        return AuditEvent.objects.select_related("user").order_by("-pgh_created_at", "-pgh_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
