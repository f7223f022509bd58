from django.urls import path

from review import views

app_name = "review"
urlpatterns = [
    path("", views.case_review, name="board"),
    path("settings/", views.review_settings, name="settings"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/note/", views.note, name="note"),
    path("<int:pk>/mark/", views.mark, name="mark"),
]
