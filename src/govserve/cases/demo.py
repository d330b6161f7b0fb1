"""Demo applications: form fields for the items of 开办餐饮店一件事 and a few cases in
different states, filed through the same services the pages use (so the demo reviewers
find tasks in their inbox and the demo citizen sees progress)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from govserve.accounts.models import User
from govserve.catalog.models import Bundle, ImplementationItem
from govserve.catalog.selectors import bundle_items

from . import services
from .models import Case, FieldType, FormField

DEMO_BUNDLE = "YJS-511602-0001"  # 开办餐饮店一件事
# (item name, key, label, type, choices)
FIELDS = [
    ("食品经营许可", "premises_address", "经营场所地址", FieldType.TEXT, []),
    (
        "食品经营许可",
        "business_scope",
        "经营项目",
        FieldType.CHOICE,
        ["热食类食品制售", "冷食类食品制售", "自制饮品制售"],
    ),
    ("食品经营许可", "staff_count", "从业人员人数", FieldType.NUMBER, []),
    ("个体工商户设立登记", "trade_name", "字号名称", FieldType.TEXT, []),
    ("规范户外招牌设施设置", "sign_size", "招牌尺寸（米）", FieldType.TEXT, []),
]
# Bounds of number fields (a count is never negative).
BOUNDS = {"staff_count": {"min_value": 0, "max_value": 100000}}
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/MediaBox[0 0 595 842]/Parent 2 0 R>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
FORM = {
    "premises_address": "广安区北辰街道建设路 18 号",
    "business_scope": "热食类食品制售",
    "staff_count": "6",
    "trade_name": "张三小面馆",
    "sign_size": "4×0.8",
}


def _uploads(items: list[ImplementationItem]) -> list[tuple[int, SimpleUploadedFile]]:
    return [
        (m.pk, SimpleUploadedFile(f"{m.pk}.pdf", PDF, "application/pdf"))
        for _key, m in services.required_materials(items)
    ]


@transaction.atomic
def ensure_form_fields() -> int:
    bundle = Bundle.objects.filter(code=DEMO_BUNDLE).first()
    if bundle is None:
        return 0
    made = 0
    for order, (item_name, key, label, kind, choices) in enumerate(FIELDS):
        for item in bundle.items.filter(name=item_name):
            _field, created = FormField.objects.get_or_create(
                item=item,
                key=key,
                defaults={
                    "label": label,
                    "field_type": kind,
                    "choices": choices,
                    "order": order,
                    **BOUNDS.get(key, {}),
                },
            )
            made += created
    return made


def ensure_demo_cases() -> list[str]:
    """Once: a bundle application waiting for acceptance and a single-item case in review."""
    if Case.objects.exists():
        return []
    citizen = User.objects.filter(mobile="13800000001").first()
    clerk = User.objects.filter(username="ga-clerk").first()
    bundle = Bundle.objects.filter(code=DEMO_BUNDLE, published=True).first()
    if not (citizen and clerk and bundle):
        return []
    made = []
    items = bundle_items(bundle)
    case, _ = services.apply(
        citizen,
        idempotency_key="demo-bundle",
        bundle=bundle,
        form_data=FORM,
        uploads=_uploads(items),
    )
    made.append(f"{case.number}（{case.title}，待受理）")
    item = next((it for it in items if it.name == "食品经营许可"), None)
    if item is not None:
        case, _ = services.apply(
            citizen,
            idempotency_key="demo-item",
            item=item,
            form_data=FORM,
            uploads=_uploads([item]),
        )
        case = services.accept(case, clerk)
        made.append(f"{case.number}（{case.title}，审查中）")
    return made
