"""Static files finder that leaves out the apps whose assets Mithaq never serves.

viewflow ships 49 MB of Material UI assets for its own screens, which Mithaq does not mount
(docs/architecture.md: our inbox and pages replace them). One of its stylesheets refers to a
font file that is not in the wheel, which makes the manifest storage of production abort.
"""

from django.conf import settings
from django.contrib.staticfiles.finders import AppDirectoriesFinder


class ProjectAppDirectoriesFinder(AppDirectoriesFinder):
    def __init__(self, app_names=None, *args, **kwargs):
        super().__init__(app_names, *args, **kwargs)
        excluded = set(getattr(settings, "MITHAQ_STATIC_EXCLUDED_APPS", ()))
        self.apps = [app for app in self.apps if app not in excluded]
        self.storages = {app: storage for app, storage in self.storages.items() if app not in excluded}
