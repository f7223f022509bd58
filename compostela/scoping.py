"""The one mechanism that decides which office a request works in and what its role allows.

* ``OfficeScopeMiddleware`` resolves ``request.office`` and ``request.membership`` from the user's
  memberships (the office chosen in the session, else the first one).
* ``office_required(role)`` guards a view: no membership → 403, a role below ``role`` → 403.
* ``require_role(user, office, role, message)`` / ``user_has_role``: the same role check for services (a
  write from a command or an import has no request).
* ``scoped(request, queryset)`` limits any queryset to the current office, so that
  ``get_object_or_404(scoped(request, Client.objects), pk=pk)`` answers 404 for another office's row.

Models say how they reach their office with ``office_path`` (``"office"`` or e.g. ``"client__office"``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from compostela.models import Membership, Office, Role

SESSION_OFFICE_KEY = "compostela_office_id"


def memberships_of(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("office").order_by("office__number"))


def request_memberships(request: HttpRequest) -> list[Membership]:
    """The user's memberships, read once per request."""
    if not hasattr(request, "_compostela_memberships"):
        request._compostela_memberships = memberships_of(request.user)
    return request._compostela_memberships


def current_membership(request: HttpRequest) -> Membership | None:
    memberships = request_memberships(request)
    if not memberships:
        return None
    chosen = request.session.get(SESSION_OFFICE_KEY)
    for membership in memberships:
        if membership.office_id == chosen:
            return membership
    return memberships[0]


class OfficeScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = SimpleLazyObject(lambda: current_membership(request))
        return self.get_response(request)


class UserLanguageMiddleware:
    """Activates the language the logged-in user chose (LocaleMiddleware covers anonymous users)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def request_office(request: HttpRequest) -> Office | None:
    membership = request.membership
    return membership.office if membership else None


def has_role(request: HttpRequest, role: str) -> bool:
    membership = request.membership
    return bool(membership) and membership.has_role(role)


def user_has_role(user, office: Office | int, role: str) -> bool:
    """Whether ``user`` holds ``role`` (or a higher one) in ``office`` (an office or its id) — the services'
    check, for writes that come from a command or an import as well as from a screen.  One query."""
    membership = Membership.objects.filter(user=user, office=office).first()
    return membership is not None and membership.has_role(role)


def require_role(user, office: Office | int, role: str, message: str) -> None:
    """``PermissionDenied(message)`` unless ``user_has_role``."""
    if not user_has_role(user, office, role):
        raise PermissionDenied(message)


def office_required(role: str = Role.STAFF) -> Callable:
    """Decorator for views that work inside the current office with at least ``role``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not has_role(request, role):
                raise PermissionDenied
            request.office = request.membership.office
            request.role = request.membership.role
            return view(request, *args, **kwargs)

        wrapped.required_role = role
        return wrapped

    return decorator


def scoped(request: HttpRequest, queryset: QuerySet | type[Model]) -> QuerySet:
    """Limit ``queryset`` to rows of the request's current office."""
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    office = request_office(request)
    if office is None:
        return queryset.none()
    path = getattr(queryset.model, "office_path", None)
    if path is None:
        raise TypeError(f"{queryset.model.__name__} does not declare office_path; it cannot be scoped.")
    return queryset.filter(**{path: office.pk if path == "pk" else office})
