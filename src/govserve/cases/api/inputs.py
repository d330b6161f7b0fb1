"""Request bodies the cases API accepts: applying, drafts, staff actions on a case, marking read."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from govserve.core.params import IdField
from govserve.core.parsers import JSONField

from ..models import DeliveryMethod


class JSONObjectOrStringField(JSONField):
    """A JSON value; in a multipart form it arrives as a JSON string (parsed, depth-limited)."""


class CaseReuseSerializer(serializers.Serializer):
    material = IdField(help_text=gettext_lazy("材料要求编号（表单接口 materials[].id）"))
    source = IdField(  # type: ignore[assignment]  # a declared field, not Field.source
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
    organisation = IdField(
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
    organisation = IdField(required=False, allow_null=True)
    applicant = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("窗口代办：在场申请人的身份证号码")
    )


class DraftUpdateSerializer(serializers.Serializer):
    form_data = JSONField(required=False)
    delivery_method = serializers.ChoiceField(choices=DeliveryMethod.choices, required=False)
    delivery_address = serializers.CharField(required=False, allow_blank=True, max_length=300)


class CaseMaterialUploadSerializer(serializers.Serializer):
    material = IdField(help_text=gettext_lazy("材料要求编号"))
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
    material_id = IdField(required=False, allow_null=True, help_text=gettext_lazy("材料要求编号"))
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


class CaseWalkInSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=30, help_text=gettext_lazy("身份证号码"))
    real_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    mobile = serializers.CharField(required=False, allow_blank=True, max_length=20)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=IdField(),
        required=False,
        help_text=gettext_lazy("省略时全部标为已读"),
    )
