"""`GET /api/search/`: the public catalog search (事项检索) as JSON; thin over the selectors."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from govserve.catalog.codetables import ItemType, ServiceObject
from govserve.core.params import INT_MAX, BoundedIntegerField, IdField
from govserve.regions.models import AdministrativeLevel

from .filters import FilterError
from .selectors import MAX_LIMIT, search_bundles, search_items


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        default="",
        help_text="检索词：中文、拼音、拼音首字母（yyzz）、群众常用说法；空则按筛选条件列出事项",
    )
    region = serializers.RegexField(
        r"^\d{6}(\d{6})?$", required=False, help_text="区划代码（12 位或 6 位），含其全部下级区划"
    )
    department = IdField(required=False, help_text="实施主体（部门）id")
    level = serializers.ChoiceField(
        choices=AdministrativeLevel.choices, required=False, help_text="行使层级"
    )
    item_type = serializers.ChoiceField(
        choices=ItemType.choices, required=False, help_text="事项类型"
    )
    service_object = serializers.ChoiceField(
        choices=ServiceObject.choices, required=False, help_text="服务对象"
    )
    fully_online = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="只看全程网办"
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_LIMIT, default=20)
    offset = BoundedIntegerField(required=False, min_value=0, max_value=INT_MAX, default=0)


class SearchItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    item_type = serializers.CharField()
    item_type_label = serializers.CharField(source="get_item_type_display")
    department = serializers.CharField(source="department.name")
    region = serializers.SerializerMethodField()
    exercise_level = serializers.IntegerField()
    exercise_level_label = serializers.CharField(source="get_exercise_level_display")
    promised_limit_days = serializers.IntegerField(allow_null=True)
    statutory_limit_days = serializers.IntegerField(allow_null=True)
    fully_online = serializers.BooleanField()
    visits_required = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_region(self, item) -> str:
        return item.region.full_name or item.region.name

    def get_url(self, item) -> str:
        return f"/items/{item.pk}/"


class SearchBundleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, bundle) -> str:
        return f"/bundles/{bundle.code}/"


class SearchResponseSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="符合条件的已发布事项数")
    items = SearchItemSerializer(many=True, help_text="本页事项，按相关度排序")
    suggestions = serializers.ListField(
        child=serializers.CharField(), help_text="无结果时的相近事项名称（您是不是要找…）"
    )
    expanded_terms = serializers.ListField(
        child=serializers.CharField(), help_text="检索词典补充检索的规范用语"
    )
    bundles = SearchBundleSerializer(many=True, help_text="相关的“一件事”（仅第一页）")


class SearchView(APIView):
    """事项检索: published implementation items, best match first."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="search_items",
        summary="事项检索",
        description=(
            "按中文（jieba 分词）、全拼、拼音首字母（yyzz → 营业执照）、同义词和生活事件词典"
            "检索已发布的实施清单事项，"
            "容忍一个错别字；可按区划（含下级）、部门、行使层级、事项类型、服务对象、全程网办筛选。"
            "无结果时 suggestions 给出相近事项名称。"
        ),
        parameters=[SearchParamsSerializer],
        responses={200: SearchResponseSerializer},
        tags=["search"],
    )
    def get(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        query = data["q"].strip()
        try:
            result = search_items(
                query,
                region=data.get("region"),
                department=data.get("department"),
                level=data.get("level"),
                item_type=data.get("item_type"),
                service_object=data.get("service_object"),
                fully_online=data.get("fully_online"),
                limit=data["limit"],
                offset=data["offset"],
            )
        except FilterError as exc:
            raise ValidationError({exc.field: [exc.message]}) from exc
        bundles = search_bundles(query) if query and data["offset"] == 0 else []
        return Response(
            SearchResponseSerializer(
                {
                    "total": result.total,
                    "items": result.items,
                    "suggestions": result.suggestions,
                    "expanded_terms": result.expanded_terms,
                    "bundles": bundles,
                }
            ).data
        )
