from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "govserve.core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the hook check)
            hooks,
        )

        hooks.declare(
            "PAGE_ACCESS",
            owner="core",
            doc="Who is signed in, staff or administrator, and the navigation context of pages.",
        )
