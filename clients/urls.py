from django.urls import path

from clients import document_views, read_views, views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("export.csv", views.client_export, name="export"),
    path("new/", views.client_register, name="register"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/history/", views.client_history, name="history"),
    path("<int:pk>/reads/", read_views.client_reads, name="reads"),
    path("reads/staff/<int:pk>/", read_views.staff_reads, name="staff_reads"),
    path("<int:pk>/status/", views.client_status, name="status"),
    path("<int:pk>/return/", views.client_return, name="return"),
    path("<int:pk>/certificates/new/", views.certificate_add, name="certificate_add"),
    path("<int:pk>/health/", views.health_edit, name="health"),
    path("<int:pk>/profile/", views.profile_edit, name="profile"),
    path("<int:pk>/profile/history/", views.profile_history, name="profile_history"),
    path("<int:pk>/plans/new/", views.plan_create, name="plan_create"),
    path("<int:pk>/notes/new/", views.note_add, name="note_add"),
    path("plans/<int:pk>/close/", views.plan_close, name="plan_close"),
    path("plans/<int:pk>/agreement/", views.plan_agreement, name="plan_agreement"),
    path("plans/<int:pk>/review/", views.plan_review, name="plan_review"),
    # print and sign (clients/document_views.py)
    path("plans/<int:pk>/pdf/", document_views.plan_pdf, name="plan_pdf"),
    path("monitoring/<int:pk>/pdf/", document_views.monitoring_pdf, name="monitoring_pdf"),
    path("plans/<int:pk>/signature/", document_views.plan_signature_add, name="plan_signature_add"),
    path("signatures/<int:pk>/", document_views.plan_signature_file, name="plan_signature_file"),
]
