"""Factories shared by every test package: real-looking regions, bodies and items."""

import datetime as dt

import factory
from stdnum.cn import uscc as stdnum_uscc

from govserve.catalog import models as catalog
from govserve.regions import models as regions
from govserve.regions.validators import org_code_check_digit


def make_uscc(n: int) -> str:
    """A valid unified social credit code for a government body (机关, 11), numbered n."""
    org = f"{n:08d}"
    body = "11" + "511602" + org + org_code_check_digit(org)
    return body + stdnum_uscc.calc_check_digit(body)


class RegionFactory(factory.django.DjangoModelFactory):
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
    city = RegionFactory(code="511600000000", name="广安市", full_name="四川省广安市", level=2, parent=province)
    county = RegionFactory(code="511602000000", name="广安区", full_name="四川省广安市广安区", level=3, parent=city)
    town = RegionFactory(code="511602002000", name="北辰街道", full_name="四川省广安市广安区北辰街道", level=4, parent=county)
    return province, city, county, town


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = regions.Department

    name = factory.Sequence(lambda n: f"广安市广安区市场监督管理局{n}")
    uscc = factory.Sequence(lambda n: make_uscc(70000000 + n))
    region = factory.LazyFunction(lambda: sichuan_tree()[2])
    level = factory.LazyAttribute(lambda o: regions.level_for_region(o.region))


class BasicItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.BasicItem

    code = factory.Sequence(lambda n: f"0001{21001 + n:05d}000")
    name = "食品经营许可"
    item_type = "01"


class ImplementationItemFactory(factory.django.DjangoModelFactory):
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


# -- accounts -------------------------------------------------------------------------------------
def make_resident_id(n: int, region: str = "511602", birth: str = "19900307") -> str:
    """A valid resident ID number (GB 11643): region + birth date + sequence n + check character."""
    from stdnum.cn import ric

    body = f"{region}{birth}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


class PersonFactory(factory.django.DjangoModelFactory):
    """A registered citizen (自然人), self-declared real name."""

    class Meta:
        model = "accounts.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    real_name = factory.Sequence(lambda n: f"张三{n}")
    id_number = factory.Sequence(lambda n: make_resident_id(n + 1))
    # A login name that is a mobile number is also the account's mobile (as tests log in with either).
    mobile = factory.LazyAttributeSequence(
        lambda o, n: o.username if o.username.isdigit() and len(o.username) == 11 else f"1391234{n:04d}"
    )
    account_type = "person"
    assurance_level = 1
    password = factory.django.Password("Ga2024-service")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    real_name = factory.Sequence(lambda n: f"李四{n}")
    account_type = "staff"
    is_staff = True
    region = factory.LazyFunction(lambda: sichuan_tree()[2])
    password = factory.django.Password("Ga2024-service")


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.RoleGrant"

    user = factory.SubFactory(StaffFactory)
    role = "clerk"
    region = factory.LazyAttribute(lambda o: o.department.region if o.department else sichuan_tree()[2])
    department = None
    covers_subtree = False


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Organisation"

    uscc = factory.Sequence(lambda n: make_company_uscc(n + 1))
    name = factory.Sequence(lambda n: f"广安市某某食品有限公司{n}")
    kind = "2"


def make_company_uscc(n: int) -> str:
    """A valid unified social credit code for an enterprise (工商, 91) registered in 广安区."""
    org = f"{n:08d}"
    body = "91" + "511602" + org + org_code_check_digit(org)
    return body + stdnum_uscc.calc_check_digit(body)


# -- workcalendar ----------------------------------------------------------------------------------
class HolidayNoticeFactory(factory.django.DjangoModelFactory):
    """A loaded State Council holiday notice without days (load real ones with services.load_notice)."""

    class Meta:
        model = "workcalendar.HolidayNotice"
        django_get_or_create = ("year",)

    year = 2027
    title = factory.LazyAttribute(lambda o: f"国务院办公厅关于{o.year}年部分节假日安排的通知")
    published = factory.LazyAttribute(lambda o: dt.date(o.year - 1, 11, 5))
    source = "https://www.gov.cn/"
    loaded_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC))
