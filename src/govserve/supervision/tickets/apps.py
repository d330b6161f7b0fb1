from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "govserve.supervision.tickets"
    label = "supervision_tickets"
    verbose_name = _("投诉建议（12345）")
