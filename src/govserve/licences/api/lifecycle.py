"""Issued licences for staff (证照管理), under /api/licences/ (routes in `urls`):

- ``GET issued/`` (``?q=`` number, identifier or holder name; ``?status=``), ``GET
  issued/{id}/`` (with its events; the read is logged), ``GET issued/{id}/pdf/`` — staff of the
  issuing department and supervisors of its region; anyone else gets 404 for a licence.
- ``POST issued/{id}/change/`` {data, reason} → 201 with the new version; ``renew/`` {} → 201;
  ``suspend/`` / ``resume/`` / ``revoke/`` {reason} → 200 — approvers of the issuing department.

Thin: reads through `selectors.staff_licences`, writes through `services`; refusals come back as
``{field: [message]}`` with a 4xx status (govserve.api.errors).
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from govserve.accounts import policies
from govserve.accounts.masking import mask_id_number
from govserve.accounts.models import Role

from .. import documents, selectors, services
from ..errors import LicenceError
from ..models import Licence, LicenceEvent, LicenceStatus
from .common import PDF_RESPONSE, TAGS, scopes


class IssuedEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = LicenceEvent
        fields = ["action", "description", "reason", "at", "actor_name"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor_name(self, obj: LicenceEvent) -> str:
        actor = obj.actor
        if actor is None:
            return _("系统")
        return actor.real_name or actor.username


class IssuedLicenceSerializer(serializers.ModelSerializer):
    """A licence as the issuing department's staff see it; a person's ID number masked."""

    type_name = serializers.CharField(source="licence_type.name")
    type_code = serializers.CharField(source="licence_type.type_code")
    issuer_name = serializers.CharField(source="issuer.name")
    holder_kind = serializers.SerializerMethodField(help_text=gettext_lazy("person / organisation"))
    holder_id_number = serializers.SerializerMethodField(
        help_text=gettext_lazy("持证主体证件号码（个人身份证号码已脱敏）")
    )
    effective_status = serializers.SerializerMethodField(
        help_text=gettext_lazy("今日状态（有效期届满的显示为 expired）")
    )
    source_case_number = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField()
    renewal_opens_on = serializers.SerializerMethodField()
    can_manage = serializers.SerializerMethodField(
        help_text=gettext_lazy("当前用户可否办理变更、延续、中止、恢复、撤销")
    )
    pdf = serializers.SerializerMethodField(help_text=gettext_lazy("PDF 下载地址"))

    class Meta:
        model = Licence
        fields = [
            "id",
            "identifier",
            "number",
            "version",
            "type_name",
            "type_code",
            "issuer",
            "issuer_name",
            "holder_kind",
            "holder_name",
            "holder_id_number",
            "issued_on",
            "valid_from",
            "valid_until",
            "status",
            "effective_status",
            "status_reason",
            "status_changed_at",
            "data",
            "source_case_number",
            "supersedes",
            "superseded_by",
            "renewal_opens_on",
            "can_manage",
            "pdf",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_holder_kind(self, obj: Licence) -> str:
        return "organisation" if obj.holder_organisation_id else "person"

    @extend_schema_field(OpenApiTypes.STR)
    def get_holder_id_number(self, obj: Licence) -> str:
        if obj.holder_organisation_id:
            return obj.holder_id_number  # a credit code is public
        return mask_id_number(obj.holder_id_number)

    @extend_schema_field(OpenApiTypes.STR)
    def get_effective_status(self, obj: Licence) -> str:
        return obj.effective_status()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_source_case_number(self, obj: Licence) -> str | None:
        return (
            (obj.source_case.number or str(obj.source_case_id))
            if obj.source_case is not None
            else None
        )

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_superseded_by(self, obj: Licence) -> int | None:
        newer = Licence.objects.filter(supersedes_id=obj.pk).values_list("pk", flat=True).first()
        return newer

    @extend_schema_field({"type": "string", "format": "date", "nullable": True})
    def get_renewal_opens_on(self, obj: Licence):
        return obj.renewal_opens_on

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_manage(self, obj: Licence) -> bool:
        return selectors.can_manage_licence(self.context["request"].user, obj)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_pdf(self, obj: Licence) -> str | None:
        if not obj.pdf:
            return None
        url = reverse("licence-issued-pdf", kwargs={"pk": obj.pk})
        return self.context["request"].build_absolute_uri(url)


class IssuedLicenceDetailSerializer(IssuedLicenceSerializer):
    events = IssuedEventSerializer(many=True, read_only=True)

    class Meta(IssuedLicenceSerializer.Meta):
        fields = [*IssuedLicenceSerializer.Meta.fields, "events"]


class IssuedView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]

    @property
    def required_scopes(self) -> list[str]:
        return scopes(self, "licences.read", "licences.write")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Licence.objects.none()
        user = self.request.user
        if not (
            user.is_superuser
            or policies.active_grants(user, policies.CASE_ROLES | {Role.SUPERVISOR})
        ):
            raise PermissionDenied(_("证照管理仅供发证部门工作人员使用"))
        return selectors.staff_licences(user).select_related("source_case")

    def get_licence(self) -> Licence:
        licence = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if licence is None:
            raise NotFound(_("证照不存在"))
        return licence


@extend_schema(
    tags=TAGS,
    parameters=[
        OpenApiParameter("q", str, description=gettext_lazy("证照编号、标识或持证主体名称")),
        OpenApiParameter("status", str, enum=LicenceStatus.values),
    ],
)
class IssuedList(IssuedView, generics.ListAPIView):
    serializer_class = IssuedLicenceSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        query = (self.request.query_params.get("q") or "").strip()
        if query:
            qs = qs.filter(
                Q(number__icontains=query)
                | Q(identifier__iexact=query)
                | Q(holder_name__icontains=query)
            )
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in LicenceStatus.values:
                raise LicenceError(
                    "status",
                    _("状态应为 %(values)s 之一") % {"values": "、".join(LicenceStatus.values)},
                )
            qs = qs.filter(status=wanted)
        return qs


@extend_schema(tags=TAGS)
class IssuedDetail(IssuedView):
    serializer_class = IssuedLicenceDetailSerializer

    def get(self, request, pk: int):
        licence = self.get_licence()
        services.log_staff_read(request.user, licence, channel="api")
        return Response(self.get_serializer(licence).data)


@extend_schema(tags=TAGS, responses=PDF_RESPONSE)
class IssuedPdf(IssuedView):
    def get(self, request, pk: int):
        licence = self.get_licence()
        response = documents.pdf_response(
            licence, filename=f"{licence.number}-v{licence.version}.pdf"
        )
        services.log_staff_read(request.user, licence, channel="api:pdf")
        return response


class LicenceChangeSerializer(serializers.Serializer):
    data = serializers.DictField(help_text=gettext_lazy("要变更的照面信息项（空值清除选填项）"))  # type: ignore[assignment]  # a declared field, not Serializer.data
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=gettext_lazy("变更原因（必填）")
    )


class LicenceReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=gettext_lazy("原因（必填）")
    )


class LicenceRenewSerializer(serializers.Serializer):
    pass


class IssuedAction(IssuedView):
    """POST one lifecycle action; the answer is the licence (the new version for change/renew)."""

    lifecycle_action = ""
    serializer_class = LicenceReasonSerializer

    def post(self, request, pk: int):
        licence = self.get_licence()
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        args = form.validated_data
        user = request.user
        if self.lifecycle_action == "change":
            result = services.change(licence, user, data=args["data"], reason=args["reason"])
        elif self.lifecycle_action == "renew":
            result = services.renew(licence, user)
        else:
            act = getattr(services, self.lifecycle_action)
            result = act(licence, user, reason=args["reason"])
        created = result.pk != licence.pk
        return Response(
            IssuedLicenceDetailSerializer(result, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def action_view(name: str, serializer, summary, code: int):
    view = type(
        f"Issued{name.title()}",
        (IssuedAction,),
        {"lifecycle_action": name, "serializer_class": serializer, "__doc__": str(summary)},
    )
    return extend_schema(
        tags=TAGS,
        summary=summary,
        request=serializer,
        responses={code: IssuedLicenceDetailSerializer},
    )(view)


ACTIONS = {
    "change": (LicenceChangeSerializer, gettext_lazy("变更：签发新版本，原版本被替代"), 201),
    "renew": (LicenceRenewSerializer, gettext_lazy("延续：有效期届满前 30 日内签发新版本"), 201),
    "suspend": (LicenceReasonSerializer, gettext_lazy("中止"), 200),
    "resume": (LicenceReasonSerializer, gettext_lazy("恢复有效"), 200),
    "revoke": (LicenceReasonSerializer, gettext_lazy("撤销（不可恢复）"), 200),
}
