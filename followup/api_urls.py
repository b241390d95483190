from django.urls import path

from followup.api import ResponseTimesView

# Mounted at /api/v1/audit/ (docs/domain.md §10): the response-time audit kept its path.
urlpatterns = [
    path("response-times/", ResponseTimesView.as_view(), name="audit-response-times"),
]
