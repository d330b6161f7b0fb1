"""The Celery application: `celery -A govserve worker` / `celery -A govserve beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govserve.settings")

app = Celery("govserve")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
