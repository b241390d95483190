"""URLs of the cases' JSON API; config/urls.py mounts them at /api/v1/ (docs/domain.md §10) under the
`api` namespace, beside the petitions' ones. No Swagger UI: it loads assets from a CDN."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from cases import api, api_committees

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="token"),
    path("committees/", api.CommitteeListView.as_view(), name="committee-list"),
    path("services/", api.ServiceListView.as_view(), name="service-list"),
    path("sessions/", api.SessionListView.as_view(), name="session-list"),
    path("rules/", api.RulesView.as_view(), name="rules"),
    path("cases/", api.CaseListCreateView.as_view(), name="case-list"),
    path("cases/<str:reference>/", api.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<str:reference>/transitions/", api.CaseTransitionListView.as_view(), name="case-transitions"),
    path(
        "cases/<str:reference>/transitions/<str:name>/",
        api.CaseTransitionView.as_view(),
        name="case-transition",
    ),
    path(
        "cases/<str:reference>/committees/",
        api_committees.CaseCommitteeListView.as_view(),
        name="case-committees",
    ),
    path(
        "cases/<str:reference>/committees/<int:committee_id>/opinion/",
        api_committees.CaseCommitteeOpinionView.as_view(),
        name="case-committee-opinion",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
