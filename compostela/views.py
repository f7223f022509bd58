from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from compostela.models import Office, Role
from compostela.scoping import SESSION_OFFICE_KEY, has_role, office_required, request_memberships, scoped
from compostela.selectors import office_staff
from compostela.services import user_set_language


@office_required()
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "compostela/home.html")


@office_required()
def office_detail(request: HttpRequest, pk: int) -> HttpResponse:
    office = get_object_or_404(scoped(request, Office), pk=pk)
    return render(
        request,
        "compostela/office_detail.html",
        {"office": office, "staff": office_staff(office=office), "can_see_reads": has_role(request, Role.MANAGER)},
    )


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.headers.get("referer") or fallback
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
def switch_office(request: HttpRequest) -> HttpResponse:
    """Choose which of the user's offices the following pages work in."""
    try:
        office_id = int(request.POST.get("office", ""))
    except ValueError:
        return HttpResponseBadRequest()
    if office_id not in {m.office_id for m in request_memberships(request)}:
        return HttpResponseBadRequest()
    request.session[SESSION_OFFICE_KEY] = office_id
    return redirect("home")


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: saved on the user, and in a cookie for the login page."""
    language = request.POST.get("language", "")
    if not translation.check_for_language(language) or language not in {"ja", "en"}:
        return HttpResponseBadRequest()
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    response = redirect(_safe_next(request, "/"))
    response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
    return response
