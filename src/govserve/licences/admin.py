"""Admin for licences: catalog administrators define licence types (证照类型) and link them to
the implementation items of their catalog scope; everything else is read-only here.

Licences change only through the services (staff lifecycle pages and API), so a licence, an
event, a share and a use are shown, never edited. The holder's ID number stays masked, and
staff see the licences of their own departments and regions only. (Certificates and seals:
`signing.admin`; the archive: `audit.admin`.)
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from govserve.accounts import policies
from govserve.accounts.masking import mask_id_number
from govserve.accounts.models import Role
from govserve.core.admin import ReadOnlyAdminMixin, RoleGatedAdminMixin

from . import selectors, services
from .forms_types import LicenceTypeForm, linkable_items, may_define
from .models import Licence, LicenceEvent, LicenceShare, LicenceType, LicenceUse


def _catalog_admin(request) -> bool:
    user = request.user
    return policies.is_signed_in(user) and (
        user.is_superuser or bool(policies.active_grants(user, policies.CATALOG_ROLES))
    )


def _licence_staff(request) -> bool:
    user = request.user
    return policies.is_signed_in(user) and (
        user.is_superuser
        or bool(policies.active_grants(user, policies.CASE_ROLES | {Role.SUPERVISOR}))
    )


@admin.register(LicenceType)
class LicenceTypeAdmin(admin.ModelAdmin):
    form = LicenceTypeForm
    list_display = ["name", "type_code", "ministry_name", "validity_months", "active"]
    list_filter = ["active"]
    search_fields = ["name", "type_code", "ministry_name"]
    filter_horizontal = ["items"]

    def has_module_permission(self, request) -> bool:
        return _catalog_admin(request) or _licence_staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _catalog_admin(request) or _licence_staff(request)

    def has_add_permission(self, request) -> bool:
        return _catalog_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        # only the level (and region) that owns a type changes it; national types: superusers
        return _catalog_admin(request) and (obj is None or may_define(request.user, obj.type_code))

    def has_delete_permission(self, request, obj=None) -> bool:
        # a type that licences were issued under stays (PROTECT); deactivate it instead
        return self.has_change_permission(request, obj) and (
            obj is None or not obj.licences.exists()
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        items = linkable_items(request.user)

        class ScopedForm(base):
            def __init__(self, *args, **kw) -> None:
                super().__init__(*args, items_queryset=items, user=request.user, **kw)

        return ScopedForm

    def save_related(self, request, form, formsets, change) -> None:
        # Links to items outside the admin's scope (made by others) are kept, not dropped
        # because the form could not show them.
        keep = []
        if change and not request.user.is_superuser:
            keep = list(form.instance.items.exclude(pk__in=linkable_items(request.user)))
        super().save_related(request, form, formsets, change)
        if keep:
            form.instance.items.add(*keep)


class LicenceEventInline(admin.TabularInline):
    model = LicenceEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "description", "reason", "actor")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdminMixin, RoleGatedAdminMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "licence_type",
        "version",
        "holder_name",
        "masked_holder_id",
        "issuer",
        "status",
        "issued_on",
        "valid_until",
    ]
    list_filter = ["status", "licence_type"]
    search_fields = ["number", "identifier", "holder_name"]
    list_select_related = ["licence_type", "issuer"]
    inlines = [LicenceEventInline]
    fields = (
        "identifier",
        "licence_type",
        "version",
        "number",
        "holder_name",
        "masked_holder_id",
        "holder_user",
        "holder_organisation",
        "issuer",
        "issued_on",
        "valid_from",
        "valid_until",
        "data",
        "source_case",
        "status",
        "status_reason",
        "status_changed_at",
        "supersedes",
        "pdf",
        "pdf_sha256",
        "sm2_certificate",
        "seal",
        "renewal_reminded_on",
    )
    readonly_fields = fields

    @admin.display(description=gettext_lazy("持证主体证件号码"))
    def masked_holder_id(self, obj: Licence) -> str:
        # a business's credit code is public; a person's ID number is masked
        if obj.holder_organisation_id:
            return obj.holder_id_number
        return mask_id_number(obj.holder_id_number)

    def get_queryset(self, request):
        return selectors.staff_licences(request.user)

    def may_manage(self, request) -> bool:
        return _licence_staff(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        licence = selectors.staff_licences(request.user).filter(pk=object_id).first()
        if licence is not None:
            services.log_staff_read(request.user, licence, channel="admin")
        return super().change_view(request, object_id, form_url, extra_context)


class _ScopedByLicence(ReadOnlyAdminMixin, RoleGatedAdminMixin, admin.ModelAdmin):
    """Records of licences the staff member may read."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(licence__in=selectors.staff_licences(request.user))
            .select_related("licence")
        )

    def may_manage(self, request) -> bool:
        return _licence_staff(request)


@admin.register(LicenceEvent)
class LicenceEventAdmin(_ScopedByLicence):
    list_display = ["licence", "action", "description", "actor", "at"]
    list_filter = ["action"]
    search_fields = ["licence__number", "description"]
    readonly_fields = ["licence", "action", "description", "reason", "actor", "at"]


@admin.register(LicenceShare)
class LicenceShareAdmin(_ScopedByLicence):
    list_display = ["licence", "department", "purpose", "created_at", "expires_on", "revoked_at"]
    search_fields = ["licence__number", "purpose"]
    readonly_fields = [
        "licence",
        "department",
        "purpose",
        "granted_by",
        "created_at",
        "expires_on",
        "revoked_at",
    ]


@admin.register(LicenceUse)
class LicenceUseAdmin(_ScopedByLicence):
    list_display = ["licence", "department", "channel", "purpose", "at"]
    list_filter = ["channel"]
    search_fields = ["licence__number", "purpose"]
    readonly_fields = ["licence", "department", "user", "channel", "purpose", "case", "share", "at"]
