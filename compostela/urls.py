from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter

from compostela import dates, import_views, views

# dates in URLs are checked where they enter: another year or month matches no URL (404), never a 500
register_converter(dates.ServiceYearConverter, "service_year")
register_converter(dates.MonthNumberConverter, "month_number")
register_converter(dates.ServiceDayConverter, "service_day")

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", login_not_required(auth_views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("office/<int:pk>/", views.office_detail, name="office_detail"),
    path("office/", views.switch_office, name="switch_office"),
    path("language/", views.set_language, name="set_language"),
    path("imports/", import_views.import_upload, name="import_upload"),
    path("imports/<str:token>/", import_views.import_confirm, name="import_confirm"),
    path("clients/", include("clients.urls")),
    path("attendance/", include("attendance.urls")),
    path("review/", include("review.urls")),
    path("placements/", include("placements.urls")),
    path("billing/", include("billing.urls")),
    path("admin/", admin.site.urls),
]
