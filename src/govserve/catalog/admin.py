"""Catalog administration (事项管理) in the Django admin, in Chinese.

Lifecycle changes go through services so the history (ItemEvent) is always kept.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import rules, services
from .models import (
    BasicItem,
    Bundle,
    BundleItem,
    CommonMaterial,
    Fee,
    ImplementationItem,
    ItemEvent,
    LegalBasis,
    Material,
    NegativeListEntry,
    Responsibility,
    SearchSynonym,
)


class LegalBasisInline(admin.TabularInline):
    model = LegalBasis
    extra = 0


@admin.register(BasicItem)
class BasicItemAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "local_code", "item_type", "parent"]
    list_filter = ["item_type"]
    search_fields = ["name", "code", "local_code"]
    autocomplete_fields = ["parent"]
    inlines = [LegalBasisInline]


class MaterialInline(admin.StackedInline):
    model = Material
    extra = 0
    autocomplete_fields = ["common"]
    fields = [
        ("name", "common"),
        ("issuing_body", "source", "form"),
        ("originals", "copies", "required"),
        "required_note",
        "requirements",
        ("blank_form", "sample"),
        "order",
    ]


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


class ResponsibilityInline(admin.StackedInline):
    model = Responsibility
    extra = 0


class ItemEventInline(admin.TabularInline):
    model = ItemEvent
    extra = 0
    can_delete = False
    readonly_fields = fields = (
        "action",
        "from_state",
        "to_state",
        "effective_date",
        "version",
        "reason",
        "document_no",
        "actor",
        "created_at",
    )

    def has_add_permission(self, request, obj=None):
        return False


def _lifecycle_action(action: str, label):
    def run(modeladmin, request, queryset):
        done = 0
        for item in queryset:
            try:
                services.change_state(item, action, actor=request.user, reason="管理后台批量操作")
                done += 1
            except (services.LifecycleError, ValidationError) as exc:
                detail = getattr(exc, "message", None) or "; ".join(
                    getattr(exc, "messages", [str(exc)])
                )
                modeladmin.message_user(request, f"{item}: {detail}", messages.ERROR)
        if done:
            modeladmin.message_user(
                request, _("已处理 %(n)s 个事项") % {"n": done}, messages.SUCCESS
            )

    admin.action(run, description=label)  # sets run.short_description
    run.__name__ = f"action_{action}"
    return run


@admin.register(ImplementationItem)
class ImplementationItemAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "department",
        "region",
        "item_type",
        "exercise_level",
        "promised_limit_days",
        "statutory_limit_days",
        "fully_online",
        "state",
        "version",
    ]
    list_filter = [
        "state",
        "item_type",
        "exercise_level",
        "fully_online",
        "elements_complete",
        "case_type",
    ]
    search_fields = ["name", "implementation_code", "local_code", "keywords"]
    autocomplete_fields = [
        "basic_item",
        "region",
        "department",
        "co_departments",
        "delegated_from",
        "merged_into",
    ]
    readonly_fields = ["state", "version", "end_date", "created_at", "updated_at"]
    list_select_related = ["department", "region"]
    inlines = [MaterialInline, FeeInline, ResponsibilityInline, ItemEventInline]
    actions = [
        _lifecycle_action(ItemEvent.Action.PUBLISH, gettext_lazy("发布所选事项")),
        _lifecycle_action(ItemEvent.Action.SUSPEND, gettext_lazy("暂停所选事项")),
        _lifecycle_action(ItemEvent.Action.RESUME, gettext_lazy("恢复所选事项")),
    ]
    fieldsets = [
        (
            gettext_lazy("基本信息"),
            {
                "fields": [
                    "basic_item",
                    "name",
                    "item_type",
                    "implementation_code",
                    "local_code",
                    "region",
                    "department",
                    "body_nature",
                    "co_departments",
                    "handling_unit",
                    "exercise_level",
                    "keywords",
                ]
            },
        ),
        (
            gettext_lazy("时限"),
            {
                "fields": [
                    ("statutory_limit_days", "statutory_limit_note"),
                    ("promised_limit_days", "promised_limit_note"),
                    "case_type",
                ]
            },
        ),
        (
            gettext_lazy("受理条件与流程"),
            {
                "fields": [
                    "acceptance_conditions",
                    "procedure",
                    "intermediary_services",
                    "quantity_limit",
                ]
            },
        ),
        (gettext_lazy("审批结果"), {"fields": ["result_name", "result_type", "result_sample"]}),
        (gettext_lazy("收费"), {"fields": ["fee_charged", "fee_basis"]}),
        (
            gettext_lazy("办理方式"),
            {
                "fields": [
                    "service_objects",
                    "handling_forms",
                    "tongban_scope",
                    "online",
                    "online_depth",
                    "fully_online",
                    "visits_required",
                    "visit_reason",
                    "supports_appointment",
                    "supports_online_payment",
                    "supports_delivery",
                ]
            },
        ),
        (
            gettext_lazy("办理地点与监督"),
            {
                "fields": [
                    "place",
                    "hours",
                    "consult_phone",
                    "complaint_phone",
                    "review_body",
                    "litigation_body",
                ]
            },
        ),
        (
            gettext_lazy("状态与版本"),
            {
                "fields": [
                    "state",
                    "effective_date",
                    "end_date",
                    "version",
                    "elements_complete",
                    "source",
                    "delegated_from",
                    "merged_into",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        item = form.instance
        errors = rules.item_errors(item)
        fee_errors = errors.get("fees")
        if fee_errors:  # fee rules need the inline rows, saved just now
            self.message_user(request, "；".join(fee_errors), messages.WARNING)
        if change:
            item.version += 1
            item.save(update_fields=["version"])
            services.record_event(
                item, ItemEvent.Action.REVISE, item.state, reason="管理后台修订", actor=request.user
            )
        else:
            services.record_event(
                item,
                ItemEvent.Action.CREATE,
                "",
                effective_date=item.effective_date,
                actor=request.user,
            )
        services._reindex(item)


@admin.register(CommonMaterial)
class CommonMaterialAdmin(admin.ModelAdmin):
    list_display = ["name", "issuing_body", "source", "licence_type_code"]
    list_filter = ["source"]
    search_fields = ["name"]


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 0
    autocomplete_fields = ["item"]


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "kind",
        "region",
        "lead_department",
        "promised_limit_days",
        "published",
    ]
    list_filter = ["kind", "published"]
    search_fields = ["name", "code", "keywords"]
    autocomplete_fields = ["region", "lead_department"]
    inlines = [BundleItemInline]


@admin.register(NegativeListEntry)
class NegativeListEntryAdmin(admin.ModelAdmin):
    list_display = ["code", "category", "industry", "activity"]
    list_filter = ["category", "industry"]
    search_fields = ["code", "activity", "industry"]
    filter_horizontal = ["related_items"]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "expansions", "kind", "enabled"]
    list_filter = ["kind", "enabled"]
    search_fields = ["term", "expansions"]
    list_editable = ["expansions", "enabled"]


@admin.register(ItemEvent)
class ItemEventAdmin(admin.ModelAdmin):
    """The history is read-only: it is the reform ledger's evidence."""

    list_display = [
        "item",
        "action",
        "from_state",
        "to_state",
        "effective_date",
        "version",
        "actor",
        "created_at",
    ]
    list_filter = ["action", "effective_date"]
    search_fields = ["item__name", "document_no"]
    date_hierarchy = "effective_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
