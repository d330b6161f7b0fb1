"""The licence side of the cases world: a licence type the world's 食品经营许可 item issues,
approved cases (which issue their licences), the food licence's fields and form. The fixtures
that use these are in conftest.py beside this module."""

from govserve.cases import services as case_services
from govserve.licences.models import LicenceType
from tests.cases.worlds import pdf, staff
from tests.regions.factories import make_uscc

# 国家市场监督管理总局 stands in as the defining ministry (a valid USCC, 11 = 机关).
MINISTRY_USCC = make_uscc(10000001)
FOOD_LICENCE_CODE = MINISTRY_USCC + "001"


def make_licence_type(world, **kwargs) -> LicenceType:
    kwargs.setdefault("name", "食品经营许可证")
    kwargs.setdefault("type_code", FOOD_LICENCE_CODE)
    kwargs.setdefault("ministry_name", "国家市场监督管理总局")
    kwargs.setdefault("validity_months", 60)
    kwargs.setdefault(
        "fields",
        [
            {"name": "business_address", "label": "经营场所", "kind": "text", "required": False},
            {"name": "business_scope", "label": "经营项目", "kind": "text", "required": False},
        ],
    )
    kwargs.setdefault("layout", {"title": "食品经营许可证", "orientation": "landscape"})
    licence_type = LicenceType.objects.create(**kwargs)
    licence_type.items.add(world.item)
    return licence_type


def approved_case(world, **kwargs):
    """An application for the world's item, accepted and approved (issues its licences)."""
    kwargs.setdefault("item", world.item)
    kwargs.setdefault(
        "uploads", [(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))]
    )
    kwargs.setdefault("idempotency_key", None)
    case, _created = case_services.apply(world.applicant, **kwargs)
    case = case_services.accept(case, world.clerk)
    return case_services.decide(case, world.market_approver, outcome="approved")


# -- issuing and lifecycle -------------------------------------------------------------------------
FOOD_FIELDS = [
    {
        "name": "business_address",
        "label": "经营场所",
        "kind": "text",
        "required": True,
        "max_length": 200,
    },
    {"name": "business_scope", "label": "经营项目", "kind": "text", "required": False},
    {
        "name": "main_form",
        "label": "主体业态",
        "kind": "choice",
        "required": False,
        "choices": ["食品销售经营者", "餐饮服务经营者"],
    },
]
FOOD_FORM = {
    "business_address": "广安市广安区北辰街道建设路 8 号",
    "business_scope": "预包装食品销售；热食类食品制售",
    "main_form": "餐饮服务经营者",
}


def add_form_fields(item, fields=FOOD_FIELDS, *, required=None) -> None:
    """The item's application form asks for the licence's fields (same keys as the names)."""
    from govserve.cases.models import FieldType, FormField

    kinds = {
        "text": FieldType.TEXT,
        "date": FieldType.DATE,
        "number": FieldType.NUMBER,
        "choice": FieldType.CHOICE,
    }
    for n, spec in enumerate(fields):
        FormField.objects.create(
            item=item,
            key=spec["name"],
            label=spec["label"],
            field_type=kinds[spec["kind"]],
            required=spec["required"] if required is None else required,
            choices=spec.get("choices", []),
            order=n,
        )


def staff_user(username, role, region, department=None):
    return staff(username, role, region, department)
