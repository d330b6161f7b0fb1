"""Policy details the matrix does not spell out: levels, expiry, revocation, querysets."""

import datetime as dt

import pytest
from django.utils import timezone

from govserve.accounts import policies
from govserve.accounts.models import RoleGrant, User
from govserve.regions.models import AdministrativeLevel, Department, Region
from tests.accounts.worlds import make_staff
from tests.catalog.factories import ImplementationItemFactory

pytestmark = pytest.mark.django_db


def test_catalog_admin_changes_only_their_own_level(places):
    county_admin = make_staff("c", "catalog_admin", places.county)
    city_admin = make_staff("m", "catalog_admin", places.city, covers_subtree=True)
    city_only = make_staff("mo", "catalog_admin", places.city)
    provincial_in_county = ImplementationItemFactory(
        department=places.market, exercise_level=AdministrativeLevel.PROVINCIAL
    )
    tiered = ImplementationItemFactory(
        department=places.market, exercise_level=AdministrativeLevel.TIERED
    )
    county_item = ImplementationItemFactory(department=places.market)
    city_item = ImplementationItemFactory(department=places.city_market)
    assert not policies.can_change_item(county_admin, provincial_in_county)
    assert not policies.can_change_item(city_admin, provincial_in_county)  # above 市级
    assert policies.can_change_item(county_admin, tiered)  # 分级管理: whoever holds the region
    assert policies.can_change_item(city_admin, county_item)
    assert not policies.can_change_item(city_only, county_item)  # no subtree: the city's own items
    assert policies.can_change_item(city_only, city_item)


def test_expired_and_revoked_grants_count_for_nothing(places):
    item = ImplementationItemFactory(department=places.market)
    admin = make_staff("c", "catalog_admin", places.county)
    grant = RoleGrant.objects.get(user=admin)
    assert policies.can_change_item(admin, item)
    grant.valid_until = timezone.now() - dt.timedelta(seconds=1)
    grant.save()
    assert not policies.can_change_item(admin, item) and policies.active_grants(admin) == []
    grant.valid_until, grant.revoked_at = None, timezone.now()
    grant.save()
    assert not policies.can_change_item(admin, item)


def test_inactive_accounts_can_do_nothing(places):
    admin = make_staff("c", "catalog_admin", places.county)
    User.objects.filter(pk=admin.pk).update(is_active=False)
    admin.refresh_from_db()
    assert not policies.can_change_item(admin, ImplementationItemFactory(department=places.market))


def test_region_scope_and_scope_q(places):
    supervisor = make_staff("s", "supervisor", places.city, covers_subtree=True)
    clerk = make_staff("k", "clerk", places.county)
    assert [g.region for g in policies.region_scope(supervisor, "supervisor")] == [places.city]
    assert policies.region_scope(supervisor, "clerk") == []

    def covered(user, role):
        grants = policies.region_scope(user, role)
        return {
            r.code for r in Region.objects.all() if any(policies.grant_covers(g, r) for g in grants)
        }

    assert covered(supervisor, "supervisor") == {
        "511600000000",
        "511602000000",
        "511602002000",
        "511603000000",
    }
    assert covered(clerk, "clerk") == {"511602000000"}
    # The queryset form agrees: departments in the supervisor's scope.
    names = set(
        Department.objects.filter(
            policies.scope_q(policies.region_scope(supervisor, "supervisor"))
        ).values_list("name", flat=True)
    )
    assert names == {
        "广安市广安区市场监督管理局",
        "广安市广安区卫生健康局",
        "广安市前锋区市场监督管理局",
        "广安市市场监督管理局",
    }
    assert not Department.objects.filter(policies.scope_q([])).exists()
