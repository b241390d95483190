"""The follow-up team's public API, mounted at /api/v1/ (docs/domain.md §10)."""

from django.urls import path

from . import api

urlpatterns = [
    path("indicators/", api.IndicatorsView.as_view(), name="indicators-api"),
]
