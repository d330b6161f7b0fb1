"""Catalog and region writes through the API go through the policies: a catalog administrator
changes items of their own region and level only; a system administrator the departments
and halls of their region. A refused write changes nothing."""

import io
import json

import pytest

from govserve.catalog.models import ImplementationItem, ItemState
from govserve.regions.models import Department, ServiceHall
from tests.accounts.worlds import make_staff
from tests.catalog.factories import ImplementationItemFactory
from tests.regions.factories import make_uscc

pytestmark = pytest.mark.django_db


def row(department, region_code, **extra):
    return {
        "name": "食品经营许可",
        "item_type": "行政许可",
        "region": region_code,
        "department": department.name,
        "statutory_limit_days": 20,
        "promised_limit_days": 10,
        "acceptance_conditions": "具有与经营的食品品种、数量相适应的场所。",
        "procedure": [{"name": "受理"}, {"name": "审查"}, {"name": "决定"}],
        "service_objects": ["1", "2"],
        "handling_forms": ["1", "2"],
        "online": True,
        "online_depth": ["1", "2", "3", "4"],
        "visits_required": 1,
        "visit_reason": "需现场核查经营场所",
        "consult_phone": "0826-2345678",
        "complaint_phone": "0826-12345",
        "state": "draft",
        **extra,
    }


@pytest.fixture
def catalog_admin(places):
    return make_staff("cat", "catalog_admin", places.county)


def test_catalog_admin_creates_items_in_their_county_only(api, places, catalog_admin):
    client = api.as_user(catalog_admin)
    resp = client.post("/api/items/", row(places.market, "511602"), format="json")
    assert resp.status_code == 201, resp.content
    resp = client.post("/api/items/", row(places.sibling_market, "511603"), format="json")
    assert resp.status_code == 403
    assert (
        resp.json()["detail"]
        == "您无权维护“四川省广安市前锋区”的县级事项：超出您的目录管理区划或层级"
    )
    resp = client.post(
        "/api/items/",
        row(places.market, "511602", name="省级事项", exercise_level=2),
        format="json",
    )
    assert resp.status_code == 403 and "省级" in resp.json()["detail"]
    assert ImplementationItem.objects.count() == 1


@pytest.mark.parametrize("role", ["clerk", "reviewer", "supervisor"])
def test_other_staff_cannot_write_the_catalog(api, places, role):
    user = make_staff(
        role, role, places.county, department=places.market if role == "reviewer" else None
    )
    item = ImplementationItemFactory(
        department=places.market, state=ItemState.DRAFT, effective_date=None
    )
    client = api.as_user(user)
    resp = client.post("/api/items/", row(places.market, "511602"), format="json")
    assert resp.status_code == 403 and resp.json()["detail"] == "仅事项目录管理员可以维护事项目录"
    assert client.post(f"/api/items/{item.pk}/publish/", {}, format="json").status_code in (
        403,
        404,
    )
    assert (
        client.post(
            "/api/synonyms/", {"term": "开饭店", "expansions": ["食品经营许可"]}, format="json"
        ).status_code
        == 403
    )


def test_revise_and_lifecycle_within_scope(api, places, catalog_admin):
    mine = ImplementationItemFactory(
        department=places.market, state=ItemState.DRAFT, effective_date=None
    )
    theirs = ImplementationItemFactory(
        department=places.sibling_market, state=ItemState.DRAFT, effective_date=None
    )
    client = api.as_user(catalog_admin)
    resp = client.patch(
        f"/api/items/{mine.pk}/", {"promised_limit_days": 5, "reason": "压缩时限"}, format="json"
    )
    assert resp.status_code == 200, resp.content
    # another county's draft is not even visible: 404, so its existence does not leak
    resp = client.patch(f"/api/items/{theirs.pk}/", {"promised_limit_days": 5}, format="json")
    assert resp.status_code == 404
    resp = client.patch(f"/api/items/{mine.pk}/", {"exercise_level": 2}, format="json")
    assert resp.status_code == 403, "raising an item above one's own level is refused"
    assert client.post(f"/api/items/{mine.pk}/publish/", {}, format="json").status_code == 200
    assert client.post(f"/api/items/{theirs.pk}/publish/", {}, format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == ItemState.DRAFT and theirs.promised_limit_days == 10


def test_delegate_needs_the_receiving_regions(api, places):
    city_admin = make_staff(
        "city", "catalog_admin", places.city
    )  # the city's own items, no subtree
    subtree_admin = make_staff("tree", "catalog_admin", places.city, covers_subtree=True)
    item = ImplementationItemFactory(department=places.city_market)
    data = {
        "targets": [{"region": "511602000000", "department": places.market.pk}],
        "reason": "下放",
    }
    resp = api.as_user(city_admin).post(f"/api/items/{item.pk}/delegate/", data, format="json")
    assert resp.status_code == 403
    item.refresh_from_db()
    assert item.state == ItemState.PUBLISHED
    resp = api.as_user(subtree_admin).post(f"/api/items/{item.pk}/delegate/", data, format="json")
    assert resp.status_code == 201, resp.content


def test_merge_needs_every_item(api, places, catalog_admin):
    into = ImplementationItemFactory(department=places.market, name="合并后")
    mine = ImplementationItemFactory(department=places.market, name="本区")
    theirs = ImplementationItemFactory(department=places.sibling_market, name="外区")
    client = api.as_user(catalog_admin)
    resp = client.post(
        f"/api/items/{into.pk}/merge/", {"items": [mine.pk, theirs.pk]}, format="json"
    )
    assert resp.status_code == 403
    assert ImplementationItem.objects.filter(state=ItemState.MERGED).count() == 0
    resp = client.post(f"/api/items/{into.pk}/merge/", {"items": [mine.pk]}, format="json")
    assert resp.status_code == 200


def _upload(client, rows, dry_run=False):
    data = io.BytesIO(json.dumps(rows, ensure_ascii=False).encode())
    data.name = "items.json"
    return client.post(
        "/api/catalog/import/",
        {"file": data, "dry_run": "true" if dry_run else ""},
        format="multipart",
    )


def test_import_refuses_rows_outside_scope_with_their_lines(api, places, catalog_admin):
    client = api.as_user(catalog_admin)
    rows = [row(places.market, "511602"), row(places.sibling_market, "511603", name="外区事项")]
    for dry_run in (True, False):
        resp = _upload(client, rows, dry_run)
        assert resp.status_code == 403
        assert resp.json()["detail"].startswith("第2行：您无权维护“四川省广安市前锋区”")
    assert not ImplementationItem.objects.exists()
    resp = _upload(client, rows[:1])
    assert resp.status_code == 200, resp.content
    assert ImplementationItem.objects.count() == 1
    assert (
        _upload(api.as_user(make_staff("k", "clerk", places.county)), rows[:1]).status_code == 403
    )


def test_departments_and_halls_by_system_admins_of_the_region(api, places, county_admin):
    client = api.as_user(county_admin)
    data = {"name": "广安市广安区人民政府办公室", "region": "511602", "uscc": make_uscc(30000001)}
    assert client.post("/api/departments/", data, format="json").status_code == 201
    resp = client.post(
        "/api/departments/",
        {**data, "region": "511603", "uscc": make_uscc(30000002)},
        format="json",
    )
    assert resp.status_code == 403 and "前锋区" in resp.json()["detail"]
    resp = client.patch(
        f"/api/departments/{places.market.pk}/", {"region": "511603"}, format="json"
    )
    assert resp.status_code == 403, "moving a department out of one's region is refused"
    assert (
        client.patch(
            f"/api/departments/{places.sibling_market.pk}/", {"consult_phone": "1"}, format="json"
        ).status_code
        == 403
    )
    assert Department.objects.get(pk=places.market.pk).region == places.county
    hall = {"name": "前锋区政务服务中心", "region": "511603", "address": "前锋区"}
    assert client.post("/api/halls/", hall, format="json").status_code == 403
    assert (
        client.post("/api/halls/", {**hall, "region": "511602"}, format="json").status_code == 201
    )
    assert ServiceHall.objects.count() == 1
    catalog_admin = make_staff("cat", "catalog_admin", places.province, covers_subtree=True)
    assert (
        api.as_user(catalog_admin)
        .post("/api/halls/", {**hall, "region": "511602"}, format="json")
        .status_code
        == 403
    )
