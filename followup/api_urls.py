"""The follow-up room's API (docs/domain.md §10): config/urls.py mounts `urlpatterns` at /api/v1/ and
`audit_urlpatterns` at /api/v1/audit/ (the response-time audit kept its path)."""

from django.urls import path

from followup.api import IndicatorsView, ResponseTimesView
from followup.api_national import ComparisonView

urlpatterns = [
    path("indicators/", IndicatorsView.as_view(), name="indicators-api"),
]

audit_urlpatterns = [
    path("response-times/", ResponseTimesView.as_view(), name="audit-response-times"),
]

national_urlpatterns = [
    path("comparison/", ComparisonView.as_view(), name="national-comparison-api"),
]
