"""Pages of the follow-up room: the public /indicators/, /open-data/, /reports/ and /action-plan/
(docs/domain.md §9), and the follow-up team's /staff/audit/, /staff/reports/ and /staff/action-plan/."""

from django.urls import path

from followup import views, views_charter

app_name = "followup"

urlpatterns = [
    path("indicators/", views.indicators_page, name="indicators"),
    path("open-data/", views.open_data_page, name="open_data"),
    path("open-data/<str:name>", views.open_data_file, name="open_data_file"),
    path("staff/audit/", views.response_times_page, name="response_times"),
    path("reports/", views_charter.reports_archive, name="reports"),
    path("reports/<int:pk>/report-<str:lang>.pdf", views_charter.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/figures.json", views_charter.report_figures, name="report_figures"),
    path("staff/reports/", views_charter.staff_reports, name="staff_reports"),
    path("staff/reports/<int:pk>/", views_charter.staff_report, name="staff_report"),
    path("staff/reports/<int:pk>/publish/", views_charter.staff_report_publish, name="staff_report_publish"),
    path("staff/reports/<int:pk>/preview/", views_charter.staff_report_preview, name="staff_report_preview"),
    path("action-plan/", views_charter.action_plan_page, name="action_plan"),
    path("action-plan/evidence/<int:pk>/", views_charter.action_plan_evidence, name="action_plan_evidence"),
    path("staff/action-plan/", views_charter.staff_action_plan, name="staff_action_plan"),
    path(
        "staff/action-plan/activities/<int:pk>/",
        views_charter.staff_activity_edit,
        name="staff_activity_edit",
    ),
    path(
        "staff/action-plan/indicators/<int:pk>/",
        views_charter.staff_indicator_edit,
        name="staff_indicator_edit",
    ),
]
