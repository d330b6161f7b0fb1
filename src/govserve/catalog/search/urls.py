"""Routes of the search API, included by `govserve.api.urls` at `/api/search/`."""

from django.urls import path

from .api import SearchView

urlpatterns = [path("", SearchView.as_view(), name="search")]
