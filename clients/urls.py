from django.urls import path

from clients import document_views, plan_views, read_views, views

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
    path("<int:pk>/certificates/<int:certificate_id>/cap-management/", views.certificate_cap_manager,
         name="certificate_cap_manager"),
    path("<int:pk>/health/", views.health_edit, name="health"),
    path("<int:pk>/profile/", views.profile_edit, name="profile"),
    path("<int:pk>/profile/history/", views.profile_history, name="profile_history"),
    path("<int:pk>/plans/new/", plan_views.plan_create, name="plan_create"),
    path("<int:pk>/notes/new/", views.note_add, name="note_add"),
    # the individual support plan (clients/plan_views.py); print and signatures are added beside these
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plan_views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/meeting/", plan_views.plan_meeting, name="plan_meeting"),
    path("plans/<int:pk>/agreement/", plan_views.plan_agreement, name="plan_agreement"),
    path("plans/<int:pk>/handed-over/", plan_views.plan_delivery, name="plan_delivery"),
    path("plans/<int:pk>/consultation-copy/", plan_views.plan_consultation, name="plan_consultation"),
    path("plans/<int:pk>/revise/", plan_views.plan_revise, name="plan_revise"),
    path("plans/<int:pk>/close/", plan_views.plan_close, name="plan_close"),
    path("plans/<int:pk>/review/", plan_views.plan_review, name="plan_review"),
    # print and sign (clients/document_views.py)
    path("plans/<int:pk>/pdf/", document_views.plan_pdf, name="plan_pdf"),
    path("monitoring/<int:pk>/pdf/", document_views.monitoring_pdf, name="monitoring_pdf"),
    path("plans/<int:pk>/signature/", document_views.plan_signature_add, name="plan_signature_add"),
    path("signatures/<int:pk>/", document_views.plan_signature_file, name="plan_signature_file"),
]
