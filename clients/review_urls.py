from django.urls import path

from clients import review_views as views

app_name = "review"
urlpatterns = [
    path("", views.case_review, name="board"),
]
