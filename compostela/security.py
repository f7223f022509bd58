"""Login throttling glue for django-axes.

``LoginThrottleBackend`` is django-axes' lock check.  Every login through the web (the login page,
the admin login) passes the request, and is counted and locked as configured in settings
(``AXES_*``).  A call of ``authenticate()`` without a request can only come from code (the test
client's ``login()``, a management command); axes cannot count it, so it is let through to the
password check instead of failing with an exception.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class LoginThrottleBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler with two limits (settings.AXES_HANDLER).

    Axes counts failures per username *and* address together (AXES_LOCKOUT_PARAMETERS), so five bad
    passwords for one user lock that user at that address only: a colleague behind the same office NAT
    still logs in.  An address alone is locked at its own, higher limit (LOGIN_ADDRESS_FAILURE_LIMIT,
    failures over all usernames), which stops one machine guessing many users.  Axes compares one count to
    one limit, so an address past its limit reports the user-and-address limit as its count.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if address:
            from_address = (
                AccessAttempt.objects.filter(ip_address=address).aggregate(total=Sum("failures_since_start"))["total"]
                or 0
            )
            if from_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
                return max(failures, settings.AXES_FAILURE_LIMIT)
        return failures


class NotLikeUsernameValidator:
    """Refuses a password built from the user's own username or names (AUTH_PASSWORD_VALIDATORS).

    Django's UserAttributeSimilarityValidator compares the whole strings, so a repeated short username
    (``es2es2es2es2`` for ``es2``) passes it; this one refuses any password that contains the username or
    a name of three characters or more, ignoring case.
    """

    attributes = ("username", "first_name", "last_name")
    code = "password_contains_user_attribute"

    def validate(self, password, user=None):
        if user is None:
            return
        lowered = password.casefold()
        for attribute in self.attributes:
            value = (getattr(user, attribute, "") or "").casefold().strip()
            if len(value) >= 3 and value in lowered:
                raise ValidationError(
                    _("The password must not contain your username or name."),
                    code=self.code,
                )

    def get_help_text(self):
        return _("Your password must not contain your username or name.")


class NoStoreWhenSignedInMiddleware:
    """Every response to a signed-in user carries ``Cache-Control: no-store`` (with Django's never-cache
    headers), so a shared office PC keeps no page, export or PDF of a client in its browser cache after
    logout.  Static files are served before this (WhiteNoise) and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page a locked-out login gets (settings.AXES_LOCKOUT_CALLABLE): HTTP 429, in the user's language."""
    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(cooloff.total_seconds() // 60) if cooloff else None,
    }
    return render(request, "compostela/locked_out.html", context, status=429)


def client_ip(request: HttpRequest) -> str:
    """The address login throttling counts (settings.AXES_CLIENT_IP_CALLABLE).

    Without a proxy it is REMOTE_ADDR.  Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each of which
    appends the address it saw to X-Forwarded-For, it is the entry the outermost trusted proxy appended;
    anything further left was written by the client and is not trusted.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")
