from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "govserve.supervision.escalation"
    label = "supervision_escalation"
    verbose_name = _("督办与超期升级")
