"""Accounts REST API: registration, own profile, organisations and agents, staff, role grants,
personal-data grants and the logged reveal of personal data. Thin: writes go through
services, every decision through policies; ID and mobile numbers leave masked except by
`POST /api/accounts/users/{id}/reveal/`, which needs a reason and is recorded.

A record the caller may not see answers 404, whether or not it exists.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from govserve.regions.api import RegionCodeField
from govserve.regions.models import Department

from . import policies, selectors, services
from .masking import mask_id_number, mask_mobile
from .models import (
    AccountType,
    Organisation,
    OrganisationKind,
    PersonalDataGrant,
    Representation,
    Role,
    RoleGrant,
    User,
)


class IsSystemAdmin(BasePermission):
    """Superusers, or staff holding a current system-administrator grant somewhere."""

    message = gettext_lazy("仅系统管理员可以管理工作人员、角色和授权")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return policies.is_signed_in(user) and (
            user.is_superuser or policies.has_role(user, Role.SYSTEM_ADMIN)
        )


# -- serializers -----------------------------------------------------------------------------------
class GrantSummarySerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    department_name = serializers.CharField(source="department.name", default="", read_only=True)

    class Meta:
        model = RoleGrant
        fields = [
            "id",
            "role",
            "role_display",
            "region",
            "region_name",
            "department",
            "department_name",
            "covers_subtree",
            "valid_until",
        ]
        read_only_fields = fields


class MaskedUserSerializer(serializers.ModelSerializer):
    """A person or staff member as lists and profiles show them: ID and mobile numbers masked."""

    id_number = serializers.SerializerMethodField(help_text=gettext_lazy("身份证号码（脱敏）"))
    mobile = serializers.SerializerMethodField(help_text=gettext_lazy("手机号码（脱敏）"))
    assurance_level_display = serializers.CharField(
        source="get_assurance_level_display", read_only=True
    )
    region = serializers.CharField(source="region.code", default=None, read_only=True)
    region_name = serializers.CharField(source="region.full_name", default="", read_only=True)
    department_name = serializers.CharField(source="department.name", default="", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "real_name",
            "account_type",
            "id_number",
            "mobile",
            "email",
            "assurance_level",
            "assurance_level_display",
            "region",
            "region_name",
            "department",
            "department_name",
            "is_active",
        ]
        read_only_fields = fields

    def get_id_number(self, user) -> str:
        return mask_id_number(user.id_number)

    def get_mobile(self, user) -> str:
        return mask_mobile(user.mobile)


class MeSerializer(MaskedUserSerializer):
    roles = serializers.SerializerMethodField()

    class Meta(MaskedUserSerializer.Meta):
        fields = MaskedUserSerializer.Meta.fields + ["roles"]
        read_only_fields = fields

    @extend_schema_field(GrantSummarySerializer(many=True))
    def get_roles(self, user) -> list[dict]:
        return GrantSummarySerializer(policies.active_grants(user), many=True).data  # type: ignore[return-value]  # many=True: a ReturnList; the stubs keep the child's type


class RegisterSerializer(serializers.Serializer):
    real_name = serializers.CharField(max_length=100, label=gettext_lazy("姓名"))
    id_number = serializers.CharField(max_length=30, label=gettext_lazy("身份证号码"))
    mobile = serializers.CharField(max_length=20, label=gettext_lazy("手机号码"))
    password = serializers.CharField(
        write_only=True, style={"input_type": "password"}, label=gettext_lazy("密码")
    )
    username = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("登录名；省略时自动生成（也可用手机号码或身份证号码登录）"),
    )


class ProfileUpdateSerializer(serializers.Serializer):
    real_name = serializers.CharField(max_length=100, required=False)
    mobile = serializers.CharField(max_length=20, required=False)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)


class MyOrganisationSerializer(serializers.ModelSerializer):
    # Plain strings on the read side: the choice sets are documented once, on the write serializers.
    kind = serializers.CharField(
        read_only=True, help_text=gettext_lazy("法人类型代码（GB/T 39046）")
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    region = serializers.CharField(source="region.code", default=None, read_only=True)
    my_role = serializers.SerializerMethodField(
        help_text=gettext_lazy("我的身份：legal 法定代表人，agent 授权代理人")
    )

    class Meta:
        model = Organisation
        fields = ["id", "uscc", "name", "kind", "kind_display", "region", "my_role", "created_at"]
        read_only_fields = fields

    def get_my_role(self, organisation) -> str:
        roles = self.context.get("roles", {})
        return roles.get(organisation.pk, "")


class OrganisationRegisterSerializer(serializers.Serializer):
    uscc = serializers.CharField(max_length=30, label=gettext_lazy("统一社会信用代码"))
    name = serializers.CharField(max_length=200, label=gettext_lazy("名称"))
    kind = serializers.ChoiceField(
        choices=OrganisationKind.choices, default=OrganisationKind.ENTERPRISE
    )
    as_kind = serializers.ChoiceField(
        choices=Representation.Kind.choices,
        default=Representation.Kind.LEGAL_REPRESENTATIVE,
        help_text=gettext_lazy("我的身份：法定代表人或授权代理人"),
    )


class RepresentationSerializer(serializers.ModelSerializer):
    person = MaskedUserSerializer(read_only=True)
    kind = serializers.CharField(
        read_only=True, help_text=gettext_lazy("legal 法定代表人，agent 授权代理人")
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Representation
        fields = ["id", "person", "kind", "kind_display", "valid_from", "valid_until", "revoked_at"]
        read_only_fields = fields


class AuthoriseAgentSerializer(serializers.Serializer):
    identifier = serializers.CharField(
        max_length=30, help_text=gettext_lazy("代理人的身份证号码或手机号码")
    )
    real_name = serializers.CharField(
        max_length=100, help_text=gettext_lazy("代理人姓名，须与登记的一致")
    )
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None)


class StaffCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    real_name = serializers.CharField(max_length=100)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    region = RegionCodeField(help_text=gettext_lazy("所属区划代码"))
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class RoleGrantSerializer(GrantSummarySerializer):
    user_name = serializers.CharField(source="user.real_name", read_only=True)
    granted_by_name = serializers.CharField(
        source="granted_by.real_name", default="", read_only=True
    )
    active = serializers.SerializerMethodField()

    class Meta(GrantSummarySerializer.Meta):
        fields = [
            "id",
            "user",
            "user_name",
            "role",
            "role_display",
            "region",
            "region_name",
            "department",
            "department_name",
            "covers_subtree",
            "valid_until",
            "reason",
            "granted_by",
            "granted_by_name",
            "granted_at",
            "revoked_at",
            "active",
        ]
        read_only_fields = fields

    def get_active(self, grant) -> bool:
        return grant.is_active()


class RoleGrantCreateSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(account_type=AccountType.STAFF)
    )
    role = serializers.ChoiceField(choices=Role.choices)
    region = RegionCodeField(help_text=gettext_lazy("授权区划代码"))
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True, default=None
    )
    covers_subtree = serializers.BooleanField(
        default=False, help_text=gettext_lazy("含下级区划（仅部分角色）")
    )
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RevealRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text=gettext_lazy("查看理由（记录在案）"))
    verifying = serializers.BooleanField(
        default=False, help_text=gettext_lazy("窗口现场核验身份时查看")
    )


class RevealSerializer(serializers.Serializer):
    id_number = serializers.CharField()
    mobile = serializers.CharField()


class DataGrantSerializer(serializers.ModelSerializer):
    granted_by_name = serializers.CharField(
        source="granted_by.real_name", default="", read_only=True
    )

    class Meta:
        model = PersonalDataGrant
        fields = [
            "id",
            "user",
            "reason",
            "valid_until",
            "granted_by",
            "granted_by_name",
            "granted_at",
        ]
        read_only_fields = ["id", "granted_by", "granted_by_name", "granted_at"]
        extra_kwargs = {"user": {"queryset": User.objects.filter(account_type=AccountType.STAFF)}}


# -- applicants ------------------------------------------------------------------------------------
class RegisterThrottle(AnonRateThrottle):
    """Bulk registrations from one address are slowed down (the cache keeps the count)."""

    rate = "20/min"


class RegisterView(GenericAPIView):
    """自然人注册: name, resident ID number, mobile and password;
    nothing is written on any error."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [RegisterThrottle]
    serializer_class = RegisterSerializer

    @extend_schema(
        request=RegisterSerializer, responses={201: MaskedUserSerializer}, tags=["accounts"]
    )
    def post(self, request):
        ser = RegisterSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        user = services.register_person(**ser.validated_data)
        return Response(MaskedUserSerializer(user).data, status=status.HTTP_201_CREATED)


class MeView(GenericAPIView):
    """My profile (ID and mobile numbers masked), my current roles;
    PATCH changes name, mobile, e-mail."""

    permission_classes = [IsAuthenticated]
    serializer_class = MeSerializer

    @extend_schema(responses={200: MeSerializer}, tags=["accounts"])
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(
        request=ProfileUpdateSerializer, responses={200: MeSerializer}, tags=["accounts"]
    )
    def patch(self, request):
        ser = ProfileUpdateSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        unknown = sorted(set(request.data) - set(ProfileUpdateSerializer().fields))
        if unknown:
            raise ValidationError({name: [_("该字段不能在此修改")] for name in unknown})
        user = services.update_profile(request.user, **ser.validated_data)
        return Response(MeSerializer(user).data)


class MyOrganisationsView(GenericAPIView):
    """Organisations I act for; POST registers one with me as its legal
    representative (or agent)."""

    permission_classes = [IsAuthenticated]
    serializer_class = MyOrganisationSerializer
    pagination_class = None
    queryset = Organisation.objects.none()

    def _roles(self, user) -> dict[int, str]:
        now_reps = Representation.objects.filter(
            person=user, organisation__in=selectors.organisations_of(user)
        )
        return {rep.organisation_id: rep.kind for rep in now_reps if rep.is_active()}

    @extend_schema(responses={200: MyOrganisationSerializer(many=True)}, tags=["accounts"])
    def get(self, request):
        context = {"roles": self._roles(request.user)}
        return Response(
            MyOrganisationSerializer(
                selectors.organisations_of(request.user), many=True, context=context
            ).data
        )

    @extend_schema(
        request=OrganisationRegisterSerializer,
        responses={201: MyOrganisationSerializer},
        tags=["accounts"],
    )
    def post(self, request):
        ser = OrganisationRegisterSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        organisation = services.register_organisation(
            representative=request.user, **ser.validated_data
        )
        context = {"roles": {organisation.pk: ser.validated_data["as_kind"]}}
        return Response(
            MyOrganisationSerializer(organisation, context=context).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    list=extend_schema(summary="法人的现任代表人与授权代理人", tags=["accounts"]),
    create=extend_schema(
        request=AuthoriseAgentSerializer,
        responses={201: RepresentationSerializer},
        summary="授权代理人（仅法定代表人）",
        tags=["accounts"],
    ),
    destroy=extend_schema(summary="撤销代理人授权", tags=["accounts"]),
)
class AgentViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Who acts for an organisation; visible only to those who represent it (else 404)."""

    permission_classes = [IsAuthenticated]
    serializer_class = RepresentationSerializer
    pagination_class = None
    queryset = Representation.objects.none()

    def organisation(self) -> Organisation:
        try:
            pk = int(self.kwargs["organisation_pk"])
        except (KeyError, ValueError):
            raise NotFound() from None
        user = self.request.user
        organisation = Organisation.objects.filter(pk=pk).first()
        if organisation is None or not (
            user.is_superuser or pk in policies.represented_organisation_ids(user)
        ):
            raise NotFound(_("法人不存在"))
        return organisation

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Representation.objects.none()
        return selectors.current_representations(self.organisation())

    def create(self, request, *args, **kwargs):
        organisation = self.organisation()
        ser = AuthoriseAgentSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        if not policies.is_legal_representative(request.user, organisation):
            raise PermissionDenied(_("只有该法人的现任法定代表人可以授权代理人"))
        agent = selectors.find_citizen(ser.validated_data["identifier"])
        if agent is None or agent.real_name != ser.validated_data["real_name"].strip():
            raise ValidationError({"identifier": [_("未找到与该号码和姓名相符的已注册自然人")]})
        rep = services.authorise_agent(
            organisation,
            by=request.user,
            agent=agent,
            valid_until=ser.validated_data["valid_until"],
        )
        return Response(RepresentationSerializer(rep).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.revoke_representation(instance, by=self.request.user)


# -- staff, roles, personal-data grants ------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="我管理区划内的工作人员", tags=["accounts"]),
    retrieve=extend_schema(tags=["accounts"]),
    create=extend_schema(
        request=StaffCreateSerializer,
        responses={201: MaskedUserSerializer},
        summary="创建工作人员账户",
        tags=["accounts"],
    ),
)
class StaffViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Staff accounts in the regions a system administrator covers."""

    permission_classes = [IsSystemAdmin]
    serializer_class = MaskedUserSerializer
    filterset_fields = ["department", "is_active"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no real request
            return User.objects.none()
        return selectors.staff_in_scope(self.request.user).order_by("username")

    def create(self, request, *args, **kwargs):
        ser = StaffCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        user = services.create_staff(by=request.user, **ser.validated_data)
        return Response(MaskedUserSerializer(user).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="我管理区划内的岗位授权", tags=["accounts"]),
    retrieve=extend_schema(tags=["accounts"]),
    create=extend_schema(
        request=RoleGrantCreateSerializer,
        responses={201: RoleGrantSerializer},
        summary="授予角色（限本人管理的区划）",
        tags=["accounts"],
    ),
    revoke=extend_schema(
        request=ReasonSerializer,
        responses={200: RoleGrantSerializer},
        summary="撤销角色",
        tags=["accounts"],
    ),
)
class RoleGrantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """岗位授权 within the granter's regions; a grant outside them is refused with 403."""

    permission_classes = [IsSystemAdmin]
    serializer_class = RoleGrantSerializer
    filterset_fields = ["user", "role", "department"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no real request
            return RoleGrant.objects.none()
        return selectors.grants_in_scope(self.request.user).order_by("-granted_at", "-id")

    def create(self, request, *args, **kwargs):
        ser = RoleGrantCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        grant = services.grant_role(granter=request.user, **ser.validated_data)
        return Response(RoleGrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        ser = ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        grant = services.revoke_role(
            self.get_object(), by=request.user, reason=ser.validated_data["reason"]
        )
        return Response(RoleGrantSerializer(grant).data)


@extend_schema_view(
    list=extend_schema(summary="个人信息查看临时授权", tags=["accounts"]),
    create=extend_schema(
        summary="授予个人信息查看临时授权（须说明理由和截止时间）", tags=["accounts"]
    ),
)
class DataGrantViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsSystemAdmin]
    serializer_class = DataGrantSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no real request
            return PersonalDataGrant.objects.none()
        staff = selectors.staff_in_scope(self.request.user)
        return (
            PersonalDataGrant.objects.filter(user__in=staff)
            .select_related("granted_by")
            .order_by("-granted_at")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.grant_personal_data_access(
            granter=self.request.user,
            user=data["user"],
            reason=data["reason"],
            valid_until=data["valid_until"],
        )


# -- people: masked profile, logged reveal, counter verification -----------------------------------
@extend_schema_view(
    retrieve=extend_schema(summary="用户信息（脱敏）", tags=["accounts"]),
    reveal=extend_schema(
        request=RevealRequestSerializer,
        responses={200: RevealSerializer},
        summary="查看完整身份证号码和手机号码（须说明理由，记录在案）",
        tags=["accounts"],
    ),
    verify_identity=extend_schema(
        request=None,
        responses={200: MaskedUserSerializer},
        summary="窗口现场核验身份（实名等级升为窗口核验）",
        tags=["accounts"],
    ),
)
class UserViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = MaskedUserSerializer
    queryset = User.objects.select_related("region", "department")

    def get_object(self):
        user = super().get_object()
        if not policies.can_view_person(self.request.user, user):
            raise NotFound(_("用户不存在"))
        return user

    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        subject = self.get_object()
        ser = RevealRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        channel = "api:counter" if ser.validated_data["verifying"] else "api"
        data = selectors.reveal_personal_data(
            request.user, subject, channel=channel, **ser.validated_data
        )
        return Response(RevealSerializer(data).data)

    @action(detail=True, methods=["post"], url_path="verify-identity")
    def verify_identity(self, request, pk=None):
        person = services.verify_identity_at_counter(self.get_object(), clerk=request.user)
        return Response(MaskedUserSerializer(person).data)
