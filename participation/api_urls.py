"""The participation API, mounted by config/urls.py at /api/v1/ (docs/domain.md §10)."""

from django.urls import path

from participation import api

urlpatterns = [
    path("meetings/", api.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/<int:meeting_id>/", api.MeetingDetailView.as_view(), name="meeting-detail"),
    path("associations/", api.AssociationListView.as_view(), name="association-list"),
    path(
        "associations/<int:association_id>/", api.AssociationDetailView.as_view(), name="association-detail"
    ),
]
