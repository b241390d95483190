from django.urls import path

from .api import ResponseTimesView

urlpatterns = [path("response-times/", ResponseTimesView.as_view(), name="audit-response-times")]
