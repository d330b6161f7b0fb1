"""Demo licences: two licence types of the demo catalog and one licence the demo citizen holds.

营业执照 is the result of 个体工商户设立登记 and is asked as a material by dozens of demo items
(their `CommonMaterial` 营业执照 gets the type code), so the demo citizen, who holds one, sees
免提交 on every one of them. 食品经营许可证 is the result of 食品经营许可 (its form fields
premises_address and business_scope are printed on the licence).
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from govserve.accounts.models import User
from govserve.cases import services as case_services
from govserve.cases.demo import PDF
from govserve.cases.models import CaseState, FieldType, FormField
from govserve.catalog.models import CommonMaterial, ImplementationItem
from govserve.workflow import services as workflow_services
from govserve.workflow.models import OPEN_TASK_STATES, Task, TaskRole
from govserve.workflow.models import Outcome as TaskOutcome

from .models import Licence, LicenceType

# A made-up, well-formed credit code stands in for 国家市场监督管理总局 (the defining ministry).
MINISTRY_USCC = "111000000000131433"
REGION = "511602000000"  # 广安区
TYPES = [
    {
        "name": "营业执照",
        "type_code": MINISTRY_USCC + "001",
        "validity_months": 0,
        "item": "个体工商户设立登记",
        "common_material": "营业执照",
        "fields": [
            {"name": "trade_name", "label": "名称", "kind": "text", "required": True},
            {"name": "premises_address", "label": "经营场所", "kind": "text", "required": True},
        ],
        "layout": {"title": "营业执照", "orientation": "landscape", "note": "个体工商户"},
    },
    {
        "name": "食品经营许可证",
        "type_code": MINISTRY_USCC + "002",
        "validity_months": 60,
        "item": "食品经营许可",
        "common_material": "",
        "fields": [
            {"name": "premises_address", "label": "经营场所", "kind": "text", "required": True},
            {"name": "business_scope", "label": "经营项目", "kind": "text", "required": True},
        ],
        "layout": {"title": "食品经营许可证", "orientation": "landscape"},
    },
]
# Form fields of 个体工商户设立登记 that its licence prints.
SOLE_TRADER_FIELDS = [
    ("trade_name", "字号名称", FieldType.TEXT),
    ("premises_address", "经营场所", FieldType.TEXT),
]
SOLE_TRADER_FORM = {"trade_name": "张三小面馆", "premises_address": "广安区北辰街道建设路 18 号"}


@transaction.atomic
def ensure_licence_types() -> int:
    """The demo licence types, linked to their items in 广安区; returns how many were made."""
    made = 0
    for spec in TYPES:
        licence_type, created = LicenceType.objects.get_or_create(
            type_code=spec["type_code"],
            defaults={
                "name": spec["name"],
                "ministry_name": "国家市场监督管理总局",
                "validity_months": spec["validity_months"],
                "fields": spec["fields"],
                "layout": spec["layout"],
            },
        )
        made += created
        licence_type.items.add(
            *ImplementationItem.objects.filter(name=spec["item"], region__code=REGION)
        )
        if spec["common_material"]:
            CommonMaterial.objects.filter(name=spec["common_material"]).update(
                licence_type_code=spec["type_code"]
            )
    for item in ImplementationItem.objects.filter(name="个体工商户设立登记", region__code=REGION):
        for order, (key, label, kind) in enumerate(SOLE_TRADER_FIELDS):
            FormField.objects.get_or_create(
                item=item, key=key, defaults={"label": label, "field_type": kind, "order": order}
            )
    return made


def ensure_demo_licence() -> str | None:
    """Once: the demo citizen registers as a sole trader (个体工商户设立登记), the clerk accepts
    and the approver approves — through the same services as the pages — so the citizen holds
    a signed 营业执照 and the next application that asks for one attaches it by itself."""
    citizen = User.objects.filter(mobile="13800000001").first()
    clerk = User.objects.filter(username="ga-clerk").first()
    reviewer = User.objects.filter(username="ga-reviewer").first()
    approver = User.objects.filter(username="ga-approver").first()
    item = (
        ImplementationItem.objects.published()
        .filter(name="个体工商户设立登记", region__code=REGION)
        .first()
    )
    if not (citizen and clerk and approver and item):
        return None
    if Licence.objects.filter(holder_user=citizen).exists():
        return None
    uploads = [
        (m.pk, SimpleUploadedFile(f"{m.pk}.pdf", PDF, "application/pdf"))
        for _key, m in case_services.required_materials([item])
    ]
    case, _ = case_services.apply(
        citizen,
        idempotency_key="demo-licence",
        item=item,
        form_data=SOLE_TRADER_FORM,
        uploads=uploads,
    )
    if case.state == CaseState.SUBMITTED:
        case = case_services.accept(case, clerk)
    with transaction.atomic():  # normally started on commit; idempotent, so start it here
        workflow_services.start_process(case)
    # The reviewer's and then the approver's task, as they would complete them in the inbox.
    for role in (TaskRole.REVIEWER, TaskRole.APPROVER):
        task = Task.objects.filter(case=case, role=role, state__in=OPEN_TASK_STATES).first()
        user = approver if role == TaskRole.APPROVER else reviewer
        if task is None or user is None:
            return None
        workflow_services.complete_task(task, user, outcome=TaskOutcome.APPROVE)
    licence = Licence.objects.filter(source_case=case).first()
    return f"{licence.licence_type.name} {licence.number}（{case.number}）" if licence else None
