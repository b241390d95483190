"""The site's URL map: each room's lists mounted here, so no app imports another's URLs."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import LoginView
from cases import api_urls as case_api_urls
from cases import urls as case_urls
from followup import api_urls as followup_api_urls
from notices import urls as notice_urls
from participation import api_urls as participation_api_urls
from petitions import urls as petition_urls

api_patterns = case_api_urls.urlpatterns + petition_urls.api_patterns + notice_urls.api_patterns

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/audit/", include(followup_api_urls.audit_urlpatterns)),
    path("api/v1/audit/", include("audit.api_urls")),
    path("api/v1/", include(followup_api_urls.urlpatterns)),
    path("api/v1/national/", include(followup_api_urls.national_urlpatterns)),
    path("api/v1/", include((api_patterns, "api"))),
    path("api/v1/", include((participation_api_urls.urlpatterns, "participation_api"))),
    path("", include("followup.urls")),
    path("", include("followup.national_urls")),
    path("", include("audit.urls")),
    path("", include("participation.urls")),
    path("staff/", include("workflows.urls")),
    path("notifications/", include("notifications.urls")),
    # Log in, then the site speaks the user's saved language.
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("", include("letters.urls")),
    path("", include((notice_urls.public_patterns, "notices"))),
    path("", include((case_urls.public_patterns, "public"))),
    path("files/", include((case_urls.file_patterns, "files"))),
    path("", include((petition_urls.petition_patterns, "petitions"))),
    path(
        "staff/",
        include(
            (case_urls.staff_patterns + petition_urls.staff_patterns + notice_urls.staff_patterns, "staff")
        ),
    ),
    path("cases/", include((case_urls.case_patterns + petition_urls.case_patterns, "cases"))),
]

# Uploaded files are never served from MEDIA_URL, DEBUG or not: only through /files/<id>/,
# which applies the case's rules (README: documents).

handler404 = "core.views.not_found"
handler403 = "core.views.forbidden"
handler500 = "core.views.server_error"
handler400 = "core.views.bad_request"
