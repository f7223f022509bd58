from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compostela.scoping import office_required


@office_required()
def placement_index(request: HttpRequest) -> HttpResponse:
    return render(request, "placements/index.html")
