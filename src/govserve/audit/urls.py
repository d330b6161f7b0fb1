"""Pages of the electronic archive, namespace ``audit``: a case's archive package (电子档案包)
at /cases/<id>/archive.zip; the public checkpoints of the archive chain (档案链校验点) at
/archive/checkpoints/ and, as the checkpoint file's JSON lines, /archive/checkpoints.jsonl."""

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("cases/<int:case_id>/archive.zip", views.case_archive, name="case-archive"),
    path("archive/checkpoints/", views.checkpoint_list, name="checkpoints"),
    path("archive/checkpoints.jsonl", views.checkpoint_file, name="checkpoint-file"),
]
