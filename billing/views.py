from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compostela.models import Role
from compostela.scoping import office_required


@office_required(Role.MANAGER)
def billing_index(request: HttpRequest) -> HttpResponse:
    return render(request, "billing/index.html")
