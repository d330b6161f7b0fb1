"""Pages (namespace `tickets`)."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "tickets"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.public, name="public"),
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("follow/", views.follow, name="follow"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path(
        "<int:pk>/<str:action>/",
        views.filer_action,
        name="filer-action",
    ),
    path("staff/", views.inbox, name="inbox"),
    path("staff/queue/", views.queue, name="queue"),
    path("staff/<int:pk>/", views.staff_detail, name="staff-detail"),
    path(
        "staff/<int:pk>/attachments/<int:attachment_id>/",
        views.staff_attachment,
        name="staff-attachment",
    ),
    path("staff/<int:pk>/<str:action>/", views.staff_action, name="staff-action"),
]
