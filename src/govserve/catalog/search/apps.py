"""Public catalog search (检索): jieba tokens, pinyin, initials, synonyms, one wrong character.

Its own app (label `catalog_search`) so its index tables and their backend-specific
migrations (SQLite FTS5, PostgreSQL tsvector + trigram) stay apart from the catalog's.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogSearchConfig(AppConfig):
    name = "govserve.catalog.search"
    label = "catalog_search"
    verbose_name = _("事项检索")

    def ready(self) -> None:
        from . import signals

        signals.connect()
