"""Meetings: public calendar and pages, the evaluation link, the staff back office."""

from django.urls import path

from participation import views, views_public

app_name = "participation"

urlpatterns = [
    path("calendar/", views_public.calendar_page, name="calendar"),
    path("calendar.ics", views_public.calendar_ics, name="calendar_ics"),
    path("meetings/<int:meeting_id>/", views_public.meeting_page, name="meeting"),
    path("meetings/evaluate/<str:token>/", views_public.evaluate, name="evaluate"),
    path("meetings/files/<int:document_id>/", views.document_download, name="document"),
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
