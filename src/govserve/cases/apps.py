from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "govserve.cases"
    verbose_name = _("办件")

    def ready(self) -> None:
        from govserve.core import hooks

        hooks.declare(
            "HELD_LICENCES",
            owner="cases",
            doc=(
                "(case, materials, *, record_use=False) → "
                "usable (material, licence) pairs (免提交)."
            ),
            optional=True,
        )
        hooks.declare(
            "LICENCE_RESULTS",
            owner="cases",
            doc="(items) → licence type code → ids of the items issuing it.",
            optional=True,
        )
        hooks.declare(
            "MATERIAL_SCANNERS",
            owner="cases",
            doc="(content: bytes) → None, raising ValidationError for an infected upload.",
            many=True,
        )
        from . import receivers  # noqa: F401  (recompute deadlines when a holiday notice is loaded)
