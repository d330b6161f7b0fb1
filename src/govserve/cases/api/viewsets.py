"""The cases viewsets: a case (apply, the form, progress, staff actions, files)
and notifications."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from govserve.accounts import policies
from govserve.accounts import services as account_services
from govserve.accounts.masking import mask_id_number, mask_mobile
from govserve.accounts.models import AccountType, User
from govserve.accounts.validators import validate_resident_id
from govserve.core.parsers import FormParser, JSONParser, MultiPartParser

from .. import notifications, permissions, selectors, services
from ..models import Case, Notification
from .helpers import (
    CASES_TAG,
    MATERIAL_RESPONSE,
    PDF_RESPONSE,
    _applicant_by_id_number,
    _bundle,
    _case_or_404,
    _detail,
    _file_response,
    _item,
    _organisation,
    _uploads,
)
from .inputs import (
    ApplySerializer,
    CaseCorrectionSerializer,
    CaseDeliverSerializer,
    CaseGreenChannelSerializer,
    CaseRefuseSerializer,
    CaseRevealRequestSerializer,
    CaseVisitSerializer,
    CaseWalkInSerializer,
    CaseWithdrawSerializer,
    MarkReadSerializer,
)
from .serializers import (
    CaseApplicantSerializer,
    CaseDetailSerializer,
    CaseFormSpecSerializer,
    CaseListSerializer,
    CaseRevealSerializer,
    MarkReadResultSerializer,
    NotificationSerializer,
    ReusableMaterialSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="办件列表：本人（及所代理单位）的办件；工作人员为其岗位范围内的办件",
        parameters=[OpenApiParameter("state", str, description="按状态筛选")],
        tags=CASES_TAG,
    ),
    retrieve=extend_schema(summary="办件详情与办理进度（工作人员查阅记录在案）", tags=CASES_TAG),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = CaseListSerializer
    lookup_value_regex = r"[0-9]+"
    queryset = Case.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        qs = selectors.visible_cases(self.request.user)
        state = self.request.query_params.get("state")
        if state:
            qs = qs.filter(state=state)
        return qs.order_by("-created_at", "-pk")

    def retrieve(self, request, *args, **kwargs):
        return _detail(request, _case_or_404(request, kwargs["pk"]))

    # -- apply in one request ---------------------------------------------------------------
    @extend_schema(
        summary="一次提交申请（JSON 或 multipart；材料文件名 material_<材料要求编号>；幂等键）",
        request={"application/json": ApplySerializer, "multipart/form-data": ApplySerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="同一键重试返回同一办件（200）；键用于不同申请时返回 409",
            )
        ],
        responses={201: CaseDetailSerializer, 200: CaseDetailSerializer},
        tags=CASES_TAG,
    )
    def create(self, request, *args, **kwargs):
        ser = ApplySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        key = (
            request.headers.get("Idempotency-Key") or data.get("idempotency_key") or ""
        ).strip() or None
        item = _item(data["item"]) if data.get("item") else None
        bundle = _bundle(data["bundle"]) if data.get("bundle") else None
        if item is None and bundle is None:
            raise ValidationError({"item": [_("请选择一个事项或一件事")]})
        if item is not None and bundle is not None:
            raise ValidationError({"item": [_("事项和一件事只能选择一个")]})
        organisation = _organisation(request.user, data.get("organisation"))
        applicant = _applicant_by_id_number(data["applicant"]) if data.get("applicant") else None
        uploads = _uploads(request)
        reuse = data.get("reuse") or []
        case, created = services.apply(
            request.user,
            idempotency_key=key,
            item=item,
            bundle=bundle,
            applicant=applicant,
            organisation=organisation,
            form_data=data.get("form_data") or {},
            uploads=uploads,
            reuse=reuse,
            delivery_method=data["delivery_method"],
            delivery_address=data.get("delivery_address", ""),
        )
        return _detail(
            request, case, code=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    # -- what to fill in -------------------------------------------------------------------------
    @extend_schema(
        summary="申请表字段与（合并后的）材料清单",
        parameters=[
            OpenApiParameter("item", str, description="事项编号或实施编码"),
            OpenApiParameter("bundle", str, description="一件事编码"),
        ],
        responses={200: CaseFormSpecSerializer},
        tags=CASES_TAG,
    )
    @action(detail=False, methods=["get"], url_path="form", permission_classes=[])
    def form(self, request):
        params = request.query_params
        if params.get("bundle"):
            bundle = _bundle(params["bundle"])
            if not bundle.published:
                raise NotFound(_("一件事不存在或未发布"))
            spec = selectors.form_spec(bundle=bundle)
        elif params.get("item"):
            item = _item(params["item"])
            if not policies.can_read_item(request.user, item):
                raise NotFound(_("事项不存在或未发布"))
            spec = selectors.form_spec(item=item)
        else:
            raise ValidationError({"item": [_("请指定 item 或 bundle")]})
        return Response(CaseFormSpecSerializer(spec).data)

    @extend_schema(
        summary="可复用的已提交材料（本人或所代理单位）",
        parameters=[OpenApiParameter("organisation", int, description="单位编号")],
        responses={200: ReusableMaterialSerializer(many=True)},
        tags=CASES_TAG,
    )
    @action(detail=False, methods=["get"], url_path="reusable-materials", pagination_class=None)
    def reusable_materials(self, request):
        organisation = _organisation(request.user, request.query_params.get("organisation"))
        if (
            organisation is not None
            and organisation.pk not in policies.represented_organisation_ids(request.user)
        ):
            raise NotFound(_("单位不存在"))
        qs = services.reusable_materials(request.user, organisation)[:200]
        return Response(ReusableMaterialSerializer(qs, many=True).data)

    @extend_schema(
        summary="窗口：按身份证号码查找来办群众，未注册时登记账户（姓名、身份证号码、手机号码）",
        request=CaseWalkInSerializer,
        responses={200: CaseApplicantSerializer, 201: CaseApplicantSerializer},
        tags=CASES_TAG,
    )
    @action(detail=False, methods=["post"], url_path="applicants")
    def applicants(self, request):
        if not selectors.is_clerk(request.user):
            raise PermissionDenied(_("只有综合窗口受理人员可以登记来办群众"))
        ser = CaseWalkInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        try:
            id_number = validate_resident_id(data["id_number"])
        except DjangoValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from None
        person = User.objects.filter(account_type=AccountType.PERSON, id_number=id_number).first()
        created = False
        if person is None:
            missing = {
                name: [_("未注册的来办群众须填写%(label)s") % {"label": label}]
                for name, label in (("real_name", _("姓名")), ("mobile", _("手机号码")))
                if not (data.get(name) or "").strip()
            }
            if missing:
                raise ValidationError(missing)
            try:
                person = account_services.register_person_at_counter(
                    clerk=request.user,
                    real_name=data["real_name"],
                    id_number=id_number,
                    mobile=data["mobile"],
                )
            except DjangoPermissionDenied as exc:
                raise PermissionDenied(str(exc)) from None
            created = True
        body = {
            "id": person.pk,
            "real_name": person.real_name,
            "id_number": mask_id_number(person.id_number),
            "mobile": mask_mobile(person.mobile),
            "assurance_level": person.assurance_level,
            "created": created,
        }
        return Response(
            CaseApplicantSerializer(body).data, status=status.HTTP_201_CREATED if created else 200
        )

    # -- actions on a case ------------------------------------------------------------------------
    @extend_schema(
        summary="撤回申请（申请人，作出决定前）",
        request=CaseWithdrawSerializer,
        responses={200: CaseDetailSerializer},
        tags=CASES_TAG,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        case = _case_or_404(request, pk)
        ser = CaseWithdrawSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return _detail(
            request, services.withdraw(case, request.user, reason=ser.validated_data["reason"])
        )

    @extend_schema(
        summary="受理（综合窗口或本部门审查人员）",
        request=None,
        responses={200: CaseDetailSerializer},
        tags=CASES_TAG,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return _detail(request, services.accept(_case_or_404(request, pk), request.user))

    @extend_schema(
        summary="不予受理（理由；不属于本机关职权时写明应向其申请的机关）",
        request=CaseRefuseSerializer,
        responses={200: CaseDetailSerializer},
        tags=CASES_TAG,
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        case = _case_or_404(request, pk)
        ser = CaseRefuseSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return _detail(request, services.refuse(case, request.user, **ser.validated_data))

    @extend_schema(
        summary="一次性告知补正材料（每个办件仅一次，列出全部需补正内容）",
        request=CaseCorrectionSerializer,
        responses={200: CaseDetailSerializer},
        tags=CASES_TAG,
    )
    @action(detail=True, methods=["post"])
    def correction(self, request, pk=None):
        case = _case_or_404(request, pk)
        ser = CaseCorrectionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        names = {slot.id: slot.name for slot in selectors.case_form_spec(case).materials}
        entries = []
        for n, entry in enumerate(ser.validated_data["entries"]):
            material_id = entry.get("material_id")
            if material_id is not None and material_id not in names:
                raise ValidationError({f"entries.{n}": [_("该材料不属于本申请事项")]})
            entries.append(
                {
                    "material_id": material_id,
                    "material": entry.get("material") or names.get(material_id, ""),
                    "reason": entry.get("reason", ""),
                }
            )
        services.request_correction(
            case, request.user, entries=entries, note=ser.validated_data["note"]
        )
        return _detail(request, case)

    @extend_schema(
        summary="补正后重新提交（申请人）",
        request=None,
        responses={200: CaseDetailSerializer},
        tags=CASES_TAG,
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return _detail(request, services.resubmit(_case_or_404(request, pk), request.user))

    @extend_schema(
        summary="登记到现场（窗口人员）",
        request=CaseVisitSerializer,
        responses={201: CaseDetailSerializer},
        tags=CASES_TAG,
    )
    @action(detail=True, methods=["post"])
    def visits(self, request, pk=None):
        case = _case_or_404(request, pk)
        ser = CaseVisitSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.record_visit(case, request.user, purpose=ser.validated_data["purpose"])
        return _detail(request, case, code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="开通或关闭绿色通道（窗口人员、审批负责人；须写明理由）",
        request=CaseGreenChannelSerializer,
        responses={200: CaseDetailSerializer},
        tags=CASES_TAG,
    )
    @action(detail=True, methods=["post"], url_path="green-channel")
    def green_channel(self, request, pk=None):
        case = _case_or_404(request, pk)
        ser = CaseGreenChannelSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return _detail(
            request, services.set_green_channel(case, request.user, **ser.validated_data)
        )

    @extend_schema(
        summary="登记送达（工作人员）",
        request=CaseDeliverSerializer,
        responses={200: CaseDetailSerializer},
        tags=CASES_TAG,
    )
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        case = _case_or_404(request, pk)
        ser = CaseDeliverSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return _detail(request, services.deliver(case, request.user, **ser.validated_data))

    @extend_schema(
        summary="查看申请人完整证件号码和手机号码（须说明理由，记录在案）",
        request=CaseRevealRequestSerializer,
        responses={200: CaseRevealSerializer},
        tags=CASES_TAG,
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        case = _case_or_404(request, pk)
        ser = CaseRevealRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            data = selectors.reveal_applicant(
                request.user, case, reason=ser.validated_data["reason"], channel="api:case"
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(CaseRevealSerializer(data).data)

    @extend_schema(
        summary="下载文书 PDF（可查看该办件的人）", responses=PDF_RESPONSE, tags=CASES_TAG
    )
    @action(
        detail=True, methods=["get"], url_path=r"documents/(?P<doc>[0-9]+)", url_name="document"
    )
    def document(self, request, pk=None, doc=None):
        case = _case_or_404(request, pk)
        document = case.documents.filter(pk=doc).first()
        if document is None or not document.file:
            raise NotFound(_("文书不存在或尚未生成 PDF"))
        return _file_response(document.file, f"{document.number}.pdf", "application/pdf")

    @extend_schema(
        summary="下载申请材料文件（可查看该办件的人）", responses=MATERIAL_RESPONSE, tags=CASES_TAG
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"materials/(?P<material_pk>[0-9]+)",
        url_name="material",
    )
    def material(self, request, pk=None, material_pk=None):
        case = _case_or_404(request, pk)
        cm = case.materials.filter(pk=material_pk).first()
        if cm is None or not cm.file:
            raise NotFound(_("材料不存在"))
        if not permissions.is_case_applicant(request.user, case):
            selectors.log_personal_data_read(request.user, case, channel="api:material")
        return _file_response(
            cm.file, cm.original_name or cm.file.name, cm.content_type or "application/octet-stream"
        )


@extend_schema_view(list=extend_schema(summary="我的消息", tags=CASES_TAG))
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = selectors.notifications_for(self.request.user)
        if self.request.query_params.get("unread") in {"1", "true"}:
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(
        summary="标为已读（ids 省略时全部）",
        request=MarkReadSerializer,
        responses={200: MarkReadResultSerializer},
        tags=CASES_TAG,
    )
    @action(detail=False, methods=["post"])
    def read(self, request):
        ser = MarkReadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        marked = notifications.mark_read(request.user, ser.validated_data.get("ids"))
        return Response({"marked": marked, "unread": selectors.unread_count(request.user)})
