"""Admin for accounts. ID and mobile numbers appear masked (full views go through the logged
reveal); role and personal-data grants are made and revoked through the services, so the
same scope rules apply and every change leaves a SecurityEvent; the logs are read-only.

System administrators who are not superusers see and manage the grants of their own regions.
"""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from govserve.core.admin import ReadOnlyAdmin, RoleGatedAdminMixin
from govserve.regions.models import Department, Region

from . import policies, selectors, services
from .masking import mask_id_number, mask_login_name, mask_mobile
from .models import (
    Organisation,
    PersonalDataAccess,
    PersonalDataGrant,
    Representation,
    Role,
    RoleGrant,
    SecurityEvent,
    User,
)


def _is_system_admin(request) -> bool:
    user = request.user
    return policies.is_signed_in(user) and (
        user.is_superuser or policies.has_role(user, Role.SYSTEM_ADMIN)
    )


class _ServiceForm(forms.ModelForm):
    """A ModelForm whose clean() asks a service's check function; its errors land on the fields."""

    check: Callable[..., None] | None = None  # a services.check_* function
    request_user = None

    def _service_kwargs(self) -> dict:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            type(self).check(granter=self.request_user, **self._service_kwargs())
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc
        except ValidationError as exc:
            fields = set(self.fields)
            for field, msgs in exc.message_dict.items():
                self.add_error(field if field in fields else None, msgs)
        return data


# -- users -----------------------------------------------------------------------------------------
@admin.register(User)
class GovUserAdmin(UserAdmin):
    list_display = [
        "login_name",
        "real_name",
        "account_type",
        "masked_id_number",
        "masked_mobile",
        "assurance_level",
        "region",
        "department",
        "is_active",
    ]
    list_filter = ["account_type", "assurance_level", "is_staff", "is_superuser", "is_active"]
    # Exact matches only for the numbers: a partial search would reveal them digit by digit.
    search_fields = ["username", "real_name", "=id_number", "=mobile"]
    list_select_related = ["region", "department"]
    readonly_fields = [
        "masked_id_number",
        "masked_mobile",
        "assurance_level",
        "assurance_verified_at",
        "assurance_verified_by",
        "last_login",
        "date_joined",
    ]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("实名信息"),
            {
                "fields": [
                    "account_type",
                    "real_name",
                    "masked_id_number",
                    "masked_mobile",
                    "email",
                    "assurance_level",
                    "assurance_verified_at",
                    "assurance_verified_by",
                ]
            },
        ),
        (_("工作人员"), {"fields": ["region", "department"]}),
        (
            _("权限"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("时间"), {"fields": ["last_login", "date_joined"]}),
    ]

    @admin.display(description=_("登录名"), ordering="username")
    def login_name(self, obj) -> str:
        return mask_login_name(obj.username)

    @admin.display(description=_("身份证号码"))
    def masked_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description=_("手机号码"))
    def masked_mobile(self, obj) -> str:
        return mask_mobile(obj.mobile)


# -- organisations ---------------------------------------------------------------------------------
class RepresentationInline(admin.TabularInline):
    """Read-only here: representatives are authorised and revoked by the organisation itself."""

    model = Representation
    fk_name = "organisation"
    fields = ("person", "kind", "granted_by", "valid_from", "valid_until", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "kind", "region", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "=uscc"]
    readonly_fields = ["uscc", "created_at"]
    inlines = [RepresentationInline]

    def has_add_permission(self, request) -> bool:
        return False  # registered by a representative (services.register_organisation)


@admin.register(Representation)
class RepresentationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "person", "kind", "valid_from", "valid_until", "revoked_at"]
    list_filter = ["kind"]
    search_fields = ["organisation__name", "=organisation__uscc", "person__real_name"]
    list_select_related = ["organisation", "person"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("撤销所选代理人授权"), permissions=["view"])
    def revoke(self, request, queryset):
        done = 0
        for rep in queryset:
            try:
                services.revoke_representation(rep, by=request.user)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(
                    request,
                    f"{rep}：{'；'.join(getattr(exc, 'messages', [str(exc)]))}",
                    messages.ERROR,
                )
        if done:
            self.message_user(request, _("已撤销 %(n)s 项授权") % {"n": done}, messages.SUCCESS)


# -- role and personal-data grants -----------------------------------------------------------------
class _ScopedGrantAdmin(RoleGatedAdminMixin, admin.ModelAdmin):
    """System administrators (not only superusers) manage the grants of their own regions."""

    def may_manage(self, request) -> bool:
        return _is_system_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a grant is never edited: revoke it and grant anew

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # kept for the record

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    def get_autocomplete_fields(self, request):
        # Superusers pick from the whole country; others from short lists of their own scope.
        return (
            [f for f in ("user", "region", "department") if f in self.scoped_fields]
            if request.user.is_superuser
            else []
        )

    scoped_fields: tuple[str, ...] = ("user",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.name in self.scoped_fields:
            grants = policies.active_grants(request.user, [Role.SYSTEM_ADMIN])
            if db_field.name == "user":
                kwargs["queryset"] = selectors.staff_in_scope(request.user)
            elif db_field.name == "region":
                kwargs["queryset"] = Region.objects.filter(
                    policies.scope_q(grants, path=""), level__lte=4
                )
            elif db_field.name == "department":
                kwargs["queryset"] = Department.objects.filter(
                    policies.scope_q(grants)
                ).select_related("region")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RoleGrantForm(_ServiceForm):
    check = services.check_role_grant

    class Meta:
        model = RoleGrant
        fields = ["user", "role", "region", "department", "covers_subtree", "valid_until", "reason"]

    def _service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            k: d.get(k)
            for k in ("user", "role", "region", "department", "covers_subtree", "valid_until")
        }


@admin.register(RoleGrant)
class RoleGrantAdmin(_ScopedGrantAdmin):
    form = RoleGrantForm
    list_display = [
        "user",
        "role",
        "region",
        "department",
        "covers_subtree",
        "valid_until",
        "granted_by",
        "granted_at",
        "revoked_at",
    ]
    list_filter = ["role", "covers_subtree"]
    search_fields = [
        "user__username",
        "user__real_name",
        "region__code",
        "region__full_name",
        "department__name",
    ]
    scoped_fields = ("user", "region", "department")
    list_select_related = ["user", "region", "department", "granted_by"]
    actions = ["revoke"]

    def get_queryset(self, request):
        return selectors.grants_in_scope(request.user)

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        grant = services.grant_role(
            granter=request.user,
            user=d["user"],
            role=d["role"],
            region=d["region"],
            department=d.get("department"),
            covers_subtree=d.get("covers_subtree", False),
            valid_until=d.get("valid_until"),
            reason=d.get("reason", ""),
        )
        obj.pk = grant.pk  # the admin's redirect and message use it

    @admin.action(description=_("撤销所选授权"), permissions=["view"])
    def revoke(self, request, queryset):
        done = 0
        for grant in queryset:
            try:
                services.revoke_role(grant, by=request.user, reason=str(_("管理后台撤销")))
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(
                    request,
                    f"{grant}：{'；'.join(getattr(exc, 'messages', [str(exc)]))}",
                    messages.ERROR,
                )
        if done:
            self.message_user(request, _("已撤销 %(n)s 项授权") % {"n": done}, messages.SUCCESS)


class PersonalDataGrantForm(_ServiceForm):
    check = services.check_personal_data_grant

    class Meta:
        model = PersonalDataGrant
        fields = ["user", "reason", "valid_until"]

    def _service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"user": d["user"], "reason": d["reason"], "valid_until": d["valid_until"]}


@admin.register(PersonalDataGrant)
class PersonalDataGrantAdmin(_ScopedGrantAdmin):
    form = PersonalDataGrantForm
    list_display = ["user", "reason", "valid_until", "granted_by", "granted_at"]
    search_fields = ["user__username", "user__real_name", "reason"]
    list_select_related = ["user", "granted_by"]

    def get_queryset(self, request):
        return PersonalDataGrant.objects.filter(user__in=selectors.staff_in_scope(request.user))

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        grant = services.grant_personal_data_access(
            granter=request.user, user=d["user"], reason=d["reason"], valid_until=d["valid_until"]
        )
        obj.pk = grant.pk


# -- logs (read-only) ------------------------------------------------------------------------------
@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "viewer", "subject", "fields", "reason", "channel"]
    list_filter = ["channel"]
    search_fields = ["viewer__username", "subject__username", "reason"]
    date_hierarchy = "at"
    list_select_related = ["viewer", "subject"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "login_name", "user", "actor", "ip"]
    list_filter = ["kind"]
    search_fields = ["username", "user__username", "actor__username", "ip"]
    date_hierarchy = "at"
    list_select_related = ["user", "actor"]

    @admin.display(description=_("登录名"), ordering="username")
    def login_name(self, obj) -> str:
        return mask_login_name(obj.username)
