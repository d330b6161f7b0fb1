"""Admin mixins every app repeats: read-only records and role-gated pages.

`ReadOnlyAdminMixin` for records that are written only by services (logs, cases, issued
licences); `ReadOnlyInline` for their parts; `RoleGatedAdminMixin` shows a model only to
whoever the admin's `may_manage(request)` allows (catalog administrators, system
administrators …), so the rule is written once per admin, not in four methods.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Shown, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]  # a mixin: ModelAdmin follows
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(admin.TabularInline):
    """The parts of a read-only record, every field shown as text."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]


class RoleGatedAdminMixin:
    """The model is listed and shown to whoever `may_manage(request)` allows; add, change and
    delete follow the same rule unless a read-only mixin (placed before this one) says no."""

    def may_manage(self, request: HttpRequest) -> bool:
        raise NotImplementedError

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.may_manage(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_manage(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_manage(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_manage(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_manage(request)
