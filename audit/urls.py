from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("staff/audit/", views.response_times_page, name="response_times"),
    path("audit/digests/", views.digests_page, name="digests"),
]
