"""Regions and departments:
the real 四川省 — 广安市 — 广安区 — 北辰街道 chain and the bodies in it."""

import factory
from stdnum.cn import uscc as stdnum_uscc

from govserve.regions import models as regions
from govserve.regions.validators import org_code_check_digit


def make_uscc(n: int) -> str:
    """A valid unified social credit code for a government body (机关, 11), numbered n."""
    org = f"{n:08d}"
    body = "11" + "511602" + org + org_code_check_digit(org)
    return body + stdnum_uscc.calc_check_digit(body)


class RegionFactory(factory.django.DjangoModelFactory):
    """A division (get-or-create by code); 四川省 unless told otherwise."""

    class Meta:
        model = regions.Region
        django_get_or_create = ("code",)

    code = "510000000000"
    name = "四川省"
    full_name = "四川省"
    level = regions.RegionLevel.PROVINCE
    parent = None


def sichuan_tree():
    """四川省 — 广安市 — 广安区 — 北辰街道: four real levels."""
    province = RegionFactory()
    city = RegionFactory(
        code="511600000000", name="广安市", full_name="四川省广安市", level=2, parent=province
    )
    county = RegionFactory(
        code="511602000000", name="广安区", full_name="四川省广安市广安区", level=3, parent=city
    )
    town = RegionFactory(
        code="511602002000",
        name="北辰街道",
        full_name="四川省广安市广安区北辰街道",
        level=4,
        parent=county,
    )
    return province, city, county, town


class DepartmentFactory(factory.django.DjangoModelFactory):
    """A department of 广安区 (a numbered 市场监督管理局 with its own valid USCC)."""

    class Meta:
        model = regions.Department

    name = factory.Sequence(lambda n: f"广安市广安区市场监督管理局{n}")
    uscc = factory.Sequence(lambda n: make_uscc(70000000 + n))
    region = factory.LazyFunction(lambda: sichuan_tree()[2])
    level = factory.LazyAttribute(lambda o: regions.level_for_region(o.region))
