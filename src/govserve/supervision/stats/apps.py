from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "govserve.supervision.stats"
    label = "supervision_stats"
    verbose_name = _("改革统计")

    def ready(self) -> None:
        from govserve.supervision.registries import METRIC_SOURCES

        from . import sources

        METRIC_SOURCES.register("cases", sources.case_rows)
        METRIC_SOURCES.register("licences", sources.licence_rows)
        METRIC_SOURCES.register("catalog", sources.catalog_rows)
