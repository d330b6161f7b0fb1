"""Admin: catalog administrators upload a new process version for an item they maintain (the
file is validated on upload, through services.upload_definition); a version is never edited,
only withdrawn from new cases (active off). Instances and tasks are read-only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govserve.accounts import policies
from govserve.catalog.models import ImplementationItem
from govserve.core.admin import ReadOnlyAdmin, RoleGatedAdminMixin
from govserve.core.errors import Refused

from . import services
from .models import ProcessDefinition, ProcessInstance, Task


def _catalog_admin(request) -> bool:
    user = request.user
    return policies.is_signed_in(user) and (
        user.is_superuser or bool(policies.active_grants(user, policies.CATALOG_ROLES))
    )


class UploadForm(forms.ModelForm):
    """A new version: the item (empty = a default template, superusers only),
    a name and the file."""

    bpmn_file = forms.FileField(
        label=_("BPMN 文件"),
        required=False,
        help_text=_("BPMN 2.0 XML，也可以直接粘贴到下方文本框。"),
    )
    request_user = None

    class Meta:
        model = ProcessDefinition
        fields = ["item", "key", "name", "bpmn_xml"]
        help_texts = {
            "key": _("仅默认模板填写：default-single 或 default-bundle；事项专用流程留空"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False
        self.fields["name"].required = False
        self.fields["bpmn_xml"].required = False

    def clean(self):
        data = super().clean()
        upload = data.get("bpmn_file")
        if upload is not None:
            try:
                data["bpmn_xml"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("bpmn_file", _("BPMN 文件须为 UTF-8 编码的 XML"))
                return data
        if not (data.get("bpmn_xml") or "").strip():
            self.add_error("bpmn_xml", _("请上传 BPMN 文件或粘贴 XML"))
            return data
        try:
            data["key"] = services.check_upload(
                self.request_user, item=data.get("item"), key=data.get("key") or ""
            )
            services.validate_xml(data["bpmn_xml"])
        except Refused as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, msgs)
        return data

    def validate_unique(self):
        """The version is chosen by the service (max + 1), not by the form."""


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(RoleGatedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "key",
        "version",
        "kind",
        "item",
        "active",
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["kind", "active"]
    search_fields = ["name", "key", "item__name", "process_id"]
    list_select_related = ["item", "uploaded_by"]
    actions = ["deactivate", "activate"]

    def may_manage(self, request) -> bool:
        return _catalog_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a version is never edited: upload a new one

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # running and closed cases refer to it

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        items = ImplementationItem.objects.filter(policies.changeable_items_q(request.user))
        return qs.filter(Q(item__in=items) | Q(item__isnull=True))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = UploadForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["item", "key", "name", "bpmn_file", "bpmn_xml"]
        return [
            "name",
            "key",
            "version",
            "kind",
            "item",
            "process_id",
            "active",
            "uploaded_by",
            "uploaded_at",
            "bpmn_xml",
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "item" and not request.user.is_superuser:
            kwargs["queryset"] = ImplementationItem.objects.filter(
                policies.changeable_items_q(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        definition = services.upload_definition(
            request.user,
            bpmn_xml=d["bpmn_xml"],
            item=d.get("item"),
            key=d.get("key") or "",
            name=d.get("name") or "",
        )
        obj.pk = definition.pk  # the admin's redirect and message use it

    def _set_active(self, request, queryset, active: bool) -> None:
        done = 0
        for definition in queryset:
            try:
                services.set_active(definition, request.user, active=active)
                done += 1
            except Refused as exc:
                messages.error(request, f"{definition}：{exc.message}")
        if done:
            messages.success(request, _("已更新 %(n)d 个流程版本") % {"n": done})

    @admin.action(description=_("停用所选版本（新受理的办件不再使用）"), permissions=["view"])
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description=_("启用所选版本"), permissions=["view"])
    def activate(self, request, queryset):
        self._set_active(request, queryset, True)


@admin.register(ProcessInstance)
class ProcessInstanceAdmin(ReadOnlyAdmin):
    list_display = ["case", "definition", "status", "started_at", "updated_at", "version"]
    list_filter = ["status"]
    search_fields = ["case__number"]
    list_select_related = ["case", "definition"]
    exclude = ["state"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["case", "label", "role", "department", "due", "state", "claimed_by", "outcome"]
    list_filter = ["state", "role", "green_channel"]
    search_fields = ["case__number", "label"]
    list_select_related = ["case", "department", "claimed_by"]
