"""REST API for regions (read-only: they come from `import-regions`), departments and halls.

Regions are addressed by code: `/api/regions/510000000000/` or the short `/api/regions/51/`.
Reads are public. Who may write is decided by the default permission class
(govserve.api.permissions, over accounts.policies: system administrators of the region):
it is asked about the record before the change and, when the region is set or changed,
about the region the record ends up in.
"""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from .codes import normalize_code
from .models import (
    AdministrativeLevel,
    Department,
    Region,
    RegionLevel,
    ServiceHall,
    ServiceWindow,
    level_for_region,
)
from .selectors import children as region_children
from .selectors import region_by_code
from .services import save_department, save_hall
from .validators import validate_uscc

if TYPE_CHECKING:
    from rest_framework.validators import Validator

# Serializers ------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": r"^\d{2,12}$", "example": "511602000000"})
class RegionCodeField(serializers.RelatedField):
    """A region given by its code (12 digits, or 2/4/6/9 padded with zeros), shown as 12 digits."""

    default_error_messages = {
        "does_not_exist": _("区划代码“{value}”不存在"),
        "invalid": _("区划代码应为2、4、6、9或12位数字"),
    }

    def __init__(self, **kwargs):
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            normalize_code(str(data))
        except ValueError:
            self.fail("invalid")
        region = region_by_code(str(data))
        if region is None:
            self.fail("does_not_exist", value=data)
        return region

    def to_representation(self, value):
        return value.code


class RegionSerializer(serializers.ModelSerializer):
    parent: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(  # type: ignore[assignment]  # a declared field, not Field.parent
        slug_field="code", read_only=True, allow_null=True
    )
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_display", "parent", "prefix", "full_name"]
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    level = serializers.ChoiceField(
        choices=AdministrativeLevel.choices,
        required=False,
        help_text=_("行使层级；省略时按所属区划确定"),
    )

    class Meta:
        model = Department
        fields = [
            "id",
            "name",
            "short_name",
            "uscc",
            "region",
            "region_name",
            "level",
            "consult_phone",
            "address",
        ]
        # The model allows no code for bodies imported from public lists; through the API a
        # body is created with its code.
        extra_kwargs = {"uscc": {"required": True, "allow_null": False, "allow_blank": False}}

    def validate_uscc(self, value: str) -> str:
        try:
            return validate_uscc(value)
        except DjangoValidationError as exc:
            raise ValidationError(exc.messages) from exc

    def validate(self, attrs):
        if "level" not in attrs and (self.instance is None or "region" in attrs):
            region = attrs.get("region") or (self.instance.region if self.instance else None)
            if region is not None:
                attrs["level"] = level_for_region(region)
        return attrs

    def create(self, validated_data):
        return save_department(Department(**validated_data))

    def update(self, instance, validated_data):
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return save_department(instance)


class ServiceWindowSerializer(serializers.ModelSerializer):
    departments = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Department.objects.all(), required=False, help_text=_("进驻部门ID")
    )

    class Meta:
        model = ServiceWindow
        fields = ["id", "number", "name", "kind", "departments"]
        read_only_fields = ["id"]
        # (hall, number) is unique; checked on the hall's list below
        validators: "list[Validator[Any]]" = []


class ServiceHallSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    windows = ServiceWindowSerializer(
        many=True, required=False, help_text=_("窗口；提交时以此为准（按窗口号匹配）")
    )

    class Meta:
        model = ServiceHall
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "region_name",
            "address",
            "opening_hours",
            "phone",
            "windows",
        ]

    def validate_windows(self, windows):
        # Windows are matched by number, so each needs one, in a PATCH too (where the nested
        # rows are partial and `number` is not required by the window serializer).
        if any(not w.get("number") for w in windows):
            raise ValidationError(_("每个窗口都要填写窗口号"))
        numbers = [w["number"] for w in windows]
        duplicated = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicated:
            raise ValidationError(_("窗口号重复：%(numbers)s") % {"numbers": "、".join(duplicated)})
        return windows

    def create(self, validated_data):
        windows = validated_data.pop("windows", None)
        return save_hall(ServiceHall(**validated_data), windows)

    def update(self, instance, validated_data):
        windows = validated_data.pop("windows", None)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return save_hall(instance, windows)


# Filters ----------------------------------------------------------------------------------------


def _code_or_400(value: str, field: str) -> str:
    try:
        return normalize_code(value)
    except ValueError:
        raise ValidationError({field: [_("区划代码应为2、4、6、9或12位数字")]}) from None


def _subtree_filter(queryset, field: str, value: str, path: str = "region__code"):
    region = region_by_code(_code_or_400(value, field))
    if region is None:
        return queryset.none()
    return queryset.filter(**{f"{path}__startswith": region.prefix})


class RegionFilter(filters.FilterSet):
    level = filters.ChoiceFilter(
        choices=RegionLevel.choices, help_text=_("层级：1省 2市 3县 4乡镇 5村")
    )
    parent = filters.CharFilter(
        method="filter_parent", help_text=_("上级区划代码（如 51 或 511600000000）")
    )
    subtree = filters.CharFilter(method="filter_subtree", help_text=_("只列出该区划及其下级"))
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", help_text=_("名称包含"))

    class Meta:
        model = Region
        fields = ["level", "parent", "subtree", "q"]

    def filter_parent(self, queryset, name, value):
        return queryset.filter(parent__code=_code_or_400(value, name))

    def filter_subtree(self, queryset, name, value):
        return _subtree_filter(queryset, name, value, path="code")


class _InRegionFilter(filters.FilterSet):
    """Filters shared by things attached to a region: by its code, or anywhere in its subtree."""

    region = filters.CharFilter(method="filter_region", help_text=_("所属区划代码"))
    region_subtree = filters.CharFilter(
        method="filter_region_subtree", help_text=_("所属区划及其下级（如 51）")
    )
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", help_text=_("名称包含"))

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__code=_code_or_400(value, name))

    def filter_region_subtree(self, queryset, name, value):
        return _subtree_filter(queryset, name, value)


class DepartmentFilter(_InRegionFilter):
    level = filters.ChoiceFilter(choices=Department._meta.get_field("level").choices)

    class Meta:
        model = Department
        fields = ["region", "region_subtree", "level", "uscc", "q"]


class ServiceHallFilter(_InRegionFilter):
    kind = filters.ChoiceFilter(choices=ServiceHall.Kind.choices)

    class Meta:
        model = ServiceHall
        fields = ["region", "region_subtree", "kind", "q"]


# Viewsets ---------------------------------------------------------------------------------------
if TYPE_CHECKING:  # what the mixin below relies on from the viewset it is mixed into
    _ViewSet = viewsets.GenericViewSet
else:
    _ViewSet = object


class _RegionScopedWrites(_ViewSet):
    """Check the region a created or moved record lands in, as an unsaved record of that region."""

    def _check_region(self, serializer) -> None:
        region = serializer.validated_data.get("region")
        if region is not None:
            self.check_object_permissions(self.request, serializer.Meta.model(region=region))

    def perform_create(self, serializer):
        self._check_region(serializer)
        serializer.save()

    def perform_update(self, serializer):
        self._check_region(serializer)
        serializer.save()


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """行政区划 (read-only; loaded by `govserve import-regions`)."""

    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"
    lookup_value_regex = r"\d{2,12}"

    def get_object(self):
        region = region_by_code(self.kwargs[self.lookup_field])
        if region is None:
            raise NotFound(_("区划代码不存在"))
        self.check_object_permissions(self.request, region)
        return region

    @extend_schema(responses=RegionSerializer(many=True), filters=False)
    @action(detail=True, filter_backends=[])
    def children(self, request, code=None):
        """Direct children of a region (provinces: list with `level=1`)."""
        queryset = region_children(self.get_object()).select_related("parent")
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page if page is not None else queryset, many=True)
        return (
            self.get_paginated_response(serializer.data)
            if page is not None
            else Response(serializer.data)
        )


class DepartmentViewSet(_RegionScopedWrites, viewsets.ModelViewSet):
    """部门 with their unified social credit codes."""

    queryset = Department.objects.select_related("region")
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter


class ServiceHallViewSet(_RegionScopedWrites, viewsets.ModelViewSet):
    """政务服务大厅 and their windows."""

    queryset = ServiceHall.objects.select_related("region").prefetch_related("windows__departments")
    serializer_class = ServiceHallSerializer
    filterset_class = ServiceHallFilter
