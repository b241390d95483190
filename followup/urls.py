"""Pages of the follow-up room: the public /indicators/ and /open-data/ (docs/domain.md §9), and the
follow-up team's response-time audit /staff/audit/."""

from django.urls import path

from followup import views

app_name = "followup"

urlpatterns = [
    path("indicators/", views.indicators_page, name="indicators"),
    path("open-data/", views.open_data_page, name="open_data"),
    path("open-data/<str:name>", views.open_data_file, name="open_data_file"),
    path("staff/audit/", views.response_times_page, name="response_times"),
]
