"""岗位授权: who may grant what where; staff accounts; personal-data grants."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from govserve.accounts import policies, services
from govserve.accounts.models import PersonalDataGrant, RoleGrant, SecurityEvent
from tests.accounts.worlds import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(places):
    return make_staff("newcomer", home=places.county, real_name="新同事")


def grant(granter, user, role, region, **kwargs):
    return services.grant_role(granter=granter, user=user, role=role, region=region, **kwargs)


def test_province_admin_grants_anywhere_below_and_it_is_logged(places, province_admin, newcomer):
    g = grant(
        province_admin,
        newcomer,
        "reviewer",
        places.county,
        department=places.market,
        reason="新岗位",
    )
    assert (g.granted_by, g.department, g.covers_subtree) == (province_admin, places.market, False)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ROLE_GRANTED)
    assert (event.user, event.actor, event.username) == (newcomer, province_admin, "newcomer")
    assert event.detail == {
        "grant": g.pk,
        "role": "reviewer",
        "region": "511602000000",
        "department": places.market.pk,
        "covers_subtree": False,
        "valid_until": None,
        "reason": "新岗位",
    }
    # A whole city with its subtree, below the province: allowed too.
    grant(province_admin, newcomer, "supervisor", places.city, covers_subtree=True)
    assert {x.role for x in policies.active_grants(newcomer)} == {"reviewer", "supervisor"}


def test_county_admin_grants_in_the_county_only(places, county_admin, newcomer):
    grant(county_admin, newcomer, "clerk", places.county)
    for region in (places.sibling, places.city, places.province, places.yuzhong):
        with pytest.raises(PermissionDenied) as exc:
            grant(county_admin, newcomer, "supervisor", region)
        assert f"您无权管理“{region.full_name}”：超出您的管理区划" == str(exc.value)
    # Not even the county's own subtree: the granter's grant does not cover it.
    with pytest.raises(PermissionDenied, match="及其下级区划授权"):
        grant(county_admin, newcomer, "supervisor", places.county, covers_subtree=True)
    with pytest.raises(PermissionDenied):
        grant(county_admin, newcomer, "clerk", places.town)
    assert RoleGrant.objects.filter(user=newcomer).count() == 1
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ROLE_GRANTED).count() == 1


def test_outside_the_province_refused_and_nothing_written(places, province_admin, newcomer):
    with pytest.raises(PermissionDenied, match="重庆市渝中区"):
        grant(province_admin, newcomer, "clerk", places.yuzhong)
    assert not RoleGrant.objects.filter(user=newcomer).exists()
    assert not SecurityEvent.objects.exists()


@pytest.mark.parametrize(
    "role", ["clerk", "reviewer", "approver", "supervisor", "catalog_admin", "system_admin"]
)
def test_only_system_admins_grant(places, newcomer, role):
    holder = make_staff(
        f"holder-{role}", role, places.province, covers_subtree=role != "clerk", department=None
    )
    if role in ("reviewer", "approver"):
        RoleGrant.objects.filter(user=holder).update(department=places.city_market)
    try:
        grant(holder, newcomer, "clerk", places.county)
    except PermissionDenied:
        assert role != "system_admin"
    else:
        assert role == "system_admin"


def test_expired_or_revoked_admin_grants_nothing(places, county_admin, newcomer):
    RoleGrant.objects.filter(user=county_admin).update(
        valid_until=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(PermissionDenied):
        grant(county_admin, newcomer, "clerk", places.county)


@pytest.mark.parametrize("role", ["clerk"])
def test_covers_subtree_only_for_subtree_roles(places, province_admin, newcomer, role):
    with pytest.raises(ValidationError) as exc:
        grant(province_admin, newcomer, role, places.city, covers_subtree=True)
    assert exc.value.message_dict == {
        "covers_subtree": ["“综合窗口受理人员”只能在本级区划授予，不能覆盖下级"]
    }
    assert not RoleGrant.objects.filter(user=newcomer).exists()


def test_department_rules(places, province_admin, newcomer):
    with pytest.raises(ValidationError) as exc:
        grant(province_admin, newcomer, "reviewer", places.county)
    assert exc.value.message_dict == {"department": ["“审查人员”须按部门授予，请选择部门"]}
    with pytest.raises(ValidationError) as exc:
        grant(province_admin, newcomer, "approver", places.county, department=places.sibling_market)
    assert exc.value.message_dict == {
        "department": ["部门“广安市前锋区市场监督管理局”不属于“四川省广安市广安区”"]
    }
    with pytest.raises(ValidationError) as exc:
        grant(province_admin, newcomer, "supervisor", places.county, department=places.market)
    assert exc.value.message_dict == {"department": ["“监察人员”按区划授予，不属于某个部门"]}


def test_grantee_rules(places, province_admin, citizen, newcomer):
    with pytest.raises(ValidationError) as exc:
        grant(province_admin, citizen, "clerk", places.county)
    assert exc.value.message_dict == {"user": ["只能为在职的工作人员账户授予角色"]}
    with pytest.raises(ValidationError) as exc:
        grant(province_admin, province_admin, "catalog_admin", places.county)
    assert exc.value.message_dict == {"user": ["不能为自己授予角色"]}
    with pytest.raises(ValidationError) as exc:
        grant(
            province_admin,
            newcomer,
            "clerk",
            places.county,
            valid_until=timezone.now() - dt.timedelta(days=1),
        )
    assert "valid_until" in exc.value.message_dict
    grant(province_admin, newcomer, "clerk", places.county)
    with pytest.raises(ValidationError, match="已有相同的有效授权"):
        grant(province_admin, newcomer, "clerk", places.county)


def test_revoke_role(places, province_admin, county_admin, newcomer):
    g = grant(province_admin, newcomer, "supervisor", places.city, covers_subtree=True)
    with pytest.raises(PermissionDenied):
        services.revoke_role(g, by=county_admin)  # the city is above the county admin
    services.revoke_role(g, by=province_admin, reason="调岗")
    assert policies.active_grants(newcomer) == []
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ROLE_REVOKED)
    assert (event.user, event.actor, event.detail["reason"]) == (newcomer, province_admin, "调岗")
    with pytest.raises(ValidationError, match="该授权已撤销"):
        services.revoke_role(g, by=province_admin)


def test_superuser_grants_anywhere(places, newcomer, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    grant(root, newcomer, "system_admin", places.chongqing, covers_subtree=True)
    grant(root, root.__class__.objects.get(pk=newcomer.pk), "clerk", places.yuzhong)


def test_create_staff_in_scope(places, county_admin):
    staff = services.create_staff(
        by=county_admin,
        username="zhao",
        real_name="赵六",
        password="Ga2024-service",
        region=places.county,
        department=places.health,
        mobile="13700000000",
    )
    assert (staff.account_type, staff.is_staff, staff.region, staff.department) == (
        "staff",
        True,
        places.county,
        places.health,
    )
    assert SecurityEvent.objects.get(kind=SecurityEvent.Kind.STAFF_CREATED).actor == county_admin
    with pytest.raises(PermissionDenied):
        services.create_staff(
            by=county_admin,
            username="qian",
            real_name="钱七",
            password="Ga2024-service",
            region=places.sibling,
        )
    with pytest.raises(ValidationError) as exc:
        services.create_staff(
            by=county_admin,
            username="zhao",
            real_name="",
            password="123",
            region=places.county,
            department=places.sibling_market,
            mobile="13700000000",
        )
    assert set(exc.value.message_dict) == {
        "username",
        "real_name",
        "department",
        "mobile",
        "password",
    }


def test_personal_data_grant(places, province_admin, county_admin, newcomer, citizen):
    until = timezone.now() + dt.timedelta(days=7)
    assert not policies.can_view_full_personal_data(newcomer, citizen)
    services.grant_personal_data_access(
        granter=county_admin, user=newcomer, reason="核查冒名注册", valid_until=until
    )
    assert policies.can_view_full_personal_data(newcomer, citizen)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.DATA_GRANT)
    assert (event.user, event.actor, event.detail["reason"]) == (
        newcomer,
        county_admin,
        "核查冒名注册",
    )
    with pytest.raises(ValidationError) as exc:
        services.grant_personal_data_access(
            granter=county_admin,
            user=newcomer,
            reason=" ",
            valid_until=timezone.now() + dt.timedelta(days=365),
        )
    assert set(exc.value.message_dict) == {"reason", "valid_until"}
    outsider = make_staff("outsider", home=places.yuzhong)
    with pytest.raises(PermissionDenied):
        services.grant_personal_data_access(
            granter=province_admin, user=outsider, reason="x", valid_until=until
        )
    PersonalDataGrant.objects.update(valid_until=timezone.now() - dt.timedelta(seconds=1))
    assert not policies.can_view_full_personal_data(newcomer, citizen)
