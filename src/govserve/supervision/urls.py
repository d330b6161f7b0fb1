"""Pages (namespace `supervision`): the supervisor's workbench (电子监察)."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "supervision"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.workbench, name="workbench"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.xlsx", views.export_xlsx, name="export-xlsx"),
]
