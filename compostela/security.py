"""Login throttling glue for django-axes.

``LoginThrottleBackend`` is django-axes' lock check.  Every login through the web (the login page,
the admin login) passes the request, and is counted and locked as configured in settings
(``AXES_*``).  A call of ``authenticate()`` without a request can only come from code (the test
client's ``login()``, a management command); axes cannot count it, so it is let through to the
password check instead of failing with an exception.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LoginThrottleBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


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
