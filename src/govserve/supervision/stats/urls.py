"""Pages (namespace `statistics`)."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "statistics"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.public, name="public"),
    path("export/<slug:table>.csv", views.public_export, name="public-export"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/<slug:table>.csv", views.dashboard_export, name="dashboard-export"),
]
