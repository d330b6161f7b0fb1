"""Catalog REST API: items and their lifecycle, bundles, lists, dictionary, import/export.

Thin: reads go through selectors, writes through services and the importer, so the API
gives exactly the messages the admin and the import give.

Who may write is decided by the default permission class (govserve.api.permissions, over
accounts.policies): every write asks `check_object_permissions` for each item it changes or
would create, so a catalog administrator changes only items of their own region and level.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from govserve.core import hooks
from govserve.core.params import integer_param
from govserve.core.parsers import FormParser, MultiPartParser
from govserve.regions.models import AdministrativeLevel, Department, Region, level_for_region

from . import importer, services
from .codetables import HandlingForm, OnlineDepth, ServiceObject
from .fields import has_code
from .models import (
    BasicItem,
    Bundle,
    ImplementationItem,
    ItemEvent,
    ItemState,
    Material,
    NegativeListEntry,
    SearchSynonym,
)
from .selectors import (
    bundle_detail,
    catalog_statistics,
    power_list,
    reform_ledger,
    responsibility_list,
)
from .serializers import CodeListField, Lookups


# -- read serializers -----------------------------------------------------------------
class MaterialSerializer(serializers.ModelSerializer):
    common = serializers.CharField(source="common.name", default="", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Material
        fields = [
            "id",
            "name",
            "common",
            "issuing_body",
            "originals",
            "copies",
            "required",
            "required_note",
            "form",
            "source",
            "source_label",
            "requirements",
            "blank_form",
            "sample",
        ]


class ItemListSerializer(serializers.ModelSerializer):
    item_type_label = serializers.CharField(source="get_item_type_display", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    basic_code = serializers.CharField(source="basic_item.code", default="", read_only=True)

    class Meta:
        model = ImplementationItem
        fields = [
            "id",
            "name",
            "item_type",
            "item_type_label",
            "basic_code",
            "implementation_code",
            "local_code",
            "region_code",
            "region_name",
            "department",
            "department_name",
            "exercise_level",
            "statutory_limit_days",
            "promised_limit_days",
            "case_type",
            "fully_online",
            "online",
            "visits_required",
            "state",
            "elements_complete",
            "effective_date",
            "end_date",
            "version",
        ]


class ItemDetailSerializer(ItemListSerializer):
    materials = MaterialSerializer(many=True, read_only=True)
    # Multi-valued code tables: a list of codes, not one choice.
    service_objects = CodeListField(ServiceObject.choices, read_only=True)
    handling_forms = CodeListField(HandlingForm.choices, read_only=True)
    online_depth = CodeListField(OnlineDepth.choices, read_only=True)
    fees = serializers.SerializerMethodField()
    legal_bases = serializers.SerializerMethodField()
    responsibilities = serializers.SerializerMethodField()
    co_departments: serializers.SlugRelatedField[Department] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )

    class Meta(ItemListSerializer.Meta):
        fields = ItemListSerializer.Meta.fields + [
            "body_nature",
            "co_departments",
            "handling_unit",
            "statutory_limit_note",
            "promised_limit_note",
            "acceptance_conditions",
            "procedure",
            "intermediary_services",
            "quantity_limit",
            "result_name",
            "result_type",
            "result_sample",
            "fee_charged",
            "fee_basis",
            "fees",
            "tongban_scope",
            "service_objects",
            "handling_forms",
            "supports_appointment",
            "supports_online_payment",
            "supports_delivery",
            "online_depth",
            "visit_reason",
            "place",
            "hours",
            "consult_phone",
            "complaint_phone",
            "review_body",
            "litigation_body",
            "keywords",
            "min_assurance_level",
            "legal_bases",
            "materials",
            "responsibilities",
            "source",
            "delegated_from",
            "merged_into",
        ]

    def get_fees(self, item) -> list[dict]:
        return [
            {"name": f.name, "standard": f.standard, "basis": f.basis, "waivable": f.waivable}
            for f in item.fees.all()
        ]

    def get_legal_bases(self, item) -> list[dict]:
        return [b.as_dict() for b in item.basic_item.legal_bases.all()]

    def get_responsibilities(self, item) -> list[dict]:
        return _responsibilities(item)


def _responsibilities(item: ImplementationItem) -> list[dict]:
    return [
        {
            "stage": r.stage,
            "stage_label": r.get_stage_display(),
            "duty": r.duty,
            "accountability": r.accountability,
            "basis": r.basis,
        }
        for r in item.responsibilities.all()
    ]


class ItemEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    related_items: serializers.PrimaryKeyRelatedField[ImplementationItem] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )

    class Meta:
        model = ItemEvent
        fields = [
            "id",
            "action",
            "action_label",
            "from_state",
            "to_state",
            "effective_date",
            "reason",
            "document_no",
            "version",
            "related_items",
            "created_at",
        ]


class StateChangeSerializer(serializers.Serializer):
    effective_date = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    document_no = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )


class DelegateTarget(serializers.Serializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())


class DelegateSerializer(StateChangeSerializer):
    targets = DelegateTarget(many=True)


class MergeSerializer(StateChangeSerializer):
    items = serializers.PrimaryKeyRelatedField(many=True, queryset=ImplementationItem.objects.all())


# -- items ------------------------------------------------------------------------------
class ItemFilter(filters.FilterSet):
    region = filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    service_object = filters.CharFilter(method="filter_service_object", label=_("服务对象代码"))
    level = filters.NumberFilter(field_name="exercise_level")

    class Meta:
        model = ImplementationItem
        fields = [
            "department",
            "state",
            "item_type",
            "fully_online",
            "case_type",
            "elements_complete",
        ]

    def filter_region(self, queryset, name, value):
        region = Region.objects.filter(code=value.ljust(12, "0")).first()
        return queryset.in_subtree(region) if region else queryset.none()

    def filter_service_object(self, queryset, name, value):
        return queryset.filter(has_code("service_objects", value))


def _public_queryset(request):
    """Published items for everyone; drafts and ended items only for those who may change them.

    Who may is decided by the access policies (accounts), which sit above the catalog: the
    function is named in settings.GOVSERVE["ITEM_VISIBILITY"] rather than imported here.
    """
    qs = ImplementationItem.objects.select_related("region", "department", "basic_item")
    visibility = hooks.resolve("ITEM_VISIBILITY")
    if visibility:
        return visibility(request.user, qs)
    return qs.filter(state=ItemState.PUBLISHED)


@extend_schema(tags=["catalog"])
class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """实施清单事项: the public reads published items; catalog staff see all and write."""

    queryset = ImplementationItem.objects.all()
    filterset_class = ItemFilter

    def get_queryset(self):
        qs = _public_queryset(self.request)
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                "materials__common",
                "fees",
                "basic_item__legal_bases",
                "responsibilities",
                "co_departments",
            )
        return qs

    def get_serializer_class(self):
        return ItemDetailSerializer if self.action == "retrieve" else ItemListSerializer

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={201: ItemDetailSerializer},
        description=_("按交换格式新增一个事项（字段见 docs/catalog-format.md）"),
    )
    def create(self, request):
        check_rows_permission(self, request, [(1, request.data)])
        report = importer.import_rows([(1, request.data)], actor=request.user)
        if not report.ok:
            return Response(_errors_by_field(report), status=status.HTTP_400_BAD_REQUEST)
        item = self.get_queryset().get(pk=report.item_ids[0])
        return Response(
            ItemDetailSerializer(item, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: ItemDetailSerializer},
        description=_("修订事项要素（版本号加一，旧版本保留在变更记录中）"),
    )
    def partial_update(self, request, pk=None):
        item = self.get_object()
        if not isinstance(request.data, Mapping):  # null, [], a bare string or number
            return Response(
                {"non_field_errors": [_("修订内容应为 JSON 对象：{字段名: 新值}")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        allowed = {
            f.name for f in ImplementationItem._meta.concrete_fields if not f.is_relation
        } - {
            "id",
            "state",
            "version",
            "created_at",
            "updated_at",
            "implementation_code",
            "end_date",
            "result_sample",
        }
        unknown = sorted(set(request.data) - allowed - {"reason"})
        if unknown:
            return Response(
                {f: [_("该字段不能通过修订修改")] for f in unknown},
                status=status.HTTP_400_BAD_REQUEST,
            )
        changes = {}
        for name in set(request.data) & allowed:
            field = ImplementationItem._meta.get_field(name)
            try:
                changes[name] = field.to_python(request.data[name])
            except Exception as exc:  # django ValidationError with its own message
                return Response(
                    {name: list(getattr(exc, "messages", [str(exc)]))},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        if "exercise_level" in changes:  # the revised item must stay within the editor's levels too
            revised = copy.copy(item)
            revised.exercise_level = changes["exercise_level"]
            self.check_object_permissions(request, revised)
        item = services.revise_item(
            item, changes, reason=request.data.get("reason", ""), actor=request.user
        )
        return Response(ItemDetailSerializer(item, context={"request": request}).data)

    def _change(self, request, action_name):
        item = self.get_object()
        ser = StateChangeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        item = services.change_state(item, action_name, actor=request.user, **ser.validated_data)
        return Response(ItemDetailSerializer(item, context={"request": request}).data)

    @extend_schema(request=StateChangeSerializer, responses={200: ItemDetailSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._change(request, ItemEvent.Action.PUBLISH)

    @extend_schema(request=StateChangeSerializer, responses={200: ItemDetailSerializer})
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._change(request, ItemEvent.Action.SUSPEND)

    @extend_schema(request=StateChangeSerializer, responses={200: ItemDetailSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._change(request, ItemEvent.Action.RESUME)

    @extend_schema(request=StateChangeSerializer, responses={200: ItemDetailSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._change(request, ItemEvent.Action.CANCEL)

    @extend_schema(request=DelegateSerializer, responses={201: ItemListSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def delegate(self, request, pk=None):
        item = self.get_object()
        ser = DelegateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        targets = [(t["region"], t["department"]) for t in data.pop("targets")]
        for region, department in targets:  # the editor must hold the receiving regions too
            self.check_object_permissions(
                request,
                ImplementationItem(
                    region=region, department=department, exercise_level=level_for_region(region)
                ),
            )
        created = services.delegate_item(item, targets, actor=request.user, **data)
        return Response(ItemListSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MergeSerializer, responses={200: ItemDetailSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge the posted `items` into this item."""
        into = self.get_object()
        ser = MergeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        items = data.pop("items")
        for item in items:
            self.check_object_permissions(request, item)
        services.merge_items(items, into, actor=request.user, **data)
        return Response(ItemDetailSerializer(into, context={"request": request}).data)

    @extend_schema(responses={200: ItemEventSerializer(many=True)})
    # The whole history, unpaged and unfiltered.
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        item = self.get_object()
        return Response(
            ItemEventSerializer(item.events.prefetch_related("related_items"), many=True).data
        )


def check_rows_permission(view, request, rows: list[tuple[int, dict]]) -> None:
    """Refuse (403, nothing written) rows the caller may not create: each row's region and level
    is checked as an unsaved item. Rows whose region does not resolve are left to the import,
    which reports them as field errors."""
    lookups = Lookups()
    denied: list[str] = []
    message = ""
    for line, row in rows:
        if not isinstance(row, dict):
            continue
        region = lookups.region(str(row.get("region") or "")) if row.get("region") else None
        if region is None:
            continue
        try:
            level = int(row.get("exercise_level") or level_for_region(region))
        except (TypeError, ValueError):
            level = level_for_region(region)
        try:
            view.check_object_permissions(
                request, ImplementationItem(region=region, exercise_level=level)
            )
        except PermissionDenied as exc:
            denied.append(str(line))
            message = str(exc.detail)
    if denied:
        if len(rows) > 1:
            message = _("第%(lines)s行：%(reason)s") % {
                "lines": "、".join(denied),
                "reason": message,
            }
        raise PermissionDenied(message)


def _errors_by_field(report: importer.ImportReport) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for err in report.errors:
        out.setdefault(err.field, []).append(err.reason)
    return out


# -- import and export -----------------------------------------------------------------
class ImportView(APIView):
    """导入事项目录: a JSON or CSV file; all rows or none, with a report per rejected row."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=inline_serializer(
            "CatalogImport",
            {
                "file": serializers.FileField(),
                "format": serializers.ChoiceField(choices=["json", "csv"], required=False),
                "dry_run": serializers.BooleanField(required=False),
            },
        ),
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        tags=["catalog"],
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return Response(
                {"file": [_("请上传JSON或CSV文件")]}, status=status.HTTP_400_BAD_REQUEST
            )
        fmt = request.data.get("format") or upload.name.rsplit(".", 1)[-1].lower()
        dry_run = str(request.data.get("dry_run", "")).lower() in ("1", "true", "yes")
        data = upload.read()
        try:
            rows = importer.read_rows(data, fmt)
        except importer.ImportFormatError:
            rows = None  # import_file reports the format error
        if rows is not None:
            check_rows_permission(self, request, rows)
        report = importer.import_file(data, fmt, actor=request.user, dry_run=dry_run)
        return Response(
            report.as_dict(),
            status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST,
        )


class ExportView(APIView):
    """导出事项目录 in the exchange format (JSON or CSV), with the same filters as /api/items/."""

    @extend_schema(
        parameters=[
            OpenApiParameter("file_format", str, enum=["json", "csv"]),
            OpenApiParameter("region", str),
            OpenApiParameter("department", int),
            OpenApiParameter("state", str),
        ],
        # {"items": [...]} by default; the CSV file with file_format=csv.
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "text/csv"): str},
        tags=["catalog"],
    )
    def get(self, request):
        params = request.query_params.copy()
        # Not `format`: DRF reserves that query parameter for choosing a renderer.
        fmt = params.pop("file_format", ["json"])[0]
        qs = ItemFilter(params, queryset=_public_queryset(request)).qs
        rows = importer.export_rows(qs)
        if fmt == "csv":
            resp = HttpResponse(
                ("\ufeff" + importer.export_csv(rows)).encode("utf-8"),
                content_type="text/csv; charset=utf-8",
            )
            resp["Content-Disposition"] = (
                f'attachment; filename="catalog-{dt.date.today():%Y%m%d}.csv"'
            )
            return resp
        return Response({"items": rows})


# -- basic items, bundles, lists, dictionary ------------------------------------------
class BasicItemSerializer(serializers.ModelSerializer):
    legal_bases = serializers.SerializerMethodField()

    class Meta:
        model = BasicItem
        fields = [
            "id",
            "code",
            "local_code",
            "name",
            "item_type",
            "parent",
            "guiding_department",
            "legal_bases",
        ]

    def get_legal_bases(self, basic) -> list[dict]:
        return [b.as_dict() for b in basic.legal_bases.all()]


@extend_schema(tags=["catalog"])
class BasicItemViewSet(viewsets.ReadOnlyModelViewSet):
    """基本目录事项."""

    queryset = BasicItem.objects.prefetch_related("legal_bases")
    serializer_class = BasicItemSerializer
    filterset_fields = ["item_type", "code"]


class BundleSerializer(serializers.ModelSerializer):
    items = ItemListSerializer(many=True, read_only=True)
    lead_department_name = serializers.CharField(source="lead_department.name", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True)

    class Meta:
        model = Bundle
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "description",
            "region_name",
            "lead_department_name",
            "promised_limit_days",
            "keywords",
            "published",
            "items",
        ]


class MergedMaterialSerializer(serializers.Serializer):
    name = serializers.CharField()
    issuing_body = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.source
    source_label = serializers.CharField()
    form = serializers.CharField()
    originals = serializers.IntegerField()
    copies = serializers.IntegerField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # a declared field, not Field.required
    government_held = serializers.BooleanField(help_text=gettext_lazy("政府已持有（免提交候选）"))
    items = serializers.SerializerMethodField(help_text=gettext_lazy("需要该材料的事项"))

    def get_items(self, merged) -> list[str]:
        return [item.name for item in merged.items]


class BundleMaterialsSerializer(serializers.Serializer):
    bundle = serializers.CharField(source="bundle.code")
    materials_before_merge = serializers.IntegerField()
    materials = MergedMaterialSerializer(many=True)


@extend_schema(tags=["catalog"])
class BundleViewSet(viewsets.ReadOnlyModelViewSet):
    """一件事: bundles and their merged material list."""

    serializer_class = BundleSerializer
    lookup_field = "code"
    queryset = Bundle.objects.all()

    def get_queryset(self):
        qs = Bundle.objects.select_related("region", "lead_department").prefetch_related(
            "items__region", "items__department"
        )
        if not (self.request.user.is_authenticated and self.request.user.is_staff):
            qs = qs.filter(published=True)
        return qs

    @extend_schema(responses={200: BundleMaterialsSerializer})
    @action(detail=True, methods=["get"])
    def materials(self, request, code=None):
        """One merged list: a material two items need is asked once."""
        detail = bundle_detail(self.get_object(), include_unpublished=True)
        return Response(BundleMaterialsSerializer(detail).data)


class NegativeListSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = NegativeListEntry
        fields = [
            "id",
            "code",
            "category",
            "category_label",
            "industry",
            "activity",
            "measures",
            "legal_basis",
            "related_items",
        ]


@extend_schema(tags=["lists"])
class NegativeListViewSet(viewsets.ReadOnlyModelViewSet):
    """市场准入负面清单."""

    queryset = NegativeListEntry.objects.prefetch_related("related_items")
    serializer_class = NegativeListSerializer
    filterset_fields = ["category", "industry"]


class SynonymSerializer(serializers.ModelSerializer):
    class Meta:
        model = SearchSynonym
        fields = ["id", "term", "expansions", "kind", "enabled"]


@extend_schema(tags=["catalog"])
class SynonymViewSet(viewsets.ModelViewSet):
    """检索词典: what citizens type and the catalog words it means; administrators extend it."""

    queryset = SearchSynonym.objects.all()
    serializer_class = SynonymSerializer
    filterset_fields = ["kind", "enabled"]


class PowerGroupSerializer(serializers.Serializer):
    item_type = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    count = serializers.IntegerField()
    items = ItemListSerializer(many=True)


class PowerListView(APIView):
    """权力清单: published 行政权力 items grouped by type."""

    @extend_schema(
        parameters=[OpenApiParameter("region", str)],
        responses={200: PowerGroupSerializer(many=True), 404: None},  # no such region
        tags=["lists"],
    )
    def get(self, request):
        return Response(
            PowerGroupSerializer(power_list(region=_region_param(request)), many=True).data
        )


class ResponsibilityItemSerializer(ItemListSerializer):
    responsibilities = serializers.SerializerMethodField()

    class Meta(ItemListSerializer.Meta):
        fields = ItemListSerializer.Meta.fields + ["responsibilities"]

    def get_responsibilities(self, item) -> list[dict]:
        return _responsibilities(item)


class ResponsibilityListView(APIView):
    """责任清单: each published item's duties per stage and when one is held to account."""

    @extend_schema(
        parameters=[OpenApiParameter("region", str), OpenApiParameter("department", int)],
        responses={200: ResponsibilityItemSerializer(many=True), 404: None},  # region, department
        tags=["lists"],
    )
    def get(self, request):
        dept_id = integer_param(request.query_params.get("department"), "department")
        department = get_object_or_404(Department, pk=dept_id) if dept_id is not None else None
        items = responsibility_list(region=_region_param(request), department=department)
        return Response(ResponsibilityItemSerializer(items, many=True).data)


def _region_param(request) -> Region | None:
    code = request.query_params.get("region")
    if not code:
        return None
    return get_object_or_404(Region, code=code.ljust(12, "0"))


class LedgerEventSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    name = serializers.CharField(source="item.name")
    department = serializers.CharField(source="item.department.name")
    region = serializers.CharField(source="item.region.full_name")
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    effective_date = serializers.DateField()
    reason = serializers.CharField()
    document_no = serializers.CharField()


class LedgerSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    region_code = serializers.CharField(allow_null=True)
    region_name = serializers.CharField()
    level = serializers.IntegerField(allow_null=True)
    in_force_start = serializers.IntegerField()
    in_force_end = serializers.IntegerField()
    added = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    delegated = serializers.IntegerField()
    merged = serializers.IntegerField()
    removed = serializers.IntegerField()
    net_change = serializers.IntegerField(
        help_text=gettext_lazy("期末减期初：负数为精简，正数为净增")
    )
    shrink_percent = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    removed_percent = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    events = LedgerEventSerializer(many=True)


class LedgerView(APIView):
    """改革台账: which items were cancelled, delegated or merged between two dates,
    and how much the list shrank."""

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True),
            OpenApiParameter("region", str),
            OpenApiParameter("level", int),
        ],
        responses={200: LedgerSerializer, 404: None},  # no such region
        tags=["lists"],
    )
    def get(self, request):
        errors = {}
        dates = {}
        for name in ("start", "end"):
            try:
                dates[name] = dt.date.fromisoformat(request.query_params.get(name, ""))
            except ValueError:
                errors[name] = [_("请填写日期，格式为YYYY-MM-DD")]
        if not errors and dates["start"] > dates["end"]:
            errors["end"] = [_("结束日期不能早于开始日期")]
        level = request.query_params.get("level")
        if level and level not in {str(value) for value in AdministrativeLevel.values}:
            errors["level"] = [_("行使层级应为1–7的数字")]
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        ledger = reform_ledger(
            dates["start"],
            dates["end"],
            region=_region_param(request),
            level=int(level) if level else None,
        )
        return Response(LedgerSerializer(ledger).data)


class CountRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    count = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)


def _rate():
    return serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)


class StatisticsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    measured = serializers.IntegerField()
    incomplete = serializers.IntegerField()
    by_level = CountRowSerializer(many=True)
    by_type = CountRowSerializer(many=True)
    online_rate = _rate()
    fully_online_rate = _rate()
    zero_visit_rate = _rate()
    at_most_one_visit_rate = _rate()
    average_visits = _rate()
    average_materials = _rate()
    average_steps = _rate()
    average_statutory_days = _rate()
    average_promised_days = _rate()
    promised_to_statutory = _rate()
    compression_rate = _rate()
    immediate_rate = _rate()
    timed_items = serializers.IntegerField()


class StatisticsView(APIView):
    """事项统计: online rate, fully-online rate, average visits, materials, steps and days."""

    @extend_schema(
        parameters=[OpenApiParameter("region", str)],
        responses={200: StatisticsSerializer, 404: None},  # no such region
        tags=["lists"],
    )
    def get(self, request):
        return Response(
            StatisticsSerializer(catalog_statistics(region=_region_param(request))).data
        )
