from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "govserve.licences"
    verbose_name = _("电子证照与电子印章")

    def ready(self) -> None:
        from govserve.core import hooks

        hooks.declare(
            "KEY_STORE",
            owner="licences",
            doc="A KeyStore class that wraps and unwraps the platform CA's private keys.",
        )
        from . import receivers  # noqa: F401  (issue on approval, archive documents)
