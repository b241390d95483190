"""Meetings: public calendar and pages, the evaluation link, the staff back office."""

from django.urls import path

from participation import views, views_bodies, views_public

app_name = "participation"

urlpatterns = [
    path("calendar/", views_public.calendar_page, name="calendar"),
    path("calendar.ics", views_public.calendar_ics, name="calendar_ics"),
    path("meetings/<int:meeting_id>/", views_public.meeting_page, name="meeting"),
    path("meetings/evaluate/<str:token>/", views_public.evaluate, name="evaluate"),
    path("meetings/files/<int:document_id>/", views.document_download, name="document"),
    path("associations/", views_bodies.association_list, name="associations"),
    path("associations/<int:association_id>/", views_bodies.association_page, name="association"),
    path("associations/register/", views_bodies.association_register, name="association_register"),
    path("my/<str:reference>/rate/", views_bodies.rate_decision, name="rate"),
    path("staff/bodies/commission/", views_bodies.commission, name="staff_commission"),
    path("staff/bodies/children/", views_bodies.children, name="staff_children"),
    path("staff/bodies/associations/", views_bodies.association_registry, name="staff_associations"),
    path(
        "staff/bodies/associations/<int:association_id>/<str:action>/",
        views_bodies.association_action,
        name="staff_association_action",
    ),
    path("staff/meetings/", views.meeting_list, name="staff_meetings"),
    path("staff/meetings/new/", views.meeting_new, name="staff_meeting_new"),
    path("staff/meetings/<int:meeting_id>/", views.meeting_detail, name="staff_meeting"),
    path("staff/meetings/<int:meeting_id>/edit/", views.meeting_edit, name="staff_meeting_edit"),
    path("staff/meetings/<int:meeting_id>/attendance/", views.attendance_edit, name="staff_attendance"),
    path(
        "staff/meetings/<int:meeting_id>/attendance/import/",
        views.attendance_import,
        name="staff_attendance_import",
    ),
    path(
        "staff/meetings/<int:meeting_id>/evaluations/", views.evaluation_paper, name="staff_evaluation_paper"
    ),
    path("staff/meetings/<int:meeting_id>/documents/", views.document_upload, name="staff_document_upload"),
    path("staff/meetings/<int:meeting_id>/cases/", views.case_link, name="staff_case_link"),
    path(
        "staff/meetings/<int:meeting_id>/cases/<int:case_id>/unlink/",
        views.case_unlink,
        name="staff_case_unlink",
    ),
]
