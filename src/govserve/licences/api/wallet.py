"""Licence wallet REST API (证照夹), under /api/licences/ (routes named ``licence-…`` in `urls`).

Holder side (own licences and those of organisations the caller acts for; anyone else's answer
404): ``GET wallet/``, ``GET wallet/{id}/``, ``GET wallet/{id}/pdf/``, ``GET|POST
wallet/{id}/shares/``, ``DELETE wallet/shares/{id}/`` (withdraw), ``GET wallet/{id}/uses/``.

Department side: ``GET shared/`` (live shares with the caller's departments), ``POST
{id}/use/`` {purpose, case?, department?} — records the use and answers the licence with a PDF
link valid for an hour (``GET uses/{id}/pdf/``).

Thin: reads through `selectors`, writes through `sharing`; refusals are LicenceError →
``{field: [message]}`` with their status (govserve.api.errors). A bearer token needs
"licences.read" to read and "licences.write" to share, withdraw or use.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response

from govserve.cases.models import Case
from govserve.core.params import IdField
from govserve.regions.models import Department

from .. import documents, qrlinks, selectors, services, sharing
from ..errors import LicenceError
from ..models import Licence, LicenceShare, LicenceStatus, LicenceUse
from .common import PDF_RESPONSE, TAGS


class MethodScopes:
    """`required_scopes` by HTTP method: reads need one scope, writes another (accounts.oidc)."""

    def __init__(self, read: str, write: str) -> None:
        self.read, self.write = read, write

    def __get__(self, view, owner=None):
        if view is None:
            return self
        method = getattr(getattr(view, "request", None), "method", None) or "GET"
        return [self.read] if method.upper() in SAFE_METHODS else [self.write]


class WalletAPIView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    required_scopes = MethodScopes("licences.read", "licences.write")
    queryset = Licence.objects.none()


# -- serializers ---------------------------------------------------------------------------------
class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LicenceSerializer(serializers.Serializer):
    """A licence as its holder (or a department using it) sees it; a person's ID masked."""

    id = serializers.IntegerField()
    identifier = serializers.CharField(help_text=gettext_lazy("电子证照标识"))
    type_code = serializers.CharField(source="licence_type.type_code")
    type_name = serializers.CharField(source="licence_type.name")
    number = serializers.CharField(help_text=gettext_lazy("证照编号"))
    version = serializers.IntegerField()
    current = serializers.SerializerMethodField(help_text=gettext_lazy("是否为最新版本"))
    holder_name = serializers.CharField()
    holder_id_number = serializers.SerializerMethodField(
        help_text=gettext_lazy("持证主体证件号码（个人身份证号码已脱敏）")
    )
    issuer = DepartmentRefSerializer()
    issuer_uscc = serializers.CharField(source="issuer.uscc")
    issued_on = serializers.DateField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    status = serializers.SerializerMethodField(
        help_text=gettext_lazy("valid / expiring / expired / suspended / revoked / superseded")
    )
    status_label = serializers.SerializerMethodField()
    status_reason = serializers.CharField()
    data = serializers.JSONField(help_text=gettext_lazy("照面信息"))  # type: ignore[assignment]  # a declared field, not Serializer.data
    verification_url = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField(help_text=gettext_lazy("PDF 下载地址"))

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_current(self, obj: Licence) -> bool:
        return obj.status != LicenceStatus.SUPERSEDED

    @extend_schema_field(OpenApiTypes.STR)
    def get_holder_id_number(self, obj: Licence) -> str:
        return selectors.holder_id_masked(obj)

    @extend_schema_field(OpenApiTypes.STR)
    def get_status(self, obj: Licence) -> str:
        return selectors.status_code(obj)

    @extend_schema_field(OpenApiTypes.STR)
    def get_status_label(self, obj: Licence) -> str:
        return selectors.status_label(selectors.status_code(obj))

    @extend_schema_field(OpenApiTypes.URI)
    def get_verification_url(self, obj: Licence) -> str:
        return qrlinks.verification_url(obj.identifier)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_pdf(self, obj: Licence) -> str | None:
        if not obj.pdf:
            return None
        use = self.context.get("use")
        if use is not None:
            url = reverse("licence-use-pdf", kwargs={"pk": use.pk})
        else:
            url = reverse("licence-wallet-pdf", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ShareSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    licence = serializers.IntegerField(source="licence_id")
    department = DepartmentRefSerializer()
    purpose = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_on = serializers.DateField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    live = serializers.SerializerMethodField(help_text=gettext_lazy("授权是否仍有效"))

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_live(self, obj: LicenceShare) -> bool:
        return selectors.live_shares().filter(pk=obj.pk).exists()


class ShareCreateSerializer(serializers.Serializer):
    department = IdField(help_text=gettext_lazy("部门编号（/api/departments/）"))
    purpose = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=gettext_lazy("用途（必填）")
    )
    days = serializers.IntegerField(
        required=False, default=30, help_text=gettext_lazy("授权天数，1 至 365")
    )


class UseSerializer(serializers.Serializer):
    """用证记录 as the holder sees it: the staff member's name, never an ID."""

    id = serializers.IntegerField()
    licence = serializers.IntegerField(source="licence_id")
    licence_version = serializers.IntegerField(source="licence.version")
    department = DepartmentRefSerializer(allow_null=True)
    user_name = serializers.SerializerMethodField(help_text=gettext_lazy("经办人姓名"))
    at = serializers.DateTimeField()
    purpose = serializers.CharField()
    channel = serializers.CharField()
    channel_label = serializers.CharField(source="get_channel_display")
    case_number = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_user_name(self, obj: LicenceUse) -> str:
        return selectors.staff_name(obj.user)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_case_number(self, obj: LicenceUse) -> str | None:
        return (obj.case.number or str(obj.case.pk)) if obj.case is not None else None


class SharedLicenceSerializer(serializers.Serializer):
    """A live share with the caller's department: what was shared, for what, until when."""

    id = serializers.IntegerField()
    department = DepartmentRefSerializer()
    purpose = serializers.CharField()
    expires_on = serializers.DateField()
    licence = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "type_name": {"type": "string"},
                "number": {"type": "string"},
                "holder_name": {"type": "string"},
                "holder_id_number": {"type": "string"},
                "issuer": {"type": "string"},
                "status": {"type": "string"},
            },
        }
    )
    def get_licence(self, obj: LicenceShare) -> dict:
        licence = obj.licence
        return {
            "id": licence.pk,
            "type_name": licence.licence_type.name,
            "number": licence.number,
            "holder_name": licence.holder_name,
            "holder_id_number": selectors.holder_id_masked(licence),
            "issuer": licence.issuer.name,
            "status": selectors.status_code(licence),
        }


class UseRequestSerializer(serializers.Serializer):
    purpose = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=gettext_lazy("用途（必填）")
    )
    case = IdField(
        required=False, allow_null=True, help_text=gettext_lazy("以此证照为材料的本部门办件编号")
    )
    department = IdField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("以哪个部门的名义用证（只属于一个部门时可省略）"),
    )


class UseRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = DepartmentRefSerializer()
    at = serializers.DateTimeField()
    purpose = serializers.CharField()
    channel = serializers.CharField()


class UseResultSerializer(LicenceSerializer):
    use = UseRecordSerializer(help_text=gettext_lazy("本次用证记录"))


# -- the holder's side ---------------------------------------------------------------------------
class WalletListView(WalletAPIView, generics.ListAPIView):
    serializer_class = LicenceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Licence.objects.none()
        return selectors.wallet(self.request.user)

    @extend_schema(summary="我的证照：本人及所代理单位的电子证照（各版本，新的在前）", tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WalletDetailView(WalletAPIView):
    serializer_class = LicenceSerializer

    @extend_schema(summary="证照详情", tags=TAGS)
    def get(self, request, pk: int):
        licence = selectors.licence_for_holder(request.user, pk)
        return Response(LicenceSerializer(licence, context={"request": request}).data)


class WalletPdfView(WalletAPIView):
    @extend_schema(summary="下载证照 PDF（持证人）", responses=PDF_RESPONSE, tags=TAGS)
    def get(self, request, pk: int):
        return documents.pdf_response(selectors.licence_for_holder(request.user, pk))


def _department(value) -> Department:
    department = Department.objects.filter(pk=value).first() if value is not None else None
    if department is None:
        raise ValidationError({"department": [_("部门不存在")]})
    return department


class WalletSharesView(WalletAPIView):
    serializer_class = ShareSerializer
    pagination_class = None

    @extend_schema(summary="证照的授权列表", responses=ShareSerializer(many=True), tags=TAGS)
    def get(self, request, pk: int):
        licence = selectors.licence_for_holder(request.user, pk)
        return Response(ShareSerializer(selectors.shares_of(licence), many=True).data)

    @extend_schema(
        summary="授权部门使用该证照（写明用途，1 至 365 天）",
        request=ShareCreateSerializer,
        responses={201: ShareSerializer},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        licence = selectors.licence_for_holder(request.user, pk)
        ser = ShareCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        grant = sharing.share(
            licence,
            request.user,
            department=_department(data["department"]),
            purpose=data["purpose"],
            days=data["days"],
        )
        return Response(ShareSerializer(grant).data, status=status.HTTP_201_CREATED)


class WalletShareView(WalletAPIView):
    serializer_class = ShareSerializer

    @extend_schema(summary="撤回授权", responses=ShareSerializer, tags=TAGS)
    def delete(self, request, pk: int):
        grant = (
            LicenceShare.objects.select_related("licence", "department")
            .filter(pk=pk, licence__in=selectors.wallet(request.user).values("pk"))
            .first()
        )
        if grant is None:
            raise NotFound(_("授权不存在"))
        return Response(ShareSerializer(sharing.withdraw(grant, request.user)).data)


class WalletUsesView(WalletAPIView, generics.ListAPIView):
    serializer_class = UseSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LicenceUse.objects.none()
        return selectors.uses_of(selectors.licence_for_holder(self.request.user, self.kwargs["pk"]))

    @extend_schema(summary="用证记录：哪个部门、谁、何时、为何使用了该证照", tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# -- the department's side -------------------------------------------------------------------------
class SharedWithMeView(WalletAPIView, generics.ListAPIView):
    serializer_class = SharedLicenceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LicenceShare.objects.none()
        return selectors.shared_with_staff(self.request.user)

    @extend_schema(summary="授权给本部门（本人所在部门）的证照", tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _use_department(user, licence: Licence, value, case: Case | None) -> Department:
    """The department the caller uses the licence for: as given, else the case's, else the one
    of theirs the licence is shared with (or their only one)."""
    if value is not None:
        return _department(value)
    if case is not None:
        return case.department
    mine = selectors.staff_departments(user)
    shared = list(
        mine.filter(pk__in=selectors.live_shares().filter(licence=licence).values("department"))
    )
    if len(shared) == 1:
        return shared[0]
    candidates = list(mine[:2])
    if not candidates:
        raise LicenceError("department", _("您不是办理业务的部门工作人员，不能使用证照"), 403)
    if len(candidates) == 1:
        return candidates[0]
    raise LicenceError("department", _("请指定以哪个部门的名义用证"))


class UseView(WalletAPIView):
    serializer_class = UseResultSerializer

    @extend_schema(
        summary="部门用证：写明用途，凭持证人授权或本部门办件材料取得证照（记录在案，持证人可见）",
        request=UseRequestSerializer,
        responses={201: UseResultSerializer},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        licence = Licence.objects.select_related("licence_type", "issuer").filter(pk=pk).first()
        if licence is None:
            raise NotFound(_("证照不存在"))
        ser = UseRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        case = None
        if data.get("case") is not None:
            case = Case.objects.filter(pk=data["case"]).first()
            if case is None:
                raise ValidationError({"case": [_("办件不存在")]})
        department = _use_department(request.user, licence, data.get("department"), case)
        record = sharing.use(
            licence,
            request.user,
            department=department,
            purpose=data["purpose"],
            case=case,
            channel="api",
        )
        body = LicenceSerializer(licence, context={"request": request, "use": record}).data
        body["use"] = UseRecordSerializer(record).data  # type: ignore[index]  # body is the output (ReturnDict); mypy takes .data for the declared "data" field
        return Response(body, status=status.HTTP_201_CREATED)


class UsePdfView(WalletAPIView):
    @extend_schema(
        summary="下载用证取得的证照 PDF（用证后一小时内）", responses=PDF_RESPONSE, tags=TAGS
    )
    def get(self, request, pk: int):
        return documents.pdf_response(selectors.use_for_staff(request.user, pk).licence)


class RenewalCaseSerializer(serializers.Serializer):
    case = serializers.IntegerField(source="pk", help_text=gettext_lazy("延续办件"))
    number = serializers.CharField(help_text=gettext_lazy("办件编号"))
    state = serializers.CharField()


class WalletRenewalView(WalletAPIView):
    @extend_schema(
        summary="申请延续：向发证机关提交延续申请（复用原办件材料），批准后签发新版本",
        request=None,
        responses={201: RenewalCaseSerializer},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        licence = selectors.licence_for_holder(request.user, pk)
        case = services.apply_for_renewal(licence, request.user)
        return Response(RenewalCaseSerializer(case).data, status=status.HTTP_201_CREATED)
