from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compostela.scoping import office_required


@office_required()
def case_review(request: HttpRequest) -> HttpResponse:
    return render(request, "review/board.html")
