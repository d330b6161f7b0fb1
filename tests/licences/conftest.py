"""Licence tests share the cases world (广安区, 区市场监管局 …) plus a licence type that the
world's 食品经营许可 item issues (builders in tests/licences/worlds.py)."""

import pytest

from tests.cases.worlds import build_world
from tests.licences.worlds import (
    FOOD_FIELDS,
    FOOD_FORM,
    add_form_fields,
    approved_case,
    make_licence_type,
)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def licence_type(world):
    return make_licence_type(world)


@pytest.fixture
def food_licence_type(world):
    """食品经营许可证 with a required address, its fields on the item's application form."""
    add_form_fields(world.item)
    return make_licence_type(
        world,
        fields=FOOD_FIELDS,
        layout={
            "title": "食品经营许可证",
            "orientation": "landscape",
            "number_prefix": "JY",
            "note": "本证照依法签发，与纸质证照具有同等法律效力。",
        },
    )


@pytest.fixture
def issued_licence(world, food_licence_type):
    """The licence an approved food-business application issued (version 1)."""
    case = approved_case(world, form_data=dict(FOOD_FORM))
    return case.licences.get()
