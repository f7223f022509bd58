from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compostela.scoping import office_required


@office_required()
def client_list(request: HttpRequest) -> HttpResponse:
    return render(request, "clients/list.html")
