"""config.urls, plus notifications' own URLs until the project's urlconf includes them."""

from django.urls import get_resolver, include, path

from config import urls as project_urls

urlpatterns = list(project_urls.urlpatterns)
if "notifications" not in get_resolver(project_urls).namespace_dict:
    urlpatterns.insert(0, path("notifications/", include("notifications.urls")))

handler404 = project_urls.handler404
handler403 = project_urls.handler403
handler500 = project_urls.handler500
handler400 = project_urls.handler400
