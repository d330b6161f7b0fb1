from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "govserve.supervision.stats"
    label = "supervision_stats"
    verbose_name = _("改革统计")
