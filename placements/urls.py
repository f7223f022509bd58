from django.urls import path

from placements import views

app_name = "placements"
urlpatterns = [
    path("", views.placement_index, name="index"),
    path("employers/", views.employer_list_view, name="employer_list"),
    path("employers/new/", views.employer_create_view, name="employer_create"),
    path("employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("employers/<int:pk>/people/new/", views.employer_person_create, name="employer_person_create"),
    path("contacts/", views.contact_log, name="contact_log"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("clients/<int:pk>/", views.client_detail, name="client"),
    path("clients/<int:pk>/applications/new/", views.application_create_view, name="application_create"),
    path("clients/<int:pk>/hires/new/", views.hire_create, name="hire_create"),
    path("clients/<int:pk>/outreach/new/", views.outreach_create, name="outreach_create"),
    path("applications/<int:pk>/result/", views.application_result, name="application_result"),
    path("applications/<int:pk>/interviews/new/", views.interview_create, name="interview_create"),
    path("hires/", views.hire_list_view, name="hire_list"),
    path("hires/<int:pk>/", views.hire_detail, name="hire_detail"),
    path("hires/<int:pk>/end/", views.hire_end, name="hire_end"),
    path("hires/<int:pk>/followups/new/", views.followup_create, name="followup_create"),
    path("outreach/", views.outreach_list, name="outreach_list"),
    path("figures/", views.figures, name="figures"),
]
