"""Admin for the platform CA's certificates and the departments' seals: shown to system
administrators (and superusers), never added, changed or deleted here — they change only
through `pki` and `seals` (`govserve ca`). A certificate's wrapped key and its label, and a
seal's picture bytes, are not shown.
"""

from __future__ import annotations

from django.contrib import admin

from govserve.core.admin import ReadOnlyAdminMixin, RoleGatedAdminMixin
from govserve.core.pages import access

from .models import Certificate, Seal


def _platform_admin(request) -> bool:
    """System administrators (and superusers), as the accounts app says (`core.pages`)."""
    user = request.user
    return bool(user.is_authenticated and user.is_active and access().is_system_admin(user))


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, RoleGatedAdminMixin, admin.ModelAdmin):
    list_display = [
        "subject",
        "role",
        "algorithm",
        "department",
        "serial_number",
        "not_after",
        "retired_at",
        "revoked_at",
    ]
    list_filter = ["role", "algorithm"]
    search_fields = ["subject", "serial_number"]
    list_select_related = ["department"]
    # never the wrapped private key, nor its label
    fields = (
        "role",
        "algorithm",
        "department",
        "issuer",
        "serial_number",
        "subject",
        "pem",
        "not_before",
        "not_after",
        "created_at",
        "retired_at",
        "revoked_at",
        "revocation_reason",
    )
    readonly_fields = fields

    def may_manage(self, request) -> bool:
        return _platform_admin(request)


@admin.register(Seal)
class SealAdmin(ReadOnlyAdminMixin, RoleGatedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "department", "valid_from", "valid_until", "revoked_at"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    list_select_related = ["department"]
    fields = (
        "code",
        "name",
        "kind",
        "department",
        "valid_from",
        "valid_until",
        "picture_sha256",
        "width_mm",
        "height_mm",
        "certificate",
        "maker_certificate",
        "created_at",
        "revoked_at",
    )
    readonly_fields = fields

    def may_manage(self, request) -> bool:
        return _platform_admin(request)
