from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("items/<int:pk>/", views.item_guide, name="item"),
    path("lists/power/", views.power_list, name="power-list"),
    path("lists/responsibility/", views.responsibility_list, name="responsibility-list"),
    path("lists/negative/", views.negative_list, name="negative-list"),
    path("bundles/", views.bundle_list, name="bundles"),
    path("bundles/<str:code>/", views.bundle_detail, name="bundle"),
    path("ledger/", views.ledger, name="ledger"),
    path("stats/", views.statistics, name="stats"),
]
