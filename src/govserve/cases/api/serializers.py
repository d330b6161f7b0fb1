"""What the cases API answers with: cases and their progress, the form, materials, notifications."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govserve.accounts.masking import mask_name

from .. import selectors
from ..models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseMaterial,
    CorrectionNotice,
    FormField,
    Notification,
)


class CaseRevealSerializer(serializers.Serializer):
    id_number = serializers.CharField()
    mobile = serializers.CharField()


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
        fields = [
            "key",
            "label",
            "field_type",
            "required",
            "choices",
            "max_length",
            "min_value",
            "max_value",
            "help_text",
        ]
        read_only_fields = fields


class CaseMaterialSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=gettext_lazy("上传时文件名为 material_<id>"))
    name = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # a declared field, not Field.required
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
    fields = CaseFormFieldSerializer(many=True)  # type: ignore[assignment]  # a declared field, not Serializer.fields
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
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    due = serializers.DateField()
    provisional = serializers.BooleanField(
        help_text=gettext_lazy("按法定节假日推算，放假安排公布后重新计算")
    )
    overdue = serializers.BooleanField()


class CaseExpectationSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
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
        ).data  # type: ignore[return-value]  # many=True makes a ListSerializer (list data); the stubs miss it

    @extend_schema_field(CaseDeadlineSerializer(many=True))
    def get_deadlines(self, case) -> list:
        return CaseDeadlineSerializer(selectors.deadlines(case), many=True).data  # type: ignore[return-value]  # many=True makes a ListSerializer (list data); the stubs miss it

    @extend_schema_field(CaseExpectationSerializer(many=True))
    def get_expected_of_applicant(self, case) -> list:
        return CaseExpectationSerializer(selectors.expectations(case), many=True).data  # type: ignore[return-value]  # many=True makes a ListSerializer (list data); the stubs miss it

    @extend_schema_field(CaseDocumentSerializer(many=True))
    def get_documents(self, case) -> list:
        return CaseDocumentSerializer(
            selectors.documents_for(case), many=True, context=self.context
        ).data  # type: ignore[return-value]  # many=True makes a ListSerializer (list data); the stubs miss it

    @extend_schema_field(CaseMaterialSerializer(many=True))
    def get_materials(self, case) -> list:
        return CaseMaterialSerializer(
            selectors.materials_for(case), many=True, context=self.context
        ).data  # type: ignore[return-value]  # many=True makes a ListSerializer (list data); the stubs miss it

    @extend_schema_field(CaseCorrectionNoticeSerializer(allow_null=True))
    def get_correction_notice(self, case) -> dict | None:
        notice = CorrectionNotice.objects.filter(case=case).first()
        return CaseCorrectionNoticeSerializer(notice).data if notice else None

    @extend_schema_field(CaseDetailItemSerializer(many=True))
    def get_case_items(self, case) -> list:
        rows = case.case_items.select_related("item", "department", "case").order_by("pk")
        return CaseDetailItemSerializer(rows, many=True).data  # type: ignore[return-value]  # many=True makes a ListSerializer (list data); the stubs miss it

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


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()
