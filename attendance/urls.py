from django.urls import path

from attendance import views

app_name = "attendance"
urlpatterns = [
    path("", views.attendance_day, name="day"),
    path("month/", views.attendance_month, name="month"),
    path("history/<service_day:day>/", views.attendance_day_history, name="history"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
]
