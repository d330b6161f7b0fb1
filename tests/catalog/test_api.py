import io
import json

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from govserve.catalog.models import ImplementationItem, ItemState
from tests.catalog.factories import ImplementationItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    user = get_user_model().objects.create_superuser(
        "catalog-admin", "a@example.invalid", "pw-Str0ng!"
    )
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def public():
    return APIClient()


def test_public_sees_published_items_only(public, market_bureau):
    ImplementationItemFactory(department=market_bureau, name="食品经营许可")
    ImplementationItemFactory(
        department=market_bureau, name="草稿事项", state=ItemState.DRAFT, effective_date=None
    )
    names = [i["name"] for i in public.get("/api/items/").json()["results"]]
    assert names == ["食品经营许可"]
    draft = ImplementationItem.objects.get(name="草稿事项")
    assert public.get(f"/api/items/{draft.pk}/").status_code == 404


def test_filters_by_region_subtree_and_service_object(public, regions, market_bureau):
    ImplementationItemFactory(
        department=market_bureau, name="个体工商户设立登记", service_objects=["1"]
    )
    ImplementationItemFactory(department=market_bureau, name="企业设立登记", service_objects=["2"])
    assert public.get("/api/items/", {"region": "5116"}).json()["count"] == 2
    assert public.get("/api/items/", {"region": "310000"}).json()["count"] == 0
    names = [
        i["name"] for i in public.get("/api/items/", {"service_object": "1"}).json()["results"]
    ]
    assert names == ["个体工商户设立登记"]


def test_public_cannot_write(public, item_row):
    assert public.post("/api/items/", item_row, format="json").status_code in (401, 403)


def test_create_with_field_errors_in_chinese_and_english(admin_client, item_row):
    bad = {**item_row, "promised_limit_days": 30}
    resp = admin_client.post("/api/items/", bad, format="json")
    assert resp.status_code == 400
    assert "不能超过法定办结时限" in resp.json()["promised_limit_days"][0]
    resp = admin_client.post("/api/items/", bad, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "statutory" in resp.json()["promised_limit_days"][0]
    assert ImplementationItem.objects.count() == 0


def test_create_publish_and_history(admin_client, item_row):
    resp = admin_client.post("/api/items/", {**item_row, "state": "draft"}, format="json")
    assert resp.status_code == 201, resp.json()
    pk = resp.json()["id"]
    assert resp.json()["materials"][1]["common"] == "营业执照"
    resp = admin_client.post(
        f"/api/items/{pk}/publish/", {"effective_date": "2025-01-01"}, format="json"
    )
    assert resp.json()["state"] == "published"
    resp = admin_client.post(f"/api/items/{pk}/suspend/", {}, format="json")
    assert resp.json()["state"] == "suspended"
    resp = admin_client.post(f"/api/items/{pk}/suspend/", {}, format="json")
    assert resp.status_code == 400 and "不能执行" in resp.json()["state"][0]
    history = admin_client.get(f"/api/items/{pk}/history/").json()
    assert [h["action"] for h in history] == ["create", "publish", "suspend"]


def test_revise_via_patch(admin_client, market_bureau):
    item = ImplementationItemFactory(department=market_bureau)
    resp = admin_client.patch(
        f"/api/items/{item.pk}/", {"promised_limit_days": 3, "reason": "压缩时限"}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["version"] == 2
    resp = admin_client.patch(f"/api/items/{item.pk}/", {"promised_limit_days": 99}, format="json")
    assert resp.status_code == 400 and "promised_limit_days" in resp.json()
    resp = admin_client.patch(f"/api/items/{item.pk}/", {"state": "cancelled"}, format="json")
    assert resp.status_code == 400


def test_import_endpoint_all_or_nothing(admin_client, item_row):
    bad = {**item_row, "name": "第二个事项", "region": "999999"}
    upload = io.BytesIO(json.dumps([item_row, bad], ensure_ascii=False).encode())
    upload.name = "catalog.json"
    resp = admin_client.post("/api/catalog/import/", {"file": upload}, format="multipart")
    assert resp.status_code == 400
    assert resp.json()["errors"] == [
        {"line": 2, "field": "region", "reason": resp.json()["errors"][0]["reason"]}
    ]
    assert ImplementationItem.objects.count() == 0
    upload = io.BytesIO(json.dumps([item_row], ensure_ascii=False).encode())
    upload.name = "catalog.json"
    resp = admin_client.post("/api/catalog/import/", {"file": upload}, format="multipart")
    assert resp.status_code == 200 and resp.json()["created"] == 1


def test_export_csv_and_json(public, market_bureau):
    ImplementationItemFactory(department=market_bureau, name="食品经营许可")
    resp = public.get("/api/catalog/export/", {"file_format": "csv"})
    assert resp.status_code == 200 and "食品经营许可" in resp.content.decode("utf-8-sig")
    assert public.get("/api/catalog/export/").json()["items"][0]["name"] == "食品经营许可"


def test_openapi_schema(public):
    resp = public.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert resp.status_code == 200
    paths = (
        json.loads(resp.content)["paths"]
        if resp["Content-Type"].startswith("application/json")
        else None
    )
    text = resp.content.decode()
    assert "/api/items/" in text and "/api/catalog/import/" in text
    assert paths is None or "/api/items/{id}/publish/" in paths
    assert public.get("/api/docs/").status_code == 200


def test_power_list_groups_by_type(public, market_bureau):
    ImplementationItemFactory(department=market_bureau, name="食品经营许可")
    ImplementationItemFactory(
        department=market_bureau,
        name="个体工商户登记信息查询",
        basic_item__name="个体工商户登记信息查询",
        basic_item__item_type="20",
    )
    groups = public.get("/api/lists/power/").json()
    assert [(g["label"], g["count"]) for g in groups] == [("行政许可", 1)]


def test_ledger_counts_cancelled_items(public, admin_client, market_bureau):
    import datetime as dt

    items = [
        ImplementationItemFactory(
            department=market_bureau, name=f"事项{i}", effective_date=dt.date(2024, 1, 1)
        )
        for i in range(4)
    ]
    resp = admin_client.post(
        f"/api/items/{items[0].pk}/cancel/",
        {"effective_date": "2025-03-01", "reason": "取消"},
        format="json",
    )
    assert resp.status_code == 200
    ledger = public.get("/api/lists/ledger/", {"start": "2025-01-01", "end": "2025-12-31"}).json()
    assert (ledger["in_force_start"], ledger["in_force_end"], ledger["cancelled"]) == (4, 3, 1)
    assert ledger["events"][0]["name"] == "事项0"
    bad = public.get("/api/lists/ledger/", {"start": "2025-13-01", "end": "2025-01-01"})
    assert bad.status_code == 400 and "start" in bad.json()


def test_ledger_from_the_first_day_a_date_can_name(public, market_bureau):
    """start=0001-01-01 has no day before it: nothing was in force then (not a 500)."""
    import datetime as dt

    ImplementationItemFactory(department=market_bureau, effective_date=dt.date(2024, 1, 1))
    resp = public.get("/api/lists/ledger/", {"start": "0001-01-01", "end": "9999-12-31"})
    assert resp.status_code == 200
    ledger = resp.json()
    assert (ledger["in_force_start"], ledger["in_force_end"], ledger["added"]) == (0, 1, 1)


@pytest.mark.parametrize("level", ["0", "8", "99999999999999999999", "一"])
def test_ledger_level_outside_the_levels_is_400(public, db, level):
    resp = public.get(
        "/api/lists/ledger/", {"start": "2025-01-01", "end": "2025-12-31", "level": level}
    )
    assert resp.status_code == 400
    assert resp.json() == {"level": ["行使层级应为1–7的数字"]}


@pytest.mark.parametrize("body", ["null", "[]", "[1, 2]", '"x"', "1"])
def test_revising_with_a_body_that_is_not_an_object_is_400(admin_client, market_bureau, body):
    item = ImplementationItemFactory(department=market_bureau, name="食品经营许可")
    resp = admin_client.patch(f"/api/items/{item.pk}/", body, content_type="application/json")
    assert resp.status_code == 400
    assert resp.json() == {"non_field_errors": ["修订内容应为 JSON 对象：{字段名: 新值}"]}
    item.refresh_from_db()
    assert (item.name, item.version) == ("食品经营许可", 1)


def test_bundle_materials_asked_once(public, market_bureau, health_bureau):
    from govserve.catalog.models import Bundle, BundleItem, CommonMaterial
    from tests.catalog.factories import MaterialFactory

    id_card = CommonMaterial.objects.create(name="居民身份证", source="issued")
    food = ImplementationItemFactory(department=market_bureau, name="食品经营许可")
    hygiene = ImplementationItemFactory(
        department=health_bureau, name="公共场所卫生许可", basic_item__name="公共场所卫生许可"
    )
    for item in (food, hygiene):
        MaterialFactory(item=item, name="经营者身份证", common=id_card)
    MaterialFactory(item=hygiene, name="卫生管理制度")
    bundle = Bundle.objects.create(
        code="KBCYD",
        name="开办餐饮店一件事",
        kind="business",
        region=market_bureau.region,
        lead_department=market_bureau,
        promised_limit_days=5,
        published=True,
    )
    BundleItem.objects.create(bundle=bundle, item=food, order=0)
    BundleItem.objects.create(bundle=bundle, item=hygiene, order=1)
    data = public.get("/api/bundles/KBCYD/materials/").json()
    assert data["materials_before_merge"] == 3
    assert [(m["name"], sorted(m["items"])) for m in data["materials"]][0] == (
        "居民身份证",
        ["公共场所卫生许可", "食品经营许可"],
    )
    assert len(data["materials"]) == 2
