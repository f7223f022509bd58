from django.urls import path

from clients import views

app_name = "attendance"
urlpatterns = [
    path("", views.attendance_day, name="day"),
]
