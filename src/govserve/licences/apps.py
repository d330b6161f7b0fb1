from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "govserve.licences"
    verbose_name = _("电子证照")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (issue on approval)
