"""Pages of the electronic archive, namespace ``audit``: a case's archive package (电子档案包)
at /cases/<id>/archive.zip."""

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("cases/<int:case_id>/archive.zip", views.case_archive, name="case-archive"),
]
