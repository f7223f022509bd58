from django.urls import path

from clients import views

app_name = "review"
urlpatterns = [
    path("", views.case_review, name="board"),
]
