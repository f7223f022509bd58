from django.urls import path

from clients import attendance_views as views

app_name = "attendance"
urlpatterns = [
    path("", views.attendance_day, name="day"),
    path("month/", views.attendance_month, name="month"),
]
