from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("", views.billing_index, name="index"),
    path("month/<int:year>/<int:month>/close/", views.billing_close, name="close"),
    path("month/<int:year>/<int:month>/reopen/", views.billing_reopen, name="reopen"),
    path("month/<int:year>/<int:month>/v<int:version>/", views.billing_month_version, name="version"),
    path("tier/", views.billing_tier, name="tier"),
    path("tier/override/", views.billing_tier_override, name="tier_override"),
    path("followup-cost/", views.billing_followup_cost, name="followup_cost"),
]
