from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "govserve.workflow"
    verbose_name = _("审批流程")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (cases signals start, cancel and finish processes)
