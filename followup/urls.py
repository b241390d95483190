"""Public pages: /indicators/ and /open-data/ (docs/domain.md §9)."""

from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("indicators/", views.indicators_page, name="indicators"),
    path("open-data/", views.open_data_page, name="open_data"),
    path("open-data/<str:name>", views.open_data_file, name="open_data_file"),
]
