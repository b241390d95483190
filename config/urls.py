from django.contrib import admin
from django.urls import include, path

from accounts.views import LoginView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/audit/", include("audit.api_urls")),
    path("api/v1/", include("followup.api_urls")),
    path("api/v1/", include("cases.api_urls")),
    path("", include("audit.urls")),
    path("", include("followup.urls")),
    path("staff/", include("workflows.urls")),
    path("notifications/", include("notifications.urls")),
    # Log in, then the site speaks the user's saved language.
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/", include("accounts.urls")),
    path("", include("cases.urls")),
]

# Uploaded files are never served from MEDIA_URL, DEBUG or not: only through /files/<id>/,
# which applies the case's rules (README: documents).

handler404 = "cases.views.errors.not_found"
handler403 = "cases.views.errors.forbidden"
handler500 = "cases.views.errors.server_error"
handler400 = "cases.views.errors.bad_request"
