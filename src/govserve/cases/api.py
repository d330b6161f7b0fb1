"""Cases REST API (办件): apply in one request or through a draft, follow progress, act on a case.

Thin: every write goes through `services`, every read through `selectors`, every decision
through `permissions` / accounts.policies. A case the caller may not see answers 404 whether
or not it exists; a refused action answers with `{field: [message]}` and its status
(CaseError → 400/403/409, see govserve.api.errors).

- `POST /api/cases/` — apply at once (JSON, or multipart with files named `material_<id>` and
  `form_data` / `reuse` as JSON strings). `Idempotency-Key` header (or `idempotency_key`):
  201 the first time, 200 with the same case on a retry, 409 for a different request.
- `/api/cases/drafts/` — create, PATCH, upload materials one by one, reuse, submit.
- `GET /api/cases/form/?item=|bundle=` — the fields and the merged material list.
- `GET /api/cases/{id}/` — the case with its progress; staff reads are logged.
- Actions: withdraw, accept, refuse, correction, resubmit, visits, deliver, reveal;
  documents and materials download; `/api/notifications/`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from govserve.accounts import policies
from govserve.accounts import services as account_services
from govserve.accounts.masking import mask_id_number, mask_mobile, mask_name
from govserve.accounts.models import AccountType, Organisation, User
from govserve.accounts.validators import validate_resident_id
from govserve.catalog.models import Bundle, ImplementationItem

from . import notifications, permissions, selectors, services
from .models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseMaterial,
    CorrectionNotice,
    DeliveryMethod,
    FormField,
    Notification,
)

CASES_TAG = ["cases"]


# -- looking things up ---------------------------------------------------------------------------
def _item(value) -> ImplementationItem:
    value = str(value or "").strip()
    qs = ImplementationItem.objects.select_related("region", "department")
    item = None
    if value.isdigit() and len(value) < 31:
        item = qs.filter(pk=int(value)).first()
    if item is None and value:
        item = qs.filter(implementation_code=value).first()
    if item is None:
        raise ValidationError({"item": [_("事项不存在（请填写事项编号或实施编码）")]})
    return item


def _bundle(value) -> Bundle:
    bundle = (
        Bundle.objects.select_related("region", "lead_department")
        .filter(code=str(value).strip())
        .first()
    )
    if bundle is None:
        raise ValidationError({"bundle": [_("一件事不存在")]})
    return bundle


def _organisation(user, value) -> Organisation | None:
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"organisation": [_("请填写单位编号")]}) from None
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise ValidationError({"organisation": [_("单位不存在")]})
    return organisation


def _applicant_by_id_number(value) -> User:
    try:
        id_number = validate_resident_id(value)
    except DjangoValidationError as exc:
        raise ValidationError({"applicant": exc.messages}) from None
    person = User.objects.filter(
        account_type=AccountType.PERSON, id_number=id_number, is_active=True
    ).first()
    if person is None:
        raise ValidationError(
            {
                "applicant": [
                    _("未找到该身份证号码的账户，请先为来办群众登记（姓名、身份证号码、手机号码）")
                ]
            }
        )
    return person


def _case_or_404(request, pk) -> Case:
    case = selectors.get_visible_case(request.user, pk)
    if case is None:
        raise NotFound(_("办件不存在"))
    return case


# -- serializers ---------------------------------------------------------------------------------
class JSONObjectOrStringField(serializers.JSONField):
    """A JSON value; in a multipart form it arrives as a JSON string (DRF parses it)."""


class CaseReuseSerializer(serializers.Serializer):
    material = serializers.IntegerField(
        help_text=gettext_lazy("材料要求编号（表单接口 materials[].id）")
    )
    source = serializers.IntegerField(
        help_text=gettext_lazy("可复用材料编号（reusable-materials 接口）")
    )


class ApplySerializer(serializers.Serializer):
    """One request: the application, its materials and its submission."""

    item = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("事项编号或实施编码")
    )
    bundle = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("一件事编码")
    )
    organisation = serializers.IntegerField(
        required=False, allow_null=True, help_text=gettext_lazy("以单位名义申请时的单位编号")
    )
    applicant = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("窗口代办：在场申请人的身份证号码"),
    )
    form_data = JSONObjectOrStringField(
        required=False, help_text=gettext_lazy("申请表内容（对象；multipart 时为 JSON 字符串）")
    )
    delivery_method = serializers.ChoiceField(
        choices=DeliveryMethod.choices, default=DeliveryMethod.ELECTRONIC
    )
    delivery_address = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300
    )
    reuse = JSONObjectOrStringField(
        required=False,
        help_text=gettext_lazy(
            '复用已提交材料：[{"material": 材料要求编号, "source": 可复用材料编号}]'
        ),
    )
    idempotency_key = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=gettext_lazy("幂等键（也可用请求头 Idempotency-Key）"),
    )

    def validate_form_data(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("申请表内容应为对象"))
        return value

    def validate_reuse(self, value):
        if not isinstance(value, list):
            raise serializers.ValidationError(_("复用材料应为列表"))
        ser = CaseReuseSerializer(data=value, many=True)
        if not ser.is_valid():
            raise serializers.ValidationError(_('每一项应为 {"material": 编号, "source": 编号}'))
        return [(row["material"], row["source"]) for row in ser.validated_data]


class DraftCreateSerializer(serializers.Serializer):
    item = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("事项编号或实施编码")
    )
    bundle = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("一件事编码")
    )
    organisation = serializers.IntegerField(required=False, allow_null=True)
    applicant = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("窗口代办：在场申请人的身份证号码")
    )


class DraftUpdateSerializer(serializers.Serializer):
    form_data = serializers.JSONField(required=False)
    delivery_method = serializers.ChoiceField(choices=DeliveryMethod.choices, required=False)
    delivery_address = serializers.CharField(required=False, allow_blank=True, max_length=300)


class CaseMaterialUploadSerializer(serializers.Serializer):
    material = serializers.IntegerField(help_text=gettext_lazy("材料要求编号"))
    file = serializers.FileField(help_text=gettext_lazy("PDF、JPG、PNG 或 OFD 文件"))


class CaseWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class CaseRefuseSerializer(serializers.Serializer):
    reasons = serializers.CharField(allow_blank=True, help_text=gettext_lazy("不予受理的理由"))
    competent_agency = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("不属于本机关职权时，应向其申请的机关"),
    )


class CaseCorrectionEntrySerializer(serializers.Serializer):
    material_id = serializers.IntegerField(
        required=False, allow_null=True, help_text=gettext_lazy("材料要求编号")
    )
    material = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("材料名称")
    )
    reason = serializers.CharField(allow_blank=True, help_text=gettext_lazy("需补正的原因"))


class CaseCorrectionSerializer(serializers.Serializer):
    entries = CaseCorrectionEntrySerializer(many=True, allow_empty=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseVisitSerializer(serializers.Serializer):
    purpose = serializers.CharField(
        allow_blank=True, max_length=200, help_text=gettext_lazy("到现场事由")
    )


class CaseGreenChannelSerializer(serializers.Serializer):
    on = serializers.BooleanField(help_text=gettext_lazy("开通（true）或关闭（false）"))
    reason = serializers.CharField(allow_blank=True, max_length=500, help_text=gettext_lazy("理由"))


class CaseDeliverSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=DeliveryMethod.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseRevealRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text=gettext_lazy("查看理由（记录在案）"))


class CaseRevealSerializer(serializers.Serializer):
    id_number = serializers.CharField()
    mobile = serializers.CharField()


class CaseWalkInSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=30, help_text=gettext_lazy("身份证号码"))
    real_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    mobile = serializers.CharField(required=False, allow_blank=True, max_length=20)


class CaseApplicantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    real_name = serializers.CharField()
    id_number = serializers.CharField(help_text=gettext_lazy("身份证号码（脱敏）"))
    mobile = serializers.CharField(help_text=gettext_lazy("手机号码（脱敏）"))
    assurance_level = serializers.IntegerField()
    created = serializers.BooleanField(help_text=gettext_lazy("本次新登记"))


class CaseFormFieldSerializer(serializers.ModelSerializer):
    field_type = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy("text/textarea/number/date/choice/boolean/id_number/uscc/mobile"),
    )

    class Meta:
        model = FormField
        fields = ["key", "label", "field_type", "required", "choices", "max_length", "help_text"]
        read_only_fields = fields


class CaseMaterialSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=gettext_lazy("上传时文件名为 material_<id>"))
    name = serializers.CharField()
    required = serializers.BooleanField()
    provided_by_government = serializers.BooleanField(
        help_text=gettext_lazy("政府部门核发或共享获取，无需提交")
    )
    requirements = serializers.CharField()
    originals = serializers.IntegerField()
    copies = serializers.IntegerField()
    item_names = serializers.ListField(child=serializers.CharField())


class CaseFormItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    department = serializers.CharField(source="department.name")
    visits_required = serializers.IntegerField()


class CaseFormSpecSerializer(serializers.Serializer):
    items = CaseFormItemSerializer(many=True)
    bundle = serializers.CharField(source="bundle.code", default=None, allow_null=True)
    fields = CaseFormFieldSerializer(many=True)
    materials = CaseMaterialSlotSerializer(many=True)


class CaseEventSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", default="", read_only=True)
    actor_name = serializers.SerializerMethodField(
        help_text=gettext_lazy("操作人姓名（仅工作人员可见）")
    )

    class Meta:
        model = CaseEvent
        fields = ["at", "action", "label", "actor_role", "actor_name", "department", "note"]
        read_only_fields = fields

    def get_actor_name(self, event) -> str:
        if self.context.get("applicant_view") or event.actor_id is None:
            return ""
        return str(event.actor)


class CaseDeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    due = serializers.DateField()
    provisional = serializers.BooleanField(
        help_text=gettext_lazy("按法定节假日推算，放假安排公布后重新计算")
    )
    overdue = serializers.BooleanField()


class CaseExpectationSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    entries = serializers.ListField(child=serializers.DictField())


class CaseDocumentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    kind = serializers.CharField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = CaseDocument
        fields = ["id", "kind", "kind_display", "number", "issued_on", "download_url"]
        read_only_fields = fields

    def get_download_url(self, doc) -> str | None:
        if not doc.file:
            return None
        url = reverse("case-document", kwargs={"pk": doc.case_id, "doc": doc.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class CaseMaterialSerializer(serializers.ModelSerializer):
    origin = serializers.CharField(read_only=True)
    origin_display = serializers.CharField(source="get_origin_display", read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = CaseMaterial
        fields = [
            "id",
            "material",
            "name",
            "origin",
            "origin_display",
            "status",
            "status_display",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, cm) -> str | None:
        if not cm.file:
            return None
        url = reverse("case-material", kwargs={"pk": cm.case_id, "material_pk": cm.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ReusableMaterialSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = CaseMaterial
        fields = [
            "id",
            "material",
            "name",
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
            "case_number",
        ]
        read_only_fields = fields


class CaseDetailItemSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    name = serializers.CharField(source="item.name")
    department = serializers.CharField(source="department.name")
    outcome = serializers.SerializerMethodField(
        help_text=gettext_lazy("作出决定后各部门的审查结论")
    )

    def get_outcome(self, case_item) -> str:
        return case_item.outcome if case_item.case.decided_at else ""


class CaseCorrectionNoticeSerializer(serializers.Serializer):
    issued_at = serializers.DateTimeField()
    entries = serializers.ListField(child=serializers.DictField())
    note = serializers.CharField()
    resubmitted_at = serializers.DateTimeField(allow_null=True)


class CaseListSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    channel = serializers.CharField(read_only=True)
    bundle = serializers.CharField(source="bundle.code", default=None, read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    applicant_name = serializers.SerializerMethodField(
        help_text=gettext_lazy("申请人（列表中隐去姓名）")
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "item",
            "bundle",
            "state",
            "state_display",
            "channel",
            "department_name",
            "applicant_name",
            "submitted_at",
            "acceptance_due",
            "current_due",
            "due_provisional",
            "green_channel",
        ]
        read_only_fields = fields

    def get_applicant_name(self, case) -> str:
        return mask_name(case.applicant_name)


class CaseDetailSerializer(CaseListSerializer):
    """A case with its progress. Build with context {request, applicant_view}."""

    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    applicant = serializers.SerializerMethodField()
    delivery_method = serializers.CharField(read_only=True)
    delivery_method_display = serializers.CharField(
        source="get_delivery_method_display", read_only=True
    )
    outcome = serializers.CharField(read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    receipt_url = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    expected_of_applicant = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    materials = serializers.SerializerMethodField()
    correction_notice = serializers.SerializerMethodField()
    case_items = serializers.SerializerMethodField(
        help_text=gettext_lazy("办件包含的事项及承办部门")
    )
    visits_promised = serializers.SerializerMethodField(
        help_text=gettext_lazy("事项承诺的到现场次数")
    )
    filed_by_clerk = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + [
            "region",
            "region_name",
            "item_name",
            "organisation",
            "applicant",
            "form_data",
            "delivery_method",
            "delivery_method_display",
            "delivery_address",
            "created_at",
            "received_on",
            "accepted_on",
            "deemed_accepted",
            "statutory_limit_days",
            "promised_limit_days",
            "statutory_due",
            "promised_due",
            "delivery_due",
            "clock_stopped",
            "extension_days",
            "outcome",
            "outcome_display",
            "decision_reasons",
            "decided_at",
            "delivered_at",
            "closed_at",
            "visits_count",
            "visits_promised",
            "filed_by_clerk",
            "receipt_url",
            "events",
            "deadlines",
            "expected_of_applicant",
            "documents",
            "materials",
            "correction_notice",
            "case_items",
        ]
        read_only_fields = fields

    def get_applicant_name(self, case) -> str:
        return case.applicant_name

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "id_number": {"type": "string", "description": "证件号码（身份证号码脱敏）"},
                "mobile": {"type": "string", "description": "联系电话（脱敏）"},
            },
        }
    )
    def get_applicant(self, case) -> dict:
        return selectors.masked_applicant(case)

    def get_filed_by_clerk(self, case) -> bool:
        return case.filed_by_id is not None

    def get_receipt_url(self, case) -> str | None:
        if not case.number:
            return None
        url = reverse("cases:receipt", args=[case.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(CaseEventSerializer(many=True))
    def get_events(self, case) -> list:
        viewer = self.context["request"].user
        return CaseEventSerializer(
            selectors.events_for(case, viewer), many=True, context=self.context
        ).data

    @extend_schema_field(CaseDeadlineSerializer(many=True))
    def get_deadlines(self, case) -> list:
        return CaseDeadlineSerializer(selectors.deadlines(case), many=True).data

    @extend_schema_field(CaseExpectationSerializer(many=True))
    def get_expected_of_applicant(self, case) -> list:
        return CaseExpectationSerializer(selectors.expectations(case), many=True).data

    @extend_schema_field(CaseDocumentSerializer(many=True))
    def get_documents(self, case) -> list:
        return CaseDocumentSerializer(
            selectors.documents_for(case), many=True, context=self.context
        ).data

    @extend_schema_field(CaseMaterialSerializer(many=True))
    def get_materials(self, case) -> list:
        return CaseMaterialSerializer(
            selectors.materials_for(case), many=True, context=self.context
        ).data

    @extend_schema_field(CaseCorrectionNoticeSerializer(allow_null=True))
    def get_correction_notice(self, case) -> dict | None:
        notice = CorrectionNotice.objects.filter(case=case).first()
        return CaseCorrectionNoticeSerializer(notice).data if notice else None

    @extend_schema_field(CaseDetailItemSerializer(many=True))
    def get_case_items(self, case) -> list:
        rows = case.case_items.select_related("item", "department", "case").order_by("pk")
        return CaseDetailItemSerializer(rows, many=True).data

    def get_visits_promised(self, case) -> int:
        return selectors.visits_promised(case)


class NotificationSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", default=None, read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "case", "case_number", "subject", "body", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, note) -> bool:
        return note.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=gettext_lazy("省略时全部标为已读"),
    )


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


# -- helpers for the views -------------------------------------------------------------------------
def _detail(request, case: Case, *, code: int = status.HTTP_200_OK) -> Response:
    case = Case.objects.select_related("item", "bundle", "region", "department").get(pk=case.pk)
    applicant_view = permissions.is_case_applicant(request.user, case)
    if not applicant_view:
        selectors.log_personal_data_read(request.user, case, channel="api")
    context = {"request": request, "applicant_view": applicant_view}
    return Response(CaseDetailSerializer(case, context=context).data, status=code)


def _uploads(request) -> list[tuple[int, object]]:
    uploads = []
    for name, upload in request.FILES.items():
        if not name.startswith("material_"):
            raise ValidationError({name: [_("文件字段应命名为 material_<材料要求编号>")]})
        try:
            uploads.append((int(name.removeprefix("material_")), upload))
        except ValueError:
            raise ValidationError({name: [_("文件字段应命名为 material_<材料要求编号>")]}) from None
    return sorted(uploads, key=lambda pair: pair[0])


def _file_response(field_file, filename: str, content_type: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise NotFound(_("文件不存在")) from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


FILE_RESPONSE = {(200, "application/octet-stream"): OpenApiTypes.BINARY}


# -- views -------------------------------------------------------------------------------------------
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
        summary="下载文书 PDF（可查看该办件的人）", responses=FILE_RESPONSE, tags=CASES_TAG
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
        summary="下载申请材料文件（可查看该办件的人）", responses=FILE_RESPONSE, tags=CASES_TAG
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
