from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "govserve.signing"
    verbose_name = _("证书与电子印章")

    def ready(self) -> None:
        from govserve.core import hooks

        hooks.declare(
            "KEY_STORE",
            owner="signing",
            doc="A KeyStore class that wraps and unwraps the platform CA's private keys.",
        )
