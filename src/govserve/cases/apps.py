from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "govserve.cases"
    verbose_name = _("办件")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (recompute deadlines when a holiday notice is loaded)
