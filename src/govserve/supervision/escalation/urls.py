"""Pages (namespace `escalation`), under /supervision/ beside the workbench's own paths."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "escalation"
urlpatterns: list[URLPattern | URLResolver] = [
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.issue, name="issue"),
    path("notices/replies/", views.replies, name="replies"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/reply/", views.reply_view, name="reply"),
    path("notices/<int:pk>/accept/", views.accept_view, name="accept"),
    path("notices/<int:pk>/return/", views.return_view, name="return"),
    path("escalations/", views.escalations, name="escalations"),
    path("cards/", views.cards, name="cards"),
    path("cards.csv", views.cards_csv, name="cards-csv"),
    path("ladders/", views.ladders, name="ladders"),
]
