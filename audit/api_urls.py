from django.urls import path

from .api import DigestListView, ResponseTimesView

urlpatterns = [
    path("response-times/", ResponseTimesView.as_view(), name="audit-response-times"),
    path("digests/", DigestListView.as_view(), name="audit-digests"),
]
