"""Pages: a case's archive package (电子档案包); see licences/urls.py (owner module)."""

from django.urls import path

from . import views_archive

urlpatterns: list = [
    path("cases/<int:case_id>/archive.zip", views_archive.case_archive, name="case-archive"),
]
