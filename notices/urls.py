from django.urls import path

from notices import api, views

# Mounted at the site's root by config/urls.py.
public_patterns = [
    path("notice-board/", views.notice_board, name="board"),
    path("notice-board/<str:reference>/print/", views.notice_print, name="print"),
]
# Joined to the `staff` namespace under /staff/.
staff_patterns = [
    path("cases/<str:reference>/notifications/", views.record_notification, name="notification_record"),
    path("cases/<str:reference>/posting/", views.record_posting, name="posting_record"),
]
# Joined to the `api` namespace under /api/v1/.
api_patterns = [
    path(
        "cases/<str:reference>/notifications/", api.CaseNotificationsView.as_view(), name="case-notifications"
    ),
]
