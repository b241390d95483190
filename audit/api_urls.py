from django.urls import path

from audit.api import DigestListView

urlpatterns = [
    path("digests/", DigestListView.as_view(), name="audit-digests"),
]
