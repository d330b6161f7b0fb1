from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "govserve.accounts"
    verbose_name = _("账户与权限")

    def ready(self) -> None:
        # Security log: logins, failed logins, lockouts, logouts (see signals.py).
        from . import signals  # noqa: F401
