from django.urls import path

from followup import views

app_name = "followup"

urlpatterns = [
    path("staff/audit/", views.response_times_page, name="response_times"),
]
