from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compostela.scoping import office_required


@office_required()
def client_list(request: HttpRequest) -> HttpResponse:
    return render(request, "clients/list.html")


@office_required()
def attendance_day(request: HttpRequest) -> HttpResponse:
    return render(request, "clients/attendance_day.html")


@office_required()
def case_review(request: HttpRequest) -> HttpResponse:
    return render(request, "clients/case_review.html")
