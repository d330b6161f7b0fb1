from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("inbox/", views.inbox_view, name="inbox"),
    path("tasks/<int:pk>/", views.task_view, name="task"),
    path("tasks/<int:pk>/claim/", views.claim_view, name="claim"),
    path("tasks/<int:pk>/unclaim/", views.unclaim_view, name="unclaim"),
    path("tasks/<int:pk>/complete/", views.complete_view, name="complete"),
    path("tasks/<int:pk>/suspend/", views.suspend_view, name="suspend"),
    path("tasks/<int:pk>/resume/", views.resume_view, name="resume"),
    path("tasks/<int:pk>/extension/", views.extension_view, name="extension"),
    path(
        "tasks/<int:pk>/extensions/<int:extension_pk>/decide/",
        views.extension_decide_view,
        name="extension-decide",
    ),
]
