"""Catalog rows: basic items, published implementation items with every element, materials."""

import datetime as dt

import factory

from govserve.catalog import models as catalog
from govserve.regions import models as regions
from tests.regions.factories import DepartmentFactory


class BasicItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.BasicItem

    code = factory.Sequence(lambda n: f"0001{21001 + n:05d}000")
    name = "食品经营许可"
    item_type = "01"


class ImplementationItemFactory(factory.django.DjangoModelFactory):
    """A published 行政许可 of a 广安区 department, complete enough to apply for."""

    class Meta:
        model = catalog.ImplementationItem

    basic_item = factory.SubFactory(BasicItemFactory)
    name = factory.LazyAttribute(lambda o: o.basic_item.name)
    item_type = factory.LazyAttribute(lambda o: o.basic_item.item_type)
    department = factory.SubFactory(DepartmentFactory)
    region = factory.LazyAttribute(lambda o: o.department.region)
    exercise_level = factory.LazyAttribute(lambda o: regions.level_for_region(o.region))
    statutory_limit_days = 20
    promised_limit_days = 10
    case_type = "2"
    acceptance_conditions = "申请人应当具有与经营的食品品种、数量相适应的经营场所。"
    procedure = factory.LazyFunction(lambda: [{"name": "受理"}, {"name": "审查"}, {"name": "决定"}])
    service_objects = factory.LazyFunction(lambda: ["1", "2"])
    handling_forms = factory.LazyFunction(lambda: ["1", "2"])
    online = True
    online_depth = factory.LazyFunction(lambda: ["1", "2", "3", "4"])
    visits_required = 1
    visit_reason = "需核验原件并现场核查经营场所"
    consult_phone = "0826-2222111"
    complaint_phone = "0826-12345"
    state = catalog.ItemState.PUBLISHED
    effective_date = dt.date(2024, 1, 1)


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.Material

    item = factory.SubFactory(ImplementationItemFactory)
    name = "申请人身份证明"
    originals = 1
