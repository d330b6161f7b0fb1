"""Pages (namespace `ratings`)."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "ratings"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.public, name="public"),
    path("mine/", views.mine, name="mine"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:pk>/", views.appeal, name="appeal"),
]
