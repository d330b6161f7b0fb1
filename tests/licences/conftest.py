"""Licence tests share the cases world (广安区, 区市场监管局 …) plus a licence type that the
world's 食品经营许可 item issues."""

import pytest

from govserve.cases import services as case_services
from govserve.licences.models import LicenceType
from tests.cases.conftest import build_world, pdf
from tests.factories import make_uscc

# 国家市场监督管理总局 stands in as the defining ministry (a valid USCC, 11 = 机关).
MINISTRY_USCC = make_uscc(10000001)
FOOD_LICENCE_CODE = MINISTRY_USCC + "001"


@pytest.fixture
def world(db):
    return build_world()


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


@pytest.fixture
def licence_type(world):
    return make_licence_type(world)


def approved_case(world, **kwargs):
    """An application for the world's item, accepted and approved (issues its licences)."""
    kwargs.setdefault("item", world.item)
    kwargs.setdefault(
        "uploads", [(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))]
    )
    case, _created = case_services.apply(world.applicant, **kwargs)
    case = case_services.accept(case, world.clerk)
    return case_services.decide(case, world.market_approver, outcome="approved")
