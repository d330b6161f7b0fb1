"""Staff pages for issued licences (证照管理), part of the ``licences`` namespace (see urls.py)."""

from django.urls import path

from . import views_lifecycle

urlpatterns = [
    path("licences/manage/", views_lifecycle.licence_list, name="manage"),
    path("licences/manage/<int:pk>/", views_lifecycle.licence_detail, name="manage-licence"),
    path("licences/manage/<int:pk>/pdf/", views_lifecycle.licence_pdf, name="manage-pdf"),
    path(
        "licences/manage/<int:pk>/<str:act>/",
        views_lifecycle.licence_action,
        name="manage-action",
    ),
]
