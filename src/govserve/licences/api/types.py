"""Licence types (证照类型), under /api/licences/ (routes in `urls`):

- ``GET types/``, ``GET types/{id}/`` — public (active types; catalog administrators see all).
  ``POST types/``, ``PUT|PATCH types/{id}/`` — catalog administrators of the level and region
  that own the type (the division in its ministry's USCC; national types: superusers); items
  they link must be in their catalog scope (403 otherwise). A type with issued licences keeps
  its code.

Thin: writes are checked by `forms_types`; refusals come back as ``{field: [message]}`` with a
4xx status (govserve.api.errors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated

from govserve.accounts import policies
from govserve.catalog.models import ImplementationItem
from govserve.core.parsers import JSONField

from ..errors import LicenceError
from ..forms_types import (
    clean_fields_spec,
    clean_layout,
    clean_type_code,
    define_refusal,
    may_define,
)
from ..models import LicenceType
from .common import TAGS, scopes


def is_catalog_admin(user) -> bool:
    return policies.is_signed_in(user) and (
        user.is_superuser or bool(policies.active_grants(user, policies.CATALOG_ROLES))
    )


class LicenceTypeSerializer(serializers.ModelSerializer):
    """证照类型: code, fields (照面信息项), validity, layout, the items that issue it."""

    items = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=ImplementationItem.objects.all(),
        required=False,
        help_text=gettext_lazy("产生该证照的实施事项编号"),
    )
    fields = JSONField(  # type: ignore[assignment]  # a declared field, not Serializer.fields
        required=False,
        help_text=gettext_lazy(
            '照面信息项：[{"name", "label", "kind": text|date|number|choice, "required", '
            '"choices"?, "max_length"?}]'
        ),
    )
    layout = JSONField(
        required=False,
        help_text=gettext_lazy(
            '版式：{"title", "orientation": landscape|portrait, "note", "number_prefix"}'
        ),
    )

    class Meta:
        model = LicenceType
        fields = [
            "id",
            "name",
            "type_code",
            "ministry_name",
            "fields",
            "validity_months",
            "layout",
            "items",
            "active",
        ]

    @staticmethod
    def _django(func, value):
        try:
            return func(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def validate_type_code(self, value):
        code = self._django(clean_type_code, value)
        if not may_define(self.context["request"].user, code):
            raise LicenceError("type_code", define_refusal(code), status=403)
        instance = self.instance
        if instance is not None and code != instance.type_code and instance.licences.exists():
            raise serializers.ValidationError(_("已有按此类型签发的证照，证照类型代码不能再修改"))
        taken = LicenceType.objects.filter(type_code=code).exclude(pk=getattr(instance, "pk", None))
        if taken.exists():
            raise serializers.ValidationError(_("该证照类型代码已被使用"))
        return code

    def validate_fields(self, value):
        return self._django(clean_fields_spec, value)

    def validate_layout(self, value):
        return self._django(clean_layout, value)

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("请填写证照名称"))
        return value.strip()

    def validate_items(self, value):
        user = self.context["request"].user
        outside = [item for item in value if not policies.can_change_item(user, item)]
        if outside:
            raise LicenceError(
                "items",
                _("您无权将证照类型关联到这些事项（超出您的目录管理区划或层级）：%(names)s")
                % {"names": "、".join(item.name for item in outside)},
                status=403,
            )
        return value

    def update(self, instance, validated_data):
        items = validated_data.pop("items", None)
        instance = super().update(instance, validated_data)
        if items is not None:
            # links the caller could not make or see (other regions' items) are kept
            user = self.context["request"].user
            keep = [i for i in instance.items.all() if not policies.can_change_item(user, i)]
            instance.items.set([*items, *keep])
        return instance


if TYPE_CHECKING:
    _ViewBase = generics.GenericAPIView  # what the mixin is mixed into
else:
    _ViewBase = object


class LicenceTypeViewMixin(_ViewBase):
    serializer_class = LicenceTypeSerializer

    @property
    def required_scopes(self) -> list[str]:
        return scopes(self, None, "catalog.write")

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no real request
            return LicenceType.objects.none()
        qs = LicenceType.objects.prefetch_related("items")
        return qs if is_catalog_admin(self.request.user) else qs.filter(active=True)

    def check_writer(self) -> None:
        if self.request.method not in SAFE_METHODS and not is_catalog_admin(self.request.user):
            raise PermissionDenied(_("仅事项目录管理员可以维护证照类型"))


@extend_schema(tags=TAGS)
class LicenceTypeList(LicenceTypeViewMixin, generics.ListCreateAPIView):
    def create(self, request, *args, **kwargs):
        self.check_writer()
        with transaction.atomic():
            return super().create(request, *args, **kwargs)


@extend_schema(tags=TAGS)
class LicenceTypeDetail(LicenceTypeViewMixin, generics.RetrieveUpdateAPIView):
    def update(self, request, *args, **kwargs):
        self.check_writer()
        licence_type = self.get_object()
        # Only the level (and region) that owns the type renames or changes it.
        if not may_define(request.user, licence_type.type_code):
            raise PermissionDenied(define_refusal(licence_type.type_code))
        with transaction.atomic():
            return super().update(request, *args, **kwargs)
