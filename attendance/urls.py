from django.urls import path

from attendance import views

app_name = "attendance"
urlpatterns = [
    path("", views.attendance_day, name="day"),
    path("month/", views.attendance_month, name="month"),
    path("history/<service_day:day>/", views.attendance_day_history, name="history"),
]
