"""好差评 REST API, under /api/ratings/ (routes named ``ratings-…``).

- Channels (评价器、自助终端、12345热线、移动端…): ``POST channel/`` with a client-credentials
  token carrying "ratings.write": the case by its number, the rater is the case's applicant (or
  anonymous when ``real_name`` is false), ``visit`` for an on-site rating; the channel and the
  client system are recorded. ``Idempotency-Key`` header: a retry answers the first rating.
- Citizens: ``GET|POST cases/{case_id}/`` (own ratings of an own case; rate),
  ``POST {id}/re-rate/`` (once, after the department's reply).
- Departments: ``GET rectifications/``, ``GET rectifications/{id}/``,
  ``POST rectifications/{id}/verify|rectify|reply/``, ``POST {id}/appeals/``;
  supervisors: ``POST rectifications/{id}/review/``, ``GET appeals/``,
  ``POST appeals/{id}/decide/``.
- Public: ``GET satisfaction/`` (per department, hall, item or region).

Thin: reads through `selectors`, writes through `services`; refusals are RatingError →
``{field: [message]}`` with their status (govserve.api.errors).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from govserve.cases.models import Case, Visit
from govserve.core.params import IdField
from govserve.regions.models import Region
from govserve.supervision.scope import department_scope, supervisor_scope

from . import selectors, services
from .models import (
    ALL_DIMENSIONS,
    COMMENT_MAX_LENGTH,
    AppealGround,
    Rating,
    RatingAppeal,
    RatingChannel,
    Rectification,
)

TAGS = ["好差评"]
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy("同一键重试返回同一评价（200）；键用于不同评价时返回 409"),
)


def _key(request, data) -> str | None:
    return (
        request.headers.get("Idempotency-Key") or data.get("idempotency_key") or ""
    ).strip() or None


# -- serializers ---------------------------------------------------------------------------------
class ScoresSerializer(serializers.Serializer):
    """Dimension scores 1–5: online (overall, efficiency, guide, convenience, usability) or
    on site (overall, efficiency, competence, attitude)."""

    score_overall = serializers.IntegerField(min_value=1, max_value=5, required=False)
    score_efficiency = serializers.IntegerField(min_value=1, max_value=5, required=False)
    score_guide = serializers.IntegerField(min_value=1, max_value=5, required=False)
    score_convenience = serializers.IntegerField(min_value=1, max_value=5, required=False)
    score_usability = serializers.IntegerField(min_value=1, max_value=5, required=False)
    score_competence = serializers.IntegerField(min_value=1, max_value=5, required=False)
    score_attitude = serializers.IntegerField(min_value=1, max_value=5, required=False)


class RateInput(serializers.Serializer):
    level = serializers.IntegerField(
        min_value=1, max_value=5, help_text=gettext_lazy("1 非常不满意 … 5 非常满意")
    )
    scores = ScoresSerializer(required=False)
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=COMMENT_MAX_LENGTH, trim_whitespace=False
    )
    visit = IdField(
        required=False, allow_null=True, help_text=gettext_lazy("现场评价的到现场记录编号")
    )
    idempotency_key = serializers.CharField(required=False, max_length=100)


class ChannelRateInput(RateInput):
    channel = serializers.ChoiceField(
        choices=[c for c in RatingChannel.choices if c[0] != RatingChannel.WEB]
    )
    case_number = serializers.CharField(max_length=48, help_text=gettext_lazy("办件编号"))
    real_name = serializers.BooleanField(
        required=False, default=True, help_text=gettext_lazy("实名评价（评价人为办件申请人）")
    )


class ReRateInput(serializers.Serializer):
    level = serializers.IntegerField(min_value=1, max_value=5)
    scores = ScoresSerializer(required=False)
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=COMMENT_MAX_LENGTH, trim_whitespace=False
    )


class RectificationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    due = serializers.DateField()
    reply = serializers.CharField()
    replied_on = serializers.DateField(allow_null=True)


class RatingSerializer(serializers.Serializer):
    """A rating as its rater, the rated department or a supervisor sees it (no ID, no phone)."""

    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    visit = serializers.IntegerField(source="visit_id", allow_null=True)
    channel = serializers.CharField()
    client_id = serializers.CharField(help_text=gettext_lazy("渠道系统（客户端）"))
    real_name = serializers.BooleanField()
    level = serializers.IntegerField()
    level_label = serializers.CharField(source="get_level_display")
    scores = serializers.SerializerMethodField()
    comment = serializers.CharField()
    region = serializers.IntegerField(source="region_id")
    department = serializers.IntegerField(source="department_id")
    item = serializers.IntegerField(source="item_id")
    hall = serializers.IntegerField(source="hall_id", allow_null=True)
    window = serializers.IntegerField(source="window_id", allow_null=True)
    created_at = serializers.DateTimeField()
    revises = serializers.IntegerField(source="revises_id", allow_null=True)
    is_current = serializers.BooleanField()
    excluded = serializers.BooleanField()
    excluded_reason = serializers.CharField()
    rectification = serializers.SerializerMethodField()

    @extend_schema_field(ScoresSerializer)
    def get_scores(self, rating) -> dict[str, int]:
        return {name: getattr(rating, name) for name in ALL_DIMENSIONS if getattr(rating, name)}

    @extend_schema_field(RectificationBriefSerializer(allow_null=True))
    def get_rectification(self, rating) -> dict | None:
        rect = Rectification.objects.filter(rating_id=rating.revises_id or rating.pk).first()
        return RectificationBriefSerializer(rect).data if rect else None


class RectificationStepSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    note = serializers.CharField()
    at = serializers.DateTimeField()


class RectificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    region = serializers.IntegerField(source="region_id")
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    opened_on = serializers.DateField()
    due = serializers.DateField()
    verification = serializers.CharField()
    measures = serializers.CharField()
    reply = serializers.CharField()
    replied_on = serializers.DateField(allow_null=True)
    review_note = serializers.CharField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    rating = RatingSerializer()
    steps = RectificationStepSerializer(many=True, source="steps.all")


class TextInput(serializers.Serializer):
    text = serializers.CharField(max_length=2000, trim_whitespace=False)


class ReviewInput(serializers.Serializer):
    accept = serializers.BooleanField(help_text=gettext_lazy("true 通过；false 退回重新整改"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AppealInput(serializers.Serializer):
    ground = serializers.ChoiceField(choices=AppealGround.choices)
    reasons = serializers.CharField(max_length=2000)


class DecideInput(serializers.Serializer):
    uphold = serializers.BooleanField(help_text=gettext_lazy("true 申诉成立（剔除评价）"))
    reasons = serializers.CharField(max_length=2000)


class AppealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField(source="rating_id")
    case_number = serializers.CharField(source="rating.case.number")
    department = serializers.IntegerField(source="department_id")
    region = serializers.IntegerField(source="region_id")
    ground = serializers.CharField()
    reasons = serializers.CharField()
    filed_at = serializers.DateTimeField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    decision_reasons = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)


class SatisfactionRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("部门、大厅、事项或区划编号")
    )
    name = serializers.CharField()
    count = serializers.IntegerField()
    levels = serializers.ListField(
        child=serializers.IntegerField(), help_text=gettext_lazy("等级 1–5 各自的评价数")
    )
    shares = serializers.ListField(
        child=serializers.FloatField(), help_text=gettext_lazy("等级 1–5 各自的占比（%）")
    )
    satisfied = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True)
    bad = serializers.IntegerField()
    rectified = serializers.IntegerField()
    rectification_rate = serializers.FloatField(allow_null=True)


class SatisfactionQuery(serializers.Serializer):
    group = serializers.ChoiceField(
        choices=["department", "hall", "item", "region"], required=False, default="department"
    )
    region = serializers.RegexField(
        r"^\d{12}$", required=False, help_text=gettext_lazy("区划代码（含下级）")
    )
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)


# -- permissions ---------------------------------------------------------------------------------
class ChannelClient(BasePermission):
    """A channel system with an OAuth client token (the scope is checked by the authentication)."""

    message = gettext_lazy("只有接入的评价渠道系统（客户端凭证令牌）可以提交渠道评价")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        return token is not None and getattr(token, "application_id", None) is not None


def _client_id(request) -> str:
    return request.auth.application.client_id


# -- views ---------------------------------------------------------------------------------------
class ChannelRatingView(APIView):
    permission_classes = [ChannelClient]
    required_scopes = ["ratings.write"]

    @extend_schema(
        summary="渠道提交评价（评价器、自助终端、热线、移动端；客户端凭证 ratings.write）",
        request=ChannelRateInput,
        parameters=[IDEMPOTENCY],
        responses={201: RatingSerializer, 200: RatingSerializer, 404: None},
        tags=TAGS,
    )
    def post(self, request):
        ser = ChannelRateInput(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        rating, created = services.rate_by_channel(
            _client_id(request),
            channel=data["channel"],
            case_number=data["case_number"],
            visit_id=data.get("visit"),
            level=data["level"],
            scores=dict(data.get("scores") or {}),
            comment=data.get("comment", ""),
            real_name=data.get("real_name", True),
            idempotency_key=_key(request, data),
        )
        return Response(
            RatingSerializer(rating).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _own_case(request, case_id: int) -> Case:
    case = Case.objects.filter(pk=case_id, applicant_id=request.user.pk).first()
    if case is None:
        raise NotFound(_("办件不存在"))
    return case


class CaseRatingsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="本人对本人办件的评价（含追评与整改答复）",
        responses={200: RatingSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request, case_id: int):
        case = _own_case(request, case_id)
        return Response(
            RatingSerializer(selectors.ratings_of_case(case, request.user), many=True).data
        )

    @extend_schema(
        summary="评价本人的办件（网上一事一评；visit 为现场一次一评）",
        request=RateInput,
        parameters=[IDEMPOTENCY],
        responses={201: RatingSerializer, 200: RatingSerializer},
        tags=TAGS,
    )
    def post(self, request, case_id: int):
        case = _own_case(request, case_id)
        ser = RateInput(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        visit = None
        if data.get("visit") is not None:
            visit = Visit.objects.filter(pk=data["visit"], case=case).first()
            if visit is None:
                raise NotFound(_("到现场记录不存在"))
        rating, created = services.rate(
            request.user,
            case,
            level=data["level"],
            scores=dict(data.get("scores") or {}),
            comment=data.get("comment", ""),
            visit=visit,
            idempotency_key=_key(request, data),
        )
        return Response(
            RatingSerializer(rating).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ReRateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="追评：责任部门答复后，评价人可重新评价一次",
        request=ReRateInput,
        responses={201: RatingSerializer},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        rating = Rating.objects.filter(pk=pk, rater_id=request.user.pk).first()
        if rating is None:
            raise NotFound(_("评价不存在"))
        ser = ReRateInput(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        new = services.re_rate(
            request.user,
            rating,
            level=data["level"],
            scores=dict(data.get("scores") or {}),
            comment=data.get("comment", ""),
        )
        return Response(RatingSerializer(new).data, status=status.HTTP_201_CREATED)


def _staff_only(request) -> None:
    if not (selectors.is_department_staff(request.user) or selectors.is_supervisor(request.user)):
        raise PermissionDenied(_("只有责任部门工作人员和监察人员可以查看"))


class RectificationListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RectificationSerializer
    queryset = Rectification.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Rectification.objects.none()
        _staff_only(self.request)
        qs = selectors.visible_rectifications(self.request.user).prefetch_related("steps")
        state = self.request.query_params.get("state")
        if state:
            qs = qs.filter(state=state)
        return qs.order_by("due", "pk")

    @extend_schema(
        summary="差评整改列表（本部门的，或监察范围内的）",
        parameters=[OpenApiParameter("state", str, description="按状态筛选")],
        tags=TAGS,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _rectification(request, pk: int) -> Rectification:
    rect = selectors.visible_rectifications(request.user).filter(pk=pk).first()
    if rect is None:
        raise NotFound(_("整改记录不存在"))
    return rect


class RectificationDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="差评整改详情与经过", responses={200: RectificationSerializer}, tags=TAGS
    )
    def get(self, request, pk: int):
        return Response(RectificationSerializer(_rectification(request, pk)).data)


class RectificationStepView(APIView):
    """verify / rectify / reply: the department's steps, each with its text."""

    permission_classes = [IsAuthenticated]
    step = "verify"

    def post(self, request, pk: int):
        rect = _rectification(request, pk)
        ser = TextInput(data=request.data)
        ser.is_valid(raise_exception=True)
        text = ser.validated_data["text"]
        if self.step == "verify":
            rect = services.verify(request.user, rect, verification=text)
        elif self.step == "rectify":
            rect = services.rectify(request.user, rect, measures=text)
        else:
            rect = services.reply(request.user, rect, text=text)
        return Response(RectificationSerializer(_rectification(request, rect.pk)).data)


def _step_view(step: str, summary: str):
    view = type(
        f"Rectification{step.title()}View",
        (RectificationStepView,),
        {"step": step, "__module__": __name__},
    )
    view.post = extend_schema(  # type: ignore[attr-defined]
        summary=summary, request=TextInput, responses={200: RectificationSerializer}, tags=TAGS
    )(RectificationStepView.post)
    return view


RectificationVerifyView = _step_view("verify", "核实差评（责任部门）")
RectificationRectifyView = _step_view("rectify", "整改措施（责任部门）")
RectificationReplyView = _step_view("reply", "答复评价人（责任部门）")


class RectificationReviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="复核整改（监察人员：通过或退回）",
        request=ReviewInput,
        responses={200: RectificationSerializer},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        rect = _rectification(request, pk)
        ser = ReviewInput(data=request.data)
        ser.is_valid(raise_exception=True)
        rect = services.review(
            request.user,
            rect,
            accept=ser.validated_data["accept"],
            note=ser.validated_data.get("note", ""),
        )
        return Response(RectificationSerializer(_rectification(request, rect.pk)).data)


class AppealCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="对恶意或错误评价申诉（被评价部门）",
        request=AppealInput,
        responses={201: AppealSerializer},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        rating = Rating.objects.filter(pk=pk).select_related("region").first()
        if rating is None or not (
            department_scope(request.user).covers(rating.region, rating.department_id)
            or supervisor_scope(request.user).covers(rating.region, rating.department_id)
        ):
            raise NotFound(_("评价不存在"))
        ser = AppealInput(data=request.data)
        ser.is_valid(raise_exception=True)
        appeal = services.appeal(
            request.user,
            rating,
            ground=ser.validated_data["ground"],
            reasons=ser.validated_data["reasons"],
        )
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


class AppealListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = AppealSerializer
    queryset = RatingAppeal.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RatingAppeal.objects.none()
        _staff_only(self.request)
        qs = selectors.visible_appeals(self.request.user)
        state = self.request.query_params.get("state")
        if state:
            qs = qs.filter(state=state)
        return qs

    @extend_schema(
        summary="评价申诉列表（本部门的，或监察范围内的）",
        parameters=[OpenApiParameter("state", str, description="按状态筛选")],
        tags=TAGS,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AppealDecideView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="裁定申诉（监察人员；成立则剔除该评价）",
        request=DecideInput,
        responses={200: AppealSerializer},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        appeal = selectors.visible_appeals(request.user).filter(pk=pk).first()
        if appeal is None:
            raise NotFound(_("申诉记录不存在"))
        ser = DecideInput(data=request.data)
        ser.is_valid(raise_exception=True)
        appeal = services.decide_appeal(
            request.user,
            appeal,
            uphold=ser.validated_data["uphold"],
            reasons=ser.validated_data["reasons"],
        )
        return Response(AppealSerializer(appeal).data)


class SatisfactionView(APIView):
    permission_classes = [AllowAny]
    required_scopes: list[str] = []  # public figures: no scope needed

    @extend_schema(
        summary="满意度统计（公开）：按部门、大厅、事项或区划的评价数、各等级占比、差评整改率",
        parameters=[SatisfactionQuery],
        responses={200: SatisfactionRowSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        ser = SatisfactionQuery(data=request.query_params)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        region = None
        if data.get("region"):
            region = Region.objects.filter(code=data["region"]).first()
            if region is None:
                raise serializers.ValidationError({"region": [_("区划代码不存在")]})
        rows = selectors.satisfaction(
            data.get("group") or "department",
            region=region,
            since=data.get("since"),
            until=data.get("until"),
        )
        return Response(SatisfactionRowSerializer(rows, many=True).data)


urlpatterns: list[URLPattern | URLResolver] = [
    path("channel/", ChannelRatingView.as_view(), name="ratings-channel"),
    path("cases/<int:case_id>/", CaseRatingsView.as_view(), name="ratings-case"),
    path("<int:pk>/re-rate/", ReRateView.as_view(), name="ratings-re-rate"),
    path("<int:pk>/appeals/", AppealCreateView.as_view(), name="ratings-appeal-create"),
    path("rectifications/", RectificationListView.as_view(), name="ratings-rectifications"),
    path(
        "rectifications/<int:pk>/",
        RectificationDetailView.as_view(),
        name="ratings-rectification",
    ),
    path(
        "rectifications/<int:pk>/verify/",
        RectificationVerifyView.as_view(),
        name="ratings-rectification-verify",
    ),
    path(
        "rectifications/<int:pk>/rectify/",
        RectificationRectifyView.as_view(),
        name="ratings-rectification-rectify",
    ),
    path(
        "rectifications/<int:pk>/reply/",
        RectificationReplyView.as_view(),
        name="ratings-rectification-reply",
    ),
    path(
        "rectifications/<int:pk>/review/",
        RectificationReviewView.as_view(),
        name="ratings-rectification-review",
    ),
    path("appeals/", AppealListView.as_view(), name="ratings-appeals"),
    path("appeals/<int:pk>/decide/", AppealDecideView.as_view(), name="ratings-appeal-decide"),
    path("satisfaction/", SatisfactionView.as_view(), name="ratings-satisfaction"),
]
