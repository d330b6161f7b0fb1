"""WSGI entry point (gunicorn/uwsgi in production)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govserve.settings")
application = get_wsgi_application()
