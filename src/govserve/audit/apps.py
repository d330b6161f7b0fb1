from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "govserve.audit"
    verbose_name = _("电子档案")

    def ready(self) -> None:
        from govserve.licences import verification

        from . import receivers  # noqa: F401  (archive documents, licences, status changes)
        from .archive import archived_document_seal

        # Verification of an uploaded notice or decision finds its SM2 seal signature here.
        verification.document_seal_sources.register("archive", archived_document_seal)
