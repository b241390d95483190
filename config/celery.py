"""Celery application. With no CELERY_BROKER_URL, notifications.dispatch runs tasks in-process."""

import os

from celery import Celery

# Like wsgi.py: a worker or beat started without DJANGO_SETTINGS_MODULE runs production settings
# (which refuse to start without their secrets) rather than the development ones. `make worker`
# and `make beat` choose the local settings for development.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("mithaq")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
