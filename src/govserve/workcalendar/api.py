"""Working-day calendar REST API (/api/workcalendar/…): thin over `deadlines` and `services`.

- `GET|POST due-date/` — a due date by the counting convention (public; a calculation, so a
  bearer token needs no scope even for POST);
- `GET days/?year=` — the year's holidays and make-up workdays, and whether it is provisional;
- `GET notices/` — the loaded notices; `POST notices/` — load a year's notice (system
  administrators; a bearer token needs the `workcalendar.write` scope).

Bad input is a 400 with Chinese messages by field (`start`, `days`, `suspensions`, …), never
a 500.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import calendar, deadlines, services
from .models import DayKind, HolidayNotice

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from .policies import can_load_notice

MAX_DAYS = 1000
DATE = {"type": "string", "format": "date"}  # a query parameter's schema: YYYY-MM-DD
MAX_SUSPENSIONS = 50

_DATE_ERRORS: dict[str, StrOrPromise] = {
    "invalid": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "required": gettext_lazy("请填写日期"),
    "null": gettext_lazy("请填写日期"),
    "datetime": gettext_lazy("请填写日期，不含时间"),
}


def _date_field(**kwargs) -> serializers.DateField:
    return serializers.DateField(input_formats=["%Y-%m-%d"], error_messages=_DATE_ERRORS, **kwargs)


def _in_calendar_range(value):
    if not calendar.MIN_YEAR <= value.year <= calendar.MAX_YEAR:
        raise ValidationError(
            _("日期应在 %(min)s 至 %(max)s 年之间")
            % {"min": calendar.MIN_YEAR, "max": calendar.MAX_YEAR}
        )
    return value


# -- due date ---------------------------------------------------------------------------------
class SuspensionSerializer(serializers.Serializer):
    start = _date_field(help_text=gettext_lazy("中止（暂停计时）开始日期 S"))
    end = _date_field(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "恢复计时日期 E（当日起重新计算）；空表示仍在中止中，按 as_of 当日恢复估算"
        ),
    )

    def validate(self, attrs):
        end = attrs.get("end")
        if end is not None and end < attrs["start"]:
            raise ValidationError({"end": [_("恢复计时日期不能早于中止开始日期")]})
        return attrs


class DueDateRequestSerializer(serializers.Serializer):
    start = _date_field(help_text=gettext_lazy("受理日期（当日不计入）"))
    days = serializers.IntegerField(
        min_value=0,
        max_value=MAX_DAYS,
        error_messages={
            "invalid": gettext_lazy("工作日天数应为整数"),
            "required": gettext_lazy("请填写工作日天数"),
            "null": gettext_lazy("请填写工作日天数"),
            "min_value": gettext_lazy("工作日天数不能为负数"),
            "max_value": gettext_lazy("工作日天数不能超过 {max_value}"),
            "max_string_length": gettext_lazy("工作日天数过大"),
        },
        help_text=gettext_lazy("法定或承诺时限（工作日），含延长的天数；0 为即办件"),
    )
    suspensions = SuspensionSerializer(
        many=True,
        required=False,
        max_length=MAX_SUSPENSIONS,  # type: ignore[call-arg]  # the stubs omit ListSerializer's max_length, passed on by many=True
        error_messages={
            "not_a_list": gettext_lazy("中止期间应为列表"),
            "max_length": gettext_lazy("中止期间过多"),
        },
    )
    as_of = _date_field(
        required=False, help_text=gettext_lazy("估算未结束中止期间所用的当前日期，默认今天")
    )
    counted_days = serializers.BooleanField(
        required=False, default=False, help_text=gettext_lazy("是否列出计入时限的每一个工作日")
    )

    def validate_start(self, value):
        return _in_calendar_range(value)

    def validate_as_of(self, value):
        return _in_calendar_range(value)


class CountedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField(help_text=gettext_lazy("调休上班日所属节日，普通工作日为空"))
    provisional = serializers.BooleanField()


class DueDateSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    due = serializers.DateField(help_text=gettext_lazy("到期日：第 N 个计入的工作日"))
    provisional = serializers.BooleanField(
        help_text=gettext_lazy("计算涉及尚未导入放假安排的年度（暂定）")
    )
    suspended_working_days = serializers.IntegerField(
        help_text=gettext_lazy("中止期间扣除的工作日数")
    )
    counted_days = CountedDaySerializer(many=True, required=False)


def _parse_suspension_param(text: str) -> list[dict]:
    """`S1:E1,S2:E2` (E may be empty: still suspended) into the POST shape."""
    out = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        start, sep, end = part.partition(":")
        if not sep:
            message = _(
                "中止期间“%(value)s”的格式应为 开始日期:恢复日期（YYYY-MM-DD:YYYY-MM-DD）"
            ) % {"value": part}
            raise ValidationError({"suspensions": [message]})
        out.append({"start": start.strip(), "end": end.strip() or None})
    return out


def due_date_response(data: dict) -> dict:
    start, days = data["start"], data["days"]
    suspensions = [(s["start"], s.get("end")) for s in data.get("suspensions", [])]
    as_of = data.get("as_of")
    try:
        result = deadlines.add_working_days(start, days, suspensions, as_of=as_of)
        suspended = deadlines.suspended_working_days(start, result.due, suspensions, as_of=as_of)
        counted = (
            deadlines.counted_working_days(start, days, suspensions, as_of=as_of)
            if data.get("counted_days")
            else None
        )
    except (ValueError, OverflowError) as exc:  # beyond the calendar's years
        raise ValidationError(
            {
                "days": [
                    _("到期日超出工作日历支持的年份范围（%(min)s–%(max)s 年）")
                    % {"min": calendar.MIN_YEAR, "max": calendar.MAX_YEAR}
                ]
            }
        ) from exc
    body = {
        "start": start,
        "days": days,
        "due": result.due,
        "provisional": result.provisional,
        "suspended_working_days": suspended,
    }
    if counted is not None:
        body["counted_days"] = [
            {"date": d, "name": s.name, "provisional": s.provisional} for d, s in counted
        ]
    return DueDateSerializer(body).data


class DueDateView(APIView):
    """计算办理时限到期日: acceptance day not counted,
    suspensions [S, E) excluded (DOMAIN.md §2)."""

    required_scopes: list[str] = []  # a calculation: no scope needed, even for POST
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", DATE, required=True, description="受理日期 YYYY-MM-DD"),
            OpenApiParameter(
                "days",
                {"type": "integer", "minimum": 0, "maximum": MAX_DAYS},
                required=True,
                description="工作日天数（0–1000）",
            ),
            OpenApiParameter(
                "suspensions", str, description="中止期间 S1:E1,S2:E2（E 为空表示仍在中止中）"
            ),
            OpenApiParameter("as_of", DATE, description="估算未结束中止期间所用的当前日期"),
            OpenApiParameter("counted_days", bool, description="列出计入时限的工作日"),
        ],
        responses={200: DueDateSerializer},
        tags=["workcalendar"],
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        data: dict = {
            key: params[key] for key in ("start", "days", "as_of", "counted_days") if key in params
        }
        if params.get("suspensions"):
            data["suspensions"] = _parse_suspension_param(params["suspensions"])
        serializer = DueDateRequestSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        return Response(due_date_response(serializer.validated_data))

    @extend_schema(
        request=DueDateRequestSerializer, responses={200: DueDateSerializer}, tags=["workcalendar"]
    )
    def post(self, request):
        serializer = DueDateRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(due_date_response(serializer.validated_data))


# -- the year's days ------------------------------------------------------------------------------
class SpecialDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=DayKind.choices)
    name = serializers.CharField()


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = HolidayNotice
        fields = ["year", "title", "published", "source", "loaded_at"]


class YearDaysSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a declared field, not Field.source
        choices=[
            (calendar.Source.NOTICE, "notice"),
            (calendar.Source.LIBRARY, "chinese-calendar"),
            (calendar.Source.PROVISIONAL, "provisional"),
        ],
        help_text=gettext_lazy(
            "notice：已导入的国务院通知；chinese-calendar：内置日历；provisional：按法定节日暂定"
        ),
    )
    provisional = serializers.BooleanField()
    notice = NoticeSerializer(allow_null=True)
    days = SpecialDaySerializer(many=True)


class YearDaysView(APIView):
    """某年的放假日期和调休上班日期，以及是否为暂定。"""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": calendar.MIN_YEAR, "maximum": calendar.MAX_YEAR},
                required=True,
            )
        ],
        responses={200: YearDaysSerializer},
        tags=["workcalendar"],
    )
    def get(self, request):
        raw = request.query_params.get("year", "").strip()
        if not raw:
            raise ValidationError({"year": [_("请填写年度")]})
        if (
            not raw.isascii()
            or not raw.isdigit()
            or len(raw) != 4  # before int(): thousands of digits are a ValueError of their own
            or not calendar.MIN_YEAR <= int(raw) <= calendar.MAX_YEAR
        ):
            raise ValidationError(
                {
                    "year": [
                        _("年度应为 %(min)s 至 %(max)s 之间的四位数字")
                        % {"min": calendar.MIN_YEAR, "max": calendar.MAX_YEAR}
                    ]
                }
            )
        year = int(raw)
        table = calendar.year_table(year)
        notice = (
            HolidayNotice.objects.filter(year=year).first()
            if table.source == calendar.Source.NOTICE
            else None
        )
        body = {
            "year": year,
            "source": table.source,
            "provisional": table.provisional,
            "notice": NoticeSerializer(notice).data if notice else None,
            "days": [
                {"date": d.date, "kind": d.kind, "name": d.name} for d in table.special.values()
            ],
        }
        return Response(YearDaysSerializer(body).data)


# -- notices ---------------------------------------------------------------------------------------
class NoticeDayInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=DayKind.choices)
    name = serializers.CharField(required=False, allow_blank=True)


class NoticeLoadSerializer(serializers.Serializer):
    """The exchange format of a notice (documentation: services.parse_notice checks it)."""

    year = serializers.IntegerField()
    title = serializers.CharField()
    published = serializers.DateField()
    source = serializers.URLField(required=False, allow_blank=True)  # type: ignore[assignment]  # a declared field, not Field.source
    days = NoticeDayInputSerializer(many=True)


class NoticeLoadedSerializer(NoticeSerializer):
    days = SpecialDaySerializer(many=True, read_only=True)

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "days"]


class CanLoadNotice(BasePermission):
    """Reads are public; loading a notice is for system administrators
    (policies.can_load_notice)."""

    message = gettext_lazy("仅系统管理员可以导入放假安排通知")

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or can_load_notice(request.user)


class NoticeView(APIView):
    """国务院放假安排通知：列出已导入的年度；导入（替换）某一年度的通知。"""

    permission_classes = [CanLoadNotice]

    @extend_schema(responses={200: NoticeSerializer(many=True)}, tags=["workcalendar"])
    def get(self, request):
        return Response(NoticeSerializer(HolidayNotice.objects.order_by("-year"), many=True).data)

    @extend_schema(
        request=NoticeLoadSerializer, responses={201: NoticeLoadedSerializer}, tags=["workcalendar"]
    )
    def post(self, request):
        notice = services.load_notice(request.data, actor=request.user)
        return Response(NoticeLoadedSerializer(notice).data, status=status.HTTP_201_CREATED)
