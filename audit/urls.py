from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("audit/digests/", views.digests_page, name="digests"),
]
