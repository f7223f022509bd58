from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compostela.scoping import office_required


@office_required()
def attendance_day(request: HttpRequest) -> HttpResponse:
    return render(request, "attendance/day.html")
