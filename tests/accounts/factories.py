"""Accounts: citizens, staff, role grants and organisations, with valid ID numbers and USCCs."""

import factory
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from govserve.regions.validators import org_code_check_digit
from tests.regions.factories import sichuan_tree


def make_resident_id(n: int, region: str = "511602", birth: str = "19900307") -> str:
    """A valid resident ID number (GB 11643): region + birth date + sequence n + check character."""
    body = f"{region}{birth}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_company_uscc(n: int) -> str:
    """A valid unified social credit code for an enterprise (工商, 91) registered in 广安区."""
    org = f"{n:08d}"
    body = "91" + "511602" + org + org_code_check_digit(org)
    return body + stdnum_uscc.calc_check_digit(body)


class PersonFactory(factory.django.DjangoModelFactory):
    """A registered citizen (自然人), self-declared real name."""

    class Meta:
        model = "accounts.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    real_name = factory.Sequence(lambda n: f"张三{n}")
    id_number = factory.Sequence(lambda n: make_resident_id(n + 1))
    # A login name that is a mobile number is also the account's mobile
    # (as tests log in with either).
    mobile = factory.LazyAttributeSequence(
        lambda o, n: (
            o.username if o.username.isdigit() and len(o.username) == 11 else f"1391234{n:04d}"
        )
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
    region = factory.LazyAttribute(
        lambda o: o.department.region if o.department else sichuan_tree()[2]
    )
    department = None
    covers_subtree = False


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Organisation"

    uscc = factory.Sequence(lambda n: make_company_uscc(n + 1))
    name = factory.Sequence(lambda n: f"广安市某某食品有限公司{n}")
    kind = "2"
