"""Admin for the electronic archive: system administrators (and superusers) read the entries;
nobody adds, changes or deletes one here (the archive is append-only).
"""

from __future__ import annotations

from django.contrib import admin

from govserve.accounts import policies
from govserve.accounts.models import Role
from govserve.core.admin import ReadOnlyAdminMixin, RoleGatedAdminMixin

from .models import ArchiveEntry


def _platform_admin(request) -> bool:
    """The archive: system administrators (and superusers)."""
    user = request.user
    return policies.is_signed_in(user) and (
        user.is_superuser or policies.has_role(user, Role.SYSTEM_ADMIN)
    )


@admin.register(ArchiveEntry)
class ArchiveEntryAdmin(ReadOnlyAdminMixin, RoleGatedAdminMixin, admin.ModelAdmin):
    list_display = ["sequence", "kind", "title", "created_at", "entry_hash"]
    list_filter = ["kind"]
    search_fields = ["title", "entry_hash"]
    readonly_fields = [
        "sequence",
        "kind",
        "title",
        "case",
        "document",
        "licence",
        "content_sha256",
        "metadata",
        "previous_hash",
        "entry_hash",
        "created_at",
    ]

    def may_manage(self, request) -> bool:
        return _platform_admin(request)
