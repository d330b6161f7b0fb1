"""The drafts viewset: create, fill in, upload or reuse materials one at a time, submit."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from govserve.core.parsers import FormParser, JSONParser, MultiPartParser

from .. import services
from ..models import Case
from .helpers import (
    CASES_TAG,
    _applicant_by_id_number,
    _bundle,
    _case_or_404,
    _detail,
    _item,
    _organisation,
)
from .inputs import (
    CaseMaterialUploadSerializer,
    CaseReuseSerializer,
    DraftCreateSerializer,
    DraftUpdateSerializer,
)
from .serializers import CaseDetailSerializer, CaseMaterialSerializer


@extend_schema_view(
    create=extend_schema(
        summary="创建申请草稿（窗口代办时填 applicant）",
        request=DraftCreateSerializer,
        responses={201: CaseDetailSerializer},
        tags=CASES_TAG,
    ),
    retrieve=extend_schema(
        summary="草稿详情", responses={200: CaseDetailSerializer}, tags=CASES_TAG
    ),
    partial_update=extend_schema(
        summary="保存草稿：申请表与送达方式",
        request=DraftUpdateSerializer,
        responses={200: CaseDetailSerializer},
        tags=CASES_TAG,
    ),
)
class DraftViewSet(viewsets.GenericViewSet):
    """Drafts (and cases awaiting correction): fill in, upload one material at a time, submit."""

    permission_classes = [IsAuthenticated]
    serializer_class = CaseDetailSerializer
    queryset = Case.objects.none()
    lookup_value_regex = r"[0-9]+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request):
        ser = DraftCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        item = _item(data["item"]) if data.get("item") else None
        bundle = _bundle(data["bundle"]) if data.get("bundle") else None
        applicant = _applicant_by_id_number(data["applicant"]) if data.get("applicant") else None
        case = services.create_draft(
            request.user,
            item=item,
            bundle=bundle,
            applicant=applicant,
            organisation=_organisation(request.user, data.get("organisation")),
        )
        return _detail(request, case, code=status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        return _detail(request, _case_or_404(request, pk))

    def partial_update(self, request, pk=None):
        case = _case_or_404(request, pk)
        ser = DraftUpdateSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        return _detail(request, services.save_draft(case, request.user, **ser.validated_data))

    @extend_schema(
        summary="上传一份材料（multipart：material、file；替换同一材料的旧文件）",
        request={"multipart/form-data": CaseMaterialUploadSerializer},
        responses={201: CaseMaterialSerializer},
        tags=CASES_TAG,
    )
    @action(detail=True, methods=["post"])
    def materials(self, request, pk=None):
        case = _case_or_404(request, pk)
        ser = CaseMaterialUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        cm = services.add_material(
            case,
            request.user,
            material_id=ser.validated_data["material"],
            upload=ser.validated_data["file"],
        )
        return Response(
            CaseMaterialSerializer(cm, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="复用已提交的材料",
        request=CaseReuseSerializer,
        responses={201: CaseMaterialSerializer},
        tags=CASES_TAG,
    )
    @action(detail=True, methods=["post"])
    def reuse(self, request, pk=None):
        case = _case_or_404(request, pk)
        ser = CaseReuseSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        cm = services.reuse_material(
            case,
            request.user,
            material_id=ser.validated_data["material"],
            source_id=ser.validated_data["source"],
        )
        return Response(
            CaseMaterialSerializer(cm, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="提交草稿", request=None, responses={200: CaseDetailSerializer}, tags=CASES_TAG
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return _detail(request, services.submit(_case_or_404(request, pk), request.user))
