"""Pages (namespace `escalation`)."""

from django.urls import URLPattern, URLResolver

app_name = "escalation"
urlpatterns: list[URLPattern | URLResolver] = []
