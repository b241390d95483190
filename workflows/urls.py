from django.urls import path

from . import views

app_name = "workflows"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("archive/", views.archive, name="archive"),
    path("<int:task_id>/take/", views.take, name="take"),
    path("<int:task_id>/release/", views.release, name="release"),
]
