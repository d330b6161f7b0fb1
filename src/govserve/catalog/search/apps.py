from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogSearchConfig(AppConfig):
    name = "govserve.catalog.search"
    label = "catalog_search"
    verbose_name = _("事项检索")
