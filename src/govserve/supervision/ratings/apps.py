from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "govserve.supervision.ratings"
    label = "supervision_ratings"
    verbose_name = _("好差评")

    def ready(self) -> None:
        from govserve.supervision.registries import CASE_HISTORY, METRIC_SOURCES, OVERDUE_SOURCES

        from . import (
            receivers,  # noqa: F401  (cases signals: invitations to rate)
            selectors,
        )

        OVERDUE_SOURCES.register("rectification", selectors.overdue_rectifications)
        CASE_HISTORY.register("ratings", selectors.case_history)
        METRIC_SOURCES.register("ratings", selectors.metric_rows)
