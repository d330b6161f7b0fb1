"""Request bodies: JSON nested too deep is a 400, a body too large a 413 — never a 500, nothing
stored (core/parsers.py, the API's default parsers)."""

import json

import pytest
from django.test import override_settings
from django.utils import translation
from rest_framework.test import APIClient

from govserve.cases.models import Case
from govserve.core.parsers import json_depth
from tests.cases.worlds import build_world

pytestmark = pytest.mark.django_db

DUE = "/api/workcalendar/due-date/"
TOO_DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def world():
    return build_world()


def applicant_client(world) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.applicant)
    return client


@pytest.mark.parametrize(
    "url", ["/api/accounts/register/", "/api/workcalendar/due-date/", "/api/licences/verify/"]
)
@pytest.mark.parametrize("body", [TOO_DEEP, DEEP_OBJECT])
def test_json_nested_a_thousand_deep_is_400(url, body, db):
    resp = APIClient().post(url, body, content_type="application/json")
    assert resp.status_code == 400
    assert resp.json() == {"non_field_errors": ["JSON 嵌套层数过多：最多 32 层"]}


def test_json_nesting_at_the_limit_is_read_one_past_it_refused(db):
    url = "/api/workcalendar/due-date/"
    # 32 levels are parsed (and then refused by the serializer for what they are, not a list)
    at_limit = APIClient().post(url, nested(32), content_type="application/json")
    assert at_limit.status_code == 400 and "non_field_errors" in at_limit.json()
    assert "JSON" not in at_limit.json()["non_field_errors"][0]
    past = APIClient().post(url, nested(33), content_type="application/json")
    assert past.json() == {"non_field_errors": ["JSON 嵌套层数过多：最多 32 层"]}


def test_the_depth_message_in_english(db):
    with translation.override("en"):
        resp = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/accounts/register/", TOO_DEEP, content_type="application/json"
        )
    assert resp.status_code == 400
    assert "nested" in resp.json()["non_field_errors"][0]


def test_malformed_json_is_400(db):
    resp = APIClient().post("/api/accounts/register/", "{", content_type="application/json")
    assert resp.status_code == 400
    assert resp.json()["detail"].startswith("JSON 格式错误")


def test_deep_json_in_a_multipart_form_field_is_refused_by_name(world):
    client = applicant_client(world)
    pk = client.post("/api/cases/drafts/", {"item": world.item.pk}, format="json").json()["id"]
    resp = client.patch(f"/api/cases/drafts/{pk}/", {"form_data": DEEP_OBJECT}, format="multipart")
    assert resp.status_code == 400
    assert resp.json() == {"form_data": ["JSON 嵌套层数过多：最多 32 层"]}
    assert Case.objects.get(pk=pk).form_data == {}


def test_a_20_mb_form_data_in_a_draft_patch_is_413_and_not_stored(world):
    client = applicant_client(world)
    pk = client.post("/api/cases/drafts/", {"item": world.item.pk}, format="json").json()["id"]
    huge = json.dumps({"form_data": {"shop_name": "x" * (20 * 1024 * 1024)}})
    resp = client.patch(f"/api/cases/drafts/{pk}/", huge, content_type="application/json")
    assert resp.status_code == 413
    assert resp.json() == {"non_field_errors": ["请求内容过大：不能超过 1 MB"]}
    assert Case.objects.get(pk=pk).form_data == {}


def test_a_large_form_field_in_multipart_is_413(world):
    client = applicant_client(world)
    pk = client.post("/api/cases/drafts/", {"item": world.item.pk}, format="json").json()["id"]
    form_data = json.dumps({"shop_name": "x" * (3 * 1024 * 1024)})
    resp = client.patch(f"/api/cases/drafts/{pk}/", {"form_data": form_data}, format="multipart")
    assert resp.status_code == 413
    assert list(resp.json()) == ["non_field_errors"]
    assert Case.objects.get(pk=pk).form_data == {}


@override_settings(GOVSERVE={"API_MAX_UPLOAD_BYTES": 64 * 1024})
def test_a_multipart_body_over_the_upload_cap_is_413(db):
    resp = APIClient().post(
        "/api/licences/verify/", {"file": ("x" * 100 * 1024)}, format="multipart"
    )
    assert resp.status_code == 413
    assert resp.json() == {"non_field_errors": ["请求内容过大：不能超过 64 KB"]}


def test_a_urlencoded_form_over_the_cap_is_413(db):
    body = "q=" + "x" * (1024 * 1024 + 1)
    resp = APIClient().post(
        "/api/workcalendar/due-date/", body, content_type="application/x-www-form-urlencoded"
    )
    assert resp.status_code == 413


def test_a_view_sets_its_own_cap(db, monkeypatch):
    from govserve.workcalendar.api import DueDateView

    body = json.dumps({"start": "2026-09-30", "days": 20})
    monkeypatch.setattr(DueDateView, "max_body_bytes", 2048, raising=False)
    assert APIClient().post(DUE, body, content_type="application/json").status_code == 200
    monkeypatch.setattr(DueDateView, "max_body_bytes", 16)
    resp = APIClient().post(DUE, body, content_type="application/json")
    assert resp.status_code == 413
    assert resp.json() == {"non_field_errors": ["请求内容过大：不能超过 16 B"]}


def test_json_depth_counts_objects_and_arrays_without_recursing():
    assert json_depth(1) == 0
    assert json_depth({"a": [1, {"b": 2}]}) == 3
    assert json_depth(json.loads(nested(900))) == 900
