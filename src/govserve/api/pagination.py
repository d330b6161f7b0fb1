"""Paging of every API list (`REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]`).

DRF's `LimitOffsetPagination` takes any `?limit=`: `?limit=100000000` returned a whole table in
one answer. Here a page holds at most `MAX_LIMIT` rows (a larger limit is that many, as DRF does
with `max_limit`); `next` leads on to the rest.
"""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 100


class Pagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT
