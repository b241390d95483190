from django.urls import path

from workflows import sessions, views

app_name = "workflows"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/archive/", views.archive, name="archive"),
    path("inbox/<int:task_id>/take/", views.take, name="take"),
    path("inbox/<int:task_id>/release/", views.release, name="release"),
    path("sessions/", sessions.session_list, name="sessions"),
    path("sessions/generate/", sessions.generate, name="sessions_generate"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session"),
    path("sessions/<int:pk>/print/", sessions.session_print, name="session_print"),
]
