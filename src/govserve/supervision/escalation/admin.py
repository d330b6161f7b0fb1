"""Admin: ladders are edited here by system administrators of the region (and above); escalation
records, 督办 notices and red/yellow cards are read-only (written by the services), each
showing only what the user's supervision or department scope covers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from govserve.accounts import policies
from govserve.accounts.models import Role
from govserve.core.admin import ReadOnlyAdminMixin, ReadOnlyInline, RoleGatedAdminMixin

from . import selectors
from .models import (
    EfficiencyCard,
    Escalation,
    EscalationLadder,
    EscalationStep,
    NoticeEvent,
    SupervisionNotice,
)


def _oversight(request: HttpRequest) -> bool:
    user = request.user
    return policies.is_signed_in(user) and (
        user.is_superuser
        or bool(policies.active_grants(user, {Role.SUPERVISOR, Role.REVIEWER, Role.APPROVER}))
    )


class EscalationStepInline(admin.TabularInline):
    model = EscalationStep
    extra = 1


@admin.register(EscalationLadder)
class EscalationLadderAdmin(RoleGatedAdminMixin, admin.ModelAdmin):
    list_display = ["region", "note", "updated_at"]
    search_fields = ["region__name", "region__code"]
    autocomplete_fields = ["region"]
    inlines = [EscalationStepInline]

    def may_manage(self, request: HttpRequest) -> bool:
        user = request.user
        return policies.is_signed_in(user) and (
            user.is_superuser or policies.has_role(user, Role.SYSTEM_ADMIN)
        )

    def _covers(self, request: HttpRequest, obj: Any) -> bool:
        return obj is None or policies.can_administer_region(request.user, obj.region)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_manage(request) and self._covers(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_manage(request) and self._covers(request, obj)

    def get_queryset(self, request: HttpRequest):
        qs = super().get_queryset(request).select_related("region")
        if request.user.is_superuser:
            return qs
        grants = policies.active_grants(request.user, [Role.SYSTEM_ADMIN])
        return qs.filter(policies.scope_q(grants))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not policies.can_administer_region(request.user, obj.region):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class NoticeEventInline(ReadOnlyInline):
    model = NoticeEvent


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdminMixin, RoleGatedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "subject", "department", "region", "due", "state"]
    list_filter = ["state"]
    search_fields = ["number", "subject"]
    inlines = [NoticeEventInline]

    def may_manage(self, request: HttpRequest) -> bool:
        return _oversight(request)

    def get_queryset(self, request: HttpRequest):
        return selectors.visible_notices(request.user)


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdminMixin, RoleGatedAdminMixin, admin.ModelAdmin):
    list_display = ["key", "step", "target", "days_late", "recipients", "department", "at"]
    list_filter = ["kind", "target"]
    search_fields = ["key", "title"]

    def may_manage(self, request: HttpRequest) -> bool:
        return _oversight(request)

    def get_queryset(self, request: HttpRequest):
        return selectors.visible_escalations(request.user)


@admin.register(EfficiencyCard)
class EfficiencyCardAdmin(ReadOnlyAdminMixin, RoleGatedAdminMixin, admin.ModelAdmin):
    list_display = ["level", "month", "department", "person", "reason", "at"]
    list_filter = ["level", "month"]
    search_fields = ["reason", "key"]

    def may_manage(self, request: HttpRequest) -> bool:
        return _oversight(request)

    def get_queryset(self, request: HttpRequest):
        return selectors.visible_cards(request.user)
