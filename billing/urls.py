from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("", views.billing_index, name="index"),
    path("month/<int:year>/<int:month>/close/", views.billing_close, name="close"),
    path("month/<int:year>/<int:month>/reopen/", views.billing_reopen, name="reopen"),
    path("month/<int:year>/<int:month>/history/", views.billing_month_history, name="month_history"),
    path("month/<int:year>/<int:month>/v<int:version>/", views.billing_month_version, name="version"),
    path("tier/", views.billing_tier, name="tier"),
    path("tier/override/", views.billing_tier_override, name="tier_override"),
    path("followup-cost/", views.billing_followup_cost, name="followup_cost"),
    # documents and exports (issue 9)
    path("month/<int:year>/<int:month>/summary.pdf", views.billing_month_summary_pdf, name="month_summary_pdf"),
    path("month/<int:year>/<int:month>/claims.<str:fmt>", views.billing_month_export, name="month_export"),
    path("followup-cost/export.<str:fmt>", views.billing_followup_export, name="followup_export"),
    path("documents/new/", views.billing_document_new, name="document_new"),
    path("documents/<int:pk>/status/", views.billing_document_status, name="document_status"),
    path("documents/<int:pk>/download/", views.billing_document_download, name="document_download"),
]
