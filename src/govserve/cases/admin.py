"""Admin for cases: read-mostly. A case's state never changes here except through the services
(the "受理" action calls services.accept); every related record is shown read-only. Staff see
the cases their posts cover (selectors.visible_cases); ID and mobile numbers stay masked.

Application-form fields (FormField) are maintained by catalog administrators of the item's
region and level (accounts.policies.can_change_item); everyone else with access reads them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govserve.accounts import policies
from govserve.accounts.masking import mask_mobile
from govserve.accounts.models import Role
from govserve.catalog.models import ImplementationItem
from govserve.core.admin import ReadOnlyAdminMixin, ReadOnlyInline, RoleGatedAdminMixin
from govserve.core.errors import Refused

from . import selectors, services
from .models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseItem,
    CaseMaterial,
    ClockSuspension,
    DeadlineRecord,
    Extension,
    FormField,
    Notification,
    Visit,
)


def _case_staff(request) -> bool:
    user = request.user
    return policies.is_signed_in(user) and (
        user.is_superuser
        or bool(policies.active_grants(user, policies.CASE_ROLES | {Role.SUPERVISOR}))
    )


class CaseItemInline(ReadOnlyInline):
    model = CaseItem
    fields = ["item", "department", "outcome", "reasons", "reviewed_by", "reviewed_at"]


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "label", "actor_role", "actor", "department", "note", "public"]


class CaseMaterialInline(ReadOnlyInline):
    model = CaseMaterial
    fields = ["name", "origin", "original_name", "content_type", "size", "status", "uploaded_at"]


class CaseDocumentInline(ReadOnlyInline):
    model = CaseDocument
    fields = ["kind", "number", "issued_on", "department", "file"]


class ClockSuspensionInline(ReadOnlyInline):
    model = ClockSuspension
    fields = ["reason", "explanation", "starts_on", "expected_end", "ends_on", "department"]


class ExtensionInline(ReadOnlyInline):
    model = Extension
    fields = ["days", "reasons", "state", "requested_by", "decided_by", "decided_at"]


class VisitInline(ReadOnlyInline):
    model = Visit
    fields = ["at", "purpose", "hall", "recorded_by"]


class DeadlineRecordInline(ReadOnlyInline):
    model = DeadlineRecord
    fields = [
        "at",
        "cause",
        "acceptance_due",
        "statutory_due",
        "promised_due",
        "delivery_due",
        "provisional",
    ]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, RoleGatedAdminMixin, admin.ModelAdmin):
    # Read-only: cases are filed through the pages and the API, states change only through
    # the services (the actions below), and a case is a record of an administrative act.
    list_display = [
        "number",
        "title",
        "state",
        "department",
        "region",
        "channel",
        "acceptance_due",
        "current_due",
        "due_provisional",
        "created_at",
    ]
    list_filter = [
        "state",
        "channel",
        "green_channel",
        "due_provisional",
        "clock_stopped",
        "department",
    ]
    search_fields = ["number", "title"]
    date_hierarchy = "created_at"
    list_select_related = ["department", "region"]
    ordering = ["current_due", "-created_at"]
    actions = ["accept_selected"]
    inlines = [
        CaseItemInline,
        CaseEventInline,
        CaseMaterialInline,
        CaseDocumentInline,
        ClockSuspensionInline,
        ExtensionInline,
        VisitInline,
        DeadlineRecordInline,
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "title",
                    "item",
                    "bundle",
                    "region",
                    "department",
                    "state",
                    "outcome",
                    "decision_reasons",
                    "green_channel",
                ]
            },
        ),
        (
            gettext_lazy("申请人"),
            {
                "fields": [
                    "applicant_name",
                    "masked_id_number",
                    "masked_mobile",
                    "organisation",
                    "channel",
                    "filed_by",
                    "hall",
                    "window",
                    "form_data",
                    "delivery_method",
                    "delivery_address",
                    "visits_count",
                ]
            },
        ),
        (
            gettext_lazy("期限"),
            {
                "fields": [
                    "submitted_at",
                    "received_on",
                    "acceptance_due",
                    "accepted_on",
                    "deemed_accepted",
                    "statutory_limit_days",
                    "promised_limit_days",
                    "extension_days",
                    "statutory_due",
                    "promised_due",
                    "delivery_due",
                    "current_due",
                    "due_provisional",
                    "clock_stopped",
                    "decided_at",
                    "delivered_at",
                    "closed_at",
                ]
            },
        ),
    ]

    @admin.display(description=gettext_lazy("申请人证件号码"))
    def masked_id_number(self, obj: Case) -> str:
        return selectors.masked_applicant(obj)["id_number"]

    @admin.display(description=gettext_lazy("联系电话"))
    def masked_mobile(self, obj: Case) -> str:
        return mask_mobile(obj.contact_mobile)

    def get_readonly_fields(self, request, obj=None):
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]

    def get_queryset(self, request):
        return selectors.visible_cases(request.user)

    def may_manage(self, request) -> bool:
        return _case_staff(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = selectors.get_visible_case(request.user, object_id)
        if case is not None:
            selectors.log_personal_data_read(request.user, case, channel="admin")
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=gettext_lazy("受理所选办件（出具受理通知书）"))
    def accept_selected(self, request, queryset):
        done = 0
        for case in queryset:
            try:
                services.accept(case, request.user)
                done += 1
            except Refused as exc:
                self.message_user(request, f"{case}：{exc.message}", messages.ERROR)
        if done:
            self.message_user(request, _("已受理 %(n)d 件") % {"n": done}, messages.SUCCESS)


class FormFieldForm(forms.ModelForm):
    class Meta:
        model = FormField
        fields = [
            "item",
            "key",
            "label",
            "field_type",
            "required",
            "choices",
            "max_length",
            "min_value",
            "max_value",
            "help_text",
            "order",
        ]

    request_user = None

    def clean_item(self):
        item = self.cleaned_data["item"]
        if not policies.can_change_item(self.request_user, item):
            raise ValidationError(_("您无权维护该事项的申请表：超出您的目录管理区划或层级"))
        return item

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("field_type") == "choice" and not cleaned.get("choices"):
            self.add_error("choices", _("单选字段须填写可选项"))
        if cleaned.get("choices") and not isinstance(cleaned["choices"], list):
            self.add_error("choices", _('可选项应为列表，如 ["是", "否"]'))
        low, high = cleaned.get("min_value"), cleaned.get("max_value")
        for name in ("min_value", "max_value"):
            if cleaned.get(name) is not None and cleaned.get("field_type") != "number":
                self.add_error(name, _("只有数字字段可以设置最小值、最大值"))
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _("最大值不能小于最小值"))
        return cleaned


def _catalog_admin(request) -> bool:
    user = request.user
    return policies.is_signed_in(user) and (
        user.is_superuser or bool(policies.active_grants(user, policies.CATALOG_ROLES))
    )


@admin.register(FormField)
class FormFieldAdmin(RoleGatedAdminMixin, admin.ModelAdmin):
    form = FormFieldForm
    list_display = ["label", "key", "item", "field_type", "required", "order"]
    list_filter = [("item", admin.RelatedOnlyFieldListFilter), "field_type", "required"]
    search_fields = ["label", "key", "item__name", "item__implementation_code"]
    list_select_related = ["item"]
    raw_id_fields = ["item"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(
            item__in=ImplementationItem.objects.filter(policies.changeable_items_q(request.user))
        )

    def may_manage(self, request) -> bool:
        return _catalog_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return _catalog_admin(request)
        return policies.can_change_item(request.user, obj.item)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, RoleGatedAdminMixin, admin.ModelAdmin):
    """Messages sent to applicants: read-only (they are written by the services)."""

    list_display = ["subject", "case", "created_at", "read_at", "emailed_at"]
    list_filter = ["read_at", "emailed_at"]
    search_fields = ["subject", "case__number"]
    list_select_related = ["case"]
    readonly_fields = [
        "recipient",
        "case",
        "subject",
        "body",
        "created_at",
        "read_at",
        "emailed_at",
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("case")
        if request.user.is_superuser:
            return qs
        return qs.filter(case__in=selectors.visible_cases(request.user))

    def may_manage(self, request) -> bool:
        return _case_staff(request)
