from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "govserve.catalog"
    verbose_name = _("政务服务事项")

    def ready(self) -> None:
        from govserve.core import hooks

        hooks.declare(
            "ITEM_VISIBILITY",
            owner="catalog",
            doc="(user, queryset) → the items a user may see beyond the published ones.",
            optional=True,
        )
