from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "govserve.supervision.tickets"
    label = "supervision_tickets"
    verbose_name = _("投诉建议（12345）")

    def ready(self) -> None:
        from govserve.supervision.registries import CASE_HISTORY, METRIC_SOURCES, OVERDUE_SOURCES

        from . import selectors

        OVERDUE_SOURCES.register("ticket", selectors.overdue_tickets, replace=True)
        CASE_HISTORY.register("tickets", selectors.case_history, replace=True)
        METRIC_SOURCES.register("tickets", selectors.metric_rows, replace=True)
