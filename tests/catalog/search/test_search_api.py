"""GET /api/search/ and its place in the OpenAPI schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from govserve.catalog.models import Bundle


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def test_search_returns_ranked_items(client, catalog):
    response = client.get("/api/search/", {"q": "yyzz"})
    assert response.status_code == 200
    body = response.json()
    first = body["items"][0]
    item = catalog.items["增发、补发营业执照"]
    assert first == {
        "id": item.pk,
        "name": "增发、补发营业执照",
        "item_type": "10",
        "item_type_label": "其他行政权力",
        "department": "四川省广安市广安区市场监督管理局",
        "region": "四川省广安市广安区",
        "exercise_level": 4,
        "exercise_level_label": "县级",
        "promised_limit_days": 10,
        "statutory_limit_days": 20,
        "fully_online": True,
        "visits_required": 0,
        "url": f"/items/{item.pk}/",
    }
    assert body["total"] == len(body["items"])
    assert body["suggestions"] == [] and body["expanded_terms"] == []


def test_filters_and_paging(client, catalog):
    body = client.get(
        "/api/search/", {"q": "食品经营许可", "region": "511600000000", "limit": 1}
    ).json()
    assert body["total"] >= 2 and len(body["items"]) == 1
    second = client.get(
        "/api/search/", {"q": "食品经营许可", "region": "511600", "limit": 1, "offset": 1}
    ).json()
    assert second["items"][0]["id"] != body["items"][0]["id"]
    online = client.get(
        "/api/search/", {"q": "食品经营许可", "fully_online": "true", "limit": 100}
    ).json()
    assert online["items"] and all(i["fully_online"] for i in online["items"])
    anything = client.get("/api/search/", {"q": "食品经营许可", "limit": 100}).json()
    assert anything["total"] > online["total"]  # no fully_online parameter: no filter
    people = client.get(
        "/api/search/", {"q": "登记", "service_object": "1", "level": 4, "item_type": "07"}
    ).json()
    assert {i["name"] for i in people["items"]} >= {"结婚登记", "离婚登记"}


def test_expanded_terms_suggestions_and_bundles(client, catalog):
    expanded = client.get("/api/search/", {"q": "开饭店"}).json()
    assert expanded["items"][0]["name"] == "食品经营许可"
    assert expanded["expanded_terms"][0] == "食品经营许可"
    none = client.get("/api/search/", {"q": "yingyezhizhoa"}).json()
    assert none["total"] == 0 and "增发、补发营业执照" in none["suggestions"]

    county, dept = catalog.county, catalog.items["食品经营许可"].department
    Bundle.objects.create(
        code="KBFD-1",
        name="开饭店一件事",
        kind="business",
        region=county,
        lead_department=dept,
        promised_limit_days=5,
        keywords="餐饮 饭店",
        published=True,
    )
    Bundle.objects.create(
        code="KBFD-0",
        name="开饭店一件事（草稿）",
        kind="business",
        region=county,
        lead_department=dept,
        promised_limit_days=5,
        published=False,
    )
    body = client.get("/api/search/", {"q": "开饭店"}).json()
    assert body["bundles"] == [
        {"code": "KBFD-1", "name": "开饭店一件事", "kind": "business", "url": "/bundles/KBFD-1/"}
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "99"}, "region"),
        ({"region": "999999000000"}, "region"),
        ({"level": 9}, "level"),
        ({"limit": 1000}, "limit"),
        ({"service_object": "x"}, "service_object"),
        ({"offset": -1}, "offset"),
    ],
)
def test_bad_parameters_are_400(client, catalog, params, field):
    response = client.get("/api/search/", {"q": "许可", **params})
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"department": "99999999999999999999"}, "department"),
        ({"department": str(2**63)}, "department"),
        ({"department": "0"}, "department"),
        ({"offset": "99999999999999999999"}, "offset"),
    ],
)
def test_integers_beyond_the_database_range_are_400(client, catalog, params, field):
    """An id or offset past the 64-bit column range is refused, never handed to SQLite (500)."""
    response = client.get("/api/search/", params)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]  # a message the user can read


def test_in_openapi_schema(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/search/"]["get"]
    assert operation["operationId"] == "search_items"
    assert {p["name"] for p in operation["parameters"]} >= {
        "q",
        "region",
        "department",
        "level",
        "item_type",
        "service_object",
        "fully_online",
        "limit",
        "offset",
    }
    assert "SearchResponse" in schema["components"]["schemas"]
